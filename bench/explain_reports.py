"""EXPLAIN (ANALYZE) of every query the report and the obligation page make, on a database
the pages bench generated (issue 18: the computations stay in SQL, with the indexes they need).

    .venv/bin/python bench/pages.py --build 100 --database-url postgres://postgres@127.0.0.1:5432/fuan_bench
    .venv/bin/python bench/explain_reports.py --database-url postgres://postgres@127.0.0.1:5432/fuan_bench
    .venv/bin/python bench/explain_reports.py --database-url ... --plans   # the whole plans

For each query: its execution time as PostgreSQL measured it (ms), the plan's first line and
its scans (Seq Scan / Index Scan / Index Only Scan / Bitmap lines), slowest first. Reads only.
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def _captured(year):
    """(label, sql, params) of every query of tally(year) and the obligation page of year."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities import obligation
    from reports.tallies import Period, tally

    found = []
    with CaptureQueriesContext(connection) as captured:
        tally(Period.for_year(year))
    found += [("tally", q["sql"]) for q in captured.captured_queries]
    with CaptureQueriesContext(connection) as captured:
        if hasattr(obligation, "obligation_page"):
            list(obligation.obligation_page(year, missing_only=False, page=1)[1])
            list(obligation.obligation_page(year, missing_only=True, page=1)[1])
        else:  # before the page was paged (issue 18): every bound member
            obligation.obligation_rows(year)
    found += [("obligation", q["sql"]) for q in captured.captured_queries]
    return found


SCAN = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--plans", action="store_true", help="print the whole plans")
    args = parser.parse_args()
    _setup(args.database_url)
    from django.db import connection

    rows = []
    for label, sql in _captured(args.year):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [line for (line,) in cursor.fetchall()]
        ms = float(re.search(r"Execution Time: ([\d.]+) ms", plan[-1]).group(1))
        rows.append((ms, label, sql, plan))
    total = sum(r[0] for r in rows)
    print(f"# {len(rows)} queries, {total:.1f} ms of execution in all (year {args.year})")
    for ms, label, sql, plan in sorted(rows, key=lambda r: -r[0]):
        print(f"\n## {label}: {ms:.1f} ms — {sql[:160]}…")
        lines = plan if args.plans else [plan[0]] + [x for x in plan if SCAN.search(x)]
        for line in lines:
            print("   ", line.strip()[:200])


if __name__ == "__main__":
    main()
