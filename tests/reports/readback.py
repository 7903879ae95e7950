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
