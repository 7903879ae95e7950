"""Roster import planning: match a roster workbook to the members, show what would change,
then write all of it in one transaction (or nothing).

members.roster reads and writes the workbook; this module knows the database: members,
their public offices, and their rotation groups (which live in activities).

Rules a user relies on (also shown on the upload page):
- A row is matched to a member by mobile; without a mobile match, by name and company.
  Two people with the same name but another company or mobile stay two people.
- An empty cell leaves the stored value alone; 无 in the offices or group column clears it.
- 工作单位 is required: a new member without one is an error on the row; a matched member
  with an empty cell keeps the stored company, with a warning.
- A mobile match whose name and company both differ is imported with a warning (the mobile
  may be on the wrong row).
- The 召集人 column, when present, is yes/no: empty means “not a convener”.
- Members missing from the file are archived only when asked (archive_missing).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import GroupMembership, RotationGroup
from activities.services import (
    group_create,
    member_archive,
    membership_assign,
    membership_bulk_create,
    membership_end,
)
from members.locking import version_bump, version_claim
from members.models import FederationRole, Gender, Member
from members.roster import (
    NO_GROUP,
    RosterIssue,
    clean_name,
    clean_text,
    group_label,
    offices_label,
    read_roster,
)
from members.services import (
    member_bulk_create,
    member_offices_set,
    member_restore,
    member_update,
)

MEMBER_FIELDS = (
    "name",
    "gender",
    "company",
    "position",
    "industry",
    "township",
    "mobile",
    "email",
    "role",
    "term",
    "notes",
)
EXTRA_LABELS = {
    "offices": gettext_lazy("public offices"),
    "group": gettext_lazy("rotation group"),
    "convener": gettext_lazy("convener"),
    "status": gettext_lazy("status"),
}
EMPTY = "—"


class RosterPlanError(Exception):
    """Raised when asked to write a plan that has errors."""


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: int
    action: str  # "create", "update" or "unchanged"
    name: str
    company: str = ""
    member: Member | None = None
    matched_by: str = ""  # "mobile" or "name_company" for a matched member
    fields: dict = field(default_factory=dict)  # model fields to write
    offices: frozenset | None = None  # None: leave the offices alone
    group_action: str = ""  # "", "assign" or "leave"
    group_number: int | None = None
    convener: bool = False
    restore: bool = False
    changes: list = field(default_factory=list)
    sheet: str = ""  # set when the workbook had several roster sheets

    @property
    def place(self):
        """The row as the user finds it: 5, or 第2组·5 when several sheets were read."""
        return f"{self.sheet}·{self.row}" if self.sheet else str(self.row)

    @property
    def matched_by_label(self):
        return {"mobile": _("mobile"), "name_company": _("name and company")}.get(
            self.matched_by, ""
        )

    @property
    def summary(self):
        """What a new member will look like: role, group and offices in a few words."""
        parts = [self.fields.get("company", ""), _role_label(self.fields.get("role"))]
        if self.group_action == "assign":
            parts.append(group_label(self.group_number))
            if self.convener:
                parts.append(_("convener"))
        if self.offices:
            parts.append(offices_label(self.offices))
        return " · ".join(p for p in parts if p)


@dataclass
class GroupPlan:
    number: int
    name: str


@dataclass
class ImportPlan:
    sheet: object
    rows: list
    new_groups: list
    to_archive: list
    archive_missing: bool
    errors: list
    row_warnings: list = field(default_factory=list)  # RosterIssue: from matching rows

    @property
    def ok(self):
        return not self.errors

    @property
    def warnings(self):
        """What the rows are imported despite (RosterIssue): values left out when reading,
        then what matching found (an empty 工作单位 kept, a mobile of someone else), by row."""
        issues = list(getattr(self.sheet, "warnings", [])) + list(self.row_warnings)
        order = {sheet.sheet_name: i for i, sheet in enumerate(self.sheets_read)}
        return sorted(issues, key=lambda e: (order.get(e.sheet, 0), e.row or 0))

    @property
    def sheets_read(self):
        return list(getattr(self.sheet, "sheets", [self.sheet]))

    @property
    def sheets_left(self):
        return list(getattr(self.sheet, "sheets_left", []))

    @property
    def notices(self):
        return list(getattr(self.sheet, "notices", []))

    @property
    def created(self):
        return [r for r in self.rows if r.action == "create"]

    @property
    def updated(self):
        return [r for r in self.rows if r.action == "update"]

    @property
    def unchanged(self):
        return [r for r in self.rows if r.action == "unchanged"]

    @property
    def has_changes(self):
        return bool(self.created or self.updated or self.to_archive or self.new_groups)

    def fingerprint(self):
        """A digest of everything the plan would do, to check a confirmation is for it."""
        data = {
            "rows": [
                [r.place, r.action, r.member.pk if r.member else None]
                + [r.member.version if r.member else None]
                + [[c.field, c.old, c.new] for c in r.changes]
                + [r.summary if r.action == "create" else ""]
                for r in self.rows
            ],
            "groups": [[g.number, g.name] for g in self.new_groups],
            "archive": [[m.pk, m.version] for m in self.to_archive],
            "errors": [[e.sheet, e.row, e.column, e.message] for e in self.errors],
        }
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int
    archived: int
    groups_created: int


def _role_label(role):
    return str(FederationRole(role).label) if role else ""


def _display(key, value):
    if value in (None, "", frozenset()):
        return EMPTY
    if key == "role":
        return _role_label(value)
    if key == "gender":
        return str(Gender(value).label)
    if key == "offices":
        return offices_label(value)
    if key == "convener":
        return _("yes") if value else _("no")
    return str(value)


def _label(key):
    if key in EXTRA_LABELS:
        return str(EXTRA_LABELS[key])
    return str(Member._meta.get_field(key).verbose_name)


def _stored(member, key):
    """The member's value as the roster would write it, for comparison."""
    value = getattr(member, key)
    if key == "name":
        return clean_name(value)
    if key in ("role", "gender", "mobile", "email"):
        return value or ""
    if key == "term":
        return value
    return clean_text(value)


def plan_file(source, *, archive_missing=False):
    """Read a roster workbook and plan its import. Raises members.roster.RosterFileError."""
    return plan_import(read_roster(source), archive_missing=archive_missing)


def plan_import(sheet, *, archive_missing=False):
    """Work out what importing `sheet` would do, without writing anything."""
    planner = _Planner(sheet)
    return planner.plan(archive_missing=archive_missing)


class _Planner:
    def __init__(self, sheet):
        self.sheet = sheet
        self.errors = list(sheet.errors)
        self.warnings = []
        self.members = list(Member.objects.prefetch_related("offices"))
        self.by_mobile = {m.mobile: m for m in self.members if m.mobile}
        self.by_person = defaultdict(list)
        for member in self.members:
            self.by_person[(clean_name(member.name), clean_text(member.company))].append(member)
        self.memberships = {
            m.member_id: m for m in GroupMembership.objects.current().select_related("group")
        }
        self.groups = {g.number: g for g in RotationGroup.objects.all()}
        self.new_groups = {}

    def _sheets(self):
        return getattr(self.sheet, "sheets", [self.sheet])

    def error(self, record, key, message):
        self.errors.append(
            RosterIssue(record.row, self.sheet.columns.get(key, ""), message, sheet=record.sheet)
        )

    def warn(self, record, key, message):
        self.warnings.append(
            RosterIssue(record.row, self.sheet.columns.get(key, ""), message, sheet=record.sheet)
        )

    def _failed(self, record, key):
        """Whether reading already reported an error in this row's `key` column."""
        column = self.sheet.columns.get(key)
        return any(
            e.row == record.row and e.sheet == record.sheet and e.column == column
            for e in self.errors
        )

    def plan(self, *, archive_missing):
        records = [r for r in self.sheet.records if r.values.get("name")]
        self._check_duplicates(records)
        matches = self._match(records)
        rows = [
            self._plan_row(record, *matches.get(record.place, (None, ""))) for record in records
        ]
        claimed = {m.pk for m, _how in matches.values()}
        to_archive = []
        if archive_missing:
            to_archive = sorted(
                (m for m in self.members if m.archived_at is None and m.pk not in claimed),
                key=lambda m: (m.stroke_key, m.pk),
            )
        order = {name: i for i, name in enumerate(s.sheet_name for s in self._sheets())}
        self.errors.sort(key=lambda e: (order.get(e.sheet, 0), e.row or 0, e.column))
        return ImportPlan(
            sheet=self.sheet,
            rows=rows,
            new_groups=[GroupPlan(n, name) for n, name in sorted(self.new_groups.items())],
            to_archive=to_archive,
            archive_missing=archive_missing,
            errors=self.errors,
            row_warnings=self.warnings,
        )

    def _check_duplicates(self, records):
        seen_mobile = {}
        seen_person = defaultdict(list)
        for record in records:
            values = record.values
            mobile = values.get("mobile", "")
            person = (values["name"], values.get("company", ""))
            if mobile and mobile in seen_mobile:
                self.error(
                    record,
                    "mobile",
                    _(
                        "The mobile %(mobile)s is already on row %(other)s; each person appears "
                        "once in the roster."
                    )
                    % {"mobile": mobile, "other": seen_mobile[mobile]},
                )
            else:
                for other_row, other_mobile in seen_person[person]:
                    if not mobile or not other_mobile:
                        self.error(
                            record,
                            "name",
                            _(
                                "%(name)s of %(company)s is already on row %(other)s; each person "
                                "appears once. If they are two people, give both their mobiles."
                            )
                            % {
                                "name": person[0],
                                "company": person[1] or EMPTY,
                                "other": other_row,
                            },
                        )
                        break
            if mobile:
                seen_mobile.setdefault(mobile, record.place)
            seen_person[person].append((record.place, mobile))

    def _match(self, records):
        """{row: (member, how)}: by mobile first, then by name and company."""
        matches = {}
        claimed = set()
        for record in records:
            member = self.by_mobile.get(record.values.get("mobile", ""))
            if member is not None and member.pk not in claimed:
                matches[record.place] = (member, "mobile")
                claimed.add(member.pk)
        for record in records:
            if record.place in matches:
                continue
            values = record.values
            person = (values["name"], values.get("company", ""))
            candidates = [m for m in self.by_person.get(person, ()) if m.pk not in claimed]
            active = [m for m in candidates if m.archived_at is None]
            candidates = active or candidates
            if len(candidates) == 1:
                matches[record.place] = (candidates[0], "name_company")
                claimed.add(candidates[0].pk)
            elif len(candidates) > 1:
                self.error(
                    record,
                    "name",
                    _(
                        "%(count)s members are named %(name)s at %(company)s; add the mobile "
                        "number so the right one is updated."
                    )
                    % {"count": len(candidates), "name": person[0], "company": person[1] or EMPTY},
                )
        return matches

    def _group_target(self, record):
        """(action, number) for the group cell: ("", None) when it says nothing."""
        ref = record.values.get("group")
        if ref is None:
            return "", None
        if ref == NO_GROUP:
            return "leave", None
        number = ref.number
        if number is None:
            wanted = ref.name.replace(" ", "")
            found = [
                g.number
                for g in self.groups.values()
                if g.name.replace(" ", "") == wanted and g.archived_at is None
            ]
            found += [n for n, name in self.new_groups.items() if name == wanted]
            if len(found) != 1:
                self.error(
                    record,
                    "group",
                    _("There is no group named “%(name)s”; write its number, e.g. 第3组.")
                    % {"name": ref.name},
                )
                return "", None
            number = found[0]
        group = self.groups.get(number)
        if group is not None and group.archived_at is not None:
            self.error(
                record,
                "group",
                _("Group %(number)s is archived; restore it first or choose another group.")
                % {"number": number},
            )
            return "", None
        if group is None:
            # A group the roster names but the database lacks: created with the import.
            if not self.new_groups.get(number) or self.new_groups[number] == f"第{number}组":
                self.new_groups[number] = ref.name or f"第{number}组"
        return "assign", number

    def _plan_row(self, record, member, matched_by):
        values = record.values
        plan = RowPlan(
            row=record.row,
            sheet=record.sheet,
            action="create" if member is None else "update",
            name=values["name"],
            company=values.get("company", ""),
            member=member,
            matched_by=matched_by,
        )
        current = self.memberships.get(member.pk) if member else None
        group_action, group_number = self._group_target(record)
        convener = values.get("convener")
        role = values.get("role") or (member.role if member else None)

        self._check_company(record, member)
        if member is None:
            plan.fields = {k: values[k] for k in MEMBER_FIELDS if k in values}
            plan.offices = values.get("offices") or frozenset()
            if group_action == "assign":
                plan.group_action, plan.group_number = "assign", group_number
                plan.convener = bool(convener)
        else:
            self._plan_update(plan, member, values)
            self._plan_group(plan, current, group_action, group_number, convener)

        group_after = plan.group_number if plan.group_action == "assign" else None
        if not plan.group_action and current is not None:
            group_after = current.group.number
        if plan.group_action == "assign":
            is_convener = plan.convener
        elif plan.group_action == "leave":
            is_convener = False
        else:
            is_convener = bool(current and current.is_convener)
        if is_convener and role not in FederationRole.convener_roles():
            self.error(
                record,
                "convener" if convener else "role",
                _(
                    "Only part-time vice-chairs and vice-presidents can convene a group; "
                    "%(name)s is %(role)s."
                )
                % {"name": plan.name, "role": _role_label(role)},
            )
        group_failed = any(
            e.row == record.row
            and e.sheet == record.sheet
            and e.column == self.sheet.columns.get("group")
            for e in self.errors
        )
        if convener and group_after is None and not group_failed:
            self.error(record, "convener", _("A convener must belong to a group."))

        if member is not None and not plan.changes:
            plan.action = "unchanged"
        if matched_by == "mobile" and "name" in plan.fields and "company" in plan.fields:
            # A mobile typed on the wrong row would rename someone else: worth a second look.
            self.warn(
                record,
                "mobile",
                _(
                    "The mobile is the same as %(name)s's, but the name and the company both "
                    "differ: check that the mobile was not typed wrong."
                )
                % {"name": member.name},
            )
        return plan

    def _check_company(self, record, member):
        """工作单位 is required (the template and the page say so). A new member without one
        is an error on the row; a matched member keeps the stored one, with a warning (an
        empty cell never clears a stored value)."""
        if record.values.get("company") or self._failed(record, "company"):
            return
        if member is None:
            self.error(record, "company", _("A new member needs a company (工作单位)."))
        elif clean_text(member.company):
            self.warn(
                record,
                "company",
                _("The company cell is empty: the stored “%(company)s” is kept.")
                % {"company": member.company},
            )
        else:
            self.warn(
                record,
                "company",
                _("The company cell is empty, and %(name)s has no company stored yet.")
                % {"name": member.name},
            )

    def _plan_update(self, plan, member, values):
        if member.archived_at is not None:
            plan.restore = True
            plan.changes.append(Change("status", _label("status"), _("archived"), _("active")))
        for key in MEMBER_FIELDS:
            if key not in values or values[key] == _stored(member, key):
                continue
            plan.fields[key] = values[key]
            plan.changes.append(
                Change(
                    key,
                    _label(key),
                    _display(key, getattr(member, key)),
                    _display(key, values[key]),
                )
            )
        if "offices" in values:
            stored = frozenset((o.kind, o.level) for o in member.offices.all())
            if values["offices"] != stored:
                plan.offices = values["offices"]
                plan.changes.append(
                    Change(
                        "offices",
                        _label("offices"),
                        _display("offices", stored),
                        _display("offices", values["offices"]),
                    )
                )

    def _plan_group(self, plan, current, group_action, group_number, convener):
        current_number = current.group.number if current else None
        current_convener = bool(current and current.is_convener)
        if group_action == "leave":
            if current is not None:
                plan.group_action = "leave"
                plan.changes.append(
                    Change("group", _label("group"), group_label(current_number), EMPTY)
                )
            return
        if group_action == "assign" and group_number != current_number:
            plan.group_action, plan.group_number = "assign", group_number
            plan.convener = bool(convener)
            old = group_label(current_number) if current else EMPTY
            plan.changes.append(Change("group", _label("group"), old, group_label(group_number)))
            if plan.convener != current_convener:
                plan.changes.append(
                    Change(
                        "convener",
                        _label("convener"),
                        _display("convener", current_convener),
                        _display("convener", plan.convener),
                    )
                )
            return
        if convener is not None and current is not None and convener != current_convener:
            plan.group_action, plan.group_number = "assign", current_number
            plan.convener = convener
            plan.changes.append(
                Change(
                    "convener",
                    _label("convener"),
                    _display("convener", current_convener),
                    _display("convener", convener),
                )
            )


def roster_apply(*, plan, by):
    """Write a plan with no errors, all in one transaction, recording `by` as the author.

    Every member the plan changes is claimed at the version it was read at (members.locking):
    if someone saved one since, StaleEditError and nothing is written. Every member written
    gets a higher version, so a member form opened before the import is refused.
    """
    if not plan.ok:
        raise RosterPlanError(_("The roster has errors; nothing was written."))
    today = timezone.localdate()
    with transaction.atomic():
        for member in [row.member for row in plan.updated] + list(plan.to_archive):
            version_claim(member, member.version)
        groups = {g.number: g for g in RotationGroup.objects.all()}
        for new in plan.new_groups:
            groups[new.number] = group_create(number=new.number, name=new.name, by=by)
        # New people are created in bulk: one by one, 10,000 rows took minutes.
        creates = plan.created
        members = member_bulk_create(
            entries=[(row.fields, row.offices or ()) for row in creates], by=by
        )
        membership_bulk_create(
            memberships=[
                GroupMembership(
                    member=member,
                    group=groups[row.group_number],
                    is_convener=row.convener,
                    start_date=today,
                )
                for row, member in zip(creates, members, strict=True)
                if row.group_action == "assign"
            ],
            by=by,
        )
        for row in plan.updated:
            member = row.member
            if row.restore:
                member_restore(member=member, by=by)
            if row.fields:
                member_update(member=member, by=by, **row.fields)
            if row.offices is not None:
                member_offices_set(member=member, offices=row.offices, by=by)
            if row.group_action == "assign":
                membership_assign(
                    member=member,
                    group=groups[row.group_number],
                    by=by,
                    is_convener=row.convener,
                    start=today,
                )
            elif row.group_action == "leave":
                membership_end(member=member, by=by, on=today)
            if not (row.restore or row.fields):
                version_bump(member)  # nothing above saved the member row itself
        for member in plan.to_archive:
            member_archive(member=member, by=by)
    return ImportResult(
        created=len(plan.created),
        updated=len(plan.updated),
        unchanged=len(plan.unchanged),
        archived=len(plan.to_archive),
        groups_created=len(plan.new_groups),
    )


def plan_report_lines(plan):
    """The preview as plain lines, for the command line."""
    lines = []
    for sheet in plan.sheets_read:
        lines.append(
            _("Sheet “%(sheet)s” read, header on row %(row)s, %(count)s member rows.")
            % {"sheet": sheet.sheet_name, "row": sheet.header_row, "count": len(sheet.records)}
        )
    for name, reason in plan.sheets_left:
        lines.append(
            _("Sheet “%(sheet)s” left out: %(reason)s.") % {"sheet": name, "reason": reason}
        )
    for notice in plan.notices:
        lines.append(notice)
    sheet = plan.sheet
    if sheet.ignored_columns:
        lines.append(
            _("Columns not imported: %(columns)s") % {"columns": "、".join(sheet.ignored_columns)}
        )
    for row, text in sheet.skipped_rows:
        lines.append(_("Row %(row)s skipped (not a member): %(text)s") % {"row": row, "text": text})
    lines.append(
        _(
            "%(created)s to create, %(updated)s to update, %(unchanged)s unchanged, "
            "%(archived)s to archive, %(groups)s groups to create, %(errors)s errors, "
            "%(warnings)s warnings."
        )
        % {
            "created": len(plan.created),
            "updated": len(plan.updated),
            "unchanged": len(plan.unchanged),
            "archived": len(plan.to_archive),
            "groups": len(plan.new_groups),
            "errors": len(plan.errors),
            "warnings": len(plan.warnings),
        }
    )
    for group in plan.new_groups:
        lines.append(_("New group: %(group)s") % {"group": group_label(group.number, group.name)})
    for row in plan.created:
        lines.append(
            _("Row %(row)s: create %(name)s (%(summary)s)")
            % {"row": row.place, "name": row.name, "summary": row.summary}
        )
    for row in plan.updated:
        lines.append(
            _("Row %(row)s: update %(name)s (matched by %(how)s)")
            % {"row": row.place, "name": row.name, "how": row.matched_by_label}
        )
        for change in row.changes:
            lines.append(f"    {change.label}: {change.old} → {change.new}")
    for member in plan.to_archive:
        lines.append(_("Archive %(name)s (not in the file)") % {"name": member.name})
    for issue in plan.warnings:
        lines.append(warning_line(issue))
    for issue in plan.errors:
        lines.append(error_line(issue))
    return lines


def warning_line(issue):
    return _("Warning on row %(row)s, column %(column)s: %(message)s") % {
        "row": issue.place,
        "column": issue.column,
        "message": issue.message,
    }


def error_line(issue):
    if issue.row is None:
        return _("Error: %(message)s") % {"message": issue.message}
    return _("Error on row %(row)s, column %(column)s: %(message)s") % {
        "row": issue.place,
        "column": issue.column,
        "message": issue.message,
    }
