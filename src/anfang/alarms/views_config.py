"""Alarm history and export, zones and arming, procedures, policy, SIA accounts, raw events, notifications.

Pages are thin: load through ``visible_community``/``visible_alarms``, check the permission, call a
service or save a form, render. A user of community A gets 404 for anything of community B; a user who
may see but not change gets 403. Searches and exports of the alarm history and downloads of raw device
payloads are access-logged (R-33.5 第33条第(5)项).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anfang.alarms import exports, services
from anfang.alarms.choices import (
    EVENT_STATUS_BADGES,
    PRIORITY_BADGES,
    STATE_BADGES,
    AlarmTypeChoices,
    EventStatusChoices,
)
from anfang.alarms.filters import AlarmFilterSet, InboundEventFilterSet
from anfang.alarms.forms_config import (
    AlarmPolicyForm,
    AlarmZoneForm,
    ProcedureForm,
    SiaAccountForm,
    alarm_devices,
)
from anfang.alarms.models import (
    Alarm,
    AlarmPolicy,
    AlarmZone,
    InboundEvent,
    Notification,
    OperatingProcedure,
    SiaAccount,
)
from anfang.core import audit
from anfang.core.errors import DomainError
from anfang.core.generic import (
    PAGE_SIZE,
    CommunityMixin,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    compact_filter_form,
    visible_community,
)
from anfang.core.tenancy import Perm, has_perm
from anfang.devices.models import Device
from anfang.sites.models import Community

RAW_PREVIEW_BYTES = 4096
HEX_PREVIEW_BYTES = 1024

# ---------------------------------------------------------------------------------------------------
# Permissions and shared context
# ---------------------------------------------------------------------------------------------------


def can(request: HttpRequest, community: Community, *perms: Perm) -> bool:
    """Whether the user holds any of ``perms`` in ``community``."""
    return any(has_perm(request.user, community, perm) for perm in perms)


def require(request: HttpRequest, community: Community, *perms: Perm) -> None:
    """403 unless the user holds one of ``perms`` (they can see the community, so 404 would lie)."""
    if not can(request, community, *perms):
        raise PermissionDenied


# Who sees the raw device events: people who handle alarms, configure them, or look after devices.
EVENT_READERS = (Perm.HANDLE_ALARMS, Perm.MANAGE_DUTY, Perm.CHANGE_REGISTRY)
# Who defines zones: the duty managers, and technicians who install the panels (they know the zones).
ZONE_EDITORS = (Perm.MANAGE_DUTY, Perm.CHANGE_REGISTRY)


@dataclass(frozen=True)
class Tab:
    name: str
    label: str
    url: str


def config_tabs(request: HttpRequest, community: Community, active: str) -> list[tuple[Tab, bool]]:
    """The alarm centre's sub-pages the user may open, for the tab bar."""
    code = community.code
    tabs = [Tab("history", _("报警记录"), reverse("alarm_config:history", args=[code]))]
    if can(request, community, Perm.HANDLE_ALARMS, *ZONE_EDITORS):
        tabs.append(Tab("zones", _("防区与布撤防"), reverse("alarm_config:zones", args=[code])))
    if can(request, community, Perm.HANDLE_ALARMS, Perm.MANAGE_DUTY):
        tabs.append(Tab("procedures", _("处置预案"), reverse("alarm_config:procedures", args=[code])))
        tabs.append(Tab("policy", _("报警策略"), reverse("alarm_config:policy", args=[code])))
    if can(request, community, Perm.MANAGE_DUTY):
        tabs.append(Tab("sia", _("SIA 账号"), reverse("alarm_config:sia_accounts", args=[code])))
    if can(request, community, *EVENT_READERS):
        tabs.append(Tab("events", _("设备事件"), reverse("alarm_config:events", args=[code])))
    return [(tab, tab.name == active) for tab in tabs]


def page_context(request: HttpRequest, community: Community, active: str) -> dict[str, Any]:
    return {
        "community": community,
        "tabs": config_tabs(request, community, active),
        "crumb_url": reverse("alarm_config:history", args=[community.code]),
        "crumb_label": _("报警中心"),
    }


def _query_of(request: HttpRequest) -> dict[str, Any]:
    """The filter as typed (without the page number), for the access log."""
    query = {key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()}
    query.pop("page", None)
    return {key: value for key, value in query.items() if value not in ("", [])}


# ---------------------------------------------------------------------------------------------------
# Alarm history and its export
# ---------------------------------------------------------------------------------------------------


def history_queryset(request: HttpRequest, community: Community) -> QuerySet[Alarm]:
    """Every alarm of the community the user may see (police: those reported to police, 第16条)."""
    return (
        services.visible_alarms(request.user)
        .filter(community=community)
        .select_related("device", "location", "claimed_by")
        .order_by("-created_at", "-id")
    )


def _device_choices(community: Community) -> list[tuple[str, str]]:
    devices = Device.objects.filter(community=community, alarms__isnull=False).distinct().order_by("code")
    return [("", _("全部")), *((d.code, f"{d.name} ({d.code})") for d in devices)]


class HistoryView(CommunityMixin, ObjectListView):
    model = Alarm
    template_name = "alarms/history.html"
    filterset_class = AlarmFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return history_queryset(self.request, self.community)

    def adjust_filter_form(self, form: forms.Form) -> None:
        form.fields["device"].widget = forms.Select(choices=_device_choices(self.community))

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        queryset: QuerySet[Alarm] = kwargs["queryset"]
        query = _query_of(self.request)
        if query:
            # every search of the alarm records is in the access log.
            audit.record_access(
                "search",
                "alarm_history",
                community_id=self.community.pk,
                query=query,
                result_count=queryset.count(),
            )
        export_query = urlencode([(k, v) for k, vs in self.request.GET.lists() if k != "page" for v in vs])
        return {
            **page_context(self.request, self.community, "history"),
            "state_badges": {str(k): v for k, v in STATE_BADGES.items()},
            "priority_badges": PRIORITY_BADGES,
            "export_query": export_query,
            "is_police_view": not can(self.request, self.community, Perm.SEE_ALARMS),
        }


@login_required
def history_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The filtered history as Excel or CSV, with all step times and who took them (access-logged)."""
    community = visible_community(request, code)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    queryset = history_queryset(request, community)
    filterset = AlarmFilterSet(request.GET or None, queryset=queryset, request=request)
    compact_filter_form(
        filterset.form
    )  # the same widgets as the page's filter bar, so "all" (empty) is valid
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("筛选条件有误，未导出。请更正后重试。"))
        return HttpResponseRedirect(
            reverse("alarm_config:history", args=[community.code]) + "?" + request.GET.urlencode()
        )
    if filterset.is_bound:
        queryset = filterset.qs
    count = min(queryset.count(), exports.MAX_ROWS)
    audit.record_access(
        "export",
        "alarm_history",
        community_id=community.pk,
        query={**_query_of(request), "format": fmt},
        result_count=count,
    )
    data = exports.rows(queryset)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"alarms-{community.code}-{stamp}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        described = _describe_filter(filterset) if filterset.is_bound else _("全部报警")
        title = _("%(community)s 报警记录") % {"community": community.name}
        subtitle = _("筛选：%(filter)s；导出时间：%(at)s；共 %(n)s 条") % {
            "filter": described,
            "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "n": count,
        }
        response = HttpResponse(
            exports.to_xlsx(data, title=title, subtitle=subtitle),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _describe_filter(filterset: AlarmFilterSet) -> str:
    """The filter in words, for the export's heading ("报警类型: 火警; 起始日期: 2026-11-01")."""
    parts = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", []):
            continue
        choices = dict((str(k), str(v)) for k, v in getattr(field, "choices", []) or [])
        if isinstance(value, list | tuple):
            shown = "、".join(choices.get(str(v), str(v)) for v in value)
        elif isinstance(value, bool):
            shown = _("是") if value else _("否")
        else:
            shown = choices.get(str(value), str(value))
        parts.append(f"{field.label}: {shown}")
    return "；".join(parts) or _("全部报警")


# ---------------------------------------------------------------------------------------------------
# Zones and arming
# ---------------------------------------------------------------------------------------------------


@login_required
def zones(request: HttpRequest, code: str) -> HttpResponse:
    """The alarm devices with their zones and whether each is armed."""
    community = visible_community(request, code)
    require(request, community, Perm.HANDLE_ALARMS, *ZONE_EDITORS)
    devices = list(alarm_devices(community).select_related("location"))
    by_device: dict[int, list[AlarmZone]] = {}
    for zone in AlarmZone.objects.filter(community=community).select_related("location").order_by("code"):
        by_device.setdefault(zone.device_id, []).append(zone)
    rows = []
    for device in devices:
        device_zones = by_device.get(device.pk, [])
        whole = next((z for z in device_zones if z.code == ""), None)
        zones_only = [z for z in device_zones if z.code != ""]
        # A device without a device-wide row is armed as a whole (services.zone_for).
        armed = whole.armed if whole is not None else True
        states = [armed, *(z.armed for z in zones_only)]
        rows.append(
            {
                "device": device,
                "zones": zones_only,
                "whole": whole,
                "armed": armed,
                "disarmed_zones": sum(1 for z in zones_only if not z.armed),
                "any_armed": any(states),
                "any_disarmed": not all(states),
            }
        )
    context = {
        **page_context(request, community, "zones"),
        "rows": rows,
        "can_arm": can(request, community, Perm.HANDLE_ALARMS),
        "can_edit": can(request, community, *ZONE_EDITORS),
        "priority_badges": PRIORITY_BADGES,
    }
    return render(request, "alarms/config/zones.html", context)


class ZoneMixin(CommunityMixin):
    form_class: ClassVar[type[forms.BaseForm]] = AlarmZoneForm

    def get_object(self) -> AlarmZone:
        return get_object_or_404(
            AlarmZone.objects.filter(community=self.community).select_related("device"), pk=self.kwargs["pk"]
        )

    def may_save(self, obj: Any) -> bool:
        return can(self.request, self.community, *ZONE_EDITORS)

    may_delete = may_save

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def success_url(self, obj: Any) -> str:
        return reverse("alarm_config:zones", args=[self.community.code]) + f"#device-{obj.device.code}"

    def cancel_url(self, obj: Any) -> str:
        return reverse("alarm_config:zones", args=[self.community.code])

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return page_context(self.request, self.community, "zones")


class ZoneCreateView(ZoneMixin, ObjectEditView):
    model = AlarmZone

    def get_object(self) -> AlarmZone:
        zone = AlarmZone(community=self.community)
        code = self.request.GET.get("device", "")
        device = alarm_devices(self.community).filter(code=code).first() if code else None
        if device is not None:
            zone.device = device
        return zone


class ZoneEditView(ZoneMixin, ObjectEditView):
    model = AlarmZone


class ZoneDeleteView(ZoneMixin, ObjectDeleteView):
    model = AlarmZone

    def success_url(self, obj: Any) -> str:
        return reverse("alarm_config:zones", args=[self.community.code])

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {**page_context(self.request, self.community, "zones"), "cancel_url": self.cancel_url(None)}


@login_required
@require_POST
def arm(request: HttpRequest, code: str) -> HttpResponse:
    """Arm or disarm one zone (``zone`` = its id) or a whole device (``device`` = its code)."""
    community = visible_community(request, code)
    device = get_object_or_404(alarm_devices(community), code=request.POST.get("device", ""))
    zone = None
    if request.POST.get("zone"):
        try:
            zone_id = int(request.POST["zone"])
        except ValueError as exc:
            raise Http404 from exc
        zone = get_object_or_404(AlarmZone.objects.filter(community=community, device=device), pk=zone_id)
    armed = request.POST.get("armed") == "1"
    try:
        services.set_armed(device, armed=armed, by=request.user, zone=zone)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.detail)
    else:
        what = str(zone) if zone is not None else device.name
        if armed:
            messages.success(request, _("已布防：%(what)s") % {"what": what})
        else:
            messages.warning(
                request, _("已撤防：%(what)s（撤防期间入侵报警只记录，不报警）") % {"what": what}
            )
    return HttpResponseRedirect(
        reverse("alarm_config:zones", args=[community.code]) + f"#device-{device.code}"
    )


# ---------------------------------------------------------------------------------------------------
# Procedures
# ---------------------------------------------------------------------------------------------------


def _default_steps(alarm_type: str) -> list[str]:
    """The built-in checklist, translated into the active language."""
    return [_(step) for step in services.DEFAULT_PROCEDURES.get(alarm_type, services.DEFAULT_PROCEDURES["_"])]


def _alarm_type(value: str) -> str:
    if value not in AlarmTypeChoices.values:
        raise Http404
    return value


@login_required
def procedures(request: HttpRequest, code: str) -> HttpResponse:
    """Each alarm type's checklist as operators will get it, and where it comes from."""
    community = visible_community(request, code)
    require(request, community, Perm.HANDLE_ALARMS, Perm.MANAGE_DUTY)
    rows = {
        (p.community_id, p.alarm_type): p
        for p in OperatingProcedure.objects.filter(Q(community=community) | Q(community__isnull=True))
    }
    items = []
    for value, label in AlarmTypeChoices.choices:
        own, platform = rows.get((community.pk, value)), rows.get((None, value))
        if own is not None and own.steps:
            source, steps = "community", [str(s) for s in own.steps]
        elif platform is not None and platform.steps:
            source, steps = "platform", [str(s) for s in platform.steps]
        else:
            source, steps = "default", _default_steps(value)
        items.append({"type": value, "label": label, "source": source, "steps": steps})
    context = {
        **page_context(request, community, "procedures"),
        "items": items,
        "can_edit": can(request, community, Perm.MANAGE_DUTY),
    }
    return render(request, "alarms/config/procedures.html", context)


@login_required
def procedure_edit(request: HttpRequest, code: str, alarm_type: str) -> HttpResponse:
    community = visible_community(request, code)
    alarm_type = _alarm_type(alarm_type)
    require(request, community, Perm.MANAGE_DUTY)
    own = OperatingProcedure.objects.filter(community=community, alarm_type=alarm_type).first()
    current = services.procedure_steps(community.pk, alarm_type)
    if request.method == "POST":
        form = ProcedureForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                row = own or OperatingProcedure(community=community, alarm_type=alarm_type)
                row.steps = form.cleaned_data["steps"]
                row.save()  # change-logged
            messages.success(
                request,
                _("已保存“%(type)s”的处置预案；之后产生的报警按新步骤处置。")
                % {"type": AlarmTypeChoices(alarm_type).label},
            )
            return HttpResponseRedirect(reverse("alarm_config:procedures", args=[community.code]))
        status = 400
    else:
        shown = [str(s) for s in own.steps] if own is not None and own.steps else [_(s) for s in current]
        form = ProcedureForm(initial={"steps": "\n".join(shown)})
        status = 200
    context = {
        **page_context(request, community, "procedures"),
        "form": form,
        "alarm_type": alarm_type,
        "type_label": AlarmTypeChoices(alarm_type).label,
        "default_steps": _default_steps(alarm_type),
        "has_own": own is not None,
    }
    return render(request, "alarms/config/procedure_edit.html", context, status=status)


@login_required
@require_POST
def procedure_reset(request: HttpRequest, code: str, alarm_type: str) -> HttpResponse:
    """ "恢复默认": drop the community's own procedure, so the platform's or the built-in one applies."""
    community = visible_community(request, code)
    alarm_type = _alarm_type(alarm_type)
    require(request, community, Perm.MANAGE_DUTY)
    with transaction.atomic():
        for row in OperatingProcedure.objects.filter(community=community, alarm_type=alarm_type):
            row.delete()  # change-logged
    messages.success(
        request, _("“%(type)s”已恢复默认处置预案。") % {"type": AlarmTypeChoices(alarm_type).label}
    )
    return HttpResponseRedirect(reverse("alarm_config:procedures", args=[community.code]))


# ---------------------------------------------------------------------------------------------------
# Policy
# ---------------------------------------------------------------------------------------------------


@login_required
def policy(request: HttpRequest, code: str) -> HttpResponse:
    """The community's alarm timings; the defaults apply (and are shown) until a manager saves."""
    community = visible_community(request, code)
    require(request, community, Perm.HANDLE_ALARMS, Perm.MANAGE_DUTY)
    can_edit = can(request, community, Perm.MANAGE_DUTY)
    row = AlarmPolicy.objects.filter(community=community).first()
    instance = row or AlarmPolicy(community=community)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = AlarmPolicyForm(request.POST, instance=instance)
        if form.is_valid():
            with transaction.atomic():
                form.save()  # change-logged
            messages.success(request, _("已保存报警策略。"))
            return HttpResponseRedirect(reverse("alarm_config:policy", args=[community.code]))
        status = 400
    else:
        form = AlarmPolicyForm(instance=instance)
    defaults = AlarmPolicy()
    context = {
        **page_context(request, community, "policy"),
        "form": form,
        "policy": instance,
        "is_default": row is None,
        "can_edit": can_edit,
        "defaults": [
            (str(getattr(AlarmPolicy._meta.get_field(name), "verbose_name", name)), getattr(defaults, name))
            for name in ("ack_escalation_s", "police_report_minutes", "join_window_s")
        ],
    }
    return render(request, "alarms/config/policy.html", context, status=status)


@login_required
@require_POST
def policy_reset(request: HttpRequest, code: str) -> HttpResponse:
    community = visible_community(request, code)
    require(request, community, Perm.MANAGE_DUTY)
    with transaction.atomic():
        for row in AlarmPolicy.objects.filter(community=community):
            row.delete()  # change-logged
    messages.success(request, _("报警策略已恢复默认值。"))
    return HttpResponseRedirect(reverse("alarm_config:policy", args=[community.code]))


# ---------------------------------------------------------------------------------------------------
# SIA accounts
# ---------------------------------------------------------------------------------------------------


@login_required
def sia_accounts(request: HttpRequest, code: str) -> HttpResponse:
    community = visible_community(request, code)
    require(request, community, Perm.MANAGE_DUTY)
    accounts = SiaAccount.objects.filter(community=community).select_related("device")
    context = {**page_context(request, community, "sia"), "accounts": accounts}
    return render(request, "alarms/config/sia_list.html", context)


class SiaMixin(CommunityMixin):
    form_class: ClassVar[type[forms.BaseForm]] = SiaAccountForm

    def get_object(self) -> SiaAccount:
        return get_object_or_404(SiaAccount.objects.filter(community=self.community), pk=self.kwargs["pk"])

    def may_save(self, obj: Any) -> bool:
        return can(self.request, self.community, Perm.MANAGE_DUTY)

    may_delete = may_save

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def success_url(self, obj: Any) -> str:
        return reverse("alarm_config:sia_accounts", args=[self.community.code])

    cancel_url = success_url

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **page_context(self.request, self.community, "sia"),
            "cancel_url": self.success_url(None),
        }


class SiaCreateView(SiaMixin, ObjectEditView):
    model = SiaAccount

    def get_object(self) -> SiaAccount:
        return SiaAccount(community=self.community)


class SiaEditView(SiaMixin, ObjectEditView):
    model = SiaAccount


class SiaDeleteView(SiaMixin, ObjectDeleteView):
    model = SiaAccount


# ---------------------------------------------------------------------------------------------------
# Raw inbound events
# ---------------------------------------------------------------------------------------------------


def payload_preview(raw: bytes | memoryview | None) -> dict[str, Any]:
    """A safe look at what a device sent: readable text (escaped by the template) or a hex dump; cut short."""
    data = bytes(raw) if raw is not None else b""
    result: dict[str, Any] = {"size": len(data), "kind": "empty", "text": "", "truncated": False}
    if not data:
        return result
    head = data[:RAW_PREVIEW_BYTES]
    text = None
    for cut in range(4):  # the preview may end inside a multi-byte character
        try:
            text = head[: len(head) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    printable = text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text)
    if text is not None and printable:
        result.update(kind="text", text=text, truncated=len(data) > len(head))
        return result
    shown = data[:HEX_PREVIEW_BYTES]
    lines = []
    for offset in range(0, len(shown), 16):
        chunk = shown[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  {ascii_}")
    result.update(kind="hex", text="\n".join(lines), truncated=len(data) > len(shown))
    return result


def _events_context(events: QuerySet[InboundEvent], request: HttpRequest) -> dict[str, Any]:
    filterset = InboundEventFilterSet(request.GET or None, queryset=events, request=request)
    compact_filter_form(filterset.form)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else events
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = dict(events.order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "filter_form": filterset.form,
        "filtered": bool(query),
        "page_obj": page,
        "object_list": page.object_list,
        "total": page.paginator.count,
        "page_query": urlencode(list(query.lists()), doseq=True),
        "status_badges": {str(k): v for k, v in EVENT_STATUS_BADGES.items()},
        "status_counts": [
            (value, label, counts[value], EVENT_STATUS_BADGES[EventStatusChoices(value)])
            for value, label in EventStatusChoices.choices
            if counts.get(value)
        ],
    }


@login_required
def events(request: HttpRequest, code: str) -> HttpResponse:
    """Everything the community's devices sent, newest first, with what became of each message."""
    community = visible_community(request, code)
    require(request, community, *EVENT_READERS)
    queryset = InboundEvent.objects.filter(community=community).select_related("device", "alarm")
    context = {
        **page_context(request, community, "events"),
        **_events_context(queryset, request),
        "unassigned": False,
    }
    return render(request, "alarms/events.html", context)


@login_required
def unassigned_events(request: HttpRequest) -> HttpResponse:
    """Platform admins: events from unknown devices and unreadable payloads that belong to no community."""
    if not request.user.is_admin:  # type: ignore[union-attr]
        raise PermissionDenied
    queryset = InboundEvent.objects.filter(community__isnull=True).select_related("device", "alarm")
    context = {**_events_context(queryset, request), "unassigned": True, "community": None}
    return render(request, "alarms/events.html", context)


def _community_event(request: HttpRequest, code: str, pk: int) -> tuple[Community, InboundEvent]:
    community = visible_community(request, code)
    require(request, community, *EVENT_READERS)
    event = get_object_or_404(
        InboundEvent.objects.filter(community=community).select_related("device", "alarm"), pk=pk
    )
    return community, event


def _unassigned_event(request: HttpRequest, pk: int) -> InboundEvent:
    if not request.user.is_admin:  # type: ignore[union-attr]
        raise PermissionDenied
    return get_object_or_404(InboundEvent.objects.filter(community__isnull=True), pk=pk)


def _event_page(request: HttpRequest, event: InboundEvent, community: Community | None) -> HttpResponse:
    context: dict[str, Any] = {
        "event": event,
        "community": community,
        "preview": payload_preview(event.raw),
        "data_json": json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True)
        if event.data
        else "",
        "status_badge": EVENT_STATUS_BADGES.get(EventStatusChoices(event.status), "grey")
        if event.status in EventStatusChoices.values
        else "grey",
        "pictures": list(event.pictures.all()),
        "can_reprocess": _may_reprocess(request, event, community),
    }
    if community is not None:
        context.update(page_context(request, community, "events"))
        context["raw_url"] = reverse("alarm_config:event_raw", args=[community.code, event.pk])
        context["reprocess_url"] = reverse("alarm_config:event_reprocess", args=[community.code, event.pk])
        context["back_url"] = reverse("alarm_config:events", args=[community.code])
    else:
        context["raw_url"] = reverse("alarm_config:unassigned_event_raw", args=[event.pk])
        context["reprocess_url"] = reverse("alarm_config:unassigned_event_reprocess", args=[event.pk])
        context["back_url"] = reverse("alarm_config:unassigned_events")
    return render(request, "alarms/events_detail.html", context)


def _may_reprocess(request: HttpRequest, event: InboundEvent, community: Community | None) -> bool:
    user: Any = request.user
    if event.status == EventStatusChoices.ERROR:
        return bool(user.is_admin or (community is not None and can(request, community, Perm.MANAGE_DUTY)))
    return bool(event.status == EventStatusChoices.UNKNOWN_DEVICE and user.is_admin)


@login_required
def event_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, event = _community_event(request, code, pk)
    return _event_page(request, event, community)


@login_required
def unassigned_event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_page(request, _unassigned_event(request, pk), None)


def _raw_download(event: InboundEvent) -> HttpResponse:
    data = bytes(event.raw) if event.raw is not None else b""
    # a device's payload may carry pictures of people; downloading it is logged.
    audit.record_access(
        "export", "inbound_event_raw", community_id=event.community_id, query={"event": event.pk}
    )
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.bin"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def event_raw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _raw_download(_community_event(request, code, pk)[1])


@login_required
def unassigned_event_raw(request: HttpRequest, pk: int) -> HttpResponse:
    return _raw_download(_unassigned_event(request, pk))


def _reprocess(
    request: HttpRequest, event: InboundEvent, back: str, *, unassigned: bool = False
) -> HttpResponse:
    try:
        status, _alarm_id = services.reprocess(event, by=request.user)
    except DomainError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.detail)
        return HttpResponseRedirect(back)
    label = EventStatusChoices(status).label if status in EventStatusChoices.values else status
    if status == EventStatusChoices.ERROR:
        messages.error(request, _("重新处理仍然出错：%(status)s") % {"status": label})
    else:
        messages.success(request, _("已重新处理，结果：%(status)s") % {"status": label})
    if unassigned:
        # The event now belongs to its device's community: show it there.
        event.refresh_from_db()
        community = event.community if event.community_id else None
        if community is not None:
            return HttpResponseRedirect(reverse("alarm_config:event_detail", args=[community.code, event.pk]))
    return HttpResponseRedirect(back)


@login_required
@require_POST
def event_reprocess(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, event = _community_event(request, code, pk)
    return _reprocess(request, event, reverse("alarm_config:event_detail", args=[community.code, event.pk]))


@login_required
@require_POST
def unassigned_event_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    event = _unassigned_event(request, pk)
    return _reprocess(
        request, event, reverse("alarm_config:unassigned_event_detail", args=[event.pk]), unassigned=True
    )


# ---------------------------------------------------------------------------------------------------
# Notifications (one's own only)
# ---------------------------------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = Notification.objects.filter(user=user).select_related("community", "alarm")
    show = request.GET.get("show", "")
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "object_list": page.object_list,
        "show": show,
        "unread": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        "page_query": urlencode({"show": show}) if show else "",
    }
    return render(request, "alarms/notifications.html", context)


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of one's own notifications read (someone else's is 404) and go where it points."""
    user: Any = request.user
    note = get_object_or_404(Notification.objects.filter(user=user), pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return HttpResponseRedirect(_next_url(request, reverse("alarm_config:notifications")))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    n = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    if n:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": n})
    return HttpResponseRedirect(_next_url(request, reverse("alarm_config:notifications")))
