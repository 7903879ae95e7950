"""Fault probe: clients load a page while the database is stopped and started again.

    python bench/load/probe.py BASE_URL COOKIE --stop CMD --start CMD [--before 10 --down 12]

Phases: before the stop command runs every answer must be 200; from the moment it has
returned until the start command runs, every answer must be the 503 page; after the start
command has returned, answers must be 200 again; while either command runs ("transition")
200 or 503. A 500, a socket error, a traceback or any other status fails.
"""

import argparse
import collections
import http.client
import subprocess
import sys
import threading
import time
import urllib.parse

PAGE_503_TEXT = "系统暂时无法使用"


def fetch(base, cookie, path):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except OSError as error:
        return f"socket:{type(error).__name__}", ""
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("cookie")
    parser.add_argument("--path", default="/")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--down", type=float, default=12)
    parser.add_argument("--after", type=float, default=10)
    parser.add_argument("--stop", required=True)
    parser.add_argument("--start", required=True)
    args = parser.parse_args()

    results = []  # (started, finished, status, problem)
    lock = threading.Lock()
    stop_event = threading.Event()
    t0 = time.monotonic()

    def client():
        while not stop_event.is_set():
            started = time.monotonic() - t0
            status, body = fetch(args.base, args.cookie, args.path)
            finished = time.monotonic() - t0
            problem = None
            if "Traceback" in body:
                problem = "traceback in page"
            elif status == 503 and PAGE_503_TEXT not in body:
                problem = "503 without the site's page"
            with lock:
                results.append((started, finished, status, problem))
            time.sleep(0.05)

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(args.before)
    stop_called = time.monotonic() - t0
    subprocess.run(args.stop, shell=True, check=True)
    stopped = time.monotonic() - t0
    print(f"database stopping at {stop_called:.1f} s (down at {stopped:.1f} s)", flush=True)
    time.sleep(args.down)
    start_called = time.monotonic() - t0
    subprocess.run(args.start, shell=True, check=True)
    started_db = time.monotonic() - t0
    print(f"database started at {start_called:.1f} s (ready at {started_db:.1f} s)", flush=True)
    time.sleep(args.after)
    stop_event.set()
    for thread in threads:
        thread.join()

    phases = collections.defaultdict(collections.Counter)
    failures = []
    first_ok_after = None
    for started, finished, status, problem in sorted(results):
        if finished < stop_called:
            phase, expected = "before", {200}
        elif started >= stopped and finished <= start_called:
            phase, expected = "down", {503}
        elif started >= started_db:
            phase, expected = "after", {200}
            if status == 200 and first_ok_after is None:
                first_ok_after = finished - started_db
        else:
            phase, expected = "transition", {200, 503}
        phases[phase][status] += 1
        if problem or status not in expected:
            failures.append((round(started, 2), phase, status, problem))

    print(f"requests: {len(results)} by {args.clients} clients on {args.path}")
    for phase in ("before", "transition", "down", "after"):
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(phases[phase].items(), key=str))
        print(f"  {phase:<10} {counts or '-'}")
    if first_ok_after is not None:
        print(f"first 200 after the database was ready: {first_ok_after:.2f} s")
    if failures:
        print(f"FAIL: {len(failures)} unexpected answers, first: {failures[:5]}", file=sys.stderr)
        sys.exit(1)
    if not phases["down"][503] or not phases["after"][200]:
        print("FAIL: the run did not see both the outage and the recovery", file=sys.stderr)
        sys.exit(1)
    print("OK: clean 503 page while down, 200 again after the restart, no 500, no traceback")


if __name__ == "__main__":
    main()
