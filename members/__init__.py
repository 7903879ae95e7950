"""The people: executive-committee members (执委会成员), their federation roles and public
offices (人大代表, 政协委员), and the logins with their roles.

``roster.py`` reads and writes roster workbooks safely (hostile files refused) without touching
the database. The 名册 pages themselves live in ``activities/roster/``, because they show groups.
"""
