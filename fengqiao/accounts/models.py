"""Units (单位) and the people who hold roles in them.

A unit is a governance centre (综治中心), a department, a police station (派出所), the people's
tribunal (人民法庭), the justice office (司法所), a mediation committee, a residents' committee or
another body; it sits at a tier and has a jurisdiction (a region). People hold roles in units
through ``Membership``; what a person may see follows from those roles (``accounts.scoping``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.core.generation import Memo
from fengqiao.regions.models import Region


class User(AbstractUser):
    """A person who signs in. Chinese names are not split, so ``full_name`` holds the whole name."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username


class UnitKind(models.TextChoices):
    CENTRE = "centre", _("综治中心")
    DEPARTMENT = "department", _("职能部门")
    POLICE = "police", _("派出所")
    TRIBUNAL = "tribunal", _("人民法庭")
    JUSTICE = "justice", _("司法所")
    MEDIATION = "mediation", _("调解委员会")
    RESIDENTS = "residents", _("居（村）民委员会")
    OTHER = "other", _("其他")


class Tier(models.TextChoices):
    DISTRICT = "district", _("区级")
    STREET = "street", _("镇街级")
    COMMUNITY = "community", _("社区（村）级")
    GRID = "grid", _("网格级")


class Unit(models.Model):
    """A body that receives, handles or supervises work, with its jurisdiction (管辖区域)."""

    code = models.SlugField(_("单位编码"), max_length=40, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    tier = models.CharField(_("层级"), max_length=16, choices=Tier.choices)
    jurisdiction = models.ForeignKey(
        Region, verbose_name=_("管辖区域"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["tier", "code"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    OPERATOR = "operator", _("受理员")
    MEDIATOR = "mediator", _("调解员")
    HANDLER = "handler", _("承办人")
    LEADER = "leader", _("领导")
    REVIEWER = "reviewer", _("评查员")
    ADMIN = "admin", _("管理员")


# Roles that oversee a territory see everything in their jurisdiction subtree; mediators and
# department handlers see only what is assigned to their unit (a department's jurisdiction is
# often the whole district, yet its handlers must not browse every case in it).
TERRITORIAL_ROLES = frozenset(
    {Role.GRID_WORKER, Role.OPERATOR, Role.LEADER, Role.REVIEWER, Role.ADMIN}
)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def held_by(self, user: User | None) -> MembershipQuerySet:
        """The roles ``user`` holds *for this request*: all of them for a person, and only those
        in the token's unit when an API token acts for the user (``acting_unit_id``, set by
        ``api.authentication``). Every permission and scope decision starts here."""
        memberships = self.filter(user=user)
        acting_unit_id = getattr(user, ACTING_UNIT_ATTRIBUTE, None)
        if acting_unit_id is not None:
            memberships = memberships.filter(unit_id=acting_unit_id)
        return memberships


# The transient attribute on a User instance that narrows it to one unit for one request.
ACTING_UNIT_ATTRIBUTE = "acting_unit_id"
# The transient attribute on a User instance that keeps its active memberships for one request.
MEMBERSHIPS_ATTRIBUTE = "remembered_memberships"


def remember_memberships(user: User) -> None:
    """Let ``active_memberships`` load this user instance's memberships once and keep them.

    Only for a User instance that lives for one request and whose memberships that request does
    not change: API token authentication loads a fresh instance per request and calls this.
    A membership granted or removed meanwhile is seen by the next request (the next instance).
    """
    setattr(user, MEMBERSHIPS_ATTRIBUTE, None)


def active_memberships(user: User) -> list[Membership]:
    """The roles ``user`` holds for this request (``Membership.objects.held_by``) in active
    units, each with its unit, the unit's jurisdiction and the role's region (the regions'
    boundaries deferred: only their paths are used). Scoping and the permission checks of the
    case pages and API (``scope_for``, ``Roles``, ``supervising_unit``) start here.

    From the process's copy of every active membership (``core.generation.Memo``, reloaded when
    a membership, unit, user or region changes): no query of its own besides the request's
    stamp check. The instances are shared by the process's threads: read-only.
    """
    remembered: list[Membership] | None = getattr(user, MEMBERSHIPS_ATTRIBUTE, None)
    if remembered is not None:
        return remembered
    acting_unit_id = getattr(user, ACTING_UNIT_ATTRIBUTE, None)
    memberships = [
        m
        for m in (_memberships.get().get(user.pk, []) if user.pk is not None else [])
        if acting_unit_id is None or m.unit_id == acting_unit_id
    ]
    if hasattr(user, MEMBERSHIPS_ATTRIBUTE):
        setattr(user, MEMBERSHIPS_ATTRIBUTE, memberships)
    return memberships


def _load_memberships() -> dict[int, list[Membership]]:
    by_user: dict[int, list[Membership]] = {}
    active = Membership.objects.filter(unit__is_active=True).order_by("id")
    active = active.select_related("unit__jurisdiction", "region")
    for membership in active.defer("unit__jurisdiction__boundary", "region__boundary"):
        by_user.setdefault(membership.user_id, []).append(membership)
    return by_user


class Membership(models.Model):
    """A role a user holds in a unit; ``region`` narrows it (a grid worker's own grid)."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("负责区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("留空则为单位的整个管辖区域；网格员填其网格。"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.region is not None and self.unit_id:
            jurisdiction = self.unit.jurisdiction
            if not self.region.path.startswith(jurisdiction.path):
                raise ValidationError(
                    {
                        "region": _("负责区域必须在单位的管辖区域（%(name)s）之内。")
                        % {"name": jurisdiction.name}
                    }
                )

    @property
    def scope_region(self) -> Region:
        return self.region or self.unit.jurisdiction


# Every active membership by user id, per process (see ``active_memberships``).
_memberships = Memo(_load_memberships)
