"""Vehicle pages (第9条, 第11条, 第33条第(2)项): the guard's lane screen with its live passage and the
override, the lists (resident vehicles, blacklist, lanes, visitor passes), passage search with its
Excel export, and the vehicles inside.

Thin: load through ``visible_community``/``communities_for``, check the permission, call
``vehicles.services`` or save a form. A user of community A gets 404 for anything of community B; one who
sees the community but lacks the permission gets 403. Searches, exports and photo views of passages are
access-logged (R-33.5 第33条第(5)项).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anfang.core import audit, spreadsheets
from anfang.core.errors import DomainError
from anfang.core.generic import (
    PAGE_SIZE,
    CommunityMixin,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    visible_community,
)
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.sites.models import Community
from anfang.vehicles import services
from anfang.vehicles.choices import DecisionChoices
from anfang.vehicles.filters import BlacklistFilterSet, ResidentVehicleFilterSet
from anfang.vehicles.forms import (
    COMMON_REASONS,
    BlacklistForm,
    LaneForm,
    OverrideForm,
    PassageSearchForm,
    ResidentVehicleForm,
    VisitorPassForm,
)
from anfang.vehicles.models import BlacklistEntry, Lane, Passage, ResidentVehicle, VisitorPass

SAFE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})
RECENT = 10
EXPORT_MAX_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DECISION_BADGES = {
    DecisionChoices.OPEN: "green",
    DecisionChoices.DENY: "red",
    DecisionChoices.ASK: "orange",
}

# ---------------------------------------------------------------------------------------------------
# Permissions and shared context
# ---------------------------------------------------------------------------------------------------


def can(request: HttpRequest, community: Community, perm: Perm) -> bool:
    return has_perm(request.user, community, perm)


def community_with(request: HttpRequest, code: str, perm: Perm) -> Community:
    """The community (404 if not visible), and 403 unless the user holds ``perm`` there."""
    community = visible_community(request, code)
    if not can(request, community, perm):
        raise PermissionDenied
    return community


def vehicle_tabs(request: HttpRequest, community: Community, active: str) -> list[tuple[str, str, bool]]:
    """(label, url, active) of the vehicle pages the user may open."""
    code = community.code
    tabs: list[tuple[str, str, str]] = []
    if can(request, community, Perm.SEE_VEHICLES):
        tabs += [
            ("lanes", _("车道值守"), reverse("vehicles:lane_list", args=[code])),
            ("passages", _("过车记录"), reverse("vehicles:passages", args=[code])),
            ("inside", _("场内车辆"), reverse("vehicles:inside", args=[code])),
        ]
    if can(request, community, Perm.OPERATE_GATES):
        tabs.append(("passes", _("访客通行证"), reverse("vehicles:pass_list", args=[code])))
    if can(request, community, Perm.MANAGE_VEHICLES):
        tabs += [
            ("residents", _("业主车辆"), reverse("vehicles:resident_list", args=[code])),
            ("blacklist", _("黑名单"), reverse("vehicles:blacklist", args=[code])),
        ]
    return [(label, url, name == active) for name, label, url in tabs]


def page_context(request: HttpRequest, community: Community, active: str) -> dict[str, Any]:
    return {
        "community": community,
        "tabs": vehicle_tabs(request, community, active),
        "crumb_url": reverse("vehicles:lane_list", args=[community.code]),
        "crumb_label": _("车辆出入"),
        "decision_badges": {str(k): v for k, v in DECISION_BADGES.items()},
    }


def _query_of(request: HttpRequest) -> dict[str, Any]:
    """The filter as typed (without the page number), for the access log."""
    query = {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}
    query.pop("page", None)
    return {key: value for key, value in query.items() if value not in ("", [])}


# ---------------------------------------------------------------------------------------------------
# Lanes: the overview and the guard's screen
# ---------------------------------------------------------------------------------------------------


@login_required
def lane_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every lane of the community with its last passage, and how many vehicles are inside."""
    community = community_with(request, code, Perm.SEE_VEHICLES)
    lanes = list(Lane.objects.filter(community=community).select_related("location", "camera", "barrier"))
    rows = [
        (lane, Passage.objects.filter(lane=lane).order_by("-occurred_at", "-pk").first()) for lane in lanes
    ]
    context = {
        **page_context(request, community, "lanes"),
        "rows": rows,
        "inside": services.vehicles_inside(community.pk).count(),
        "can_manage": can(request, community, Perm.MANAGE_VEHICLES),
    }
    return render(request, "vehicles/lane_list.html", context)


def _lane(request: HttpRequest, code: str, lane: str) -> tuple[Community, Lane]:
    community = community_with(request, code, Perm.SEE_VEHICLES)
    if "\x00" in lane:
        raise Http404
    found = get_object_or_404(Lane.objects.select_related("location"), community=community, code=lane)
    return community, found


def _lane_passages(lane: Lane) -> QuerySet[Passage]:
    return Passage.objects.filter(lane=lane).order_by("-occurred_at", "-pk")


def lane_context(
    request: HttpRequest, community: Community, lane: Lane, form: OverrideForm | None = None
) -> dict[str, Any]:
    passages = list(_lane_passages(lane).select_related("overridden_by")[: RECENT + 1])
    latest = passages[0] if passages else None
    return {
        **page_context(request, community, "lanes"),
        "lane": lane,
        "latest": latest,
        "recent": passages[1:],
        "needs_guard": latest is not None and latest.final_decision == DecisionChoices.ASK,
        "inside": services.vehicles_inside(community.pk).count(),
        "can_operate": can(request, community, Perm.OPERATE_GATES),
        "form": form or OverrideForm(),
        "reasons": [str(r) for r in COMMON_REASONS],
        "stamp": _stamp(latest),
    }


def _stamp(passage: Passage | None) -> str:
    """Changes whenever the lane's screen must be redrawn: a new passage, an override, a gate answer."""
    if passage is None:
        return "none"
    at = passage.overridden_at.timestamp() if passage.overridden_at else 0
    return f"{passage.pk}:{passage.override}:{at:.0f}:{passage.gate_status}"


@login_required
def lane_view(request: HttpRequest, code: str, lane: str) -> HttpResponse:
    """The guard's screen (phone-first); ``?fragment=1`` gives only the live part the script swaps in."""
    community, found = _lane(request, code, lane)
    context = lane_context(request, community, found)
    if request.GET.get("fragment"):
        response = render(request, "vehicles/_lane_live.html", context)
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "vehicles/lane.html", context)


@login_required
def lane_latest(request: HttpRequest, code: str, lane: str) -> JsonResponse:
    """What the lane screen polls every second: one indexed row, a few hundred bytes."""
    _community, found = _lane(request, code, lane)
    latest = _lane_passages(found).first()
    body: dict[str, Any] = {"stamp": _stamp(latest), "id": None}
    if latest is not None:
        body.update(
            id=latest.pk,
            plate=latest.plate,
            decision=latest.final_decision,
            needs_guard=latest.final_decision == DecisionChoices.ASK,
            occurred_at=latest.occurred_at.isoformat(),
            gate_status=latest.gate_status,
        )
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def override(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Open or refuse a passage by hand with the reason (第11条); back to the lane screen."""
    community = community_with(request, code, Perm.SEE_VEHICLES)
    passage = get_object_or_404(Passage.objects.select_related("lane"), community=community, pk=pk)
    if not can(request, community, Perm.OPERATE_GATES):
        raise PermissionDenied
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    if not back:
        back = (
            reverse("vehicles:lane", args=[code, passage.lane.code])
            if passage.lane is not None
            else reverse("vehicles:passages", args=[code])
        )
    form = OverrideForm(request.POST)
    if not form.is_valid():
        if passage.lane is not None:
            context = lane_context(request, community, passage.lane, form)
            context["form_passage"] = passage.pk
            return render(request, "vehicles/lane.html", context, status=400)
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return HttpResponseRedirect(back)
    try:
        services.override(
            passage, by=request.user, decision=form.cleaned_data["decision"], reason=form.cleaned_data["text"]
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return HttpResponseRedirect(back)
    if form.cleaned_data["decision"] == DecisionChoices.OPEN:
        messages.success(request, _("已人工放行 %(plate)s。") % {"plate": passage.plate})
    else:
        messages.success(request, _("已人工禁止 %(plate)s 通行。") % {"plate": passage.plate})
    return HttpResponseRedirect(back)


@login_required
def passage_picture(request: HttpRequest, code: str, pk: int, kind: str) -> HttpResponseBase:
    """The plate or scene photo of a passage. Photos show people and plates: every view is in the access
    log (R-33.5), never a public /media/ URL, never cached."""
    community = community_with(request, code, Perm.SEE_VEHICLES)
    if kind not in ("plate", "scene"):
        raise Http404
    return picture_response(get_object_or_404(Passage, community=community, pk=pk), kind)


def picture_response(passage: Passage, kind: str) -> HttpResponseBase:
    """The photo itself, access-logged (page and API alike); a missing or unreadable file is a 404."""
    file = passage.plate_picture if kind == "plate" else passage.scene_picture
    if not file:
        raise Http404
    audit.record_access(
        "view",
        "vehicle_passage_picture",
        community_id=passage.community_id,
        query={"passage": passage.pk, "picture": kind},
        result_count=1,
    )
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(file.name)[0] or ""
    inline = content_type in SAFE_IMAGE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------------
# Passage search and export
# ---------------------------------------------------------------------------------------------------


class Search:
    """One passage search, on one community's page or across every community the user may see."""

    def __init__(self, request: HttpRequest, code: str | None) -> None:
        self.request = request
        self.community: Community | None = None
        if code is not None:
            self.community = community_with(request, code, Perm.SEE_VEHICLES)
            lanes = Lane.objects.filter(community=self.community)
        else:
            visible = communities_for(request.user, Perm.SEE_VEHICLES)
            if not visible.exists():
                raise PermissionDenied
            lanes = Lane.objects.filter(community__in=visible).order_by("community__name", "code")
        self.lanes = lanes.select_related("community", "location")
        self.form = PassageSearchForm(request.GET or None, lanes=self.lanes, show_community=code is None)
        self.now = timezone.now()

    @property
    def valid(self) -> bool:
        return not self.form.is_bound or self.form.is_valid()

    def queryset(self) -> QuerySet[Passage]:
        if not self.valid:
            return Passage.objects.none()
        data = self.form.cleaned_data if self.form.is_bound else {}
        since = data.get("since") or self.now - dt.timedelta(hours=24)
        lane_ids: list[int] | None = [int(data["lane"])] if data.get("lane") else None
        if data.get("entrance"):  # the lanes of one entrance (both directions)
            at_entrance = [lane.pk for lane in self.lanes if str(lane.location_id) == data["entrance"]]
            lane_ids = [pk for pk in lane_ids if pk in at_entrance] if lane_ids is not None else at_entrance
        qs = services.search_passages(
            self.request.user,
            plate=data.get("plate", ""),
            since=since,
            until=data.get("until"),
            community_ids=[self.community.pk] if self.community is not None else None,
            lane_ids=lane_ids,
            direction=data.get("direction", ""),
        )
        decision = data.get("decision")
        if decision:
            qs = qs.filter(Q(override=decision) | Q(override="", decision=decision))
        return qs.select_related("lane", "community", "overridden_by")

    def log(self, kind: str, count: int, **extra: Any) -> None:
        """R-33.5: every search and export of the passage records is in the access log."""
        query = {**_query_of(self.request), **extra}
        if "since" not in query:
            query["since_default"] = "24h"
        audit.record_access(
            kind,
            "vehicle_passages",
            community_id=self.community.pk if self.community is not None else None,
            query=query,
            result_count=count,
        )


@login_required
def passages(request: HttpRequest, code: str | None = None) -> HttpResponse:
    search = Search(request, code)
    queryset = search.queryset()
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    if search.valid:
        search.log("search", paginator.count)
    query = request.GET.copy()
    query.pop("page", None)
    community = search.community
    context: dict[str, Any] = {
        "community": community,
        "form": search.form,
        "page_obj": page,
        "object_list": page.object_list,
        "total": paginator.count,
        "page_query": urlencode(list(query.lists()), doseq=True),
        "filtered": bool(query),
        "export_query": urlencode([(k, v) for k, vs in request.GET.lists() if k != "page" for v in vs]),
        "export_url": reverse("vehicles:passages_export", args=[community.code])
        if community is not None
        else reverse("vehicles:passages_export_all"),
        "decision_badges": {str(k): v for k, v in DECISION_BADGES.items()},
        "all_communities": community is None,
    }
    if community is not None:
        context.update(page_context(request, community, "passages"))
    return render(request, "vehicles/passages.html", context)


def export_columns() -> list[tuple[str, str]]:
    return [
        ("occurred_at", _("过车时间")),
        ("community", _("小区")),
        ("lane", _("车道")),
        ("plate", _("车牌号")),
        ("plate_color", _("车牌颜色")),
        ("plate_kind", _("号牌种类")),
        ("direction", _("方向")),
        ("decision", _("判定")),
        ("reason", _("判定依据")),
        ("override", _("人工处理")),
        ("override_reason", _("人工处理原因")),
        ("overridden_by", _("处理人")),
        ("overridden_at", _("处理时间")),
        ("gate_status", _("道闸")),
        ("confidence", _("置信度")),
        ("plate_raw", _("识别原文")),
    ]


_local = spreadsheets.local


def export_row(p: Passage) -> dict[str, Any]:
    by = p.overridden_by
    return {
        "occurred_at": _local(p.occurred_at),
        "community": p.community.name,
        "lane": p.lane.name if p.lane else "",
        "plate": p.plate,
        "plate_color": p.get_plate_color_display(),
        "plate_kind": p.get_plate_kind_display(),
        "direction": p.get_direction_display(),
        "decision": p.get_decision_display(),
        "reason": p.get_reason_display(),
        "override": p.get_override_display() if p.override else "",
        "override_reason": p.override_reason,
        "overridden_by": (getattr(by, "display_name", "") or by.get_username()) if by is not None else "",
        "overridden_at": _local(p.overridden_at),
        "gate_status": p.get_gate_status_display(),
        "confidence": p.confidence,
        "plate_raw": p.plate_raw,
    }


def to_xlsx(passages: QuerySet[Passage], *, title: str, subtitle: str) -> tuple[bytes, int]:
    """One sheet like the alarm history's (`core.spreadsheets`): text stays text."""
    rows = (export_row(p) for p in passages[:EXPORT_MAX_ROWS].iterator(chunk_size=500))
    widths = {key: 24 for key, _heading in export_columns() if key.endswith("reason")}
    return spreadsheets.to_xlsx(
        rows, export_columns(), sheet=_("过车记录"), title=title, subtitle=subtitle, widths=widths
    )


@login_required
def passages_export(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The searched passages as Excel (access-logged)."""
    search = Search(request, code)
    back = reverse("vehicles:passages", args=[code]) if code is not None else reverse("vehicles:passages_all")
    if not search.valid:
        messages.error(request, _("筛选条件有误，未导出。请更正后重试。"))
        return HttpResponseRedirect(back + "?" + request.GET.urlencode())
    queryset = search.queryset()
    count = min(queryset.count(), EXPORT_MAX_ROWS)
    search.log("export", count, format="xlsx")
    scope = search.community.name if search.community is not None else _("全部小区")
    now = timezone.localtime()
    body, _written = to_xlsx(
        queryset,
        title=_("%(scope)s 过车记录") % {"scope": scope},
        subtitle=_("筛选：%(filter)s；导出时间：%(at)s；共 %(n)s 条")
        % {
            "filter": "；".join(f"{k}={v}" for k, v in _query_of(request).items()) or _("最近 24 小时"),
            "at": now.strftime("%Y-%m-%d %H:%M"),
            "n": count,
        },
    )
    name = search.community.code if search.community is not None else "all"
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="passages-{name}-{now:%Y%m%d-%H%M}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------------
# Vehicles inside
# ---------------------------------------------------------------------------------------------------


@login_required
def inside(request: HttpRequest, code: str) -> HttpResponse:
    """Vehicles that entered and have not left, with the time inside so far."""
    community = community_with(request, code, Perm.SEE_VEHICLES)
    paginator = Paginator(services.vehicles_inside(community.pk), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(visit, now - visit.entered_at if visit.entered_at else None) for visit in page.object_list]
    audit.record_access(
        "view", "vehicles_inside", community_id=community.pk, query={}, result_count=paginator.count
    )
    context = {
        **page_context(request, community, "inside"),
        "rows": rows,
        "page_obj": page,
        "total": paginator.count,
        "page_query": "",
    }
    return render(request, "vehicles/inside.html", context)


# ---------------------------------------------------------------------------------------------------
# Lists: resident vehicles, blacklist, lanes (MANAGE_VEHICLES), visitor passes (OPERATE_GATES)
# ---------------------------------------------------------------------------------------------------


class VehicleMixin(CommunityMixin):
    """The community, the permission the pages need, and where they return to."""

    perm: ClassVar[Perm] = Perm.MANAGE_VEHICLES
    tab: ClassVar[str] = ""
    list_url_name: ClassVar[str] = ""
    form_class: ClassVar[type[forms.BaseForm]]
    queryset_model: ClassVar[type[Any]]

    def allowed(self) -> bool:
        return can(self.request, self.community, self.perm)

    def require(self) -> None:
        if not self.allowed():
            raise PermissionDenied

    def may_save(self, obj: Any) -> bool:
        return self.allowed()

    def may_delete(self, obj: Any) -> bool:
        return self.allowed()

    def get_object(self) -> Any:
        if "pk" in self.kwargs:
            return get_object_or_404(
                self.queryset_model.objects.filter(community=self.community), pk=self.kwargs["pk"]
            )
        return self.queryset_model(community=self.community)

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def list_url(self) -> str:
        return reverse(self.list_url_name, args=[self.community.code])

    def success_url(self, obj: Any) -> str:
        return self.list_url()

    def cancel_url(self, obj: Any) -> str:
        return self.list_url()

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        context = page_context(self.request, self.community, self.tab)
        context["crumb_url"] = self.list_url()
        return context


class ResidentMixin(VehicleMixin):
    tab = "residents"
    list_url_name = "vehicles:resident_list"
    form_class: ClassVar[type[forms.BaseForm]] = ResidentVehicleForm
    queryset_model = ResidentVehicle


class ResidentListView(ResidentMixin, ObjectListView):
    model = ResidentVehicle
    template_name = "vehicles/resident_list.html"
    filterset_class = ResidentVehicleFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        self.require()
        return ResidentVehicle.objects.filter(community=self.community).select_related("unit")

    def can_add(self) -> bool:
        return True

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().extra_context(**kwargs), "today": timezone.localdate()}


class ResidentEditView(ResidentMixin, ObjectEditView):
    model = ResidentVehicle


class ResidentDeleteView(ResidentMixin, ObjectDeleteView):
    model = ResidentVehicle


class BlacklistMixin(VehicleMixin):
    tab = "blacklist"
    list_url_name = "vehicles:blacklist"
    form_class: ClassVar[type[forms.BaseForm]] = BlacklistForm
    queryset_model = BlacklistEntry


class BlacklistView(BlacklistMixin, ObjectListView):
    model = BlacklistEntry
    template_name = "vehicles/blacklist.html"
    filterset_class = BlacklistFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        self.require()
        return BlacklistEntry.objects.filter(community=self.community).select_related("added_by")

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().extra_context(**kwargs), "now": timezone.now()}


class BlacklistEditView(BlacklistMixin, ObjectEditView):
    model = BlacklistEntry

    def save(self, form: Any) -> Any:
        entry: BlacklistEntry = form.save(commit=False)
        if entry.pk is None:
            entry.added_by = self.request.user
        entry.save()
        return entry


class BlacklistDeleteView(BlacklistMixin, ObjectDeleteView):
    model = BlacklistEntry


class LaneMixin(VehicleMixin):
    tab = "lanes"
    list_url_name = "vehicles:lane_list"
    form_class: ClassVar[type[forms.BaseForm]] = LaneForm
    queryset_model = Lane


class LaneEditView(LaneMixin, ObjectEditView):
    model = Lane


class LaneDeleteView(LaneMixin, ObjectDeleteView):
    model = Lane


class PassMixin(VehicleMixin):
    perm = Perm.OPERATE_GATES
    tab = "passes"
    list_url_name = "vehicles:pass_list"
    form_class: ClassVar[type[forms.BaseForm]] = VisitorPassForm
    queryset_model = VisitorPass


class PassCreateView(PassMixin, ObjectEditView):
    model = VisitorPass

    def get_object(self) -> Any:
        ticket = VisitorPass(community=self.community)
        ticket.plate = self.request.GET.get("plate", "")[:16]
        return ticket

    def save(self, form: Any) -> Any:
        ticket: VisitorPass = form.save(commit=False)
        ticket.registered_by = self.request.user  # type: ignore[assignment]
        ticket.save()
        return ticket


@login_required
def pass_list(request: HttpRequest, code: str) -> HttpResponse:
    """Today's and upcoming visitor passes (revoked ones stay listed, marked)."""
    community = community_with(request, code, Perm.OPERATE_GATES)
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    tickets = (
        VisitorPass.objects.filter(community=community, valid_until__gte=start_of_today)
        .select_related("host_unit", "registered_by")
        .order_by("valid_from", "pk")
    )
    context = {
        **page_context(request, community, "passes"),
        "tickets": list(tickets[:500]),
        "now": timezone.now(),
    }
    return render(request, "vehicles/pass_list.html", context)


@login_required
@require_POST
def pass_revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Revoke a pass: the lane no longer lets the plate in on it (change-logged like any record)."""
    community = community_with(request, code, Perm.OPERATE_GATES)
    ticket = services.revoke_pass(get_object_or_404(VisitorPass.objects.filter(community=community), pk=pk))
    messages.success(request, _("已作废 %(plate)s 的访客通行证。") % {"plate": ticket.plate})
    return HttpResponseRedirect(reverse("vehicles:pass_list", args=[code]))
