"""Read a workbook back the way FIELD-NOTES says: read-only, values, dimensions reset."""

import io

from openpyxl import load_workbook


def load(content):
    assert content[:4] == b"PK\x03\x04"
    return load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)


def rows(ws):
    """Every row as a list, padded to the widest row (trailing empty cells are not stored)."""
    ws.reset_dimensions()
    table = [list(row) for row in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in table), default=0)
    return [r + [None] * (width - len(r)) for r in table]


def read_workbook(content):
    """{sheet name: {first column: second column}} for label/value lookups, plus raw rows."""
    wb = load(content)
    result = {}
    for ws in wb.worksheets:
        table = rows(ws)
        result[ws.title] = {r[0]: r[1] if len(r) > 1 else None for r in table if r and r[0]}
        result[ws.title]["__rows__"] = table
    wb.close()
    return result


HEADER = 3  # zero-based index of the header row: rows 1-3 are the title block


def table(book, sheet):
    """(header, data rows, rows below the data) of a formal table read by read_workbook.

    The data is the block directly under the header, up to the first empty row; totals and
    notes follow after it. Line breaks in the header (活动次数\n（次）) are removed.
    """
    rows_ = book[sheet]["__rows__"]
    header = [h.replace("\n", "") if isinstance(h, str) else h for h in rows_[HEADER]]
    body = []
    index = HEADER + 1
    while index < len(rows_) and any(v is not None for v in rows_[index]):
        body.append(rows_[index])
        index += 1
    rest = [r for r in rows_[index:] if any(v is not None for v in r)]
    return header, body, rest
