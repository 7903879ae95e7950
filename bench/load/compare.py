"""The app's lists against the Django admin's changelists of the same rows, under wrk.

    python bench/load/compare.py BASE_URL COOKIE GUNICORN_PID [--rounds 3 --duration 10]

For each round, each page of PAGES is loaded alone with wrk (interleaved, so a change in the
machine's load touches every page alike) while the CPU time of gunicorn's workers is read
from /proc before and after. Printed for each page: the median over the rounds of requests
per second and of worker CPU milliseconds per request, and the ratios against the admin's
changelist of the same model (app / admin: > 1 is better for requests/s, < 1 for CPU). On a
shared machine the CPU per request is the steadier column: requests/s follows the load.

Exits 1 when a page answered anything but its expected status, or wrk saw a socket error.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys

# (label, path, expected status, the admin page it is compared with)
PAGES = [
    ("404 (baseline)", "/no-such-page/", 404, None),
    ("roster /members/", "/members/", 200, "admin members"),
    ("admin members", "/admin/members/member/", 200, None),
    ("activity list /activities/", "/activities/", 200, "admin activities"),
    ("admin activities", "/admin/activities/activity/", 200, None),
]
TICKS = os.sysconf("SC_CLK_TCK")
LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paths.lua")


def worker_pids(master):
    """The gunicorn workers: the master's children, from /proc (shape: list of ints)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry))
    return pids


def cpu_seconds(pids):
    """utime + stime of the given processes, in seconds."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def run_wrk(base, cookie, path, args, scratch):
    paths = os.path.join(scratch, "path.txt")
    with open(paths, "w") as out:
        out.write(path + "\n")
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
        "--timeout", "20s", "-s", LUA, "-H", f"Cookie: {cookie}", base, "--", paths,
    ]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return {k: float(v) for k, v in re.findall(r"^RESULT (\w+)=([\d.]+)$", out, re.M)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("cookie")
    parser.add_argument("master", type=int, help="gunicorn's master pid")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--scratch", default="/tmp")
    args = parser.parse_args()

    workers = worker_pids(args.master)
    rps = {label: [] for label, *_ in PAGES}
    cpu = {label: [] for label, *_ in PAGES}
    failed = False
    loads = [os.getloadavg()[0]]
    for round_ in range(1, args.rounds + 1):
        for label, path, expected, _ in PAGES:
            before = cpu_seconds(workers)
            result = run_wrk(args.base, args.cookie, path, args, args.scratch)
            used = cpu_seconds(workers) - before
            requests = result["requests"]
            good = result["status_4xx"] if expected == 404 else result["status_2xx"]
            if good != requests or result["socket_errors"]:
                print(f"FAIL {path}: {result}", file=sys.stderr)
                failed = True
            rps[label].append(result["requests_per_second"])
            cpu[label].append(used * 1000 / requests if requests else float("nan"))
            print(
                f"# round {round_} {label}: {result['requests_per_second']:.1f} req/s, "
                f"{cpu[label][-1]:.1f} CPU ms/request, p50 {result['latency_p50_ms']:.0f} ms",
                file=sys.stderr,
            )
        loads.append(os.getloadavg()[0])

    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page, "
        f"{args.rounds} interleaved rounds; gunicorn workers: {len(workers)}; "
        f"1-min load average {min(loads):.1f}-{max(loads):.1f}"
    )
    print()
    print(
        "| page | req/s (median) | worker CPU ms/request (median) | req/s vs admin | "
        "CPU vs admin | req/s vs 404 |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    base_rps = statistics.median(rps[PAGES[0][0]])
    for label, path, _, admin in PAGES:
        r, c = statistics.median(rps[label]), statistics.median(cpu[label])
        if admin:
            # Ratios per round (the pages of a round saw the same load), then the median.
            vs_rps = statistics.median(a / b for a, b in zip(rps[label], rps[admin], strict=True))
            vs_cpu = statistics.median(a / b for a, b in zip(cpu[label], cpu[admin], strict=True))
            vs = f"**{vs_rps:.2f}×** | {vs_cpu:.2f}×"
        else:
            vs = "| "
        print(f"| `{path}` | {r:.1f} | {c:.1f} | {vs} | {r / base_rps:.2f} |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
