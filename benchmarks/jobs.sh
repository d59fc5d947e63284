#!/usr/bin/env bash
# Measures the job queue on Redis and email delivery over SMTP with Portside's release build, against the same
# throwaway redis-server and SMTP sink the tests use (scripts/services/), on this machine:
#
#   benchmarks/jobs.sh                          # 20,000 no-op jobs with 8 loops; 500 emails, 8 at once
#   JOBS=50000 CONCURRENCY=16 MESSAGES=1000 benchmarks/jobs.sh
#
# queue-benchmark enqueues the jobs (one Lua script each), then drains them with the real JobRunner and a handler
# that does nothing: each job is a reserve and a complete script. mail-benchmark sends through the SMTP mailer
# (STARTTLS, AUTH PLAIN, one connection per message) to the sink, which writes every message to disk.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$PORTSIDE_ROOT"

JOBS="${JOBS:-20000}"
CONCURRENCY="${CONCURRENCY:-8}"
MESSAGES="${MESSAGES:-500}"

require_swift
apt_install_missing "${RUNTIME_PACKAGES[@]}" python3

say "building the release binary"
swift build -c release --product portside
binary="$PORTSIDE_ROOT/.build/release/portside"

source "$PORTSIDE_ROOT/scripts/services/redis.sh"
source "$PORTSIDE_ROOT/scripts/services/smtp.sh"
trap 'stop_redis; stop_smtp' EXIT
start_redis
start_smtp

say "job queue on Redis ($(nproc) cores, $(date -u +%Y-%m-%d))"
for round in 1 2 3; do
    REDIS_URL="$PORTSIDE_TEST_REDIS_URL" LOG_LEVEL=warning "$binary" queue-benchmark --jobs "$JOBS" --concurrency "$CONCURRENCY"
done

say "emails over SMTP (STARTTLS + AUTH) to the local sink"
mail_url="smtp://$PORTSIDE_TEST_SMTP_USER:$PORTSIDE_TEST_SMTP_PASSWORD@127.0.0.1:$PORTSIDE_TEST_SMTP_PORT?cafile=$PORTSIDE_TEST_SMTP_CA"
for round in 1 2; do
    MAIL_URL="$mail_url" MAIL_FROM="Portside <no-reply@portside.example>" LOG_LEVEL=warning \
        "$binary" mail-benchmark --messages "$MESSAGES" --concurrency "$CONCURRENCY"
done
open_url="smtp://127.0.0.1:$PORTSIDE_TEST_SMTP_OPEN_PORT?starttls=off"
MAIL_URL="$open_url" MAIL_FROM="Portside <no-reply@portside.example>" LOG_LEVEL=warning \
    "$binary" mail-benchmark --messages "$MESSAGES" --concurrency "$CONCURRENCY" | sed 's/$/   (plain SMTP, no TLS or AUTH)/'
