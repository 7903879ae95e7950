"""Time and peak memory of a roster import at 132 and 10,000 rows.

    python bench/roster_bench.py [--rows 132 10000] [--trace-memory] [--formulas]

Runs against a fresh SQLite file in a temporary folder (or DATABASE_URL if set: use a
database of its own, it is flushed). For each size: read the workbook, plan the import on an
empty database, write it, plan the same file again (every row unchanged), and export.
Times are wall-clock and CPU (this process). With --formulas every 序号 cell is a formula
(=ROW()-2) with its saved result, as in rosters kept in Excel: the sheet is then read a
second time for its formulas. With --trace-memory each phase also reports tracemalloc's peak (Python
allocations), which slows Python down: take times from a run without it. The process's
maximum resident size is printed at the end (or run under /usr/bin/time -v).
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


TRACE_MEMORY = False


def measure(label, function):
    if TRACE_MEMORY:
        tracemalloc.start()
    start = time.perf_counter()
    cpu_start = time.process_time()
    result = function()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    line = f"  {label:<28} {seconds:8.2f} s   CPU {cpu:8.2f} s"
    if TRACE_MEMORY:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line += f"   peak {peak / 1024 / 1024:7.1f} MiB"
    print(line, flush=True)
    return result


def with_sequence_formulas(data):
    """The workbook with each 序号 number replaced by =ROW()-2 and its saved result."""
    import io
    import re
    import zipfile

    from tests.members.roster_workbooks import rezip

    part = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part)
    cell = re.compile(rb'<c r="A(\d+)" t="n"><v>(\d+)</v></c>')
    xml, count = cell.subn(rb'<c r="A\1" t="n"><f>ROW()-2</f><v>\2</v></c>', xml)
    assert count, "no 序号 cells found"
    return rezip(data, replace={part: xml})


FORMULAS = False


def run(rows):
    from django.core.management import call_command

    from activities.roster.export import roster_export_workbook
    from activities.roster.planner import plan_import, roster_apply
    from members.roster import read_roster
    from tests.members.roster_workbooks import seed_roster_bytes

    call_command("flush", interactive=False, verbosity=0)
    data = seed_roster_bytes(rows)
    if FORMULAS:
        data = with_sequence_formulas(data)
    print(f"{rows} rows ({len(data) / 1024:.0f} KiB workbook)", flush=True)
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
    parser.add_argument("--trace-memory", action="store_true", help="peak memory per phase")
    parser.add_argument("--formulas", action="store_true", help="序号 as saved formulas")
    args = parser.parse_args()
    global TRACE_MEMORY, FORMULAS
    TRACE_MEMORY = args.trace_memory
    FORMULAS = args.formulas
    setup_django()
    from django.db import connection

    print(f"database: {connection.vendor}")
    for rows in args.rows:
        run(rows)
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process maximum resident size: {maxrss:.0f} MiB")


if __name__ == "__main__":
    main()
