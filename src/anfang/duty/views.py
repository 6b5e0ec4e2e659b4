"""Duty room pages (第15、16条): the room, the roster with its week grid and pattern, the duty log with the
daily record, and the handover. Thin: load through the user's communities, call ``duty.services``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from anfang.core import audit
from anfang.core.errors import DomainError
from anfang.core.generic import CommunityMixin, ObjectDeleteView, ObjectEditView
from anfang.core.tenancy import Perm, has_perm
from anfang.duty import record as duty_record
from anfang.duty import services
from anfang.duty.choices import DUTY_LOG_BADGES
from anfang.duty.forms import DayForm, HandoverForm, LogEntryForm, PatternForm, RosterForm, ShiftForm
from anfang.duty.models import Roster, Shift, ShiftPattern, counted_rows


class DutyMixin(CommunityMixin):
    """Pages under /c/<code>/duty/: the community (404 if not visible) and what the user may do there."""

    def may_manage(self) -> bool:
        return has_perm(self.request.user, self.community, Perm.MANAGE_DUTY)

    def may_handle(self) -> bool:
        return has_perm(self.request.user, self.community, Perm.HANDLE_ALARMS)

    def duty_context(self) -> dict[str, Any]:
        return {
            "community": self.community,
            "can_manage": self.may_manage(),
            "can_handle": self.may_handle(),
            "crumb_url": reverse("duty:room", args=[self.community.code]),
            "crumb_label": _("值班室"),
        }


def console_url() -> str:
    """The alarm console, once the alarms app serves it."""
    try:
        return reverse("alarms:console")
    except NoReverseMatch:
        return ""


def parse_day(value: str | None, default: dt.date) -> dt.date:
    form = DayForm({"date": value or ""})
    return form.day(default)


# ---------------------------------------------------------------------------------------------------
# The duty room
# ---------------------------------------------------------------------------------------------------


class RoomView(LoginRequiredMixin, DutyMixin, View):
    """Who is on duty now and next, open alarms, today's duty log."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        now = timezone.now()
        rooms = []
        for roster in Roster.objects.filter(community=self.community).select_related("location"):
            current = services.on_duty(roster, now)
            counted = {row[4] for row in counted_rows(Shift.objects.filter(pk__in=[s.pk for s in current]))}
            people = {p.pk: p for s in current for p in s.people.all() if p.pk in counted}
            rooms.append(
                {
                    "roster": roster,
                    "current": current,
                    "people": list(people.values()),
                    "short": len(people) < roster.min_people,
                    "next": services.next_shifts(roster, now),
                    "gaps": roster.uncovered_intervals(now, now + dt.timedelta(days=1)),
                }
            )
        today = timezone.localdate(now)
        entries = list(services.log_entries(self.community, today).reverse()[:50])
        context = {
            **self.duty_context(),
            "rooms": rooms,
            "open_alarms": services.open_alarms(self.community).count(),
            "console_url": console_url(),
            "entries": entries,
            "linkable": services.linkable_alarms(request.user, entries),
            "badges": DUTY_LOG_BADGES,
            "today": today,
            "rooms_without_roster": services.duty_locations(self.community).exclude(
                pk__in=Roster.objects.filter(community=self.community).values("location_id")
            ),
        }
        return render(request, "duty/room.html", context)


# ---------------------------------------------------------------------------------------------------
# Roster: week grid, shifts, weekly pattern
# ---------------------------------------------------------------------------------------------------


class RosterView(LoginRequiredMixin, DutyMixin, View):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        rosters = list(Roster.objects.filter(community=self.community).select_related("location"))
        roster = None
        wanted = request.GET.get("roster", "")
        if wanted:
            roster = next((r for r in rosters if str(r.pk) == wanted), None)
            if roster is None:
                raise Http404(_("没有该排班表。"))
        elif rosters:
            roster = rosters[0]
        today = timezone.localdate()
        day = parse_day(request.GET.get("week"), today)
        monday = day - dt.timedelta(days=day.weekday())
        context: dict[str, Any] = {
            **self.duty_context(),
            "rosters": rosters,
            "roster": roster,
            "monday": monday,
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "today": today,
            "hours": range(24),
        }
        if roster is not None:
            start, _end = services.day_bounds(monday)
            end = start + dt.timedelta(days=7)
            grid = services.week_grid(roster, monday)
            context.update(
                {
                    "grid": grid,
                    "uncovered_week": sum(c.uncovered for _d, cells in grid for c in cells),
                    "shifts": Shift.objects.filter(roster=roster, starts_at__lt=end, ends_at__gt=start)
                    .prefetch_related("people")
                    .order_by("starts_at", "pk"),
                    "patterns": roster.patterns.prefetch_related("people").order_by("start_time", "name"),
                    "generate_days": services.GENERATE_DAYS,
                }
            )
        return render(request, "duty/roster.html", context)


class RosterObjectMixin(DutyMixin):
    """The roster ``pk`` of this community (404 otherwise); writes need MANAGE_DUTY."""

    def get_roster(self) -> Roster:
        return get_object_or_404(
            Roster.objects.filter(community=self.community).select_related("location"), pk=self.kwargs["pk"]
        )

    def may_save(self, obj: Any) -> bool:
        return self.may_manage()

    def may_delete(self, obj: Any) -> bool:
        return self.may_manage()

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **self.duty_context(),
            "crumb_url": reverse("duty:roster", args=[self.community.code]),
            "crumb_label": _("排班"),
        }

    def roster_url(self, roster: Roster) -> str:
        return reverse("duty:roster", args=[self.community.code]) + f"?roster={roster.pk}"


class RosterCreateView(RosterObjectMixin, ObjectEditView):
    model = Roster
    template_name = "duty/object_edit.html"
    form_class = RosterForm

    def get_object(self) -> Roster:
        return Roster(community=self.community)

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def save(self, form: Any) -> Roster:
        return services.save_roster(form.save(commit=False))

    def success_url(self, obj: Any) -> str:
        return self.roster_url(obj)

    def cancel_url(self, obj: Any) -> str:
        return reverse("duty:roster", args=[self.community.code])


class RosterEditView(RosterCreateView):
    def get_object(self) -> Roster:
        return self.get_roster()

    def cancel_url(self, obj: Any) -> str:
        return self.roster_url(obj)


class RosterDeleteView(RosterObjectMixin, ObjectDeleteView):
    model = Roster

    def get_object(self) -> Roster:
        return self.get_roster()

    def delete(self, obj: Any) -> None:
        services.delete_roster(obj)

    def success_url(self, obj: Any) -> str:
        return reverse("duty:roster", args=[self.community.code])

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().extra_context(**kwargs), "cancel_url": self.roster_url(kwargs["object"])}


class ShiftCreateView(RosterObjectMixin, ObjectEditView):
    model = Shift
    template_name = "duty/object_edit.html"
    form_class = ShiftForm

    def get_object(self) -> Shift:
        roster = self.get_roster()
        shift = Shift(community=self.community, roster=roster)
        start = self.request.GET.get("start")
        if start:
            try:
                shift.starts_at = timezone.make_aware(dt.datetime.fromisoformat(start))
                shift.ends_at = shift.starts_at + dt.timedelta(hours=8)
            except ValueError:
                pass
        return shift

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def save(self, form: Any) -> Shift:
        return services.save_shift(form.save(commit=False), form.cleaned_data["people"])

    def success_url(self, obj: Any) -> str:
        week = timezone.localtime(obj.starts_at).date().isoformat()
        return self.roster_url(obj.roster) + f"&week={week}"

    def cancel_url(self, obj: Any) -> str:
        return self.roster_url(obj.roster)


class ShiftObjectMixin(RosterObjectMixin):
    def get_shift(self) -> Shift:
        return get_object_or_404(
            Shift.objects.filter(community=self.community, roster_id=self.kwargs["pk"]).select_related(
                "roster"
            ),
            pk=self.kwargs["shift"],
        )


class ShiftEditView(ShiftObjectMixin, ShiftCreateView):
    def get_object(self) -> Shift:
        return self.get_shift()


class ShiftDeleteView(ShiftObjectMixin, ObjectDeleteView):
    model = Shift

    def get_object(self) -> Shift:
        return self.get_shift()

    def delete(self, obj: Any) -> None:
        services.delete_shift(obj)

    def success_url(self, obj: Any) -> str:
        week = timezone.localtime(obj.starts_at).date().isoformat()
        return self.roster_url(obj.roster) + f"&week={week}"

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().extra_context(**kwargs), "cancel_url": self.roster_url(kwargs["object"].roster)}


class PatternCreateView(RosterObjectMixin, ObjectEditView):
    model = ShiftPattern
    template_name = "duty/object_edit.html"
    form_class = PatternForm

    def get_object(self) -> ShiftPattern:
        return ShiftPattern(community=self.community, roster=self.get_roster())

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def save(self, form: Any) -> ShiftPattern:
        return services.save_pattern(form.save(commit=False), form.cleaned_data["people"])

    def success_url(self, obj: Any) -> str:
        return self.roster_url(obj.roster)

    def cancel_url(self, obj: Any) -> str:
        return self.roster_url(obj.roster)


class PatternObjectMixin(RosterObjectMixin):
    def get_pattern(self) -> ShiftPattern:
        return get_object_or_404(
            ShiftPattern.objects.filter(community=self.community, roster_id=self.kwargs["pk"]).select_related(
                "roster"
            ),
            pk=self.kwargs["slot"],
        )


class PatternEditView(PatternObjectMixin, PatternCreateView):
    def get_object(self) -> ShiftPattern:
        return self.get_pattern()


class PatternDeleteView(PatternObjectMixin, ObjectDeleteView):
    model = ShiftPattern

    def get_object(self) -> ShiftPattern:
        return self.get_pattern()

    def delete(self, obj: Any) -> None:
        services.delete_pattern(obj)

    def success_url(self, obj: Any) -> str:
        return self.roster_url(obj.roster)

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().extra_context(**kwargs), "cancel_url": self.roster_url(kwargs["object"].roster)}


class GenerateView(LoginRequiredMixin, RosterObjectMixin, View):
    """POST: generate the roster's shifts from its weekly pattern for the next 14 days."""

    def post(self, request: HttpRequest, code: str, pk: int) -> HttpResponse:
        roster = self.get_roster()
        if not self.may_manage():
            raise PermissionDenied
        with transaction.atomic():
            created = services.extend_rosters(timezone.now(), rosters=[roster])
        messages.success(
            request,
            _("已生成 %(n)s 个班次（未来 %(days)s 天）。") % {"n": created, "days": services.GENERATE_DAYS},
        )
        return HttpResponseRedirect(self.roster_url(roster))


# ---------------------------------------------------------------------------------------------------
# Duty log and the daily record
# ---------------------------------------------------------------------------------------------------


class LogView(LoginRequiredMixin, DutyMixin, View):
    """The duty log of one day, and the manual entry form (operators, managers)."""

    def render_log(self, form: LogEntryForm | None, day: dt.date, *, status: int = 200) -> HttpResponse:
        today = timezone.localdate()
        entries = list(services.log_entries(self.community, day))
        context = {
            **self.duty_context(),
            "day": day,
            "today": today,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
            "entries": entries,
            "linkable": services.linkable_alarms(self.request.user, entries),
            "badges": DUTY_LOG_BADGES,
            "form": form,
            "day_form": DayForm({"date": day.isoformat()}),
        }
        return render(self.request, "duty/log.html", context, status=status)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        day = parse_day(request.GET.get("date"), timezone.localdate())
        form = LogEntryForm(community=self.community) if self.may_handle() else None
        return self.render_log(form, day)

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        if not self.may_handle():
            raise PermissionDenied
        form = LogEntryForm(request.POST, community=self.community)
        today = timezone.localdate()
        if not form.is_valid():
            return self.render_log(form, today, status=400)
        try:
            services.add_log_entry(
                self.community,
                by=request.user,
                text=form.cleaned_data["text"],
                roster=form.cleaned_data["roster"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
            return self.render_log(form, today, status=400)
        messages.success(request, _("已记录。"))
        return HttpResponseRedirect(reverse("duty:log", args=[self.community.code]))


class RecordView(LoginRequiredMixin, DutyMixin, View):
    """The daily duty record as PDF (default), HTML or JSON; every download is in the access log."""

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        fmt = request.GET.get("format", "pdf")
        if fmt not in duty_record.FORMATS:
            raise Http404(_("不支持的格式。"))
        day = parse_day(request.GET.get("date"), timezone.localdate())
        record = duty_record.build(self.community, day)
        audit.record_access(
            "export",
            "duty_record",
            community_id=self.community.pk,
            query={"date": day.isoformat(), "format": fmt},
            result_count=len(record.entries),
        )
        name = f"duty-{self.community.code}-{day.isoformat()}"
        if fmt == "json":
            body = json.dumps(record.as_json(), ensure_ascii=False, indent=2)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        elif fmt == "html":
            response = HttpResponse(duty_record.render_html(record), content_type="text/html; charset=utf-8")
        else:
            response = HttpResponse(duty_record.render_pdf(record), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response


# ---------------------------------------------------------------------------------------------------
# Handover
# ---------------------------------------------------------------------------------------------------


class HandoverView(LoginRequiredMixin, DutyMixin, View):
    """交接班: notes, who takes over, and the open alarms that will be carried over."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.community  # noqa: B018  (404 before 403 for another community's user)
        if not self.may_handle():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: HandoverForm, *, status: int = 200) -> HttpResponse:
        from anfang.duty.models import Handover

        context = {
            **self.duty_context(),
            "form": form,
            "open_alarms": list(services.open_alarms(self.community).select_related("location")[:200]),
            "recent": Handover.objects.filter(community=self.community)
            .select_related("roster")
            .prefetch_related("alarms")[:10],
            "has_rosters": Roster.objects.filter(community=self.community).exists(),
        }
        return render(self.request, "duty/handover.html", context, status=status)

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return self.render_form(
            HandoverForm(community=self.community, user=request.user, initial=self.suggested(request.user))
        )

    def suggested(self, user: Any) -> dict[str, Any]:
        """The room the user is on duty in now, and the first person of its next shift."""
        now = timezone.now()
        for roster in Roster.objects.filter(community=self.community):
            if not any(user in s.people.all() for s in services.on_duty(roster, now)):
                continue
            for shift in services.next_shifts(roster, now):
                takers = [p for p in shift.people.all() if p.pk != user.pk]
                if takers:
                    return {"roster": roster.pk, "taken_over_by": takers[0].pk}
            return {"roster": roster.pk}
        return {}

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        form = HandoverForm(request.POST, community=self.community, user=request.user)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            handover = services.hand_over(
                form.cleaned_data["roster"],
                by=request.user,
                to=form.cleaned_data["taken_over_by"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
            return self.render_form(form, status=400)
        messages.success(
            request,
            _("已交接给 %(name)s，移交未处置报警 %(n)s 起。")
            % {"name": handover.taken_over_by_name, "n": handover.alarms.count()},
        )
        return HttpResponseRedirect(reverse("duty:room", args=[self.community.code]))
