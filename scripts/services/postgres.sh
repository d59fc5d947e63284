# Throwaway PostgreSQL for the test suite: a cluster in a temporary directory on a free loopback port, owned by an
# unprivileged user (PostgreSQL refuses to run as root), removed on stop. It also serves TLS with a certificate for
# 127.0.0.1 and localhost, signed by a throwaway authority. Exports PORTSIDE_TEST_POSTGRES_URL (plain TCP),
# PORTSIDE_TEST_POSTGRES_CA (the authority's certificate, for sslmode=require&sslrootcert=...) and
# PORTSIDE_TEST_POSTGRES_SOCKET_DIR (the directory of its Unix socket, for ?host=).
#
# Sourced by scripts/test.sh (which provides say, die and apt_install_missing from scripts/lib.sh).

POSTGRES_DIR=""
POSTGRES_BIN=""
POSTGRES_OWNER=""

postgres_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$POSTGRES_OWNER" -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        # Only the server binaries: no cluster is created or started by the package itself under CI's policy.
        apt_install_missing postgresql postgresql-client
    fi
    apt_install_missing openssl
    POSTGRES_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    [ -x "$POSTGRES_BIN/initdb" ] || die "PostgreSQL's initdb was not found after installing postgresql"

    POSTGRES_OWNER="$(id -un)"
    if [ "$(id -u)" -eq 0 ]; then
        POSTGRES_OWNER=postgres
        id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    fi
    POSTGRES_DIR="$(mktemp -d /tmp/portside-postgres.XXXXXX)"
    chown "$POSTGRES_OWNER" "$POSTGRES_DIR"
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"

    postgres_as_owner "$POSTGRES_BIN/initdb" --pgdata="$POSTGRES_DIR/data" --username=portside --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$POSTGRES_DIR/initdb.log" 2>&1 \
        || { cat "$POSTGRES_DIR/initdb.log"; die "initdb failed"; }
    make_postgres_certificates
    # Durability is irrelevant for a throwaway cluster; speed is not.
    postgres_as_owner "$POSTGRES_BIN/pg_ctl" --pgdata="$POSTGRES_DIR/data" --log="$POSTGRES_DIR/server.log" --wait \
        -o "-p $port -k $POSTGRES_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c ssl=on -c ssl_cert_file=$POSTGRES_DIR/tls/server.crt -c ssl_key_file=$POSTGRES_DIR/tls/server.key" \
        start >/dev/null || { cat "$POSTGRES_DIR/server.log"; die "PostgreSQL did not start"; }
    postgres_as_owner "$POSTGRES_BIN/createdb" --host=127.0.0.1 --port="$port" --username=portside portside_test \
        || die "createdb failed"
    export PORTSIDE_TEST_POSTGRES_URL="postgres://portside@127.0.0.1:$port/portside_test?sslmode=disable"
    export PORTSIDE_TEST_POSTGRES_CA="$POSTGRES_DIR/tls/ca.crt"
    export PORTSIDE_TEST_POSTGRES_SOCKET_DIR="$POSTGRES_DIR"
    say "PostgreSQL $("$POSTGRES_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

# A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost, valid two days.
make_postgres_certificates() {
    local tls="$POSTGRES_DIR/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Portside test authority" \
        -keyout "$tls/ca.key" -out "$tls/ca.crt" >/dev/null 2>&1 || die "openssl could not make the test authority"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" >/dev/null 2>&1 \
        || die "openssl could not make the server key"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tls/server.ext"
    openssl x509 -req -days 2 -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
        -extfile "$tls/server.ext" -out "$tls/server.crt" >/dev/null 2>&1 || die "openssl could not sign the server certificate"
    chmod 600 "$tls/server.key"
    chmod 755 "$tls"
    chmod 644 "$tls/ca.crt" "$tls/server.crt"
    chown -R "$POSTGRES_OWNER" "$tls"
}

stop_postgres() {
    [ -n "$POSTGRES_DIR" ] || return 0
    postgres_as_owner "$POSTGRES_BIN/pg_ctl" --pgdata="$POSTGRES_DIR/data" --mode=immediate --wait stop >/dev/null 2>&1 || true
    rm -rf "$POSTGRES_DIR"
    POSTGRES_DIR=""
}
