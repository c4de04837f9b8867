"""Warden benchmark: latency and throughput over the real socket, with baselines in the same run.

Payloads: print('hello'), a NameError script, a 50 ms CPU loop, an import-heavy script.
Baselines: a cold `/usr/bin/python3 -I -S` per run, and bubblewrap + python where installed.
Layer cost: the same daemon with WARDEN_ALLOW_UNCONFINED=force (process + rlimits + seccomp
only) against the fully confined daemon.
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
    return json.loads(data)


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


def daemon_throughput(daemon, code, clients, seconds):
    count = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(index):
        connection = UnixConnection(daemon.socket)
        while time.perf_counter() < stop:
            execute(connection, code)
            count[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(count) / (time.perf_counter() - start)


def command_latency(argv, code, runs):
    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv + [code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return percentiles(samples[1:])


def ms(value):
    return f"{value * 1000:7.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args()
    runs = 30 if arguments.quick else 200
    seconds = 2 if arguments.quick else 5
    wardend = os.path.join(arguments.bin, "wardend")

    confined = Daemon(wardend)
    unconfined = Daemon(wardend, {"WARDEN_ALLOW_UNCONFINED": "force"})
    try:
        cold = ["/usr/bin/python3", "-I", "-S", "-c"]
        bwrap = shutil.which("bwrap")
        print(f"runs per payload: {runs}; times in ms; ratio = p50 / cold python3 p50")
        print(f"{'payload':<11} {'system':<22} {'p50':>7} {'p95':>7} {'p99':>7} {'ratio':>6}")
        for name, code in PAYLOADS.items():
            baseline = command_latency(cold, code, runs)
            rows = [("cold python3 -I -S", baseline)]
            if bwrap:
                rows.append((
                    "bwrap + python3",
                    command_latency([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                                     "/usr/bin/python3", "-I", "-S", "-c"], code, runs),
                ))
            rows.append(("warden unconfined", daemon_latency(unconfined, code, runs)))
            rows.append(("warden confined", daemon_latency(confined, code, runs)))
            for system, stats in rows:
                ratio = stats["p50"] / baseline["p50"]
                print(f"{name:<11} {system:<22} {ms(stats['p50'])} {ms(stats['p95'])} {ms(stats['p99'])} {ratio:6.2f}")
        hello = PAYLOADS["hello"]
        unconfined_p50 = daemon_latency(unconfined, hello, runs)["p50"]
        confined_p50 = daemon_latency(confined, hello, runs)["p50"]
        print(f"\nlayer cost (namespaces, uid, rootfs, cgroup), print('hello') p50: "
              f"{ms(confined_p50 - unconfined_p50).strip()} ms ({confined_p50 / unconfined_p50:.2f}x unconfined)")
        for clients in (1, 4):
            rate = daemon_throughput(confined, hello, clients, seconds)
            print(f"throughput, confined, {clients} client(s): {rate:7.1f} executions/s")
        # CPU-bound overhead: a one-second loop (quick: 0.3 s) in warden against bare python3.
        loop_seconds = 0.3 if arguments.quick else 1.0
        loop = f"import time\nend = time.process_time() + {loop_seconds}\nn = 0\nwhile time.process_time() < end:\n    n += 1\nprint(n)\n"
        bare = subprocess.run(cold + [loop], capture_output=True, text=True).stdout.strip()
        sandboxed = execute(UnixConnection(confined.socket), loop)["execution_result"]["stdout"].strip()
        print(f"CPU-bound iterations in {loop_seconds} s: bare {bare}, warden {sandboxed} "
              f"({int(sandboxed) / int(bare) * 100:.1f}% of bare)")
    finally:
        confined.stop()
        unconfined.stop()


if __name__ == "__main__":
    main()
