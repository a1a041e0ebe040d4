#!/usr/bin/env bash
# Install the Debian packages the tests need, when they are missing:
#   buildah          the image builder the publish tests run (daemonless, chroot isolation)
#   podman           the other daemonless builder (`--builder podman`)
#   docker.io        docker's daemon and command line (`--builder docker`; the test starts a
#                    daemon of its own on a private socket)
#   docker-registry  the CNCF distribution registry, on loopback, that images are pushed to
#   apache2-utils    htpasswd, for the registry's Basic auth (bcrypt)
#   graphviz         `dot`, which draws `ferroform graph --format svg|png`
# Needs root (CI runs as root) or sudo; without either it says what to install and stops.
set -euo pipefail

missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v podman >/dev/null || missing+=(podman)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v htpasswd >/dev/null || missing+=(apache2-utils)
command -v dot >/dev/null || missing+=(graphviz)
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "    Debian packages: buildah, podman, dockerd, docker-registry, htpasswd, dot present"
    exit 0
fi
echo "    installing with apt-get: ${missing[*]}"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then
        as_root=(sudo)
    else
        echo "error: not root and no sudo: install ${missing[*]} (apt-get install ${missing[*]})" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q >/dev/null
"${as_root[@]}" apt-get install -y -q "${missing[@]}" >/dev/null
