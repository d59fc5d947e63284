"""The load driver of benchmarks/soak.sh: mixed traffic over several `portside serve` instances for a duration,
a SIGTERM to one of them midway, and a check that nothing it accepted was lost.

    python3 benchmarks/soak.py --instance a=PORT_A:PIDFILE_A --instance b=PORT_B:PIDFILE_B \
        --process worker:PIDFILE_W --duration 600 --out summary.json

Every client thread signs in as one account (login0@example.com ... from benchmarks/seed.py) and then, on
keep-alive connections (http.client), one per instance, sends a weighted mix: the examples list, one example by
id, /users/me, creating, renaming and deleting its own examples, and refreshing its session. Refresh tokens rotate
and a spent one revokes the session, so each thread refreshes with the token its previous refresh returned, one at
a time. A separate thread signs in LOGIN_RATE times a second (Argon2id is expensive, so logins are few).

Like a load balancer, the driver sends only to the instances whose /api/v1/health/ready answered 200 at the last
probe (every PROBE_INTERVAL seconds); an instance that stops being ready is left at once, and its connections
are dropped, so an instance that comes back gets fresh ones. A connection refused by an instance that was sent
SIGTERM is not a loss: the request goes to another instance, as a balancer would retry it.

Every request is counted; an answer that is not 2xx, a timeout, a reset or an incomplete answer is an error.
Every INTERVAL seconds it prints one line: requests per second of each kind and instance, the p99 latency of the
interval, errors, the resident memory (VmRSS) of each process, Redis's used_memory and key count, the outbox rows
not relayed yet, and the load average (other work on the same cores changes every number). At the end it prints a
summary, writes it as JSON, and exits 1 when there was an error or the terminated instance lost a request.
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time

PASSWORD = "Passw0rd!"
# Weights of the request kinds each client thread draws from (logins have a thread of their own).
MIX = {"list": 30, "get": 25, "me": 20, "create": 8, "patch": 7, "delete": 5, "refresh": 5}
KINDS = ["list", "get", "me", "create", "patch", "delete", "refresh", "login"]

parser = argparse.ArgumentParser()
parser.add_argument("--instance", action="append", required=True, help="NAME=PORT:PIDFILE of a serve instance")
parser.add_argument("--process", action="append", default=[], help="NAME:PIDFILE of another process to watch")
parser.add_argument("--redis-port", type=int, default=0)
parser.add_argument("--database-url", default="", help="PostgreSQL URL, to sample the outbox backlog with psql")
parser.add_argument("--duration", type=float, required=True, help="seconds of traffic")
parser.add_argument("--threads", type=int, default=16)
parser.add_argument("--login-rate", type=float, default=2.0, help="logins per second")
parser.add_argument("--interval", type=float, default=10.0)
parser.add_argument("--probe-interval", type=float, default=0.5)
parser.add_argument("--sigterm", default="", help="NAME of the instance sent SIGTERM midway ('' for none)")
parser.add_argument("--signal", default="TERM", help="TERM, or KILL to check that the driver does see losses")
parser.add_argument("--sigterm-at", type=float, default=0.0, help="seconds in (default: half the duration)")
parser.add_argument("--out", required=True)
args = parser.parse_args()

started = time.monotonic()


def now():
    return time.monotonic() - started


def log(message):
    print(f"[{now():7.1f}s] {message}", flush=True)


class Instance:
    def __init__(self, spec):
        name, rest = spec.split("=", 1)
        port, pidfile = rest.split(":", 1)
        self.name, self.port, self.pidfile = name, int(port), pidfile
        self.ready = False
        self.generation = 0      # bumped whenever the instance leaves or rejoins the rotation
        self.transitions = []    # (seconds, "ready" | "not ready: ...")

    def pid(self):
        try:
            with open(self.pidfile) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None


instances = [Instance(spec) for spec in args.instance]
by_name = {i.name: i for i in instances}
watched = [(i.name, i.pid) for i in instances]
for spec in args.process:
    name, pidfile = spec.split(":", 1)
    watched.append((name, lambda pidfile=pidfile: Instance(f"x=0:{pidfile}").pid()))

lock = threading.Lock()
stop = threading.Event()


class Stats:
    """Counts of one interval (and, in `total`, of the whole run)."""

    def __init__(self):
        self.count = {k: 0 for k in KINDS}
        self.by_instance = {i.name: 0 for i in instances}
        self.latencies = []
        self.errors = 0


interval_stats = Stats()
total = Stats()
error_samples = []           # the first errors, for the report
error_kinds = {}             # "kind: reason" -> count
refused_after_stop = 0       # connections refused by the terminated instance, retried elsewhere

# Requests in flight: id -> (instance, kind, started). At SIGTERM the ids in flight on that instance are kept in
# `watch`, and every request sent to it afterwards joins them, with its outcome recorded when it ends.
inflight = {}
next_request_id = 0
sigterm = {"time": None, "instance": None, "tracking": False, "in_flight": [], "outcomes": {}, "sent_after": 0}


def record(instance, kind, request_id, seconds, error):
    global refused_after_stop
    with lock:
        inflight.pop(request_id, None)
        if request_id in sigterm["outcomes"]:
            sigterm["outcomes"][request_id] = error or "ok"
        if error == "refused":
            refused_after_stop += 1
            return
        for s in (interval_stats, total):
            s.count[kind] += 1
            s.by_instance[instance.name] += 1
            if error:
                s.errors += 1
        interval_stats.latencies.append(seconds)
        if error:
            key = f"{kind} on {instance.name}: {error}"
            error_kinds[key] = error_kinds.get(key, 0) + 1
            if len(error_samples) < 20:
                error_samples.append(f"{now():.1f}s {key}")


def begin(instance, kind):
    global next_request_id
    with lock:
        next_request_id += 1
        request_id = next_request_id
        inflight[request_id] = (instance.name, kind, now())
        if sigterm["tracking"] and sigterm["instance"] == instance.name:
            sigterm["outcomes"][request_id] = None
            sigterm["sent_after"] += 1
    return request_id


class Refused(Exception):
    pass


def ready_instances():
    return [i for i in instances if i.ready]


class Client:
    """One keep-alive connection per instance, dropped when the instance leaves the rotation."""

    def __init__(self):
        self.connections = {}

    def connection(self, instance):
        held = self.connections.get(instance.name)
        if held and held[0] == instance.generation:
            return held[1]
        if held:
            held[1].close()
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=30)
        try:
            connection.connect()
        except ConnectionRefusedError:
            raise Refused()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connections[instance.name] = (instance.generation, connection)
        return connection

    def drop(self, instance):
        held = self.connections.pop(instance.name, None)
        if held:
            held[1].close()

    def call(self, kind, method, path, body=None, token=None, instance=None):
        """Sends one request to the given instance or a ready one; returns (status, parsed JSON or None)."""
        while True:
            target = instance
            if target is None:
                candidates = ready_instances()
                if not candidates:
                    if stop.is_set():
                        return None, None
                    time.sleep(0.05)
                    continue
                target = random.choice(candidates)
            request_id = begin(target, kind)
            headers = {"Content-Type": "application/json"} if body is not None else {}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            t0 = time.monotonic()
            try:
                connection = self.connection(target)
                connection.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                                   headers=headers)
                response = connection.getresponse()
                data = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    self.drop(target)
            except Refused:
                # Refused by the instance that was sent SIGTERM after it stopped listening: not a loss; the
                # request goes to another instance. Refused by any other instance: an error.
                if sigterm["instance"] == target.name and instance is None:
                    record(target, kind, request_id, 0, "refused")
                    continue
                record(target, kind, request_id, time.monotonic() - t0, "connection refused")
                return None, None
            except Exception as error:  # a reset, a timeout, an incomplete answer
                self.drop(target)
                record(target, kind, request_id, time.monotonic() - t0, type(error).__name__)
                return None, None
            seconds = time.monotonic() - t0
            ok = 200 <= status < 300
            record(target, kind, request_id, seconds, None if ok else f"HTTP {status}")
            if not ok:
                return status, None
            try:
                return status, json.loads(data) if data else None
            except ValueError:
                return status, None


def login(client, email, instance=None):
    status, answer = client.call("login", "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD},
                                 instance=instance)
    return answer["data"]["tokens"] if answer else None


def user_thread(number, seeded_ids):
    """One signed-in user: the weighted mix, on its own session, until the end."""
    client = Client()
    email = f"login{number}@example.com"
    tokens = None
    while tokens is None and not stop.is_set():
        tokens = login(client, email)
    own = []           # ids of the examples this user created and has not deleted
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    n = 0
    while not stop.is_set():
        kind = random.choices(kinds, weights)[0]
        if kind in ("patch", "delete") and not own:
            kind = "create"
        n += 1
        if kind == "list":
            client.call(kind, "GET", f"/api/v1/examples?limit=10&page={random.randint(1, 10)}")
        elif kind == "get":
            client.call(kind, "GET", f"/api/v1/examples/{random.choice(seeded_ids)}")
        elif kind == "me":
            client.call(kind, "GET", "/api/v1/users/me", token=tokens["accessToken"])
        elif kind == "create":
            _, answer = client.call(kind, "POST", "/api/v1/examples",
                                    {"name": f"Soak {number}-{n}", "description": "written by the soak test"},
                                    token=tokens["accessToken"])
            if answer:
                own.append(answer["data"]["id"])
        elif kind == "patch":
            client.call(kind, "PATCH", f"/api/v1/examples/{random.choice(own)}", {"name": f"Renamed {number}-{n}"},
                        token=tokens["accessToken"])
        elif kind == "delete":
            client.call(kind, "DELETE", f"/api/v1/examples/{own.pop(random.randrange(len(own)))}",
                        token=tokens["accessToken"])
        elif kind == "refresh":
            # Always the refresh token the previous refresh (or login) returned: a spent one revokes the session.
            _, answer = client.call(kind, "POST", "/api/v1/auth/refresh-token",
                                    {"refreshToken": tokens["refreshToken"]})
            if answer:
                tokens = answer["data"]
            else:
                # The session may be gone (refused refresh); sign in again so the thread keeps working.
                fresh = None
                while fresh is None and not stop.is_set():
                    fresh = login(client, email)
                tokens = fresh or tokens


def login_thread():
    """LOGIN_RATE sign-ins a second, over the accounts, on a paced schedule."""
    client = Client()
    period = 1.0 / args.login_rate
    next_at = time.monotonic()
    n = 0
    while not stop.is_set():
        login(client, f"login{n % args.threads}@example.com")
        n += 1
        next_at += period
        time.sleep(max(0.0, next_at - time.monotonic()))


def probe_thread(instance):
    """The load balancer's readiness probe: a fresh connection to /api/v1/health/ready every PROBE_INTERVAL."""
    last_reason = ""
    while not stop.is_set():
        reason = None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=2)
            connection.request("GET", "/api/v1/health/ready")
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                reason = f"HTTP {response.status}"
        except ConnectionRefusedError:
            reason = "connection refused"
        except Exception as error:
            reason = type(error).__name__
        is_ready = reason is None
        if is_ready != instance.ready:
            with lock:
                instance.ready = is_ready
                instance.generation += 1
                # Requests sent to the terminated instance are tracked until it is back in the rotation.
                if is_ready and sigterm["instance"] == instance.name:
                    sigterm["tracking"] = False
            log(f"instance {instance.name}: {'ready, in the rotation' if is_ready else 'not ready (' + reason + '), left'}")
        if (reason or "ready") != last_reason:
            last_reason = reason or "ready"
            instance.transitions.append((round(now(), 2), "ready" if is_ready else f"not ready: {reason}"))
        stop.wait(args.probe_interval)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def redis_used_memory():
    if not args.redis_port:
        return None
    try:
        output = subprocess.run(["redis-cli", "-p", str(args.redis_port), "info", "memory"], capture_output=True,
                                text=True, timeout=5).stdout
        for line in output.splitlines():
            if line.startswith("used_memory:"):
                return int(line.split(":")[1]) // 1024
    except Exception:
        pass
    return None


def redis_keys():
    if not args.redis_port:
        return None
    try:
        return int(subprocess.run(["redis-cli", "-p", str(args.redis_port), "dbsize"], capture_output=True, text=True,
                                  timeout=5).stdout.strip())
    except Exception:
        return None


def outbox_backlog():
    """Rows in the outbox not relayed yet: every serve and worker relays it, so it should stay near zero."""
    if not args.database_url:
        return None
    try:
        return int(subprocess.run(["psql", args.database_url, "-Atc", "SELECT count(*) FROM outbox"],
                                  capture_output=True, text=True, timeout=5).stdout.strip())
    except Exception:
        return None


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


intervals = []
memory = {name: [] for name, _ in watched}   # name -> [(seconds, pid, kib)]
memory["redis"] = []
backlog = []   # (seconds, Redis keys, outbox rows not relayed yet)


def sample_memory(at):
    for name, pid_of in watched:
        pid = pid_of()
        kib = rss_kib(pid) if pid else None
        memory[name].append((round(at, 1), pid, kib))
    memory["redis"].append((round(at, 1), None, redis_used_memory()))
    backlog.append((round(at, 1), redis_keys(), outbox_backlog()))


def header():
    print("Each line: requests per second of each kind and sent to each instance (->a, ->b), in all, the p99 latency "
          "of the interval, errors, then the resident memory (VmRSS, MiB) of each process and Redis's used_memory (MiB), "
          "the keys in Redis, the outbox rows not relayed yet, and the machine's load average over the last minute.",
          flush=True)
    kinds = " ".join(f"{k:>7}" for k in KINDS)
    inst = " ".join(f"{'->' + i.name:>6}" for i in instances)
    rss = " ".join(f"{name[:9]:>9}" for name, _ in watched)
    print(f"{'time':>6} {kinds} {inst} {'req/s':>7} {'p99 ms':>7} {'errors':>6} {rss} {'redis':>9} {'keys':>8} {'outbox':>6} {'load':>5}", flush=True)


def report_interval(seconds):
    global interval_stats
    with lock:
        s, interval_stats = interval_stats, Stats()
    at = now()
    sample_memory(at)
    p99 = percentile(s.latencies, 0.99)
    row = {"t": round(at, 1), "rps": {k: s.count[k] / seconds for k in KINDS},
           "instances": {k: v / seconds for k, v in s.by_instance.items()},
           "total_rps": sum(s.count.values()) / seconds, "p99_ms": p99 * 1000 if p99 is not None else None,
           "errors": s.errors, "rss_kib": {name: memory[name][-1][2] for name in memory},
           "redis_keys": backlog[-1][1], "outbox": backlog[-1][2], "load": os.getloadavg()[0]}
    intervals.append(row)
    kinds = " ".join(f"{row['rps'][k]:7.1f}" for k in KINDS)
    inst = " ".join(f"{row['instances'][i.name]:6.0f}" for i in instances)
    mib = lambda kib: f"{kib / 1024:9.1f}" if kib is not None else f"{'-':>9}"
    rss = " ".join(mib(row["rss_kib"][name]) for name, _ in watched)
    p99_text = f"{row['p99_ms']:7.1f}" if row["p99_ms"] is not None else f"{'-':>7}"
    print(f"{at:5.0f}s {kinds} {inst} {row['total_rps']:7.0f} {p99_text} {s.errors:6d} {rss} {mib(row['rss_kib']['redis'])} {str(row['redis_keys']):>8} {str(row['outbox']):>6} {row['load']:5.2f}",
          flush=True)


def send_sigterm(instance):
    """Sends SIGTERM to the instance while logins (each a 55 ms+ Argon2id hash) are in flight on it, so the
    drain is tested with requests the instance has accepted and not yet answered."""
    pid = instance.pid()
    burst = []
    sent = threading.Barrier(7)

    def one_login(number):
        client = Client()
        request_id = begin(instance, "login")
        t0 = time.monotonic()
        try:
            connection = client.connection(instance)
            connection.request("POST", "/api/v1/auth/login",
                               body=json.dumps({"email": f"login{number}@example.com", "password": PASSWORD}).encode(),
                               headers={"Content-Type": "application/json"})
            sent.wait(5)
            response = connection.getresponse()
            response.read()
            ok = 200 <= response.status < 300
            record(instance, "login", request_id, time.monotonic() - t0, None if ok else f"HTTP {response.status}")
        except threading.BrokenBarrierError:
            record(instance, "login", request_id, time.monotonic() - t0, "barrier")
        except Exception as error:
            record(instance, "login", request_id, time.monotonic() - t0, type(error).__name__)
        finally:
            client.drop(instance)

    for number in range(6):
        thread = threading.Thread(target=one_login, args=(number % args.threads,), daemon=True)
        thread.start()
        burst.append(thread)
    sent.wait(5)
    time.sleep(0.02)  # the six requests are read and hashing
    with lock:
        sigterm["time"] = now()
        sigterm["instance"] = instance.name
        sigterm["tracking"] = True
        sigterm["pid"] = pid
        ids = [rid for rid, (name, _, _) in inflight.items() if name == instance.name]
        sigterm["in_flight"] = [(rid, inflight[rid][1]) for rid in ids]
        for rid in ids:
            sigterm["outcomes"][rid] = None
        os.kill(pid, getattr(signal, "SIG" + args.signal))
    log(f"SIG{args.signal} sent to instance {instance.name} (pid {pid}) with {len(ids)} requests in flight on it: "
        + ", ".join(sorted({kind for _, kind in sigterm['in_flight']})))
    for thread in burst:
        thread.join()


def main():
    for instance in instances:
        threading.Thread(target=probe_thread, args=(instance,), daemon=True).start()
    deadline = time.monotonic() + 30
    while not all(i.ready for i in instances):
        if time.monotonic() > deadline:
            sys.exit("instances not ready after 30 s")
        time.sleep(0.1)

    # The seeded examples (never deleted during the run, so reading one by id always answers 200).
    seeded = []
    for page in range(1, 11):
        connection = http.client.HTTPConnection("127.0.0.1", instances[0].port, timeout=30)
        connection.request("GET", f"/api/v1/examples?limit=100&page={page}")
        seeded += [item["id"] for item in json.loads(connection.getresponse().read())["data"]]
        connection.close()
    if not seeded:
        sys.exit("no seeded examples")

    sample_memory(0.0)
    header()
    workers = [threading.Thread(target=user_thread, args=(n, seeded), daemon=True) for n in range(args.threads)]
    workers.append(threading.Thread(target=login_thread, daemon=True))
    begin_at = time.monotonic()
    for thread in workers:
        thread.start()
    sigterm_at = args.sigterm_at or args.duration / 2
    sigterm_done = not args.sigterm
    last = begin_at
    while True:
        remaining = begin_at + args.duration - time.monotonic()
        if remaining <= 0:
            break
        if not sigterm_done and time.monotonic() - begin_at >= sigterm_at:
            sigterm_done = True
            threading.Thread(target=send_sigterm, args=(by_name[args.sigterm],), daemon=True).start()
        time.sleep(min(0.1, remaining))
        if time.monotonic() - last >= args.interval:
            report_interval(time.monotonic() - last)
            last = time.monotonic()
    stop.set()
    for thread in workers:
        thread.join(timeout=40)
    if time.monotonic() - last > 0.5:
        report_interval(time.monotonic() - last)
    summarise(time.monotonic() - begin_at)


def summarise(elapsed):
    requests = sum(total.count.values())
    p99s = [r["p99_ms"] for r in intervals if r["p99_ms"] is not None]
    outcomes = sigterm["outcomes"]
    in_flight_ids = {rid for rid, _ in sigterm["in_flight"]}
    # Lost: a reset, a timeout or an incomplete answer (None: no outcome at all by the end).
    lost = {rid: o for rid, o in outcomes.items()
            if o is not None and o not in ("ok", "refused") and not o.startswith("HTTP")}
    answered_not_2xx = {rid: o for rid, o in outcomes.items() if (o or "").startswith("HTTP")}
    summary = {
        "seconds": round(elapsed, 1), "requests": requests, "errors": total.errors,
        "requests_by_kind": total.count, "requests_by_instance": total.by_instance,
        "mean_rps": round(requests / elapsed, 1),
        "p99_ms_min": round(min(p99s), 1) if p99s else None, "p99_ms_max": round(max(p99s), 1) if p99s else None,
        "error_kinds": error_kinds, "error_samples": error_samples,
        "refused_after_stop_retried": refused_after_stop,
        "transitions": {i.name: i.transitions for i in instances},
        "memory": memory, "backlog": backlog, "intervals": intervals,
    }
    if sigterm["time"] is not None:
        summary["sigterm"] = {
            "instance": sigterm["instance"], "pid": sigterm.get("pid"), "at": round(sigterm["time"], 2),
            "in_flight": len(in_flight_ids),
            "in_flight_kinds": sorted(kind for _, kind in sigterm["in_flight"]),
            "in_flight_ok": sum(1 for rid in in_flight_ids if outcomes.get(rid) == "ok"),
            "sent_after": sigterm["sent_after"],
            "sent_after_ok": sum(1 for rid, o in outcomes.items() if rid not in in_flight_ids and o == "ok"),
            "refused": sum(1 for o in outcomes.values() if o == "refused"),
            "answered_not_2xx": len(answered_not_2xx),
            "unfinished": sum(1 for o in outcomes.values() if o is None),
            "lost": len(lost) + sum(1 for o in outcomes.values() if o is None),
            "lost_reasons": sorted(set(str(o) for o in lost.values())),
        }

    print()
    cpu = os.times()
    summary["driver_cores"] = round((cpu.user + cpu.system) / elapsed, 2)
    print(f"requests {requests} in {elapsed:.0f} s ({requests / elapsed:.0f}/s), errors {total.errors}; "
          f"the driver itself kept {summary['driver_cores']} cores busy")
    print("by kind: " + ", ".join(f"{k} {v}" for k, v in total.count.items()))
    print("by instance: " + ", ".join(f"{k} {v}" for k, v in total.by_instance.items()))
    if p99s:
        print(f"p99 per {args.interval:.0f} s interval: min {min(p99s):.1f} ms, max {max(p99s):.1f} ms")
    for key, count in sorted(error_kinds.items()):
        print(f"  error {key}: {count}")
    # Resident memory of each process (per pid: a restarted instance is a new process): at the start, after a
    # minute of warm-up (pools, caches and allocator arenas filled), at the end, and the trend over the samples
    # after the warm-up (least squares, MiB per minute): a leak shows as a trend that does not flatten.
    summary["memory_summary"] = {}
    for name, samples in memory.items():
        known = [(t, pid, kib) for t, pid, kib in samples if kib is not None]
        for pid in dict.fromkeys(pid for _, pid, _ in known):
            series = [(t, kib / 1024) for t, p, kib in known if p == pid]
            first, last = series[0], series[-1]
            warm = next(((t, m) for t, m in series if t >= 60), None)
            tail = [(t, m) for t, m in series if t >= 60]
            trend = None
            if len(tail) >= 3:
                mt = sum(t for t, _ in tail) / len(tail)
                mm = sum(m for _, m in tail) / len(tail)
                trend = 60 * sum((t - mt) * (m - mm) for t, m in tail) / sum((t - mt) ** 2 for t, _ in tail)
            label = f"{name} (pid {pid})" if pid else name
            summary["memory_summary"][label] = {"start": first, "warm": warm, "end": last,
                                                "max": max(m for _, m in series), "trend_mib_per_min": trend}
            text = f"memory {label:24} start {first[1]:6.1f} MiB"
            if warm:
                text += f", at {warm[0]:4.0f} s {warm[1]:6.1f}"
            text += f", end ({last[0]:4.0f} s) {last[1]:6.1f}, max {max(m for _, m in series):6.1f}"
            if warm:
                text += f"; since {warm[0]:.0f} s {last[1] - warm[1]:+.1f} MiB"
            if trend is not None:
                text += f", trend {trend:+.2f} MiB/min"
            print(text)
    if sigterm["time"] is not None:
        s = summary["sigterm"]
        kinds_text = ", ".join(f"{k} x{s['in_flight_kinds'].count(k)}" for k in sorted(set(s["in_flight_kinds"])))
        print(f"SIG{args.signal} to {s['instance']} at {s['at']:.1f} s: {s['in_flight']} requests in flight ({kinds_text}), "
              f"{s['in_flight_ok']} answered 2xx; {s['sent_after']} more sent to it until it was back in the rotation: "
              f"{s['sent_after_ok']} answered 2xx, {s['refused']} refused once it had stopped listening (sent to "
              f"another instance); lost: {s['lost']} {' '.join(s['lost_reasons'])}")
        for instance in instances:
            print(f"  instance {instance.name}: " + ", ".join(f"{t:.2f} s {what}" for t, what in instance.transitions))
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=1)
    failed = total.errors > 0 or (sigterm["time"] is not None and summary["sigterm"]["lost"] > 0)
    print("RESULT: " + ("FAILED" if failed else "passed"), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
