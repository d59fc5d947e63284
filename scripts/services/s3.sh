# Throwaway S3-compatible server for the test suite: moto's server (PyPI's moto[server], pinned, in its own virtual
# environment under .build/, since Debian's Python refuses pip installs outside one) on a free loopback port, keeping
# everything in memory, with one bucket created. Exports PORTSIDE_TEST_S3_URL (s3://BUCKET?endpoint=...&region=...),
# PORTSIDE_TEST_S3_ACCESS_KEY_ID and PORTSIDE_TEST_S3_SECRET_ACCESS_KEY.
#
# moto accepts any credentials and does not check signatures, expiry or tampering of presigned URLs; the signer is
# checked against AWS's published examples instead (Tests/StorageAdapterTests/SigV4SignerTests.swift).
#
# Sourced by scripts/test.sh (which provides say, die and apt_install_missing from scripts/lib.sh).

S3_DIR=""
S3_PID=""
S3_MOTO_VERSION="5.2.1"
S3_VENV="$PORTSIDE_ROOT/.build/venv-moto"

start_s3() {
    apt_install_missing python3 python3-venv
    if [ "$("$S3_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" != "$S3_MOTO_VERSION" ]; then
        say "installing moto[server]==$S3_MOTO_VERSION into .build/venv-moto"
        rm -rf "$S3_VENV"
        python3 -m venv "$S3_VENV" || die "python3 -m venv failed"
        "$S3_VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$S3_MOTO_VERSION" || die "pip could not install moto[server]"
    fi
    S3_DIR="$(mktemp -d /tmp/portside-s3.XXXXXX)"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    "$S3_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" </dev/null >"$S3_DIR/moto.log" 2>&1 &
    S3_PID=$!

    local bucket="portside-test" endpoint="http://127.0.0.1:$port" ready=0
    for _ in $(seq 1 150); do
        if ! kill -0 "$S3_PID" 2>/dev/null; then
            cat "$S3_DIR/moto.log" >&2
            die "moto_server exited before listening"
        fi
        # Creating the bucket is the readiness probe: it succeeds once the server answers.
        if "$S3_VENV/bin/python" - "$endpoint/$bucket" <<'PY' >/dev/null 2>&1; then
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="PUT"), timeout=2)
PY
            ready=1
            break
        fi
        sleep 0.1
    done
    if [ "$ready" -ne 1 ]; then
        cat "$S3_DIR/moto.log" >&2
        die "moto_server did not answer on $endpoint within 15 seconds"
    fi

    export PORTSIDE_TEST_S3_URL="s3://$bucket?endpoint=$endpoint&region=us-east-1"
    export PORTSIDE_TEST_S3_ACCESS_KEY_ID="portside-test"
    PORTSIDE_TEST_S3_SECRET_ACCESS_KEY="$(python3 -c 'import secrets; print(secrets.token_hex(20))')"
    export PORTSIDE_TEST_S3_SECRET_ACCESS_KEY
    say "S3 (moto $S3_MOTO_VERSION) on $endpoint, bucket $bucket"
}

stop_s3() {
    [ -n "$S3_DIR" ] || return 0
    if [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null; then
        for _ in $(seq 1 50); do
            kill -0 "$S3_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$S3_PID" 2>/dev/null || true
    fi
    wait "$S3_PID" 2>/dev/null || true
    rm -rf "$S3_DIR"
    S3_DIR=""
    S3_PID=""
}
