"""Seeds a benchmark server: registers bench@example.com, LOGINS login accounts (login0@example.com ...) and EXAMPLES
examples (1000 unless given), then prints the bench account's access token.

    python3 benchmarks/seed.py PORT [LOGINS [EXAMPLES]]
"""
import json
import sys
import urllib.request

port = sys.argv[1]
logins = int(sys.argv[2]) if len(sys.argv) > 2 else 0
examples = int(sys.argv[3]) if len(sys.argv) > 3 else 1000


def post(path, payload, headers={}):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", **headers}, method="POST")
    return json.load(urllib.request.urlopen(request))


registered = post("/api/v1/auth/register", {"name": "Bench", "email": "bench@example.com", "password": "Passw0rd!"})
token = registered["data"]["tokens"]["accessToken"]
for i in range(logins):
    post("/api/v1/auth/register", {"name": f"Login {i}", "email": f"login{i}@example.com", "password": "Passw0rd!"})
for i in range(examples):
    post("/api/v1/examples", {"name": f"Example {i}", "description": f"Seeded example number {i} for the benchmark"},
         {"Authorization": f"Bearer {token}"})
print(token)
