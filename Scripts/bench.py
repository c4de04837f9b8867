"""Warden benchmark: latency and throughput over the real socket, with baselines in the same run.

Payloads: print('hello'), a NameError script, a 50 ms CPU loop, an import-heavy script.
Systems: a cold `/usr/bin/python3 -I -S` per run, bubblewrap + python where installed, warden
with zygotes off (every worker a fresh confined interpreter spawn) and warden as configured
(zygote-forked workers). For each: p50/p95/p99 latency and throughput with 1 and 4 clients.
Then the CPU-bound overhead against bare python3, the daemon's idle memory and the memory per
waiting worker, and the SPEC §8 targets, met or not.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PAYLOADS = {
    "hello": "print('hello')",
    "name_error": "total = 10\ncount = 2\nprint(totl / count)\n",
    "cpu_50ms": "import time\nend = time.process_time() + 0.05\nwhile time.process_time() < end:\n    pass\n",
    "imports": "import json, re, collections, statistics, decimal, fractions, datetime\nprint(statistics.mean([1, 2, 3]))\n",
}


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


class Daemon:
    def __init__(self, binary, env_extra=None):
        self.dir = tempfile.mkdtemp(prefix="wb-", dir="/tmp")
        self.socket = os.path.join(self.dir, "w.sock")
        env = dict(os.environ)
        env.update(env_extra or {})
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.process = subprocess.Popen(
            [binary, "--socket", self.socket, "--state-dir", os.path.join(self.dir, "state"), "--log-level", "warning"],
            env=env, stdout=self.log, stderr=self.log,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                connection = UnixConnection(self.socket)
                connection.request("GET", "/v1/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("wardend did not start: " + open(self.log.name).read())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def execute(connection, code):
    body = json.dumps({"code": code, "client": "bench"})
    connection.request("POST", "/v1/executions", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {data[:300]!r}")
    result = json.loads(data)
    if result.get("error_category") == "system_error" and not SYSTEM_ERRORS:
        print(f"warning: a system_error: {json.dumps(result)[:600]}", file=sys.stderr, flush=True)
    if result.get("error_category") == "system_error":
        SYSTEM_ERRORS.append(result.get("execution_id"))
    return result


SYSTEM_ERRORS = []


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "n": len(ordered)}


def daemon_latency(daemon, code, runs):
    connection = UnixConnection(daemon.socket)
    execute(connection, code)  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        execute(connection, code)
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def parallel_rate(make_runner, clients, seconds):
    """Executions per second with `clients` threads, each calling its own `make_runner()`
    result until the time is up."""
    count = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(index):
        run_one = make_runner()
        while time.perf_counter() < stop:
            run_one()
            count[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(count) / (time.perf_counter() - start)


def daemon_throughput(daemon, code, clients, seconds):
    def make_runner():
        connection = UnixConnection(daemon.socket)
        return lambda: execute(connection, code)

    return parallel_rate(make_runner, clients, seconds)


def command_latency(argv, code, runs):
    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv + [code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return percentiles(samples[1:])


def command_throughput(argv, code, clients, seconds):
    def run_one():
        subprocess.run(argv + [code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return parallel_rate(lambda: run_one, clients, seconds)


def ms(value):
    return f"{value * 1000:7.2f}"


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rollup_kb(pid, fields):
    """Sum of the named fields of /proc/PID/smaps_rollup (Pss: the process's fair share)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in fields:
                    total += int(rest.split()[0])
    except OSError:
        pass
    return total


def children(pid):
    """Processes whose parent is `pid` (from each /proc/PID/stat: /proc/PID/task/*/children
    needs CONFIG_PROC_CHILDREN)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def memory_report(daemon):
    """The daemon's own memory, its zygotes', and each waiting worker's (forked from a zygote:
    Pss counts shared pages once across the processes sharing them; private is its own)."""
    time.sleep(1.0)  # let the warm pool refill
    daemon_rss = status_kb(daemon.process.pid, "VmRSS")
    zygotes = []
    for pid in children(daemon.process.pid):
        try:
            if b"--zygote" in open(f"/proc/{pid}/cmdline", "rb").read():
                zygotes.append(pid)
        except OSError:
            pass
    workers = [child for zygote in zygotes for child in children(zygote)]
    lines = [f"daemon idle RSS: {daemon_rss / 1024:.1f} MiB"]
    for zygote in zygotes:
        lines.append(f"zygote {zygote}: RSS {status_kb(zygote, 'VmRSS') / 1024:.1f} MiB, "
                     f"PSS {rollup_kb(zygote, {'Pss'}) / 1024:.1f} MiB")
    if workers:
        pss = [rollup_kb(pid, {"Pss"}) for pid in workers]
        private = [rollup_kb(pid, {"Private_Clean", "Private_Dirty"}) for pid in workers]
        lines.append(f"waiting workers: {len(workers)}; per worker PSS {statistics.mean(pss) / 1024:.1f} MiB, "
                     f"private {statistics.mean(private) / 1024:.2f} MiB (RSS {status_kb(workers[0], 'VmRSS') / 1024:.1f} MiB, mostly shared with the zygote)")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--smoke", action="store_true",
                        help="a few runs of everything, to check that the bench works (CI; figures mean nothing)")
    parser.add_argument("--payload", action="append", choices=sorted(PAYLOADS),
                        help="only this payload (repeatable); the targets need hello")
    parser.add_argument("--warden-only", action="store_true",
                        help="only warden with zygotes (no baselines): for quick iteration")
    arguments = parser.parse_args()
    runs = 10 if arguments.smoke else 40 if arguments.quick else 300
    seconds = 0.5 if arguments.smoke else 2 if arguments.quick else 5
    wardend = os.path.join(arguments.bin, "wardend")

    payloads = {name: PAYLOADS[name] for name in (arguments.payload or PAYLOADS)}
    confined = Daemon(wardend)
    cold_daemon = None if arguments.warden_only else Daemon(wardend, {"WARDEN_WORKERS_ZYGOTES": "0"})
    try:
        cold = ["/usr/bin/python3", "-I", "-S", "-c"]
        bwrap = shutil.which("bwrap")
        systems = [("cold python3 -I -S", lambda code: command_latency(cold, code, runs),
                    lambda code, clients: command_throughput(cold, code, clients, seconds))]
        if arguments.warden_only:
            systems, bwrap = [], None
        elif bwrap:
            bwrap_argv = [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                          "/usr/bin/python3", "-I", "-S", "-c"]
            systems.append(("bwrap + python3", lambda code: command_latency(bwrap_argv, code, runs),
                            lambda code, clients: command_throughput(bwrap_argv, code, clients, seconds)))
        else:
            print("bubblewrap is not installed: no bwrap baseline (Scripts/setup installs it)")
        if cold_daemon:
            systems.append(("warden, cold spawns", lambda code: daemon_latency(cold_daemon, code, runs),
                            lambda code, clients: daemon_throughput(cold_daemon, code, clients, seconds)))
        systems.append(("warden (zygote)", lambda code: daemon_latency(confined, code, runs),
                        lambda code, clients: daemon_throughput(confined, code, clients, seconds)))

        print(f"{runs} runs per payload and system, throughput over {seconds} s; times in ms;")
        print("x cold = p50 / cold python3's p50 (below 1: faster); every warden run is fully confined")
        print(f"{'payload':<11} {'system':<20} {'p50':>7} {'p95':>7} {'p99':>7} {'x cold':>7} {'1 client/s':>11} {'4 clients/s':>12}")
        results = {}
        for name, code in payloads.items():
            baseline = None
            for system, latency, throughput in systems:
                stats = latency(code)
                baseline = baseline or stats
                one, four = throughput(code, 1), throughput(code, 4)
                results[(name, system)] = (stats, one, four)
                print(f"{name:<11} {system:<20} {ms(stats['p50'])} {ms(stats['p95'])} {ms(stats['p99'])} "
                      f"{stats['p50'] / baseline['p50']:7.2f} {one:11.1f} {four:12.1f}", flush=True)

        # CPU-bound overhead: a one-second loop in warden against bare python3 (same code).
        loop_seconds = 0.1 if arguments.smoke else 0.3 if arguments.quick else 1.0
        loop = (f"import time\nend = time.process_time() + {loop_seconds}\nn = 0\n"
                f"while time.process_time() < end:\n    n += 1\nprint(n)\n")
        bare, sandboxed = [], []
        for _ in range(3):
            bare.append(int(subprocess.run(cold + [loop], capture_output=True, text=True).stdout.strip()))
            sandboxed.append(int(execute(UnixConnection(confined.socket), loop)["execution_result"]["stdout"].strip()))
        cpu_ratio = statistics.median(sandboxed) / statistics.median(bare)
        print(f"\nCPU-bound: iterations in {loop_seconds} s of CPU (median of 3): bare {statistics.median(bare)}, "
              f"warden {statistics.median(sandboxed)} ({cpu_ratio * 100:.1f}% of bare)")
        for line in memory_report(confined):
            print(line)

        if ("hello", "warden (zygote)") not in results:
            return
        stats, _, four = results[("hello", "warden (zygote)")]
        hello_cold = results.get(("hello", "cold python3 -I -S"))
        print("\nSPEC §8 targets, print('hello') through the socket, fully confined:")
        for label, ok, value in (
            ("p50 <= 5 ms", stats["p50"] <= 0.005, f"{ms(stats['p50']).strip()} ms"),
            ("p99 <= 10 ms", stats["p99"] <= 0.010, f"{ms(stats['p99']).strip()} ms"),
            (">= 300 executions/s with 4 clients", four >= 300, f"{four:.0f}/s"),
            ("CPU-bound within 5% of bare python3", cpu_ratio >= 0.95, f"{cpu_ratio * 100:.1f}%"),
        ):
            print(f"  {'met    ' if ok else 'NOT MET'}  {label}: {value}")
        if hello_cold:
            print(f"  (cold python3 -I -S for scale: p50 {ms(hello_cold[0]['p50']).strip()} ms, "
                  f"{hello_cold[2]:.0f}/s with 4 parallel runs)")
    finally:
        confined.stop()
        if cold_daemon:
            cold_daemon.stop()
    if SYSTEM_ERRORS:
        raise SystemExit(f"{len(SYSTEM_ERRORS)} executions ended in a system error: {SYSTEM_ERRORS[:5]}")


if __name__ == "__main__":
    main()
