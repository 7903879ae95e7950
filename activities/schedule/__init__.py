"""The year's rotation (轮值安排): which group is on duty in which month, and what became of it.

- ``months.py`` reads: a year's months with their status (upcoming, planned, held, overdue,
  no activity), who is on duty, the yearly obligation;
- ``services.py`` writes: generate a year, swap or change months, calendar feeds;
- ``views.py``, ``forms.py``, ``urls.py``: /schedule/, /my-group/, /obligation/, the feeds;
- ``export.py``: the schedule workbook and the .ics calendar;
- ``reminders.py``: the e-mails ``send_reminders`` sends.
"""
