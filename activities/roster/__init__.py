"""The 名册 (roster) pages under /members/, and the roster workbook in and out.

- ``views.py``: the roster list, a member's page, create, edit, archive, restore;
- ``filters.py``: the roster's search, filters and orderings;
- ``mobiles.py``: the one rule for who sees a member's mobile and e-mail, and the masked
  form everyone else sees;
- ``import_views.py``: upload, preview and confirm an import; download the roster or the
  template;
- ``planner.py``: matches a workbook's rows to members and applies the plan in one transaction;
- ``export.py``: the rows of the roster workbook and of the template.

Reading and writing the workbook file itself is ``members.roster``'s job (no database there).
"""
