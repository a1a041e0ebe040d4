#!/bin/sh
# Stands in for a static binary (a Rust musl or Go build) added on a pinned base image.
while true; do echo "working"; sleep 30; done
