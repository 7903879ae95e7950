"""A group scope's report (a convener's) against the federation's, on a generated database.

    .venv/bin/python bench/pages.py --scale 100 --copy-to /tmp/bench   # prints the URL
    DATABASE_URL=sqlite:////tmp/bench/pages-100x-….sqlite3 .venv/bin/python bench/scope_bench.py

For the year 2018 and the whole span of the data, and for the federation and group 1: the
queries of ``tally()``, then the CPU time (best and median of --repeat) of ``tally()`` alone
(what the page pays), of ``tally()`` with its member rows (the visitors' too), and of the
workbook built from it. CPU time, as the machine is shared; SQLite runs in the process.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cpu(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.models import RotationGroup
    from reports.excel import workbook_bytes
    from reports.tallies import Period, tally

    group = RotationGroup.objects.get(number=1)
    periods = {
        "2018": Period.for_year(2018),
        "span": Period(datetime.date(2017, 11, 1), datetime.date(2019, 12, 31)),
    }
    print("period  scope       queries  tally ms (best/median)  +rows ms  +workbook ms  figures")
    for name, period in periods.items():
        for label, groups in (("federation", None), ("group 1", [group])):
            with CaptureQueriesContext(connection) as queries:
                report = tally(period, groups)
            figures = (
                f"{report.participants}/{report.member_count}, "
                f"visitors {report.visitors} ({report.visits} person-times)"
            )
            best, median = _cpu(lambda p=period, g=groups: tally(p, g), args.repeat)
            rows, _median = _cpu(lambda p=period, g=groups: tally(p, g).members, args.repeat)
            book, _median = _cpu(
                lambda p=period, g=groups: workbook_bytes(tally(p, g)), max(1, args.repeat // 2)
            )
            print(
                f"{name:7} {label:11} {len(queries):7}  {best * 1000:8.0f} / {median * 1000:<8.0f}"
                f"  {rows * 1000:8.0f}  {book * 1000:11.0f}  {figures}"
            )


if __name__ == "__main__":
    main()
