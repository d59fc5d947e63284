"""Gets an access token from a live Portside the way a client does, and prints it on standard output.

Usage:
  api_account.py register BASE_URL EMAIL PASSWORD MAIL_DIR   register, verify the email from the link in the
                                                             mail file, sign in
  api_account.py login BASE_URL EMAIL PASSWORD               sign in only (an account made another way)

Run by scripts/checks/schemathesis.sh.
"""

import email
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

TIMEOUT = 15


def call(base, method, path, body=None, token=None):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        raise SystemExit(f"api_account: {method} {path} answered {error.code}: {text}") from None


def verification_token(mail_dir, address):
    """The token of the newest verification link sent to `address`; the in-process worker sends it shortly after."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        names = sorted(os.listdir(mail_dir), key=lambda n: os.path.getmtime(os.path.join(mail_dir, n))) if os.path.isdir(mail_dir) else []
        for name in reversed(names):
            with open(os.path.join(mail_dir, name), "rb") as handle:
                message = email.message_from_binary_file(handle)
            if address.lower() not in (message.get("To") or "").lower():
                continue
            for part in message.walk():
                payload = part.get_payload(decode=True)
                found = payload and re.search(rb"verify-email\?token=([A-Za-z0-9_\-.~%]+)", payload)
                if found:
                    return found.group(1).decode()
        time.sleep(0.2)
    raise SystemExit(f"api_account: no verification email to {address} in {mail_dir} within {TIMEOUT}s")


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("register", "login"):
        raise SystemExit(__doc__)
    mode, base, address, password = sys.argv[1:5]
    if mode == "register":
        call(base, "POST", "/api/v1/auth/register", {"name": "Schemathesis", "email": address, "password": password})
        # Verified, so the fuzzer also reaches what needs a verified address (creating examples).
        call(base, "POST", "/api/v1/auth/verify-email", {"token": verification_token(sys.argv[5], address)})
    _, answer = call(base, "POST", "/api/v1/auth/login", {"email": address, "password": password})
    print(answer["data"]["tokens"]["accessToken"])


if __name__ == "__main__":
    main()
