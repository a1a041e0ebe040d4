# Shared by the deploy benchmarks (sourced, not run): moto's server on a free loopback port,
# a work directory, both removed on exit, and the AWS settings pointing at that server; and
# the median of numbers on stdin.
#
#   source benches/moto_lib.sh; start_moto     sets PORT, MOTO, WORK
#
# Needs .venv with moto[server] (tests/setup_venv.sh) and runs from the repository root.

start_moto() {
    PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
    .venv/bin/moto_server -H 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
    MOTO=$!
    WORK=$(mktemp -d)
    trap 'kill $MOTO 2>/dev/null || true; rm -rf "$WORK"' EXIT
    for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
    export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
           AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
