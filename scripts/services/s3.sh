# Throwaway S3-compatible servers for the test suite: moto's server (PyPI's moto[server], pinned, in its own virtual
# environment under .build/, since Debian's Python refuses pip installs outside one), twice, each on a free loopback
# port, keeping everything in memory, each with the bucket portside-test (see scripts/services/s3_setup.py):
#
# - PORTSIDE_TEST_S3_URL (s3://portside-test?endpoint=...&region=us-east-1): authentication off, for the contract suite
#   and presigned URLs. It accepts any credentials and does not check signatures, nor the expiry of presigned URLs.
# - PORTSIDE_TEST_S3_SIGNED_URL: authentication on, so every request must carry a valid SigV4 signature by the key in
#   PORTSIDE_TEST_S3_ACCESS_KEY_ID / PORTSIDE_TEST_S3_SECRET_ACCESS_KEY (moto recomputes it with botocore) and a wrong
#   one is refused with SignatureDoesNotMatch. Not the contract suite's: moto 5.2.1 then fails presigned URLs (500) and
#   miscomputes signatures whose query holds a `/` (boto3's own ListObjectsV2 with Prefix="a/" is refused too).
# - PORTSIDE_TEST_S3_PYTHON: the virtual environment's Python, whose botocore the presigned URLs are compared with.
#
# Sourced by scripts/test.sh (which provides say, die and apt_install_missing from scripts/lib.sh).

S3_DIR=""
S3_PIDS=()
S3_MOTO_VERSION="5.2.1"
S3_VENV="$PORTSIDE_ROOT/.build/venv-moto"
S3_BUCKET="portside-test"

start_s3() {
    apt_install_missing python3 python3-venv
    if [ "$("$S3_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" != "$S3_MOTO_VERSION" ]; then
        say "installing moto[server]==$S3_MOTO_VERSION into .build/venv-moto"
        rm -rf "$S3_VENV"
        python3 -m venv "$S3_VENV" || die "python3 -m venv failed"
        "$S3_VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$S3_MOTO_VERSION" || die "pip could not install moto[server]"
    fi
    S3_DIR="$(mktemp -d /tmp/portside-s3.XXXXXX)"
    local ports signed open credentials
    # Two ports bound at once, so they are distinct.
    ports="$(python3 -c 'import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
for s in sockets: s.close()')"
    read -r signed open <<<"$ports"
    s3_launch "$signed" signed
    s3_launch "$open" open

    credentials="$("$S3_VENV/bin/python" "$PORTSIDE_ROOT/scripts/services/s3_setup.py" --endpoint "http://127.0.0.1:$signed" \
        --bucket "$S3_BUCKET" --auth 2>"$S3_DIR/setup.log")" || { cat "$S3_DIR/setup.log" >&2; die "could not prepare the S3 server"; }
    "$S3_VENV/bin/python" "$PORTSIDE_ROOT/scripts/services/s3_setup.py" --endpoint "http://127.0.0.1:$open" --bucket "$S3_BUCKET" \
        2>>"$S3_DIR/setup.log" || { cat "$S3_DIR/setup.log" >&2; die "could not prepare the S3 server for presigned URLs"; }

    export PORTSIDE_TEST_S3_URL="s3://$S3_BUCKET?endpoint=http://127.0.0.1:$open&region=us-east-1"
    export PORTSIDE_TEST_S3_SIGNED_URL="s3://$S3_BUCKET?endpoint=http://127.0.0.1:$signed&region=us-east-1"
    read -r PORTSIDE_TEST_S3_ACCESS_KEY_ID PORTSIDE_TEST_S3_SECRET_ACCESS_KEY <<<"$credentials"
    export PORTSIDE_TEST_S3_ACCESS_KEY_ID PORTSIDE_TEST_S3_SECRET_ACCESS_KEY
    # botocore, an independent SigV4 implementation, for the presigned URL cross-check.
    export PORTSIDE_TEST_S3_PYTHON="$S3_VENV/bin/python"
    say "S3 (moto $S3_MOTO_VERSION) on 127.0.0.1:$signed (signatures checked) and 127.0.0.1:$open (contract suite), bucket $S3_BUCKET"
}

# Starts moto_server on port $1 (its log named after $2) and waits up to 15 seconds until it answers.
s3_launch() {
    local port="$1" name="$2" pid
    "$S3_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" </dev/null >"$S3_DIR/moto-$name.log" 2>&1 &
    pid=$!
    S3_PIDS+=("$pid")
    for _ in $(seq 1 150); do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$S3_DIR/moto-$name.log" >&2
            die "moto_server ($name) exited before listening"
        fi
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$S3_DIR/moto-$name.log" >&2
    die "moto_server ($name) did not listen on 127.0.0.1:$port within 15 seconds"
}

stop_s3() {
    [ -n "$S3_DIR" ] || return 0
    local pid
    for pid in "${S3_PIDS[@]}"; do
        if kill "$pid" 2>/dev/null; then
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$S3_DIR"
    S3_DIR=""
    S3_PIDS=()
}
