"""Alarm console (live), alarm page with the operator's actions, event pictures, and the SSE streams.

Thin: load through `visible_alarms(user)` / `visible_community()` (another community's alarm is a 404,
police see only alarms reported to them), call one service, render. Workflow rules live in
`alarms.services` (第16条).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anfang.alarms import forms as af
from anfang.alarms import services
from anfang.alarms.choices import (
    EVENT_STATUS_BADGES,
    PRIORITY_BADGES,
    STATE_BADGES,
    AlarmStateChoices,
)
from anfang.alarms.models import Alarm, EventPicture
from anfang.alarms.stream import AlarmFeed, aiter_feed, iter_feed, parse_last_event_id
from anfang.core import audit
from anfang.core.errors import DomainError
from anfang.core.generic import visible_community
from anfang.core.models import ApiToken
from anfang.core.tenancy import Perm, communities_for, has_perm
from anfang.sites.models import Community

# Pictures are served inline only in these types; anything else (SVG, HTML…) is a download.
SAFE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})

# ---------------------------------------------------------------------------------------------------
# Console
# ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    """Every open alarm the user may see, most urgent and oldest first; rows follow the live stream.

    `?community=CODE` narrows the table (the current community is preselected when the user sees
    several); `?community=` shows all. The stream always carries every community, so the page can
    say "other communities have N open alarms" instead of silently hiding them."""
    user = request.user
    communities = list(communities_for(user).order_by("code"))
    current: Community | None = getattr(request, "community", None)
    code = request.GET.get("community")
    if code is None:
        code = current.code if current is not None and len(communities) > 1 else ""
    selected: Community | None = None
    if code:
        selected = next((c for c in communities if c.code == code), None)
        if selected is None:
            raise Http404(_("没有该小区或无权访问。"))
    alarms = services.open_alarms(user, limit=services.CONSOLE_LIMIT)
    rows = [a for a in alarms if selected is None or a.community_id == selected.pk]
    total = len(alarms) if len(alarms) < services.CONSOLE_LIMIT else services.open_alarm_count(user)
    handling = set(communities_for(user, Perm.HANDLE_ALARMS).values_list("code", flat=True))
    now = timezone.now()
    config = {
        "stream": reverse("alarms:console_stream"),
        "api": "/api/v1/alarms/",
        "detail": reverse("alarms:detail", args=["__code__", 0]).replace("/0/", "/__id__/"),
        "community": selected.code if selected else "",
        "communities": {c.code: c.name for c in communities},
        "handling": sorted(handling),
        "user_id": user.pk,
        "priority_badges": PRIORITY_BADGES,
        "state_badges": {str(k): v for k, v in STATE_BADGES.items()},
        "now": now.isoformat(),
        "csrf_header": "X-CSRFToken",
        "text": {
            "acknowledge": _("确认接警"),
            "claim": _("认领"),
            "open": _("打开"),
            "escalated": _("已升级"),
            "events": _("事件数："),
            "handler": _("处理人："),
            "connecting": _("正在连接…"),
            "live": _("实时连接正常"),
            "down": _("实时连接已断开，正在重连…"),
            "sound_on": _("提示音已开启"),
            "sound_off": _("开启提示音"),
            "take_over": _("该报警正由 %(name)s 处理，是否接管？"),
            "new_alarm": _("新报警：%(type)s · %(place)s"),
            "failed": _("操作未成功："),
            "open_count": _("%(n)s 条未处置"),
            "others": _("其他小区另有 %(n)s 条未处置报警。"),
            "more": _("另有 %(n)s 条未处置报警未列出：控制台只列出最紧急的 %(limit)s 条。"),
            "seconds": _("%(s)s 秒"),
            "minutes": _("%(m)s 分 %(s)s 秒"),
            "hours": _("%(h)s 小时 %(m)s 分"),
        },
    }
    return render(
        request,
        "alarms/console.html",
        {
            "rows": [_row(a, now) for a in rows],
            "others": len(alarms) - len(rows),
            "not_listed": total - len(alarms),
            "console_limit": services.CONSOLE_LIMIT,
            "communities": communities,
            "selected": selected,
            "several": len(communities) > 1,
            "handling": handling,
            "console_config": config,
        },
    )


def _row(alarm: Alarm, now: Any) -> dict[str, Any]:
    age = alarm.age_seconds(now)
    return {
        "alarm": alarm,
        "place": _place(alarm),
        "age_class": "age-old" if age >= 120 else "age-warn" if age >= 30 else "age-fresh",
        "age": _age_text(age),
        "priority_badge": PRIORITY_BADGES.get(alarm.priority, "grey"),
        "state_badge": STATE_BADGES.get(AlarmStateChoices(alarm.state), "grey"),
    }


def _age_text(seconds: float) -> str:
    """The same wording the console's clock uses (console.js), for the first paint."""
    s = max(0, int(seconds))
    if s < 60:
        return _("%(s)s 秒") % {"s": s}
    if s < 3600:
        return _("%(m)s 分 %(s)s 秒") % {"m": s // 60, "s": s % 60}
    return _("%(h)s 小时 %(m)s 分") % {"h": s // 3600, "m": s % 3600 // 60}


def _place(alarm: Alarm) -> str:
    """Where it is, in the words an operator uses: location, else device, plus the zone."""
    parts = [str(alarm.location) if alarm.location else (alarm.device.name if alarm.device else "")]
    if alarm.title and alarm.title not in parts:
        parts.append(alarm.title)
    return " · ".join(p for p in parts if p) or "—"


# ---------------------------------------------------------------------------------------------------
# Live streams (SSE)
# ---------------------------------------------------------------------------------------------------


def _sse(request: HttpRequest, feed: AlarmFeed) -> StreamingHttpResponse:
    """Async iterator under ASGI (uvicorn), sync one under WSGI (which would buffer an async one)."""
    content = aiter_feed(feed) if isinstance(request, ASGIRequest) else iter_feed(feed)
    response = StreamingHttpResponse(content, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each message on at once
    return response


def _json_error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _start_cursor(request: HttpRequest) -> int | None:
    return parse_last_event_id(request.headers.get("Last-Event-ID") or request.GET.get("last_event_id"))


async def console_stream(request: HttpRequest) -> HttpResponseBase:
    """`GET /console/stream`: the console's live feed (session)."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    user = await request.auser()
    if not user.is_authenticated:
        return _json_error("unauthorized", "login required", 401)
    feed = AlarmFeed(user=user, language=translation.get_language(), cursor=_start_cursor(request))
    return _sse(request, feed)


def _bearer_user(request: HttpRequest) -> Any:
    """The user of a user token; an ApiToken for a device token; None when unknown."""
    from anfang.core.api_tools import BearerToken

    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return BearerToken().authenticate(request, token.strip())


def _stream_communities(user: Any, code: str | None) -> list[int] | None:
    if not code:
        return None
    found = None if "\x00" in code else communities_for(user).filter(code=code).first()
    if found is None:
        raise Http404
    return [found.pk]


async def api_stream(request: HttpRequest) -> HttpResponseBase:
    """`GET /api/v1/alarms/stream[?community=CODE]`: the same feed for API clients (user bearer token,
    or a session). Device tokens only send events."""
    if request.method != "GET":
        return _json_error("method_not_allowed", "GET only", 405)
    if "authorization" in request.headers:
        user = await sync_to_async(_bearer_user)(request)
        if isinstance(user, ApiToken):
            return _json_error("forbidden", "device tokens may only send events", 403)
        if user is None:
            return _json_error("unauthorized", "authentication required: session or Bearer token", 401)
    else:
        user = await request.auser()
        if not user.is_authenticated:
            return _json_error("unauthorized", "authentication required: session or Bearer token", 401)
    try:
        community_ids = await sync_to_async(_stream_communities)(user, request.GET.get("community"))
    except Http404:
        return _json_error("not_found", "not found", 404)
    token = getattr(request, "api_token", None)
    feed = AlarmFeed(
        user=user,
        community_ids=community_ids,
        language=translation.get_language(),
        cursor=_start_cursor(request),
        token_id=token.pk if isinstance(token, ApiToken) else None,
    )
    return _sse(request, feed)


# ---------------------------------------------------------------------------------------------------
# Alarm page
# ---------------------------------------------------------------------------------------------------


def _alarm(request: HttpRequest, code: str, pk: int) -> Alarm:
    """The alarm if the user may see it (404 otherwise: another community's, or police not told)."""
    community = visible_community(request, code)
    alarm = (
        services.visible_alarms(request.user)
        .filter(community=community, pk=pk)
        .select_related("community", "device", "location", "claimed_by")
        .first()
    )
    if alarm is None:
        raise Http404(_("没有该报警或无权访问。"))
    return alarm


# action slug → (form, what it does). Each call gets the alarm, the user and the form's cleaned data.
Action = Callable[[Alarm, Any, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[type[forms.Form], Action]] = {
    "claim": (af.ClaimForm, lambda a, u, d: services.claim(a, by=u, take_over=d["take_over"])),
    "take-over": (af.ClaimForm, lambda a, u, d: services.claim(a, by=u, take_over=True)),
    "release": (af.ReleaseForm, lambda a, u, d: services.release(a, by=u)),
    "acknowledge": (
        af.AcknowledgeForm,
        lambda a, u, d: services.acknowledge(a, by=u, note=d["note"], take_over=d["take_over"]),
    ),
    "verify": (
        af.VerifyForm,
        lambda a, u, d: services.start_verifying(a, by=u, note=d["note"], take_over=d["take_over"]),
    ),
    "dispatch": (
        af.DispatchForm,
        lambda a, u, d: services.dispatch(a, by=u, to=d["to"], note=d["note"], take_over=d["take_over"]),
    ),
    "confirm-real": (af.ConfirmRealForm, lambda a, u, d: services.confirm_real(a, by=u, note=d["note"])),
    "report-police": (
        af.PoliceReportForm,
        lambda a, u, d: services.report_to_police(
            a,
            by=u,
            channel=d["channel"],
            reported_at=d["reported_at"],
            officer=d["officer"],
            case_number=d["case_number"],
            note=d["note"],
        ),
    ),
    "checklist": (
        af.ChecklistForm,
        lambda a, u, d: services.tick_checklist(a, d["item"], by=u, done=d["done"]),
    ),
    "note": (af.NoteForm, lambda a, u, d: services.add_note(a, by=u, note=d["note"])),
    "resolve": (
        af.ResolveForm,
        lambda a, u, d: services.resolve(
            a, by=u, outcome=d["outcome"], note=d["note"], take_over=d["take_over"]
        ),
    ),
}

SUCCESS = {
    "claim": gettext_lazy("已认领该报警。"),
    "take-over": gettext_lazy("已接管该报警。"),
    "release": gettext_lazy("已释放认领。"),
    "acknowledge": gettext_lazy("已确认接警。"),
    "verify": gettext_lazy("已开始核实。"),
    "dispatch": gettext_lazy("已派警。"),
    "confirm-real": gettext_lazy("已确认为真实警情，请立即向公安报警（第16条）。"),
    "report-police": gettext_lazy("已记录向公安报警。"),
    "checklist": gettext_lazy("处置步骤已更新。"),
    "note": gettext_lazy("已添加备注。"),
    "resolve": gettext_lazy("报警已处置完毕。"),
}


def _forms(alarm: Alarm, bound: tuple[str, forms.Form] | None = None) -> dict[str, forms.Form]:
    result: dict[str, forms.Form] = {}
    for slug, (form_class, _call) in ACTIONS.items():
        if slug in ("take-over", "checklist"):
            continue
        result[slug.replace("-", "_")] = form_class(prefix=slug)
    if bound is not None and bound[0] in ACTIONS:
        result[bound[0].replace("-", "_")] = bound[1]
    return result


def _detail_context(request: HttpRequest, alarm: Alarm) -> dict[str, Any]:
    can_handle = has_perm(request.user, alarm.community, Perm.HANDLE_ALARMS)
    events = list(alarm.events.order_by("id").select_related("device").prefetch_related("pictures")[:200])
    steps = [
        (_("报警时间"), alarm.created_at, ""),
        (_("认领时间"), alarm.claimed_at, services._name(alarm.claimed_by) if alarm.claimed_by else ""),
        (_("接警时间"), alarm.acknowledged_at, ""),
        (_("核实时间"), alarm.verifying_at, ""),
        (_("派警时间"), alarm.dispatched_at, alarm.dispatched_to),
        (_("确认真实警情时间"), alarm.confirmed_real_at, ""),
        (_("报警时间（公安）"), alarm.police_reported_at, ""),
        (_("升级时间"), alarm.escalated_at, ""),
        (_("报警超时时间"), alarm.police_overdue_at, ""),
        (_("处置完毕时间"), alarm.resolved_at, alarm.get_outcome_display() if alarm.outcome else ""),
    ]
    state = alarm.state
    return {
        "alarm": alarm,
        "community": alarm.community,
        "place": _place(alarm),
        "can_handle": can_handle,
        "claimed_by_other": bool(alarm.claimed_by_id and alarm.claimed_by_id != request.user.pk),
        "claimed_by_me": alarm.claimed_by_id == request.user.pk,
        "state_badge": STATE_BADGES.get(AlarmStateChoices(state), "grey"),
        "priority_badge": PRIORITY_BADGES.get(alarm.priority, "grey"),
        "steps": [(label, at, extra) for label, at, extra in steps if at],
        "checklist": list(alarm.checklist.select_related("done_by").order_by("order")),
        "actions": list(alarm.actions.select_related("by").order_by("id")),
        "police_reports": list(alarm.police_reports.select_related("recorded_by").order_by("reported_at")),
        "events": events,
        "event_badges": {str(k): v for k, v in EVENT_STATUS_BADGES.items()},
        "cameras": services.cameras_for(alarm),
        "may": {
            "acknowledge": state == AlarmStateChoices.NEW,
            "verify": state == AlarmStateChoices.ACKNOWLEDGED,
            "dispatch": state in (AlarmStateChoices.ACKNOWLEDGED, AlarmStateChoices.VERIFYING),
            "resolve": state
            in (AlarmStateChoices.ACKNOWLEDGED, AlarmStateChoices.VERIFYING, AlarmStateChoices.DISPATCHED),
            "confirm_real": alarm.is_open and alarm.confirmed_real_at is None,
            "claim": alarm.is_open,
        },
        "open_action": _next_step(alarm),
        "forms": _forms(alarm),
        "error": None,
        "error_action": "",
    }


def _next_step(alarm: Alarm) -> str:
    """The form shown open: what the operator most likely does next (第16条: report a real case first)."""
    if alarm.is_open and alarm.confirmed_real_at and not alarm.police_reported_at:
        return "report-police"
    return {
        AlarmStateChoices.NEW: "acknowledge",
        AlarmStateChoices.ACKNOWLEDGED: "verify",
        AlarmStateChoices.VERIFYING: "dispatch",
        AlarmStateChoices.DISPATCHED: "resolve",
    }.get(AlarmStateChoices(alarm.state), "")


@login_required
@require_GET
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    alarm = _alarm(request, code, pk)
    return render(request, "alarms/alarm_detail.html", _detail_context(request, alarm))


@login_required
@require_POST
def act(request: HttpRequest, code: str, pk: int, action: str) -> HttpResponse:
    """One operator action; refused actions show why, with the form as it was typed."""
    alarm = _alarm(request, code, pk)
    if action not in ACTIONS:
        raise Http404
    if not has_perm(request.user, alarm.community, Perm.HANDLE_ALARMS):
        raise PermissionDenied(_("只有值班员或管理员可以处置报警。"))
    form_class, call = ACTIONS[action]
    prefix = None if action == "checklist" else action
    form = form_class(request.POST, prefix=prefix)
    error: str | None = None
    status = 400
    if form.is_valid():
        try:
            call(alarm, request.user, form.cleaned_data)
        except DomainError as exc:
            error, status = exc.detail, exc.status
        else:
            messages.success(request, SUCCESS[action])
            anchor = "#checklist" if action == "checklist" else ""
            return HttpResponseRedirect(
                reverse("alarms:detail", args=[alarm.community.code, alarm.pk]) + anchor
            )
    else:
        error = _("请检查填写的内容。")
    alarm = _alarm(request, code, pk)
    context = _detail_context(request, alarm)
    context["forms"] = _forms(alarm, (action, form))
    context["error"] = error
    context["error_action"] = action
    return render(request, "alarms/alarm_detail.html", context, status=status)


@login_required
@require_GET
def event_picture(request: HttpRequest, code: str, pk: int, picture: int) -> HttpResponseBase:
    """A picture that came with one of the alarm's events. Photos show people: every view is in the
    access log (R-33.5 (第33条第5项)); never a public /media/ URL, never cached."""
    alarm = _alarm(request, code, pk)
    found = EventPicture.objects.filter(pk=picture, event__alarm=alarm).select_related("event").first()
    if found is None:
        raise Http404
    return picture_response(found, alarm)


def picture_response(found: EventPicture, alarm: Alarm) -> HttpResponseBase:
    """The file, access-logged (shared with the API)."""
    audit.record_access(
        "view",
        "alarm_event_picture",
        community_id=alarm.community_id,
        query={"alarm": alarm.pk, "event": found.event_id, "picture": found.pk},
        result_count=1,
    )
    try:
        handle = found.image.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    content_type = found.content_type or mimetypes.guess_type(found.image.name)[0] or ""
    inline = content_type in SAFE_IMAGE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=found.name or "picture",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
