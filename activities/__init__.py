"""Rotation groups and their activities: where the office's monthly work happens.

Where things are:

- at this level, the activity records (活动登记: attendance, leaders, outcomes, publicity), the
  groups (轮值组), the review queue (待审核) and the home page (首页), because every other room
  builds on them; with the models, the admin, the services that write them (services.py),
  the change history (history.py), the list filters (filters.py) and the demo data (demo.py);
- ``schedule/`` — the year's rotation (轮值安排), each month's status, a convener's group and
  plan (我的轮值组), the yearly obligation (年度义务), calendar feeds, reminders and the
  schedule workbook;
- ``roster/`` — the 名册 pages (list, member page, edit, archive), the roster import with its
  planner, and the roster workbooks. They live here, not in ``members/``, because they show
  each member's rotation group and attendance.

Models and migrations stay at this level for every room. Dependencies point one way:
reports → activities → members.
"""
