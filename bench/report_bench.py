"""Benchmark of the year-end report: the workbook against bare XlsxWriter, and the report page.

    .venv/bin/python bench/report_bench.py            # 1x (the seed) and 10x, SQLite scratch files
    .venv/bin/python bench/report_bench.py --scale 10 --database-url postgres://…/fuan_bench

Each scale runs in its own process with its own scratch database (a temporary SQLite file
unless --database-url is given; that database is emptied and migrated, so never point it at
real data). 1x is the seed itself (seed_demo); Nx generates N times its committee (N x 132
members in 12 groups, some moving group or archived, deputies and CPPCC members) and ten years
of monthly activities (2010-2019) with attendance, leaders, publicity and outcomes.

Measured, for the whole span of the data:
  * tally():         building the Report (SQL aggregates), time and number of queries;
  * workbook:        rendering that Report to .xlsx (reports.excel.workbook_bytes: formal tables
                     through XlsxWriter), CPU time and peak memory;
  * floor:           the same cell values written with bare XlsxWriter in constant_memory mode,
                     the library the workbook uses, through its public write_string /
                     write_number / write_datetime, one call a cell (no formats, widths, merges,
                     print setup, formulas or chart): what that library has to pay anyway;
  * floor_rows:      the same values, no formats, written the way fuan_rotation.formal writes
                     (its worksheet class, a row a call with write_cells): the floor the
                     workbook's own machinery has, so workbook / floor_rows is the cost of the
                     formal look alone;
  * stream peak:     tracemalloc's peak writing the workbook to a temporary file, as the
                     download does (reports.excel.write_workbook);
  * page:            GET /reports/?from=…&to=… as the leadership login: queries and time.

How the workbook and its floors are timed, so that a shared, busy machine does not decide the
ratio: CPU time of the process (time.process_time: other programs' work does not count), after
one untimed warm-up run of each, a garbage collection before every run, the three runs
interleaved in each round and their order reversed every other round (a busy spell or a slow
drift hits all three alike), --repeat rounds (default 11). Reported: the best of each, the
ratio of the bests, and the median and range of the per-round ratios (each round's workbook
against the same round's floor). Tally and page times are wall clock, best (and median) of
--repeat; memory is tracemalloc's peak in a separate run.
"""

import argparse
import gc
import io
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_django(database_url):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", verbosity=0)


def _has_tables():
    from django.db import connection

    return "activities_activity" in connection.introspection.table_names()


def generate(scale, *, first_year=2010, years=10, seed=2019, per_month=1, attendees=None):
    """N x the seed's committee and `years` of activities, written in bulk.

    `per_month` activities a month, the groups taking turns; at each, `attendees` members of
    the group (default: 70 % of it) plus five others.
    """
    import datetime

    from django.db import transaction

    from activities.models import (
        Activity,
        ActivityCounter,
        Attendance,
        GroupMembership,
        LeaderPresence,
        Outcome,
        Publicity,
        RotationGroup,
        Theme,
    )
    from members.models import FederationRole, Member, PublicOffice

    rng = random.Random(seed)
    roles = (
        [FederationRole.CHAIR]
        + [FederationRole.VICE_CHAIR] * 9 * scale
        + [FederationRole.VICE_PRESIDENT] * 27 * scale
        + [FederationRole.STANDING] * 93 * scale
        + [FederationRole.EXECUTIVE] * (3 * scale - 1)
    )
    start = datetime.date(first_year - 1, 1, 1)
    with transaction.atomic():
        groups = RotationGroup.objects.bulk_create(
            RotationGroup(number=n, name=f"第{n}轮值组") for n in range(1, 13)
        )
        members = Member.objects.bulk_create(
            Member(name=f"成员{i:05d}", role=role, mobile=f"139{i:08d}", company=f"企业{i}")
            for i, role in enumerate(roles)
        )
        memberships, current = [], {}
        for i, member in enumerate(members[1:], 1):  # the chair is in no group
            group = groups[i % 12]
            if i % 20 == 0:  # one in twenty moved group half-way through
                moved = datetime.date(first_year + years // 2, 7, 1)
                memberships.append(
                    GroupMembership(member=member, group=group, start_date=start, end_date=moved)
                )
                group = groups[(i + 1) % 12]
                memberships.append(GroupMembership(member=member, group=group, start_date=moved))
            else:
                memberships.append(
                    GroupMembership(
                        member=member,
                        group=group,
                        start_date=start,
                        is_convener=member.role in FederationRole.convener_roles() and i % 3 == 0,
                    )
                )
            current.setdefault(group.pk, []).append(member)
        GroupMembership.objects.bulk_create(memberships)
        Member.objects.filter(pk__in=[m.pk for m in members[5::50]]).update(
            archived_at=datetime.datetime(first_year + years - 1, 6, 30, tzinfo=datetime.UTC)
        )
        offices = [
            PublicOffice(member=m, kind=PublicOffice.Kind.DEPUTY, level=PublicOffice.Level.COUNTY)
            for m in members[: 23 * scale]
        ] + [
            PublicOffice(member=m, kind=PublicOffice.Kind.CPPCC, level=PublicOffice.Level.COUNTY)
            for m in members[20 * scale : 77 * scale]
        ]
        PublicOffice.objects.bulk_create(offices)

        themes = list(Theme.values)
        activities, number = [], 0
        for year in range(first_year, first_year + years):
            for month, k in itertools.product(range(1, 13), range(per_month)):
                number += 1
                activities.append(
                    Activity(
                        number=number,
                        group=groups[(month - 1 + k) % 12],
                        date=datetime.date(year, month, 15 if per_month == 1 else 1 + k % 28),
                        title=f"第{number}次轮值活动",
                        theme=themes[number % len(themes)],
                        place=f"福安市{month}号会议室",
                        host_enterprise=f"福安市承办企业{number}有限公司",
                        status=Activity.Status.HELD,
                        other_participants=rng.randint(3, 12),
                    )
                )
        activities.append(  # and some that must not count
            Activity(
                group=groups[0],
                date=datetime.date(first_year, 6, 1),
                title="取消的活动",
                theme=themes[0],
                status=Activity.Status.CANCELLED,
                cancel_reason="台风",
            )
        )
        activities = Activity.objects.bulk_create(activities)
        ActivityCounter.objects.update_or_create(pk=1, defaults={"last_number": number})

        attendance, leaders, publicity, outcomes = [], [], [], []
        for activity in activities[:number]:
            own = current[activity.group_id]
            present = set(rng.sample(own, k=attendees or int(len(own) * 0.7)))
            present |= set(rng.sample(members, k=5))
            attendance += [Attendance(activity=activity, member=m) for m in present]
            leaders += [
                LeaderPresence(
                    activity=activity,
                    name=f"部门领导{k}",
                    title="局长",
                    level=LeaderPresence.Level.DEPARTMENT,
                )
                for k in range(2)
            ]
            if activity.number % 2:
                leaders.append(
                    LeaderPresence(
                        activity=activity,
                        name="市领导",
                        title="副市长",
                        level=LeaderPresence.Level.FOUR_BODIES,
                    )
                )
            publicity += [
                Publicity(activity=activity, channel=channel)
                for channel in rng.sample(list(Publicity.Channel.values), k=3)
            ]
            if activity.date.month == 8 and activity.number % per_month == 0:
                outcomes.append(
                    Outcome(
                        activity=activity,
                        kind=Outcome.Kind.RESEARCH_REPORT,
                        title=f"{activity.title}调研报告",
                        year=activity.date.year,
                    )
                )
        for year in range(first_year, first_year + years):
            for k in range(24):
                outcomes.append(
                    Outcome(
                        member=members[20 * scale + k],
                        kind=Outcome.Kind.PROPOSAL,
                        submitted_to=Outcome.SubmittedTo.CPPCC,
                        title=f"{year}年提案{k}",
                        year=year,
                        is_key=k < 2,
                    )
                )
        Attendance.objects.bulk_create(attendance, batch_size=2000)
        LeaderPresence.objects.bulk_create(leaders)
        Publicity.objects.bulk_create(publicity)
        Outcome.objects.bulk_create(outcomes)
    return len(members), number, len(attendance)


def _best(fn, repeat, clock=time.perf_counter):
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times), statistics.median(times)


def _interleaved(runs, repeat):
    """CPU seconds of each of ``runs`` ({name: function}) over ``repeat`` rounds: a warm-up run
    of each first, then in every round each function once, after a garbage collection, in
    the given order in even rounds and reversed in odd ones. Returns {name: [seconds, …]}."""
    for fn in runs.values():
        fn()
    times = {name: [] for name in runs}
    order = list(runs)
    for round_ in range(repeat):
        for name in order if round_ % 2 == 0 else reversed(order):
            gc.collect()
            start = time.process_time()
            runs[name]()
            times[name].append(time.process_time() - start)
    return times


def _ratios(numerator, denominator):
    """Best over best; and the median, lowest and highest of the per-round ratios."""
    paired = [a / b for a, b in zip(numerator, denominator, strict=True)]
    return (
        round(min(numerator) / min(denominator), 2),
        round(statistics.median(paired), 2),
        f"{min(paired):.2f}–{max(paired):.2f}",
    )


def _peak(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _cells_of(content):
    """Every sheet's values, as the floor writes them."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        ws.reset_dimensions()
        sheets.append((ws.title, [list(r) for r in ws.iter_rows(values_only=True)]))
    wb.close()
    return sheets


def _floor(sheets):
    """Bare XlsxWriter (constant_memory): the same values, nothing else, a call a cell."""
    import datetime

    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False})
    for title, rows in sheets:
        ws = wb.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                elif isinstance(value, datetime.datetime):
                    ws.write_datetime(r, c, value)
                else:
                    ws.write_number(r, c, value)
    wb.close()
    return buffer


def _floor_rows(sheets):
    """The same values through fuan_rotation.formal's writer (a row a call), no formats."""
    from fuan_rotation.formal import _Workbook

    buffer = io.BytesIO()
    wb = _Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False})
    for title, rows in sheets:
        ws = wb.add_worksheet(title)
        for r, row in enumerate(rows):
            ws.write_cells(
                r, [(c, value, None) for c, value in enumerate(row) if value is not None]
            )
    wb.close()
    return buffer


def run_scale(scale, database_url, repeat):
    _setup_django(database_url)
    import datetime

    import xlsxwriter
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from activities.models import Activity, Attendance
    from fuan_rotation.formal import spooled_output
    from members.models import Member, Role, User
    from reports.excel import workbook_bytes, write_workbook
    from reports.tallies import Period, tally

    t = time.perf_counter()
    if scale == 1:
        call_command("seed_demo", stdout=io.StringIO())
        period = Period(datetime.date(2017, 11, 1), datetime.date(2019, 7, 31))
    else:
        generate(scale)
        period = Period(datetime.date(2010, 1, 1), datetime.date(2019, 12, 31))
    generated = time.perf_counter() - t
    # Fresh bulk-loaded tables have no planner statistics; a live database has them (autovacuum).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # Count right away: Django keeps only the last 9,000 queries, so counts taken later drift.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        report = tally(period)
    tally_queries = len(queries)
    tally_best, _ = _best(lambda: tally(period), repeat)

    def render():
        return workbook_bytes(report)

    content = render()
    sheets = _cells_of(content)
    times = _interleaved(
        {
            "workbook": render,
            "floor": lambda: _floor(sheets),
            "floor_rows": lambda: _floor_rows(sheets),
        },
        repeat,
    )
    workbook, floor, rows = times["workbook"], times["floor"], times["floor_rows"]
    vs_floor = _ratios(workbook, floor)
    vs_rows = _ratios(workbook, rows)
    workbook_peak = _peak(render)
    floor_peak = _peak(lambda: _floor(sheets))

    def stream():
        with spooled_output() as output:
            write_workbook(report, output)

    stream_peak = _peak(stream)

    leader, _ = User.objects.get_or_create(username="bench-leader", role=Role.LEADERSHIP)
    client = Client()
    client.force_login(leader)
    url = reverse("reports:report_period")
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    client.get(url, query)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    page_queries = len(captured)
    assert response.status_code == 200, response.status_code
    page_best, page_median = _best(lambda: client.get(url, query), repeat)
    year_url = reverse("reports:report_year", args=[period.end.year])
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(year_url)
    year_queries = len(captured)
    year_best, _ = _best(lambda: client.get(year_url), repeat)

    return {
        "scale": scale,
        "database": connection.vendor,
        "period": str(period.label),
        "members": Member.objects.count(),
        "activities_counted": report.activity_count,
        "attendance_rows": Attendance.objects.count(),
        "activities_total": Activity.objects.count(),
        "person_times": report.person_times,
        "cells": sum(len([v for v in row if v is not None]) for _t, rows in sheets for row in rows),
        "xlsx_bytes": len(content),
        "generate_s": round(generated, 2),
        "tally_queries": tally_queries,
        "tally_s": round(tally_best, 3),
        "floor_library": f"XlsxWriter {xlsxwriter.__version__}",
        "workbook_s": round(min(workbook), 3),
        "workbook_median_s": round(statistics.median(workbook), 3),
        "floor_s": round(min(floor), 3),
        "floor_median_s": round(statistics.median(floor), 3),
        "workbook_vs_floor": vs_floor[0],
        "workbook_vs_floor_median": vs_floor[1],
        "workbook_vs_floor_range": vs_floor[2],
        "floor_rows_s": round(min(rows), 3),
        "workbook_vs_floor_rows": vs_rows[0],
        "workbook_vs_floor_rows_median": vs_rows[1],
        "workbook_vs_floor_rows_range": vs_rows[2],
        "rounds": repeat,
        "workbook_peak_mb": round(workbook_peak / 2**20, 1),
        "workbook_stream_peak_mb": round(stream_peak / 2**20, 1),
        "floor_peak_mb": round(floor_peak / 2**20, 1),
        "page_queries": page_queries,
        "page_s": round(page_best, 3),
        "page_median_s": round(page_median, 3),
        "year_page_queries": year_queries,
        "year_page_s": round(year_best, 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="1 and/or 10 (default both)")
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--database-url", help="A scratch database (emptied!); default SQLite")
    parser.add_argument("--json", action="store_true", help="Print raw JSON only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        (scale,) = args.scale
        print(json.dumps(run_scale(scale, args.database_url, args.repeat)))
        return

    results = []
    for scale in args.scale or [1, 10]:
        with tempfile.TemporaryDirectory() as scratch:
            url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--scale",
                    str(scale),
                    "--repeat",
                    str(args.repeat),
                    "--database-url",
                    url,
                ],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return
    keys = [k for k in results[0] if k != "scale"]
    print("| | " + " | ".join(f"{r['scale']}x" for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for key in keys:
        print(f"| {key} | " + " | ".join(str(r[key]) for r in results) + " |")


if __name__ == "__main__":
    main()
