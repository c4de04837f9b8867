#!/usr/bin/env python3
"""Soak test of a running wardend (started by Scripts/soak): many concurrent clients send a mix
of successes, every error category, timeouts, hostile scripts, streamed and abandoned streams,
for a bounded number of executions and a bounded time. Then it checks that

- the daemon still answers (health, and a fresh execution);
- every answer was valid JSON: a result matching docs/result.schema.json (200), an error body
  of the SPEC's shape (429 with Retry-After), or a well-formed NDJSON stream;
- every accepted execution has exactly one history record, none is left running, and no
  refused request has one;
- the daemon's open descriptors, threads, memory and child processes are back to their level
  after the warm-up.

Standard library only. Prints a summary; exit status 0 when every check passed.
"""
import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- HTTP over the Unix socket ------------------------------------------------------------------

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.path)
        self.sock = sock


def request(path, method, url, body=None, headers=None, timeout=120):
    connection = UnixConnection(path, timeout)
    try:
        connection.request(method, url, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()
    finally:
        connection.close()


# --- a small JSON-schema validator (the keywords docs/result.schema.json uses) -------------------

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def violations(schema, value, root, where="$"):
    if schema is True or schema is None:
        return []
    if schema is False:
        return ["%s: not allowed" % where]
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return violations(target, value, root, where)
    found = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(TYPES[k](value) for k in kinds):
            return ["%s: expected %s, got %s" % (where, kind, type(value).__name__)]
    if "const" in schema and value != schema["const"]:
        found.append("%s: expected %r" % (where, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        found.append("%s: %r not in %r" % (where, value, schema["enum"]))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "minimum" in schema:
        if value < schema["minimum"]:
            found.append("%s: below %r" % (where, schema["minimum"]))
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            found.append("%s: shorter than %d" % (where, schema["minLength"]))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append("%s: does not match %s" % (where, schema["pattern"]))
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append("%s: missing %s" % (where, name))
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name in properties:
                found += violations(properties[name], item, root, "%s.%s" % (where, name))
            elif "additionalProperties" in schema:
                found += violations(schema["additionalProperties"], item, root, "%s.%s" % (where, name))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += violations(schema["items"], item, root, "%s[%d]" % (where, index))
    if "anyOf" in schema and not any(not violations(s, value, root, where) for s in schema["anyOf"]):
        found.append("%s: matches none of anyOf" % where)
    if "not" in schema and not violations(schema["not"], value, root, where):
        found.append("%s: matches 'not'" % where)
    if "if" in schema:
        branch = schema.get("then") if not violations(schema["if"], value, root, where) else schema.get("else")
        if branch is not None:
            found += violations(branch, value, root, where)
    return found


# --- the mix ------------------------------------------------------------------------------------

def adversarial(name):
    """A hostile script of Tests/Adversarial with its request and expected category."""
    text = open(os.path.join(REPO, "Tests", "Adversarial", name), encoding="utf-8").read()
    body = {}
    expected = None
    for line in text.splitlines()[:12]:
        if line.startswith("# request:"):
            body = json.loads(line[len("# request:"):])
        if line.startswith("# expect:"):
            match = re.search(r"category=(\w+)", line)
            expected = match.group(1) if match else ("success" if "success=true" in line else None)
    body["code"] = text
    return body, expected


HOSTILE = [
    "fork_bomb_os_fork.py", "memory_bomb_bytearray.py", "timeout_forked_survivor.py", "fake_report_fd3.py",
    "read_etc_shadow.py", "socket_inet_tcp.py", "exec_shell.py", "kill_self.py", "thread_bomb.py",
    "orphan_holds_pipes.py", "kill_all_minus_one.py", "syscall_ptrace.py",
]


def build_mix():
    quick = {"timeout_seconds": 0.3}
    cases = [
        # (weight, name, body, expected category or "success", mode)
        (40, "print", {"code": "print('hello')"}, "success", "plain"),
        (8, "compute", {"code": "total = sum(i * i for i in range(20000))\ntotal"}, "success", "plain"),
        (3, "warning", {"code": "import warnings\nwarnings.warn('soak')\nprint(1)"}, "success", "plain"),
        (6, "syntax", {"code": "x = 1\nif x = 5:\n    print(x)\n"}, "syntax_error", "plain"),
        (8, "runtime", {"code": "total = 10\nprint(totl / 2)\n"}, "runtime_error", "plain"),
        (3, "import", {"code": "import no_such_module_soak\n"}, "import_error", "plain"),
        (4, "security", {"code": "import os\nos.listdir('/')\n"}, "security_error", "plain"),
        (2, "timeout-sleep", {"code": "import time\ntime.sleep(5)\n", "limits": quick}, "timeout_error", "plain"),
        (2, "timeout-loop", {"code": "while True:\n    pass\n", "limits": quick}, "timeout_error", "plain"),
        (3, "memory", {"code": "data = bytearray(400 << 20)\ndata[::4096] = b'x' * len(data[::4096])\n",
                       "limits": {"memory_mb": 50}}, "memory_error", "plain"),
        (2, "resource", {"code": "open('big', 'wb').write(b'x' * (4 << 20))\n", "security_level": "standard",
                         "limits": {"max_file_bytes": 1 << 20}}, "resource_error", "plain"),
        (4, "stream", {"code": "for i in range(3):\n    print(i, flush=True)\n"}, "success", "stream"),
        (1, "abandon", {"code": "import time\nprint('go', flush=True)\ntime.sleep(30)\n"}, "system_error", "abandon"),
    ]
    for name in HOSTILE:
        body, expected = adversarial(name)
        cases.append((4.0 / len(HOSTILE), "hostile:" + name, body, expected, "hostile"))
    return cases


# --- the daemon's resources ---------------------------------------------------------------------

def daemon_resources(pid):
    status = open("/proc/%d/status" % pid).read()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return {
        "fds": len(os.listdir("/proc/%d/fd" % pid)),
        "threads": int(fields["Threads"].strip()),
        "rss_mib": int(fields["VmRSS"].split()[0]) / 1024.0,
        "children": busy_children(pid),
    }


def busy_children(pid):
    """Descendants of the daemon, not counting the zygotes (`--zygote`, they never run user
    code) and the pre-started workers still waiting for a job (the daemon's or a zygote's)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = open("/proc/%s/status" % entry).read()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("State", "").strip().startswith("Z"):
            continue
        parents[int(entry)] = int(fields.get("PPid", "0").strip() or 0)
    zygotes = {child for child, parent in parents.items() if parent == pid and b"--zygote" in command_line(child)}
    count = 0
    for child in parents:
        if child in zygotes:
            continue
        if parents[child] in zygotes | {pid} and waiting_worker(child):
            continue
        current = child
        for _ in range(64):
            parent = parents.get(current)
            if parent is None:
                break
            if parent == pid:
                count += 1
                break
            current = parent
    return count


def command_line(pid):
    try:
        return open("/proc/%d/cmdline" % pid, "rb").read()
    except OSError:
        return b""


def waiting_worker(pid):
    command = command_line(pid)
    try:
        return (b"--warm" in command or b"--zygote" in command) and os.readlink("/proc/%d/fd/4" % pid).startswith("pipe:")
    except OSError:
        return False


# --- the run ------------------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = {}  # execution id -> case name
        self.refused = 0
        self.by_case = {}
        self.problems = []
        self.latencies = []
        self.sent = 0

    def problem(self, text):
        with self.lock:
            if len(self.problems) < 10000:
                self.problems.append(text)


def run_case(args, schema, tally, case):
    _, name, body, expected, mode = case
    payload = json.dumps(body).encode()
    started = time.monotonic()
    if mode in ("stream", "abandon"):
        return stream_case(args, schema, tally, name, payload, expected, mode)
    status, headers, data = request(args.socket, "POST", "/v1/executions", payload, {"Content-Type": "application/json"})
    elapsed = time.monotonic() - started
    check_answer(schema, tally, name, status, headers, data, expected, mode)
    with tally.lock:
        tally.latencies.append(elapsed)


def check_answer(schema, tally, name, status, headers, data, expected, mode):
    try:
        value = json.loads(data)
    except ValueError:
        tally.problem("%s: answer %d is not JSON: %r" % (name, status, data[:200]))
        return
    if status == 200:
        found = violations(schema, value, schema)
        if found:
            tally.problem("%s: result violates the schema: %s" % (name, found[:5]))
        category = value.get("error_category") or "success"
        with tally.lock:
            tally.accepted[value.get("execution_id")] = name
            tally.by_case.setdefault(name, {}).setdefault(category, 0)
            tally.by_case[name][category] += 1
        if mode == "plain" and expected and category != expected:
            tally.problem("%s: expected %s, got %s (%s)" % (name, expected, category, value.get("error_summary")))
    elif status == 429:
        error = value.get("error", {}) if isinstance(value, dict) else {}
        if not headers.get("retry-after") or error.get("type") != "transient" or error.get("retryable") is not True:
            tally.problem("%s: malformed 429: %r %r" % (name, headers, value))
        with tally.lock:
            tally.refused += 1
    else:
        tally.problem("%s: unexpected status %d: %r" % (name, status, data[:300]))


def stream_case(args, schema, tally, name, payload, expected, mode):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(120)
    sock.connect(args.socket)
    head = ("POST /v1/executions HTTP/1.1\r\nHost: warden\r\nConnection: close\r\nAccept: application/x-ndjson\r\n"
            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(payload)).encode()
    sock.sendall(head + payload)
    reader = sock.makefile("rb")
    try:
        status_line = reader.readline()
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = reader.readline()
            if line in (b"\r\n", b""):
                break
            key, _, val = line.decode().partition(":")
            headers[key.strip().lower()] = val.strip()
        if status != 200 or "chunked" not in headers.get("transfer-encoding", ""):
            length = int(headers.get("content-length", "0"))
            check_answer(schema, tally, name, status, headers, reader.read(length), expected, mode)
            return
        events = []
        pending = b""
        while True:
            size = int(reader.readline().split(b";")[0], 16)
            if size == 0:
                break
            pending += reader.read(size)
            reader.readline()
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                event = json.loads(line)
                events.append(event)
                if mode == "abandon" and event.get("event") == "stdout":
                    with tally.lock:
                        tally.accepted[events[0].get("execution_id")] = name
                        tally.by_case.setdefault(name, {}).setdefault("cancelled", 0)
                        tally.by_case[name]["cancelled"] += 1
                    return  # hang up mid-stream: the daemon must cancel and record it
        kinds = [event.get("event") for event in events]
        if not kinds or kinds[0] != "started" or kinds[-1] != "result" or kinds.count("result") != 1:
            tally.problem("%s: malformed stream: %s" % (name, kinds))
            return
        result = dict(events[-1])
        del result["event"]
        check_answer(schema, tally, name, 200, headers, json.dumps(result).encode(), expected, "plain")
    except (ValueError, IndexError, OSError) as error:
        tally.problem("%s: stream broke: %s" % (name, error))
    finally:
        reader.close()
        sock.close()


def client_loop(args, schema, tally, cases, weights, deadline, seed):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        with tally.lock:
            if tally.sent >= args.executions:
                return
            tally.sent += 1
        case = rng.choices(cases, weights)[0]
        try:
            run_case(args, schema, tally, case)
        except Exception as error:  # noqa: BLE001 - every failure is a finding of the soak
            tally.problem("%s: request failed: %r" % (case[1], error))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--daemon-pid", type=int, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--executions", type=int, default=10000)
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()

    schema = json.load(open(os.path.join(REPO, "docs", "result.schema.json")))
    cases = build_mix()
    weights = [case[0] for case in cases]
    tally = Tally()

    # Warm-up: the daemon's steady state (threads started, pools full) is the baseline.
    warmup = Tally()
    for _ in range(20):
        run_case(args, schema, warmup, cases[0])
    time.sleep(1)
    baseline = daemon_resources(args.daemon_pid)

    started = time.monotonic()
    deadline = started + args.max_seconds
    threads = [
        threading.Thread(target=client_loop, args=(args, schema, tally, cases, weights, deadline, args.seed + index))
        for index in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    last_report = started
    while any(thread.is_alive() for thread in threads):
        time.sleep(0.5)
        if time.monotonic() - last_report >= 30:
            last_report = time.monotonic()
            with tally.lock:
                print("soak: %d sent, %d accepted, %d refused, %d problems, %.0f s"
                      % (tally.sent, len(tally.accepted), tally.refused, len(tally.problems), last_report - started),
                      flush=True)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    checks = []

    # The daemon still answers.
    status, _, data = request(args.socket, "GET", "/v1/health")
    checks.append(("daemon answers /v1/health", status == 200, "status %d" % status))
    status, headers, data = request(args.socket, "POST", "/v1/executions", b'{"code": "print(\'still-ok\')"}')
    ok = status == 200 and json.loads(data).get("execution_result", {}).get("stdout") == "still-ok\n"
    checks.append(("daemon still runs code", ok, "status %d" % status))
    if status == 200:
        tally.accepted[json.loads(data)["execution_id"]] = "final"

    completed = tally.sent >= args.executions
    checks.append(("every execution sent within --max-seconds", completed,
                   "%d of %d in %.0f s" % (tally.sent, args.executions, elapsed)))
    tally.problems += warmup.problems
    checks.append(("every answer valid (JSON, schema, category, 429 shape)", not tally.problems,
                   "%d problems" % len(tally.problems)))

    # History: one record per accepted execution, none running, nothing else. Cancelled
    # executions are closed a moment after the hang-up: wait for them (bounded).
    database = os.path.join(args.state_dir, "history.sqlite")
    settle = time.monotonic() + 30
    while True:
        connection = sqlite3.connect("file:%s?mode=ro" % database, uri=True, timeout=30)
        rows = dict(connection.execute("SELECT id, status FROM execution").fetchall())
        connection.close()
        running = [key for key, value in rows.items() if value == "running"]
        if not running or time.monotonic() > settle:
            break
        time.sleep(0.5)
    accepted = set(tally.accepted) | set(warmup.accepted)
    missing = accepted - set(rows)
    extra = set(rows) - accepted
    checks.append(("one history record per accepted execution", not missing and not extra,
                   "%d accepted, %d records, %d missing, %d unexpected" % (len(accepted), len(rows), len(missing), len(extra))))
    checks.append(("no history record left running", not running, "%d running" % len(running)))

    # Resources back to the baseline (children at once; the rest within a bounded settle).
    settle = time.monotonic() + 30
    while True:
        after = daemon_resources(args.daemon_pid)
        leaks = {
            "fds": after["fds"] > baseline["fds"] + 2,
            "threads": after["threads"] > baseline["threads"] + 2,
            "rss_mib": after["rss_mib"] > baseline["rss_mib"] + 64,
            "children": after["children"] > 0,
        }
        if not any(leaks.values()) or time.monotonic() > settle:
            break
        time.sleep(1)
    for key in ("fds", "threads", "rss_mib", "children"):
        checks.append(("daemon %s back to its level" % key, not leaks[key],
                       "baseline %s, after %s" % (round(baseline[key], 1), round(after[key], 1))))

    # Summary.
    latencies = sorted(tally.latencies)

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0

    print("soak summary: %d clients, %d executions sent in %.1f s (%.0f/s); %d accepted, %d refused (429)"
          % (args.clients, tally.sent, elapsed, tally.sent / elapsed if elapsed else 0, len(tally.accepted), tally.refused))
    print("  latency of plain requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms"
          % (percentile(0.5), percentile(0.99), percentile(1.0) if latencies else 0))
    totals = {}
    for name, categories in sorted(tally.by_case.items()):
        for category, count in categories.items():
            totals[category] = totals.get(category, 0) + count
    print("  outcomes: " + ", ".join("%s %d" % item for item in sorted(totals.items())))
    for problem in tally.problems[:20]:
        print("  problem: " + problem)
    failed = 0
    for label, ok, detail in checks:
        print("  [%s] %s: %s" % ("ok" if ok else "FAIL", label, detail))
        failed += 0 if ok else 1
    print("soak: %d of %d checks passed" % (len(checks) - failed, len(checks)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
