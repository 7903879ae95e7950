"""The people: executive-committee members (执委会成员), their federation roles and public
offices (人大代表, 政协委员), and the logins with their roles.

``roster.py`` reads and writes roster workbooks safely (hostile files refused) without touching
the database. The 名册 pages themselves live in ``activities/roster/``, because they show groups.

The personal-data access log (数据访问记录: ``PersonalDataAccess`` in ``models.py``, the page in
``views.py`` with its FilterSet in ``filters.py``, ``access.py`` for views that record) lives here
because it is about people and logins: which login read which members' data. Who may see a
member's contact details is decided in ``activities/roster/mobiles.py`` (it needs groups);
``masking.py`` holds how a hidden mobile or e-mail looks.
"""
