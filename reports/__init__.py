"""The year-end figures (统计报表): ``tallies.py`` computes them once, in the database, for a
period; the page (``views.py``, with ``charts.py``) and the workbook (``excel.py``, and the
``export_report`` command) and the written summary (``summary.py`` for its sentences,
``document.py`` for the official-document .docx, and the ``export_summary`` command) only
render them, so they agree to the digit.
"""
