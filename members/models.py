import datetime
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.locking import VersionedSave
from members.sorting import pinyin_key, pinyin_search_keys, stroke_key
from members.validators import normalize_mobile, validate_mainland_mobile


class Role(models.TextChoices):
    """What a login may do in the product (not a person's federation role)."""

    STAFF = "staff", _("Federation staff")
    LEADERSHIP = "leadership", _("Leadership")
    CONVENER = "convener", _("Convener")
    MEMBER = "member", _("Committee member")


class FederationRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Part-time vice-chair")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    STANDING = "standing", _("Standing executive")
    EXECUTIVE = "executive", _("Executive")

    @classmethod
    def rank(cls, value):
        return list(cls.values).index(value)

    @classmethod
    def convener_roles(cls):
        return (cls.VICE_CHAIR, cls.VICE_PRESIDENT)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def with_role_rank(self):
        return self.annotate(
            role_rank=Case(
                *[When(role=value, then=Value(i)) for i, value in enumerate(FederationRole.values)],
                default=Value(len(FederationRole.values)),
                output_field=IntegerField(),
            )
        )

    def by_role(self):
        """The order of the federation's own lists: chair first, then by rank and strokes."""
        return self.with_role_rank().order_by("role_rank", "stroke_key", "pk")

    def by_pinyin(self):
        return self.order_by("pinyin_key", "pk")

    def by_strokes(self):
        return self.order_by("stroke_key", "pk")

    def search(self, text, *, mobiles_of=None):
        """Members whose name, company, pinyin or mobile contains ``text``.

        ``mobiles_of`` limits the mobile match to the members whose full number the searcher
        may see (a queryset of member ids, or a list); None matches every number (staff and
        leadership). Without the limit, searching digit by digit rebuilds a masked number
        (issue 12): the search must match only what the searcher can see.
        """
        text = (text or "").strip()
        if not text:
            return self
        by_mobile = Q(mobile__contains=normalize_mobile(text) or text)
        if mobiles_of is not None:
            by_mobile &= Q(pk__in=mobiles_of)
        return self.filter(
            Q(name__icontains=text)
            | Q(company__icontains=text)
            | by_mobile
            | Q(pinyin_key__icontains=text.lower())
        )

    def standing(self):
        return self.filter(role=FederationRole.STANDING)


class Member(VersionedSave, models.Model):
    """A person on the executive committee (执委会成员). Names are not unique; mobiles are."""

    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    position = models.CharField(_("position in company"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    township = models.CharField(_("township / region"), max_length=100, blank=True)
    mobile = models.CharField(
        _("mobile"),
        max_length=11,
        blank=True,
        validators=[validate_mainland_mobile],
        help_text=_("Mainland China mobile, 11 digits."),
    )
    email = models.EmailField(_("email"), blank=True)
    role = models.CharField(
        _("federation role"),
        max_length=20,
        choices=FederationRole.choices,
        default=FederationRole.STANDING,
    )
    term = models.PositiveSmallIntegerField(
        _("term"), null=True, blank=True, help_text=_("The federation's term (届), e.g. 14.")
    )
    notes = models.TextField(_("notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    pinyin_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    stroke_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # 郑兴 → "zhengxing" and "zx": the attendance search matches pinyin typed without spaces
    # and initials in SQL (members.sorting.pinyin_search_keys).
    pinyin_compact = models.CharField(max_length=255, editable=False, db_index=True, default="")
    pinyin_initials = models.CharField(max_length=50, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["stroke_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                condition=~Q(mobile=""),
                name="member_mobile_unique_when_given",
                violation_error_message=_("Another member already has this mobile number."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.mobile = normalize_mobile(self.mobile)
        self.pinyin_key = pinyin_key(self.name)
        self.stroke_key = stroke_key(self.name)
        self.pinyin_compact, self.pinyin_initials = pinyin_search_keys(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.name = " ".join((self.name or "").split())
        self.mobile = normalize_mobile(self.mobile)

    @property
    def is_archived(self):
        return self.archived_at is not None


class PublicOffice(models.Model):
    """A seat as people's-congress deputy (人大代表) or CPPCC member (政协委员)."""

    class Kind(models.TextChoices):
        DEPUTY = "npc", _("People's congress deputy")
        CPPCC = "cppcc", _("CPPCC member")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        PREFECTURE = "prefecture", _("Prefecture city (Ningde)")
        COUNTY = "county", _("County-level city (Fu'an)")
        TOWNSHIP = "township", _("Township")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="offices", verbose_name=_("member")
    )
    kind = models.CharField(_("office"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    term = models.CharField(_("term"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public office")
        verbose_name_plural = _("public offices")
        ordering = ["kind", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "level"],
                name="public_office_unique_per_member",
                violation_error_message=_("This member already holds this office at this level."),
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()}{self.get_kind_display()}"


def new_session_token():
    return secrets.token_hex(16)


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`manage.py createsuperuser`: the first staff login of a new install.

        The role defaults to staff: the default role (member) needs a roster person, which a
        fresh install does not have yet.
        """
        extra_fields.setdefault("role", Role.STAFF)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A login. Conveners and members are tied to their person on the roster.

    `session_token` is mixed into the session hash: a new token ends every session of the login
    for good (deactivation rotates it, so reactivating does not revive old sessions).
    `must_change_password` is set when staff create or reset a password: until its owner picks
    their own, every page sends them to the password page (members.middleware).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    member = models.OneToOneField(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("member"),
    )

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when staff create or reset the password; cleared when its owner changes it."
        ),
    )
    session_token = models.CharField(max_length=32, default=new_session_token, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["staff", "leadership"]) | Q(member__isnull=False),
                name="user_convener_or_member_linked",
                violation_error_message=_("Conveners and members must be linked to a member."),
            )
        ]

    def __str__(self):
        full = self.get_full_name()
        return full or (self.member.name if self.member_id else self.username)

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_active = user.__dict__.get("is_active")
        return user

    def save(self, *args, **kwargs):
        # However a login is deactivated (账号管理, the admin, a script), its sessions end for
        # good: a new token, so that reactivating it later does not bring them back.
        if getattr(self, "_loaded_active", None) and not self.is_active:
            self.session_token = new_session_token()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "session_token"}
        super().save(*args, **kwargs)
        self._loaded_active = self.is_active

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password only; ours covers the session token too.
        return salted_hmac(
            "members.User.get_session_auth_hash",
            f"{self.password}:{self.session_token}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def display_name(self):
        return str(self)

    @property
    def is_office_staff(self):
        return self.is_active and (self.is_superuser or self.role == Role.STAFF)

    @property
    def can_read_all(self):
        """Staff and leadership see every group's records."""
        return self.is_office_staff or (self.is_active and self.role == Role.LEADERSHIP)


class PersonalDataAccessQuerySet(models.QuerySet):
    def older_than(self, days, *, now):
        return self.filter(at__lt=now - datetime.timedelta(days=days))


class PersonalDataAccess(models.Model):
    """One reading of members' personal data (数据访问记录): who, when, what, how many rows.

    Recorded for every roster export, report workbook, member page opened by a non-staff
    login and roster search by number (PIPL: the minimum necessary, and a trace of use).
    Kept for ``ACCESS_LOG_RETENTION_DAYS`` and then pruned by ``manage.py prune_access_log``.
    """

    class Kind(models.TextChoices):
        ROSTER_EXPORT = "roster_export", _("Roster export")
        REPORT_WORKBOOK = "report_workbook", _("Report workbook")
        MEMBER_PAGE = "member_page", _("Member page")
        NUMBER_SEARCH = "number_search", _("Search by number")
        ACTIVITY_EXPORT = "activity_export", _("Activity list export")
        OUTCOME_EXPORT = "outcome_export", _("Outcome list export")
        PUBLICITY_EXPORT = "publicity_export", _("Publicity list export")

    at = models.DateTimeField(_("time"), db_index=True)
    user = models.ForeignKey(
        "members.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("login"),
    )
    # Kept as text too: the entry must still say who after the login is removed.
    username = models.CharField(_("login"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    what = models.CharField(_("what"), max_length=300)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.username} {self.get_kind_display()} {self.what}"
