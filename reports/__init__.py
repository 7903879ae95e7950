"""The year-end figures (统计报表): ``tallies.py`` computes them once, in the database, for a
period; the page (``views.py``, with ``charts.py``) and the workbook (``excel.py``, and the
``export_report`` command) only render them, so they agree to the digit.
"""
