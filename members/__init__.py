"""The people: executive-committee members (执委会成员), their federation roles and public
offices (人大代表, 政协委员), and the logins with their roles.

``roster.py`` reads and writes roster workbooks safely (hostile files refused) without touching
the database. The 名册 pages themselves live in ``activities/roster/``, because they show groups.

The logins' pages live here, beside the User model: 账号管理 (``/accounts/``, staff) and the
login for a member (``/members/<id>/login/new/``) in ``views.py``/``urls.py`` (namespace
``accounts``), 修改密码 (``/accounts/password/``, everyone) in ``views.py`` mounted by
fuan_rotation/urls.py; forms in ``forms.py``, writes in ``services.py`` (``login_*``), the
"change your password first" rule in ``middleware.py``, templates in ``templates/accounts/``.
The personal-data access log (数据访问记录: ``PersonalDataAccess`` in ``models.py``, the page in
``views.py`` with its FilterSet in ``filters.py``, ``access.py`` for views that record) lives here
because it is about people and logins: which login read which members' data. Who may see a
member's contact details is decided in ``activities/roster/mobiles.py`` (it needs groups);
``masking.py`` holds how a hidden mobile or e-mail looks.
"""
