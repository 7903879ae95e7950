"""Print a workbook the way the office does (LibreOffice → PDF) and read the pages back.

One conversion per workbook; :class:`Printed` answers every question about the pages from
that one PDF (PyMuPDF reads the text with its size in points and its position).
"""

import io
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

MIN_POINTS = 8
FOOTER = re.compile(r"第\s*\d+\s*页\s*共\s*\d+\s*页")


def require_libreoffice():
    if shutil.which("soffice") is None:
        message = "LibreOffice is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class Page:
    number: int
    sheet: str | None
    spans: list  # (text, size in points, y0, y1)


class Printed:
    """The pages of a workbook printed by LibreOffice.

    ``headers`` maps each sheet to the first cell of its header row (row 4), read from the
    workbook itself, to find the header on every page.
    """

    def __init__(self, content, tmp_path, *, header_row=4):
        import pymupdf

        require_libreoffice()
        source = tmp_path / "book.xlsx"
        source.write_bytes(content)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = tmp_path / "book.pdf"
        assert pdf.exists(), "LibreOffice wrote no PDF"
        wb = load_workbook(io.BytesIO(content), read_only=True)
        self.sheets = wb.sheetnames
        self.headers = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True):
                self.headers[ws.title] = str(row[0]).split("\n")[0] if row and row[0] else None
        wb.close()
        self.pages = []
        with pymupdf.open(pdf) as doc:
            for number, page in enumerate(doc, start=1):
                spans = []
                for block in page.get_text("dict")["blocks"]:
                    for line in block.get("lines", []):
                        for span in line["spans"]:
                            if span["text"].strip():
                                bbox = span["bbox"]
                                spans.append((span["text"].strip(), span["size"], bbox[1], bbox[3]))
                # The page header names the sheet (&A) at the top right.
                top = [s for s in spans if s[2] < 60]
                sheet = next((s[0] for s in top if s[0] in self.sheets), None)
                self.pages.append(Page(number, sheet, spans))

    def small_text(self):
        """(page, sheet, text, size) of every span printed below MIN_POINTS."""
        return [
            (p.number, p.sheet, text, round(size, 1))
            for p in self.pages
            for text, size, _y0, _y1 in p.spans
            if size < MIN_POINTS - 0.05
        ]

    def pages_per_sheet(self):
        return Counter(p.sheet for p in self.pages)

    def lonely_headers(self):
        """Pages where the table's header row has nothing printed under it (before the footer)."""
        lonely = []
        for p in self.pages:
            first = self.headers.get(p.sheet)
            if not first:
                continue
            header = [s for s in p.spans if s[0] == first]
            if not header:
                continue
            bottom = max(s[3] for s in header)
            footer = max(s[2] for s in p.spans)  # the footer is the lowest line
            below = sorted(
                (s for s in p.spans if bottom + 2 < s[2] < footer - 1), key=lambda s: s[2]
            )
            # Nothing, or only a note (注：…), under the header: the table's rows are elsewhere.
            if not below or below[0][0].startswith("注"):
                lonely.append((p.number, p.sheet))
        return lonely

    def without_footer(self):
        return [p.number for p in self.pages if not FOOTER.search("".join(s[0] for s in p.spans))]

    def text(self, sheet):
        return "".join(s[0] for p in self.pages if p.sheet == sheet for s in p.spans)


def check(printed, budgets):
    """Fail with everything wrong at once: small text, lonely headers, pages over budget."""
    problems = []
    small = printed.small_text()
    if small:
        problems.append(f"text below {MIN_POINTS} pt: {small[:8]}")
    lonely = printed.lonely_headers()
    if lonely:
        problems.append(f"header row with no data under it on (page, sheet): {lonely}")
    missing = printed.without_footer()
    if missing:
        problems.append(f"no 「第 N 页 共 M 页」 footer on pages {missing}")
    counts = printed.pages_per_sheet()
    if None in counts:
        problems.append(f"{counts[None]} pages name no sheet in their header")
    for sheet in printed.sheets:
        if counts[sheet] > budgets.get(sheet, 1):
            problems.append(f"{sheet}: {counts[sheet]} pages, budget {budgets.get(sheet, 1)}")
    assert not problems, "\n".join(problems)
