"""Core pages: dashboard, community switcher, API tokens, audit log. Thin: they load through
``communities_for()`` / ``tokens_for()``, call a service and render."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anfang.core import audit, services
from anfang.core.errors import DomainError
from anfang.core.forms import DeviceTokenForm, TokenForm
from anfang.core.generic import visible_community
from anfang.core.middleware import CURRENT_COMMUNITY_SESSION_KEY
from anfang.core.models import AccessRecord, ChangeRecord
from anfang.core.tenancy import Perm, communities_for, has_perm

AUDIT_PAGE_SIZE = 50

# ---------------------------------------------------------------------------------------------------
# Dashboard and community switcher
# ---------------------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The current community at a glance; police with several communities also get the station list."""
    from anfang.sites.siteplan import build_site_plan

    community = getattr(request, "community", None)
    user: Any = request.user
    context: dict[str, Any] = {"community": community}
    if community is not None:
        context["summary"] = services.dashboard_summary(community)
        context["plan"] = build_site_plan(community)
        context["can_edit"] = has_perm(user, community, Perm.CHANGE_REGISTRY)
    if user.is_police:
        station = communities_for(user).filter(police_station_id=user.police_station_id).order_by("code")
        if station.count() > 1:
            context["station_rows"] = services.station_overview(station)
            from anfang.compliance.history import open_violation_counts

            context["station_violations"] = open_violation_counts(station)
            context["station"] = user.police_station
    return render(request, "core/dashboard.html", context)


_COMMUNITY_PATH = re.compile(r"^/c/[^/]+/")


@require_POST
@login_required
def switch_community(request: HttpRequest) -> HttpResponse:
    """Make ``code`` the current community (only one the user can see: 404 otherwise) and go back."""
    community = visible_community(request, request.POST.get("code", ""))
    request.session[CURRENT_COMMUNITY_SESSION_KEY] = community.code
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("dashboard")
    # A page of the old community (/c/<old>/devices/) becomes the same page of the new one.
    if _COMMUNITY_PATH.match(target):
        target = _COMMUNITY_PATH.sub(f"/c/{community.code}/", target, count=1)
    return HttpResponseRedirect(target)


# ---------------------------------------------------------------------------------------------------
# API tokens
# ---------------------------------------------------------------------------------------------------


def _device_choices(request: HttpRequest) -> tuple[Any, Any]:
    """Devices an admin may issue a token for, narrowed to one community if one is chosen."""
    from anfang.devices.models import Device

    communities = communities_for(request.user).order_by("code")
    code = request.POST.get("community") or request.GET.get("community") or ""
    chosen = communities.filter(code=code).first() if code else None
    devices = Device.objects.for_user(request.user).select_related("community").order_by("community", "code")
    if chosen is not None:
        devices = devices.filter(community=chosen)
    return chosen, devices


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens (admins: all), create one and show its raw value exactly once."""
    user: Any = request.user
    form = TokenForm(prefix="user")
    device_form = None
    chosen_community = None
    devices: Any = None
    if user.is_admin:
        chosen_community, devices = _device_choices(request)
        device_form = DeviceTokenForm(prefix="device", devices=devices)
    issued: dict[str, Any] | None = None

    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "user":
                form = TokenForm(request.POST, prefix="user")
                if form.is_valid():
                    token, raw = services.create_user_token(
                        user, form.cleaned_data["name"], expires_at=form.expires_at, by=user
                    )
                    issued = {"token": token, "raw": raw}
                    form = TokenForm(prefix="user")
            elif action == "device":
                if not user.is_admin:
                    raise PermissionDenied
                device_form = DeviceTokenForm(request.POST, prefix="device", devices=devices)
                if device_form.is_valid():
                    token, raw = services.create_device_token(
                        device_form.cleaned_data["device"],
                        device_form.cleaned_data["name"],
                        by=user,
                        expires_at=device_form.expires_at,
                    )
                    issued = {"token": token, "raw": raw}
                    device_form = DeviceTokenForm(prefix="device", devices=devices)
            else:
                messages.error(request, _("未知操作。"))
        except DomainError as exc:
            messages.error(request, exc.detail)

    token_list = services.tokens_for(user).order_by("revoked_at", "-created_at")
    context = {
        "form": form,
        "device_form": device_form,
        "issued": issued,
        "token_list": token_list,
        "is_admin": user.is_admin,
        "communities": communities_for(user).order_by("code") if user.is_admin else [],
        "chosen_community": chosen_community,
    }
    response = render(request, "core/tokens.html", context)
    if issued is not None:
        # The raw token is in this page only: never cache it anywhere.
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one token the user may see (their own; admins: any); others are 404."""
    token = get_object_or_404(services.tokens_for(request.user), pk=pk)
    try:
        services.revoke_token(token, by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("令牌“%(name)s”已吊销，立即失效。") % {"name": token.name})
    return redirect("tokens")


# ---------------------------------------------------------------------------------------------------
# Audit log
# ---------------------------------------------------------------------------------------------------


def _object_type_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _choice_label(choices: dict[Any, Any], value: Any) -> Any:
    """A choice's label for a plain value; JSON values (geometry, lists) are shown as they are."""
    if isinstance(value, str | int | bool) or value is None:
        return choices.get(value, value)
    return value


def _readable_diff(object_type: str, diff: list[services.FieldChange]) -> list[dict[str, Any]]:
    """Field names as their labels and choice values as their labels (``in_service`` → 已验收/在用)."""
    try:
        fields = {f.attname: f for f in apps.get_model(object_type)._meta.concrete_fields}
    except (LookupError, ValueError):
        fields = {}
    rows = []
    for change in diff:
        f = fields.get(change.field)
        choices = dict(f.flatchoices) if f is not None and f.choices else {}
        rows.append(
            {
                "field": str(f.verbose_name) if f is not None else change.field,
                "before": _choice_label(choices, change.before),
                "after": _choice_label(choices, change.after),
            }
        )
    return rows


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """R-33.5 (第33条第(5)项): the change and access logs of one community (admins: all), newest first.

    Reading the log is itself written to the access log."""
    user: Any = request.user
    allowed = services.audit_communities(user).order_by("code")
    if not user.is_admin and not allowed.exists():
        raise PermissionDenied
    tab = "access" if request.GET.get("tab") == "access" else "changes"
    code = request.GET.get("community", "")
    selected = None
    if code:
        selected = allowed.filter(code=code).first()
        if selected is None:
            raise Http404(_("没有该小区或无权查看其审计日志。"))
    elif not user.is_admin:
        current = getattr(request, "community", None)
        selected = allowed.filter(pk=current.pk).first() if current is not None else None
        selected = selected or allowed.first()

    model: type[ChangeRecord] | type[AccessRecord] = AccessRecord if tab == "access" else ChangeRecord
    records = model.objects.order_by("-seq")
    if selected is not None:
        records = records.filter(community_id=selected.pk)
    page: Page[Any] = Paginator(records, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))

    community_names = dict(allowed.values_list("pk", "name"))
    rows = []
    for rec in page.object_list:
        row: dict[str, Any] = {"rec": rec, "community": community_names.get(rec.community_id)}
        if isinstance(rec, ChangeRecord):
            row["type_label"] = _object_type_label(rec.object_type)
            row["diff"] = _readable_diff(rec.object_type, services.change_diff(rec.before, rec.after))
        rows.append(row)

    audit.record_access(
        "view",
        "audit_log",
        community_id=selected.pk if selected is not None else None,
        query={"tab": tab, "community": selected.code if selected else "*", "page": page.number},
        result_count=len(rows),
    )
    context = {
        "tab": tab,
        "page": page,
        "rows": rows,
        "selected": selected,
        "communities": allowed,
        "is_admin": user.is_admin,
    }
    return render(request, "core/audit_log.html", context)
