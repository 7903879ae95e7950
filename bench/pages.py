"""Every named page at the seed's size and at a province's: queries and median time.

    .venv/bin/python bench/pages.py                      # 1x (seed_demo) and 100x, SQLite
    .venv/bin/python bench/pages.py --scale 100 --only reports
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/fuan_bench

1x is the seed itself (seed_demo: 132 members, 17 activities). Nx is report_bench's generator
at N times the committee (N x 132 members in 12 groups) with the seed's density of activities:
17 x N activities over 2018-2019 (at 100x: 13,200 members, 1,680 activities, about 42,000
attendance rows). Both get the same few extra rows every page needs (a plan, an activity
awaiting review, this year's schedule, a calendar feed, an open check-in, logins).

The generated SQLite files are kept under var/bench/ (keyed by the migrations, this
generator and the year), and each run works on a copy, so a rerun starts in seconds. A
--database-url is a scratch PostgreSQL database: emptied, migrated and generated on every run.
For the load bench (bench/load/lists.sh): `--build N --database-url URL` only generates N x
into URL and leaves it there; `--scale N --copy-to DIR` only copies the cached N x SQLite file
into DIR.

Each URL the permission matrix knows (tests/test_permission_matrix.py), and every admin page
(index, each model's changelist, add, change, delete and history of its first row), is asked
for as a staff login: once to count queries, then --repeat times for the median. A row is
flagged when its queries grow from the smaller size to the larger, or its median passes
--budget-ms (300) at the larger size, or it takes three times as long there: on SQLite by CPU
time (the database runs in the process, and other work on the machine does not count), on
PostgreSQL by wall time.
"""

import argparse
import datetime
import hashlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
GENERATOR_VERSION = "2"


def _fingerprint(scale):
    """Changes when a migration or the generator changes, or the year turns (the extras plan
    the current year, and the walk opens its pages): the cached file is then rebuilt."""
    # The year of settings.TIME_ZONE, not of UTC: 1 January starts eight hours earlier there.
    year = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).year
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{year}".encode())
    for path in sorted(ROOT.glob("*/migrations/0*.py")):
        digest.update(path.read_bytes())
    digest.update((ROOT / "bench" / "report_bench.py").read_bytes())
    return f"pages-{scale}x-{digest.hexdigest()[:12]}.sqlite3"


def _setup_django(database_url):
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["DATABASE_URL"] = database_url
    # The attachments the extras add outlive the process that made them, like the database.
    (CACHE / "attachments").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ATTACHMENTS_DIR", str(CACHE / "attachments"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def build(scale):
    """Migrate, generate, add what the pages need; an empty database is assumed."""
    from django.core.management import call_command
    from django.db import connection

    if "activities_activity" in connection.introspection.table_names():
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if scale == 1:
        call_command("seed_demo", stdout=io.StringIO())
    else:
        from report_bench import generate

        generate(scale, first_year=2018, years=2, per_month=70 * scale // 100 or 1, attendees=20)
    _extras()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _extras():
    from django.utils import timezone

    from activities.attachments.services import attachment_add, attachment_archive
    from activities.checkin.services import checkin_open
    from activities.demo import staff_permission_group
    from activities.models import Activity, ChatWebhook, GroupMembership, RotationGroup
    from activities.schedule.services import calendar_feed_create, schedule_set_month
    from activities.services import activity_save
    from members.models import Role, User

    staff, _ = User.objects.get_or_create(
        username="bench-staff", defaults={"role": Role.STAFF, "is_staff": True}
    )
    staff.groups.add(staff_permission_group())
    User.objects.get_or_create(username="bench-leader", defaults={"role": Role.LEADERSHIP})
    group1 = RotationGroup.objects.get(number=1)
    today = timezone.localdate()
    year = today.year
    for month in range(1, 13):
        group = RotationGroup.objects.get(number=month)
        schedule_set_month(
            year=year, month=month, group=group, by=staff, note="据年度轮值安排表补录"
        )
    held = Activity.objects.filter(group=group1, status=Activity.Status.HELD).order_by("-date")[0]
    # Opened on its day (a day that has passed takes no new check-in), then reopened by the
    # staff for a late list, as the office does.
    on_the_day = datetime.datetime.combine(
        held.date, datetime.time(9), timezone.get_default_timezone()
    )
    checkin_open(activity=held, by=staff, now=on_the_day)
    checkin_open(activity=held, by=staff)
    activity_save(
        activity=Activity(
            group=group1,
            date=today + datetime.timedelta(days=5),
            title="计划中的活动",
            theme="visit",
            status=Activity.Status.PLANNED,
        ),
        by=staff,
    )
    activity_save(
        activity=Activity(
            group=group1,
            date=today - datetime.timedelta(days=3),
            title="待审的活动",
            theme="visit",
            status=Activity.Status.HELD,
            review_status=Activity.Review.PENDING,
            # Outside group 1's duty month a held record says why (ignored in its own month).
            off_duty_reason=Activity.OffDutyReason.MAKEUP,
        ),
        by=staff,
    )
    calendar_feed_create(by=staff)
    ChatWebhook.objects.create(
        platform="wecom",
        name="执委群",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
    )
    sys.path.insert(0, str(ROOT))
    from tests.activities.attachments import samples

    for name, size in (("a.png", (120, 80)), ("b.png", (30, 20))):
        added = attachment_add(
            activity=held, upload=samples.upload(name, samples.png(size)), by=staff
        ).attachment
    attachment_archive(attachment=added, by=staff)
    member = (
        GroupMembership.objects.filter(group=group1, end_date__isnull=True)
        .exclude(member__archived_at__isnull=False)
        .order_by("member_id")[0]
        .member
    )
    if not User.objects.filter(username="member").exists():  # the seed has its own
        User.objects.create(username="bench-member", role=Role.MEMBER, member=member)


def _world():
    """The URL arguments of tests/test_permission_matrix.py, taken from this database."""
    from django.utils import timezone

    from activities.models import (
        Activity,
        Attachment,
        Attendance,
        CalendarFeed,
        ChatWebhook,
        ScheduleEntry,
    )
    from members.models import Member, User

    year = timezone.localdate().year
    plan = Activity.objects.get(title="计划中的活动")
    return {
        "group_number": 1,
        "activity": Activity.objects.get(checkin_session__isnull=False).pk,
        "plan": plan.pk,
        "pending": Activity.objects.get(title="待审的活动").pk,
        "member": User.objects.get(username__in=["bench-member", "member"]).member_id,
        "feed": CalendarFeed.objects.first().pk,
        "webhook": ChatWebhook.objects.get().pk,
        "attachment": Attachment.objects.filter(archived_at__isnull=True).first().pk,
        "archived_attachment": Attachment.objects.filter(archived_at__isnull=False).first().pk,
        "login": User.objects.get(username="bench-leader").pk,
        "year": year,
        "next_year": year + 1,
        "month": 1,
        "schedule_change": ScheduleEntry.history.filter(year=year, month=1).first().history_id,
        "report_year": 2018,
        "_counts": {
            "members": Member.objects.count(),
            "activities": Activity.objects.count(),
            "attendance": Attendance.objects.count(),
        },
    }


def _urls(world):
    """(label, path) for every GET page a staff login can open: matrix pages, then the admin."""
    from django.contrib import admin
    from django.urls import reverse

    from tests.test_permission_matrix import MATRIX

    urls = []
    for name, (args, table, _data) in MATRIX.items():
        if table.get("staff") != 200:
            continue
        missing = [a for a in args if a not in world]
        if missing:  # a page added to the matrix after this bench: say so rather than fail
            print(f"# skipped {name}: no {', '.join(missing)} in the world", file=sys.stderr)
            continue
        urls.append((name, reverse(name, args=[world[a] for a in args])))
    urls.append(("admin:index", reverse("admin:index")))
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append((f"{prefix}_changelist", reverse(f"{prefix}_changelist")))
        urls.append((f"{prefix}_add", reverse(f"{prefix}_add")))
        first = model._default_manager.order_by("pk").first()
        if model._meta.label == "activities.RotationGroup":
            first = model._default_manager.get(number=1)  # the one the bench's numbers name
        if first is None:
            continue
        for action in ("change", "delete", "history"):
            urls.append((f"{prefix}_{action}", reverse(f"{prefix}_{action}", args=[first.pk])))
    return urls


def run(scale, database_url, repeat, only):
    _setup_django(database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    if database_url.startswith("postgres"):
        t = time.perf_counter()
        build(scale)
        generated = time.perf_counter() - t
    else:
        generated = None
    world = _world()
    client = Client()
    client.force_login(User.objects.get(username="bench-staff"))
    results = []
    for label, url in _urls(world):
        if only and not any(part in label or part in url for part in only):
            continue
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured)  # now: the next request clears the connection's log
        status = response.status_code
        size = len(response.content) if not response.streaming else None
        times, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        results.append(
            {
                "label": label,
                "url": url,
                "status": status,
                "queries": queries,
                "median_ms": round(statistics.median(times) * 1000, 1),
                "cpu_ms": round(statistics.median(cpu) * 1000, 1),
                "bytes": size,
            }
        )
    return {
        "scale": scale,
        "database": connection.vendor,
        "generate_s": generated,
        "counts": world["_counts"],
        "pages": results,
    }


def _database_for(scale, scratch, database_url):
    """A database holding the generated data: the cached SQLite file's copy, or PostgreSQL."""
    if database_url:
        return database_url
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / _fingerprint(scale)
    if not cached.exists():
        for stale in CACHE.glob(f"pages-{scale}x-*.sqlite3"):
            stale.unlink()
        building = cached.with_suffix(".part")
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build", str(scale), "--database-url",
             f"sqlite:///{building}"],
            check=True,
            cwd=ROOT,
        )  # fmt: skip
        building.rename(cached)
        print(f"# generated {cached.name} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    copy = Path(scratch) / cached.name
    shutil.copyfile(cached, copy)
    return f"sqlite:///{copy}"


def _table(results, budget_ms):
    small, large = results[0], results[-1]
    lines = [
        "| page | status | queries "
        + " / ".join(f"{r['scale']}x" for r in results)
        + " | median ms "
        + " / ".join(f"{r['scale']}x" for r in results)
        + " | CPU ms "
        + " / ".join(f"{r['scale']}x" for r in results)
        + " | flag |",
        "|---|---|---:|---:|---:|---|",
    ]
    by_label = [{p["label"]: p for p in r["pages"]} for r in results]
    flagged = 0
    for page in small["pages"]:
        rows = [b.get(page["label"]) for b in by_label]
        if any(row is None for row in rows):
            continue
        flags = []
        # SQLite runs in this process: its CPU time is the request's whole cost, and other
        # work on a shared machine does not inflate it. PostgreSQL works in its own process.
        key = "cpu_ms" if large["database"] == "sqlite" else "median_ms"
        if rows[-1]["queries"] > rows[0]["queries"]:
            flags.append("queries grow")
        if len(results) > 1 and rows[-1][key] > budget_ms:
            flags.append(f"> {budget_ms} ms")
        if len(results) > 1 and rows[-1][key] > 3 * max(rows[0][key], 10):
            flags.append("time grows")
        flagged += bool(flags)
        lines.append(
            f"| {page['label']} `{page['url']}` | "
            + "/".join(str(r["status"]) for r in rows)
            + " | "
            + " / ".join(str(r["queries"]) for r in rows)
            + " | "
            + " / ".join(str(r["median_ms"]) for r in rows)
            + " | "
            + " / ".join(str(r["cpu_ms"]) for r in rows)
            + " | "
            + ", ".join(flags)
            + " |"
        )
    head = [
        f"{r['scale']}x ({r['database']}): {r['counts']['members']} members, "
        f"{r['counts']['activities']} activities, {r['counts']['attendance']} attendance rows"
        for r in results
    ]
    return "\n".join(["; ".join(head), "", *lines, "", f"{flagged} flagged"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="default: 1 and 100")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget-ms", type=int, default=300)
    parser.add_argument("--only", action="append", help="substring of a page's name or URL")
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (emptied!)")
    parser.add_argument("--json", action="store_true", help="print the raw results")
    parser.add_argument(
        "--copy-to",
        metavar="DIR",
        help="only copy the --scale SQLite file (generated if missing) into DIR, print its URL",
    )
    parser.add_argument(
        "--build", type=int, metavar="N", help="only generate N x into --database-url"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build:
        _setup_django(args.database_url)
        build(args.build)
        return
    if args.copy_to:
        print(_database_for((args.scale or [100])[0], args.copy_to, None))
        return
    if args.child:
        print(json.dumps(run(args.child, args.database_url, args.repeat, args.only)))
        return

    results = []
    for scale in args.scale or [1, 100]:
        with tempfile.TemporaryDirectory() as scratch:
            url = _database_for(scale, scratch, args.database_url)
            command = [sys.executable, __file__, "--child", str(scale), "--database-url", url]
            command += ["--repeat", str(args.repeat)]
            for part in args.only or []:
                command += ["--only", part]
            out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print(_table(results, args.budget_ms))


if __name__ == "__main__":
    main()
