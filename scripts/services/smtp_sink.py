#!/usr/bin/env python3
"""Throwaway SMTP server for Portside's test suite: accepts mail and keeps it on disk instead of delivering it.

Three listeners on 127.0.0.1, all served until SIGTERM or SIGINT:

- --port: plain SMTP offering STARTTLS; AUTH (PLAIN, LOGIN) only after STARTTLS, and required before MAIL;
- --tls-port: SMTPS (TLS from the first byte) with the same certificate, AUTH required;
- --open-port: plain SMTP without TLS or AUTH, for mailers configured with starttls=off and no credentials.

Every accepted message is written to DIR/messages/NNNNNN.eml (the bytes exactly as received, renamed into place
once complete), then described by one JSON line appended to DIR/messages.jsonl:
{"file", "mail_from", "rcpt_tos", "listener", "tls", "auth_user"}.

Failures the tests can ask for:
- a recipient whose local part is "tempfail" gets 451 4.3.0, "reject" gets 550 5.1.1;
- while the file DIR/busy exists, MAIL FROM gets 421 4.3.2 (a temporary outage without stopping the server).

Writes its process id to DIR/smtp.pid and logs to stderr (AUTH arguments are never logged).
"""

import argparse
import hmac
import json
import logging
import os
import signal
import ssl
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

log = logging.getLogger("portside.smtp_sink")


class SinkSMTP(SMTP):
    """aiosmtpd's SMTP, except that a connection which is TLS from its first byte (SMTPS) counts as encrypted.

    aiosmtpd 1.4 only counts STARTTLS as encryption for auth_require_tls, so it would neither offer nor accept
    AUTH on an implicit-TLS listener; everything else (AUTH required before MAIL, the mechanisms) is unchanged.
    """

    def connection_made(self, transport):
        super().connection_made(transport)
        if transport.get_extra_info("ssl_object") is not None:
            self._auth_require_tls = False


class SinkController(Controller):
    def factory(self):
        return SinkSMTP(self.handler, **self.SMTP_kwargs)


class Sink:
    """The handler of one listener; the three share one Store (each listener runs its own event loop thread)."""

    def __init__(self, directory: Path, listener: str, store: "Store"):
        self.directory = directory
        self.listener = listener
        self.store = store

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if (self.directory / "busy").exists():
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local_part = address.rsplit("@", 1)[0].lower()
        if local_part == "tempfail":
            return "451 4.3.0 Try again later"
        if local_part == "reject":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content
        if content is None:
            content = envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        transport = server.transport
        encrypted = transport is not None and transport.get_extra_info("ssl_object") is not None
        auth_user = session.auth_data if session.authenticated and isinstance(session.auth_data, str) else None
        name = self.store.save(
            content,
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "listener": self.listener,
                "tls": encrypted,
                "auth_user": auth_user,
            },
        )
        log.info("%s: stored %s from %s to %s", self.listener, name, envelope.mail_from, ", ".join(envelope.rcpt_tos))
        return "250 OK"


class Store:
    """DIR/messages/NNNNNN.eml and DIR/messages.jsonl, numbered in the order messages are accepted (thread-safe)."""

    def __init__(self, directory: Path):
        self.messages = directory / "messages"
        self.messages.mkdir(parents=True, exist_ok=True)
        self.index = directory / "messages.jsonl"
        self.index.touch()
        self.lock = threading.Lock()
        self.counter = 0

    def save(self, content: bytes, record: dict) -> str:
        with self.lock:
            self.counter += 1
            name = f"{self.counter:06d}.eml"
            partial = self.messages / f".{name}.partial"
            with open(partial, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, self.messages / name)
            with open(self.index, "a", encoding="utf-8") as file:
                file.write(json.dumps({"file": f"messages/{name}", **record}) + "\n")
                file.flush()
            return name


def make_authenticator(user: str, password: str):
    expected_user = user.encode("utf-8")
    expected_password = password.encode("utf-8")

    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        # Both comparisons always run, so the answer takes as long for a wrong user as for a wrong password.
        user_ok = hmac.compare_digest(auth_data.login, expected_user)
        password_ok = hmac.compare_digest(auth_data.password, expected_password)
        if user_ok and password_ok:
            return AuthResult(success=True, handled=False, auth_data=user)
        log.info("%s: AUTH %s refused", session.peer, mechanism)
        return AuthResult(success=False, handled=False)

    return authenticate


def main() -> int:
    parser = argparse.ArgumentParser(description="Throwaway SMTP server for Portside's tests.")
    parser.add_argument("--port", type=int, required=True, help="plain SMTP with STARTTLS, AUTH required")
    parser.add_argument("--tls-port", type=int, required=True, help="SMTPS (implicit TLS), AUTH required")
    parser.add_argument("--open-port", type=int, required=True, help="plain SMTP, no TLS, no AUTH")
    parser.add_argument("--cert", required=True, help="server certificate (PEM)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--dir", required=True, help="where messages/, messages.jsonl and smtp.pid go")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    pid_file = directory / "smtp.pid"
    pid_file.write_text(f"{os.getpid()}\n")

    stop = threading.Event()

    def request_stop(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)

    store = Store(directory)
    authenticator = make_authenticator(args.user, args.password)
    common = dict(hostname=args.host, server_hostname="localhost", ready_timeout=10.0)
    controllers = [
        SinkController(
            Sink(directory, "starttls", store),
            port=args.port,
            tls_context=tls,
            require_starttls=False,
            auth_required=True,
            auth_require_tls=True,
            authenticator=authenticator,
            ssl_context=None,
            **common,
        ),
        SinkController(
            Sink(directory, "smtps", store),
            port=args.tls_port,
            ssl_context=tls,
            auth_required=True,
            auth_require_tls=True,
            authenticator=authenticator,
            **common,
        ),
        SinkController(
            Sink(directory, "open", store),
            port=args.open_port,
            auth_required=False,
            **common,
        ),
    ]

    started = []
    try:
        for controller in controllers:
            controller.start()
            started.append(controller)
        log.info(
            "listening on %s:%d (STARTTLS), :%d (TLS), :%d (open)", args.host, args.port, args.tls_port, args.open_port
        )
        while not stop.wait(1.0):
            pass
        log.info("stopping")
    finally:
        for controller in reversed(started):
            try:
                controller.stop()
            except Exception:
                log.exception("could not stop a listener cleanly")
        try:
            if pid_file.read_text().strip() == str(os.getpid()):
                pid_file.unlink()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
