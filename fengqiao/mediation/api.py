"""REST API of dispute resolution (docs/api.md style, under ``/api/v1/mediation/``).

Reads go through the same scoping as the pages (``views.visible_cases``,
``permissions.visible_mediations``/``visible_referrals``): out of scope is a 404. Every change
calls ``mediation.actions``; refusals map to the API's error format (``api.errors``). Parties are
masked in every response; ``parties/<id>/reveal/`` returns them in full, with a reason, audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.accounts.models import Unit, User
from fengqiao.api import idempotency
from fengqiao.api.errors import ApiError
from fengqiao.api.serializers import StrictSerializer
from fengqiao.api.views import errors
from fengqiao.cases import report
from fengqiao.cases.choices import CaseKind
from fengqiao.cases.errors import InvalidInput
from fengqiao.cases.measures import Scope
from fengqiao.cases.models import Case, Party
from fengqiao.lib.masking import mask_id_number, mask_name, mask_phone
from fengqiao.mediation import actions, documents, measures, permissions, risk
from fengqiao.mediation.choices import (
    AgreementForm,
    Outcome,
    Performance,
    ReferralKind,
    ReferralOutcome,
    RiskLevel,
    RiskReason,
)
from fengqiao.mediation.models import Mediation, MediationOrg, Referral
from fengqiao.mediation.views import visible_cases

NUMBER = OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH, description="事件编号")
PK = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 415, 422, 429)


# --- output -----------------------------------------------------------------------------------


def party_data(p: Party) -> dict[str, Any]:
    return {
        "id": p.pk,
        "role": p.role,
        "party_type": p.party_type,
        "name": mask_name(p.name),
        "phone": mask_phone(p.phone),
        "id_number": mask_id_number(p.id_number),
        "address": p.address,
    }


def referral_data(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "case": r.case.number,
        "kind": r.kind,
        "from_unit": r.from_unit.code,
        "to_unit": r.to_unit.code,
        "reason": r.reason,
        "state": r.state,
        "referred_at": r.referred_at,
        "return_reason": r.return_reason,
        "outcome": r.outcome,
        "outcome_note": r.outcome_note,
        "done_at": r.done_at,
    }


def mediation_data(m: Mediation) -> dict[str, Any]:
    return {
        "id": m.pk,
        "number": m.number,
        "case": m.case.number,
        "org": m.org.unit.code,
        "mediators": [u.username for u in m.mediators.all()],
        "state": m.state,
        "applied_at": m.applied_at,
        "started_at": m.started_at,
        "request": m.request,
        "facts": m.facts,
        "outcome": m.outcome,
        "outcome_note": m.outcome_note,
        "concluded_at": m.concluded_at,
        "agreement_form": m.agreement_form,
        "terms": m.terms,
        "performance_method": m.performance_method,
        "performance_due": m.performance_due,
        "performance": m.performance,
        "sessions": [
            {
                "id": s.pk,
                "held_at": s.held_at,
                "place": s.place,
                "attendees": s.attendees,
                "summary": s.summary,
                "next_steps": s.next_steps,
            }
            for s in m.sessions.all()
        ],
        "checks": [
            {"performance": c.performance, "note": c.note, "checked_at": c.checked_at}
            for c in m.checks.all()
        ],
    }


def dispute_data(case: Case) -> dict[str, Any]:
    suggestion = risk.suggest_for(case)
    latest = case.risk_assessments.first()
    mediations = case.mediations.select_related("org__unit", "case").prefetch_related(
        "mediators", "sessions", "checks"
    )
    return {
        "number": case.number,
        "title": case.title,
        "status": case.status,
        "current_unit": case.current_unit.code,
        "parties": [party_data(p) for p in case.parties.order_by("pk")],
        "mediations": [mediation_data(m) for m in mediations],
        "referrals": [
            referral_data(r)
            for r in case.referrals.select_related("case", "from_unit", "to_unit").order_by(
                "referred_at"
            )
        ],
        "risk": {
            "suggested_level": suggestion.level,
            "suggested_reasons": suggestion.evidence,
            "level": latest.level if latest else None,
            "reasons": latest.reasons if latest else [],
            "assessed_at": latest.assessed_at if latest else None,
        },
    }


class DisputeOut(serializers.Serializer):  # type: ignore[type-arg]
    """Shape of a dispute in responses (documentation; the data is built by ``dispute_data``)."""

    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    current_unit = serializers.CharField()
    parties = serializers.ListField(child=serializers.DictField())
    mediations = serializers.ListField(child=serializers.DictField())
    referrals = serializers.ListField(child=serializers.DictField())
    risk = serializers.DictField()


class RevealedOut(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    phone = serializers.CharField()
    id_number = serializers.CharField()


class ReferralOut(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    case = serializers.CharField()
    kind = serializers.CharField()
    from_unit = serializers.CharField()
    to_unit = serializers.CharField()
    reason = serializers.CharField()
    state = serializers.CharField()
    referred_at = serializers.DateTimeField()
    return_reason = serializers.CharField()
    outcome = serializers.CharField()
    outcome_note = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)


# --- input ------------------------------------------------------------------------------------


class PartyIn(StrictSerializer):
    role = serializers.ChoiceField(choices=Party.Role.choices)
    party_type = serializers.ChoiceField(choices=Party.Type.choices, default=Party.Type.PERSON)
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReasonIn(StrictSerializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class StartIn(StrictSerializer):
    org = serializers.CharField(help_text="调解组织的单位编码")
    mediators = serializers.ListField(child=serializers.CharField(), help_text="调解员用户名")
    request = serializers.CharField(max_length=2000)
    facts = serializers.CharField(max_length=5000)
    applied_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SessionIn(StrictSerializer):
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    attendees = serializers.CharField(max_length=500)
    summary = serializers.CharField(max_length=5000)
    next_steps = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )


class ReferralIn(StrictSerializer):
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    to_unit = serializers.CharField(help_text="接收单位编码")
    reason = serializers.CharField(max_length=1000)
    mediation = serializers.IntegerField(required=False, allow_null=True, default=None)


class ConcludeIn(StrictSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    terms = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    agreement_form = serializers.ChoiceField(
        choices=AgreementForm.choices, required=False, default=AgreementForm.WRITTEN
    )
    performance_method = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    performance_due = serializers.DateField(required=False, allow_null=True, default=None)
    referral = ReferralIn(required=False, allow_null=True, default=None)


class PerformanceIn(StrictSerializer):
    performance = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in Performance if c != Performance.PENDING]
    )
    note = serializers.CharField(max_length=1000)


class RiskIn(StrictSerializer):
    level = serializers.ChoiceField(choices=RiskLevel.choices)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=RiskReason.choices))
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class AnswerIn(StrictSerializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(
        choices=ReferralOutcome.choices, required=False, allow_blank=True, default=""
    )


# --- lookups ----------------------------------------------------------------------------------


def _user(request: Request) -> User:
    return cast(User, request.user)


def _dispute(request: Request, number: str) -> Case:
    case = (
        visible_cases(_user(request))
        .select_related("current_unit", "dispatcher_unit")
        .filter(number=number, kind=CaseKind.DISPUTE)
        .first()
    )
    if case is None:
        raise Http404
    return case


def _mediation(request: Request, pk: int) -> Mediation:
    found = permissions.visible_mediations(_user(request)).select_related("case", "org__unit")
    mediation = found.filter(pk=pk).first()
    if mediation is None:
        raise Http404
    return mediation


def _unit(code: str, field: str) -> Unit:
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise ApiError(400, "invalid_input", _("找不到单位 %(c)s。") % {"c": code}, {field: [code]})
    return unit


def _referral_input(data: dict[str, Any]) -> actions.ReferralInput:
    return actions.ReferralInput(data["kind"], _unit(data["to_unit"], "to_unit"), data["reason"])


# --- views ------------------------------------------------------------------------------------


class DisputeView(APIView):
    @extend_schema(
        operation_id="mediation_dispute",
        summary="纠纷：当事人（脱敏）、调解、移送、激化风险",
        parameters=[NUMBER],
        responses={200: DisputeOut, **errors(401, 404, 429)},
        tags=["mediation"],
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(dispute_data(_dispute(request, number)))


Perform = Callable[[Request, Any, dict[str, Any]], Response]


def _post_view(
    name: str,
    summary: str,
    serializer: type[StrictSerializer],
    lookup: Callable[[Request, Any], Any],
    perform: Perform,
    response: Any,
    parameter: OpenApiParameter,
) -> type[APIView]:
    """A POST endpoint: look the object up in scope, check the body, run the action."""

    @extend_schema(
        operation_id=f"mediation_{name}",
        summary=summary,
        parameters=[parameter],
        request=serializer,
        responses={200: response, **WRITE_ERRORS},
        tags=["mediation"],
    )
    def post(self: APIView, request: Request, **kwargs: Any) -> Response:
        key = next(iter(kwargs.values()))

        def run() -> Response:
            target = lookup(request, key)
            body = serializer(data=request.data)
            body.is_valid(raise_exception=True)
            return perform(request, target, dict(body.validated_data))

        return idempotency.run(request, run)

    title = "".join(part.title() for part in name.split("_"))
    return type(f"Mediation{title}View", (APIView,), {"post": post})


def _dispute_response(request: Request, case: Case) -> Response:
    return Response(dispute_data(_dispute(request, case.number)))


def _add_party(request: Request, case: Case, d: dict[str, Any]) -> Response:
    actions.save_party(case, actions.PartyInput(**d), by=_user(request))
    return _dispute_response(request, case)


def _reveal(request: Request, party_pk: int, d: dict[str, Any]) -> Response:
    party = Party.objects.select_related("case").filter(pk=party_pk).first()
    if party is None or not visible_cases(_user(request)).filter(pk=party.case_id).exists():
        raise Http404
    shown = actions.reveal_party(party, by=_user(request), reason=d["reason"])
    return Response({"name": shown.name, "phone": shown.phone, "id_number": shown.id_number})


def _start(request: Request, case: Case, d: dict[str, Any]) -> Response:
    unit = _unit(d["org"], "org")
    org = MediationOrg.objects.filter(unit=unit).first()
    if org is None:
        raise ApiError(400, "invalid_input", _("该单位不是调解组织。"), {"org": [d["org"]]})
    mediators = list(User.objects.filter(username__in=d["mediators"], is_active=True))
    if len(mediators) != len(set(d["mediators"])):
        raise InvalidInput(_("调解员用户名有误。"))
    actions.start_mediation(
        case,
        by=_user(request),
        org=org,
        mediators=mediators,
        request=d["request"],
        facts=d["facts"],
        applied_at=cast(datetime | None, d["applied_at"]),
    )
    return _dispute_response(request, case)


def _session(request: Request, mediation: Mediation, d: dict[str, Any]) -> Response:
    actions.record_session(mediation, by=_user(request), **d)
    return _dispute_response(request, mediation.case)


def _conclude(request: Request, mediation: Mediation, d: dict[str, Any]) -> Response:
    agreement = None
    if d["outcome"] == Outcome.AGREEMENT or d["terms"].strip():
        agreement = actions.AgreementInput(
            d["terms"], d["performance_due"], d["performance_method"], d["agreement_form"]
        )
    referral = _referral_input(d["referral"]) if d["referral"] else None
    actions.conclude(
        mediation,
        by=_user(request),
        outcome=d["outcome"],
        note=d["note"],
        agreement=agreement,
        referral=referral,
    )
    return _dispute_response(request, mediation.case)


def _performance(request: Request, mediation: Mediation, d: dict[str, Any]) -> Response:
    actions.check_performance(mediation, by=_user(request), **d)
    return _dispute_response(request, mediation.case)


def _refer(request: Request, case: Case, d: dict[str, Any]) -> Response:
    mediation = None
    if d["mediation"] is not None:
        mediation = case.mediations.filter(pk=d["mediation"]).first()
        if mediation is None:
            raise InvalidInput(_("调解不属于该事件。"))
    referral = actions.refer(case, _referral_input(d), by=_user(request), mediation=mediation)
    return Response(referral_data(referral))


def _risk(request: Request, case: Case, d: dict[str, Any]) -> Response:
    actions.assess_risk(case, by=_user(request), **d)
    return _dispute_response(request, case)


def _referral(request: Request, pk: int) -> Referral:
    referral = (
        permissions.visible_referrals(_user(request))
        .select_related("case", "from_unit", "to_unit")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def _answer(kind: str) -> Perform:
    def perform(request: Request, referral: Referral, d: dict[str, Any]) -> Response:
        user = _user(request)
        if kind == "accept":
            done = actions.accept_referral(referral, by=user, note=d["note"])
        elif kind == "return":
            done = actions.return_referral(referral, by=user, reason=d["note"])
        else:
            done = actions.complete_referral(
                referral, by=user, outcome=d["outcome"], note=d["note"]
            )
        return Response(referral_data(done))

    return perform


DISPUTE_POSTS = {
    "parties": _post_view(
        "add_party", "登记当事人", PartyIn, _dispute, _add_party, DisputeOut, NUMBER
    ),
    "mediations": _post_view("start", "受理调解", StartIn, _dispute, _start, DisputeOut, NUMBER),
    "referrals": _post_view("refer", "分流移送", ReferralIn, _dispute, _refer, ReferralOut, NUMBER),
    "risk": _post_view("assess_risk", "确认激化风险", RiskIn, _dispute, _risk, DisputeOut, NUMBER),
}
MEDIATION_POSTS = {
    "sessions": _post_view("session", "记录调解", SessionIn, _mediation, _session, DisputeOut, PK),
    "conclude": _post_view(
        "conclude", "终结调解", ConcludeIn, _mediation, _conclude, DisputeOut, PK
    ),
    "performance": _post_view(
        "performance", "履行回访", PerformanceIn, _mediation, _performance, DisputeOut, PK
    ),
}
REFERRAL_POSTS = {
    kind: _post_view(f"referral_{kind}", label, AnswerIn, _referral, _answer(kind), ReferralOut, PK)
    for kind, label in [
        ("accept", "接收移送"),
        ("return", "退回移送"),
        ("complete", "登记移送结果"),
    ]
}
RevealView = _post_view(
    "reveal",
    "查看当事人完整信息（须说明理由，记入审计）",
    ReasonIn,
    lambda request, pk: pk,
    _reveal,
    RevealedOut,
    PK,
)


class ReferralListView(APIView):
    @extend_schema(
        operation_id="mediation_referrals",
        summary="分流移送（本单位移出、收到的，及可见事件的）",
        responses={200: ReferralOut(many=True), **errors(401, 429)},
        tags=["mediation"],
    )
    def get(self, request: Request) -> Response:
        referrals = (
            permissions.visible_referrals(_user(request))
            .select_related("case", "from_unit", "to_unit")
            .order_by("-referred_at")[:500]
        )
        return Response([referral_data(r) for r in referrals])


class DocumentView(APIView):
    @extend_schema(
        operation_id="mediation_document",
        summary="调解文书 PDF（application 申请书 / agreement 协议书；记入审计）",
        parameters=[PK, OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **errors(401, 403, 404, 409, 429),
        },
        tags=["mediation"],
    )
    def get(self, request: Request, pk: int, kind: str) -> HttpResponse:
        mediation = _mediation(request, pk)
        if kind not in ("application", "agreement"):
            raise Http404
        try:
            body = actions.export_document(mediation, kind, by=_user(request), via="api")
        except documents.DocumentError as exc:
            raise ApiError(409, "not_allowed", str(exc)) from exc
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{mediation.number}-{kind}.pdf"'
        return response


MEASURE_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
    OpenApiParameter("end", OpenApiTypes.DATETIME, required=True),
    OpenApiParameter("unit", OpenApiTypes.STR, description="单位编码"),
    OpenApiParameter("region", OpenApiTypes.STR, description="区域编码"),
]


class MeasuresView(APIView):
    @extend_schema(
        operation_id="mediation_measures",
        summary="化解指标：调解成功率、协议履行率、各层级化解占比、达成协议天数、移送结果",
        parameters=MEASURE_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, **errors(400, 401, 403, 404, 429)},
        tags=["mediation"],
    )
    def get(self, request: Request) -> Response:
        scope = _scope(request)
        days = measures.days_to_agreement(scope)

        return Response(
            {
                "success_rate": asdict(measures.success_rate(scope)),
                "performance_rate": asdict(measures.performance_rate(scope)),
                "tier_shares": {k: asdict(v) for k, v in measures.tier_shares(scope).items()},
                "days_to_agreement": {
                    "count": days.count,
                    "mean": days.mean,
                    "median": days.median,
                },
                "referrals": measures.referrals_by_outcome(scope),
            }
        )


def _scope(request: Request) -> Scope:
    """The period and filters from the query; a leader sees only their territory."""
    from django.utils.dateparse import parse_datetime

    params = request.query_params
    try:
        start = parse_datetime(params.get("start", ""))
        end = parse_datetime(params.get("end", ""))
    except ValueError:  # well formed but impossible, such as month 13
        start = end = None
    if (
        start is None
        or end is None
        or start.tzinfo is None
        or end.tzinfo is None
        or end < start
        # Far-off years have offsets the database cannot store (local mean time before 1901).
        or not 2000 <= start.year <= 2100
        or not 2000 <= end.year <= 2100
    ):
        raise ApiError(
            400,
            "invalid_input",
            _(
                "start 和 end 须为带时区的 ISO 8601 时间（2000 年到 2100 年之间），且 end 不早于 start。"  # noqa: E501
            ),
            {"start": [params.get("start", "")], "end": [params.get("end", "")]},
        )
    unit = _unit(params["unit"], "unit") if params.get("unit") else None
    try:  # outside the caller's territory (or no such region) is a 404
        region = report.region_for(_user(request), params.get("region", "").strip())
    except PermissionDenied as exc:
        raise ApiError(403, "not_permitted", str(exc)) from exc
    return Scope(start=start, end=end, unit=unit, region=region)
