"""Time and peak memory to read — or refuse — hostile and very large roster workbooks.

    python bench/roster_bomb_bench.py            # every case, each in a fresh process
    python bench/roster_bomb_bench.py --case style-bomb-16k

Wall-clock and CPU seconds are both printed: on a shared machine the CPU time is the one
that does not count other people's work. The files are built first; then each is read by
`members.roster.read_roster` in its own
Python process, so the maximum resident size printed is that reading's alone (it includes
Python, Django and openpyxl at start-up).
The goal (issue 13): every workbook under the 5 MiB upload limit is read or refused within
2 s and 200 MB. Record the numbers in docs/benchmarks.md.
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _rezip(data, replace):
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
    return output.getvalue()


def _small():
    from tests.members.roster_workbooks import roster_bytes

    return roster_bytes(3)


def style_bomb(entries):
    """1.5 million <xf/> style entries: about 16 KB zipped (27 KB with fonts and fills too)."""

    def build():
        xfs = "<xf/>" * entries
        styles = (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}">'
            f'<cellXfs count="{entries}">{xfs}</cellXfs></styleSheet>'
        )
        return _rezip(_small(), {"xl/styles.xml": styles})

    return build


def style_bomb_mixed(entries):
    def build():
        parts = "<font/>" * entries, "<fill/>" * entries, "<xf/>" * entries
        styles = (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}">'
            f"<fonts>{parts[0]}</fonts><fills>{parts[1]}</fills>"
            f"<cellXfs>{parts[2]}</cellXfs></styleSheet>"
        )
        return _rezip(_small(), {"xl/styles.xml": styles})

    return build


def strings_bomb():
    """A shared-strings part of 3.5 million tiny strings (59 MB unpacked, under the 64 MB
    limit for the whole package)."""
    strings = "<si><t>x</t></si>" * 3_500_000
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">{strings}</sst>'
    case = ROOT / "tests" / "fixtures" / "roster-files" / "c05_SharedStrings_capital.xlsx"
    data = case.read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    part = next(n for n in names if n.lower() == "xl/sharedstrings.xml")
    return _rezip(data, {part: sst})


def cells_bomb():
    """One row of 1 million empty styled cells."""
    cells = '<c r="A1" s="0"/>' * 1_000_000
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        f'<row r="1">{cells}</row></sheetData></worksheet>'
    )
    return _rezip(_small(), {"xl/worksheets/sheet1.xml": sheet})


def rows_bomb():
    """A million empty rows under the header (formatted rows as some tools write)."""
    rows = "".join(f'<row r="{n}" ht="15" customHeight="1"/>' for n in range(2, 1_000_000))
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>{rows}'
        "</sheetData></worksheet>"
    )
    return _rezip(_small(), {"xl/worksheets/sheet1.xml": sheet})


def largest_legal():
    """10,000 member rows (the row limit), every column filled."""
    from tests.members.roster_workbooks import seed_roster_bytes

    return seed_roster_bytes(10_000)


CASES = {
    "style-bomb-16k": style_bomb(1_500_000),
    "style-bomb-mixed": style_bomb_mixed(1_000_000),
    "strings-bomb": strings_bomb,
    "cells-bomb": cells_bomb,
    "rows-bomb": rows_bomb,
    "largest-legal-10000-rows": largest_legal,
}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def run_case(name, path):
    """Read one prepared file in this (fresh) process and print time and peak RSS."""
    setup_django()
    from members.roster import RosterFileError, read_roster

    data = Path(path).read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        book = read_roster(data)
        outcome = f"read {len(book.records)} rows"
    except RosterFileError as error:
        outcome = f"refused: {error.message[:60]}"
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{name:<26} {len(data) / 1024:8.0f} KiB  {seconds:6.2f} s  {cpu:6.2f} s  "
        f"{rss:5.0f} MiB  {outcome[:50]}",
        flush=True,
    )


def build_case(name, path):
    setup_django()
    Path(path).write_bytes(CASES[name]())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_case(args.case, args.build)
        return
    if args.file:
        run_case(args.case, args.file)
        return
    # Linux carries a parent's peak RSS into its children's ru_maxrss: this process stays
    # small (no Django), a child builds each file and another child reads it.
    folder = Path(tempfile.mkdtemp(prefix="roster-bombs-"))
    names = [args.case] if args.case else list(CASES)
    header = f"{'case':<26} {'file':>12}  {'wall':>8}  {'CPU':>8}  {'max RSS':>9}  outcome"
    print(header, flush=True)
    for name in names:
        path = folder / f"{name}.xlsx"
        subprocess.run([sys.executable, __file__, "--case", name, "--build", path], check=True)
        subprocess.run([sys.executable, __file__, "--case", name, "--file", path], check=True)
        path.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
