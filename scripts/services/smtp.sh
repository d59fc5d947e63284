# Throwaway SMTP server for the test suite: scripts/services/smtp_sink.py (aiosmtpd) on three free loopback ports,
# keeping every accepted message in a temporary directory instead of delivering it, removed on stop.
#
# - PORTSIDE_TEST_SMTP_PORT: plain SMTP with STARTTLS; AUTH (PLAIN, LOGIN) only after STARTTLS, required before MAIL;
# - PORTSIDE_TEST_SMTPS_PORT: SMTPS (TLS from the first byte), AUTH required;
# - PORTSIDE_TEST_SMTP_OPEN_PORT: plain SMTP without TLS or AUTH (for starttls=off and no credentials).
#
# All on PORTSIDE_TEST_SMTP_HOST, with the user PORTSIDE_TEST_SMTP_USER / PORTSIDE_TEST_SMTP_PASSWORD and a certificate
# for 127.0.0.1 and localhost signed by a throwaway authority (PORTSIDE_TEST_SMTP_CA). Messages land in
# $PORTSIDE_TEST_SMTP_DIR/messages/NNNNNN.eml, each described by one line of $PORTSIDE_TEST_SMTP_DIR/messages.jsonl
# (file, mail_from, rcpt_tos, listener, tls, auth_user). Recipients tempfail@... get 451 and reject@... 550; while
# $PORTSIDE_TEST_SMTP_DIR/busy exists, MAIL FROM gets 421.
#
# Sourced by scripts/test.sh (which provides say, die and apt_install_missing from scripts/lib.sh).

SMTP_DIR=""
SMTP_PID=""
# Debian's python3-aiosmtpd belongs to the system interpreter, which another python3 earlier on PATH (pyenv, a
# virtualenv) cannot import it from.
SMTP_PYTHON=/usr/bin/python3

start_smtp() {
    apt_install_missing python3-aiosmtpd openssl
    [ -x "$SMTP_PYTHON" ] || SMTP_PYTHON="$(command -v python3)"
    "$SMTP_PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "$SMTP_PYTHON cannot import aiosmtpd after installing python3-aiosmtpd"
    SMTP_DIR="$(mktemp -d /tmp/portside-smtp.XXXXXX)"
    make_smtp_certificates

    local ports port tls_port open_port password
    # Three ports bound at once, so they are distinct.
    ports="$(python3 -c 'import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
for s in sockets: s.close()')"
    read -r port tls_port open_port <<<"$ports"
    password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"

    "$SMTP_PYTHON" "$PORTSIDE_ROOT/scripts/services/smtp_sink.py" --port "$port" --tls-port "$tls_port" \
        --open-port "$open_port" --cert "$SMTP_DIR/tls/server.crt" --key "$SMTP_DIR/tls/server.key" \
        --user portside --password "$password" --dir "$SMTP_DIR" \
        </dev/null >"$SMTP_DIR/smtp.log" 2>&1 &
    SMTP_PID=$!
    smtp_wait_for "$port" "$tls_port" "$open_port"

    export PORTSIDE_TEST_SMTP_HOST=127.0.0.1
    export PORTSIDE_TEST_SMTP_PORT="$port"
    export PORTSIDE_TEST_SMTPS_PORT="$tls_port"
    export PORTSIDE_TEST_SMTP_OPEN_PORT="$open_port"
    export PORTSIDE_TEST_SMTP_USER=portside
    export PORTSIDE_TEST_SMTP_PASSWORD="$password"
    export PORTSIDE_TEST_SMTP_CA="$SMTP_DIR/tls/ca.crt"
    export PORTSIDE_TEST_SMTP_DIR="$SMTP_DIR"
    say "SMTP sink on 127.0.0.1:$port (STARTTLS), :$tls_port (TLS), :$open_port (open)"
}

# Waits up to 10 seconds until every port given accepts TCP connections.
smtp_wait_for() {
    local port
    for _ in $(seq 1 100); do
        if ! kill -0 "$SMTP_PID" 2>/dev/null; then
            cat "$SMTP_DIR/smtp.log" >&2
            die "the SMTP sink exited before listening"
        fi
        local ready=1
        for port in "$@"; do
            (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { ready=0; break; }
        done
        [ "$ready" -eq 1 ] && return 0
        sleep 0.1
    done
    cat "$SMTP_DIR/smtp.log" >&2
    die "the SMTP sink did not listen on 127.0.0.1:$* within 10 seconds"
}

# A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost, valid two days.
make_smtp_certificates() {
    local tls="$SMTP_DIR/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Portside test authority" \
        -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1 || die "openssl could not make the test authority"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1 \
        || die "openssl could not make the server key"
    printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=critical,CA:FALSE' \
        'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
        'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' >"$tls/server.ext"
    openssl x509 -req -days 2 -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
        -extfile "$tls/server.ext" -out "$tls/server.crt" >/dev/null 2>&1 || die "openssl could not sign the server certificate"
    chmod 600 "$tls/server.key" "$tls/ca.key"
    chmod 644 "$tls/ca.crt" "$tls/server.crt"
}

stop_smtp() {
    [ -n "$SMTP_DIR" ] || return 0
    local pid="$SMTP_PID"
    [ -f "$SMTP_DIR/smtp.pid" ] && pid="$(cat "$SMTP_DIR/smtp.pid" 2>/dev/null || echo "$SMTP_PID")"
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$SMTP_PID" 2>/dev/null || true
    rm -rf "$SMTP_DIR"
    SMTP_DIR=""
    SMTP_PID=""
}
