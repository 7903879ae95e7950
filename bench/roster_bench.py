"""Time and peak memory of a roster import at 132 and 10,000 rows.

    python bench/roster_bench.py [--rows 132 10000]

Runs against a fresh SQLite file in a temporary folder (or DATABASE_URL if set: use a
database of its own, it is flushed). For each size: read the workbook, plan the import on an
empty database, write it, plan the same file again (every row unchanged), and export.
Peak memory is tracemalloc's peak for the phase (Python allocations); the process's maximum
resident size is printed at the end.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    folder = tempfile.mkdtemp(prefix="roster-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def measure(label, function):
    tracemalloc.start()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<28} {seconds:8.2f} s   peak {peak / 1024 / 1024:7.1f} MiB")
    return result


def run(rows):
    from django.core.management import call_command

    from activities.roster_import import plan_import, roster_apply, roster_export_workbook
    from members.roster import read_roster
    from tests.roster.workbooks import seed_roster_bytes

    call_command("flush", interactive=False, verbosity=0)
    data = seed_roster_bytes(rows)
    print(f"{rows} rows ({len(data) / 1024:.0f} KiB workbook)")
    sheet = measure("read workbook", lambda: read_roster(data))
    plan = measure("plan (empty database)", lambda: plan_import(sheet))
    assert not plan.errors, plan.errors[:3]
    measure("write (one transaction)", lambda: roster_apply(plan=plan, by=None))
    again = measure("read + plan again", lambda: plan_import(read_roster(data)))
    assert len(again.unchanged) == rows
    exported = measure("export", roster_export_workbook)
    round_trip = plan_import(read_roster(exported))
    assert len(round_trip.unchanged) == rows and not round_trip.has_changes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[132, 10_000])
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    for rows in args.rows:
        run(rows)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process maximum resident size: {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
