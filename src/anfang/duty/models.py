"""Duty rooms manned round the clock (第15、16条): rosters, shifts, the weekly pattern they are generated
from, handovers and the duty log (值班记录).

Rosters, shifts and pattern slots are registry records (change-logged, R-33.5). Handovers and duty-log
lines are records of what happened: written once, never edited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anfang.core.models import CommunityScopedModel, CommunityScopedQuerySet
from anfang.duty import coverage
from anfang.duty.choices import ALL_WEEKDAYS, DUTY_LOCATION_KINDS, DutyLogKindChoices, WeekdayChoices


def _default_weekdays() -> list[int]:
    return list(ALL_WEEKDAYS)


class WithPeople(CommunityScopedModel):
    """A record whose ``people`` (many-to-many) belong in its change-log snapshot (R-33.5).

    Services set ``pending_people`` before ``save()`` so the one change record written on save already
    carries the new people; the stored row (read back for "before") carries the old ones.
    """

    pending_people: list[int] | None = None

    class Meta:
        abstract = True

    def snapshot(self) -> dict[str, Any]:
        data = super().snapshot()
        if self.pending_people is not None:
            data["people"] = sorted(self.pending_people)
        elif self.pk is not None:
            data["people"] = sorted(self.people.values_list("pk", flat=True))  # type: ignore[attr-defined]
        else:
            data["people"] = []
        return data


class Roster(CommunityScopedModel):
    """The duty roster (排班表) of one duty room or monitoring centre; at most one per room."""

    location = models.ForeignKey(
        "sites.Location",
        on_delete=models.PROTECT,
        related_name="duty_rosters",
        verbose_name=_("值班室/监控中心"),
        limit_choices_to={"kind__in": DUTY_LOCATION_KINDS},
    )
    name = models.CharField(_("名称"), max_length=100)
    min_people = models.PositiveSmallIntegerField(
        _("最少在岗人数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("任何时刻在岗人数少于此数即为脱岗（第16条：24小时值守）。"),
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "排班表")
        verbose_name_plural = _("排班表")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["location"], name="duty_roster_one_per_location")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:roster", args=[self.community.code]) + f"?roster={self.pk}"

    def clean(self) -> None:
        if self.location_id is None:
            return
        if self.location.kind not in DUTY_LOCATION_KINDS:
            raise ValidationError({"location": _("排班表只能建在安防值班室或监控中心。")})
        if self.community_id is not None and self.location.community_id != self.community_id:
            raise ValidationError({"location": _("该位置不属于本小区。")})

    def spans(self, start: dt.datetime, end: dt.datetime) -> list[coverage.Span]:
        """The shifts overlapping [start, end) with the people who count (``counted_rows``), in one query."""
        shifts = Shift.objects.filter(roster=self, starts_at__lt=end, ends_at__gt=start)
        return spans_from_rows(row[1:] for row in counted_rows(shifts))

    def timeline(self, start: dt.datetime, end: dt.datetime) -> list[coverage.Piece]:
        return coverage.timeline(self.spans(start, end), start, end)

    def uncovered_intervals(
        self, start: dt.datetime, end: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime]]:
        """Stretches of [start, end) with fewer than ``min_people`` on shift (minute precision)."""
        return coverage.uncovered_intervals(self.spans(start, end), start, end, self.min_people)

    def uncovered_minutes(self, start: dt.datetime, end: dt.datetime) -> int:
        """Minutes of [start, end) with fewer than ``min_people`` on shift; overlapping shifts add up
        their (distinct) people."""
        return coverage.uncovered_minutes(self.spans(start, end), start, end, self.min_people)


def spans_from_rows(rows: Any) -> list[coverage.Span]:
    """(shift id, starts_at, ends_at, person id or None) rows → one :class:`coverage.Span` per shift."""
    shifts: dict[int, tuple[dt.datetime, dt.datetime, set[int]]] = {}
    for pk, starts_at, ends_at, person in rows:
        entry = shifts.setdefault(pk, (starts_at, ends_at, set()))
        if person is not None:
            entry[2].add(person)
    return [coverage.Span(s, e, frozenset(people)) for s, e, people in shifts.values()]


def counted_rows(shifts: models.QuerySet[Shift]) -> models.QuerySet[Any]:
    """(roster id, shift id, starts_at, ends_at, person id) for each person of ``shifts`` who counts as on
    duty, in one query. R-16 (第16条): only active users still members of the shift's community count;
    someone deactivated or gone stays on the shift as history, but their minutes are uncovered."""
    return (
        shifts.filter(people__is_active=True, people__memberships__community_id=models.F("community_id"))
        .values_list("roster_id", "pk", "starts_at", "ends_at", "people")
        .order_by("pk")
        .distinct()
    )


class ShiftPattern(WithPeople):
    """One slot of a roster's weekly pattern (e.g. 早班 08:00–16:00 every day, Asia/Shanghai), from which
    concrete shifts are generated ahead (``services.extend_rosters``)."""

    roster = models.ForeignKey(
        Roster, on_delete=models.CASCADE, related_name="patterns", verbose_name=_("排班表")
    )
    name = models.CharField(_("班次名称"), max_length=60)
    weekdays = models.JSONField(_("适用星期"), default=_default_weekdays)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(
        _("结束时间"), help_text=_("结束时间不晚于开始时间表示到次日，例如 16:00–00:00、22:00–06:00。")
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="duty_patterns", verbose_name=_("值班人员")
    )
    # Shifts exist up to this (local) day; generation continues after it.
    generated_until = models.DateField(_("已生成至"), null=True, blank=True)

    audit_exclude = ("created_at", "updated_at", "generated_until")

    class Meta:
        verbose_name = pgettext_lazy("singular", "班次模板")
        verbose_name_plural = _("班次模板")
        ordering = ["roster", "start_time", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        days = self.weekdays
        if not isinstance(days, list) or not days or any(d not in ALL_WEEKDAYS for d in days):
            raise ValidationError({"weekdays": _("请至少选择一天。")})

    def weekday_labels(self) -> str:
        if sorted(self.weekdays) == ALL_WEEKDAYS:
            return str(_("每天"))
        return "、".join(str(WeekdayChoices(d).label) for d in sorted(self.weekdays))

    def occurrence(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The slot on local ``day`` as aware datetimes (ending the next day when end ≤ start)."""
        tz = timezone.get_default_timezone()
        starts = dt.datetime.combine(day, self.start_time, tzinfo=tz)
        end_day = day if self.end_time > self.start_time else day + dt.timedelta(days=1)
        ends = dt.datetime.combine(end_day, self.end_time, tzinfo=tz)
        return starts, ends


class Shift(WithPeople):
    """Who is on duty in a room from ``starts_at`` to ``ends_at`` (aware, stored UTC). Shifts may overlap."""

    roster = models.ForeignKey(
        Roster, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("排班表")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="duty_shifts", verbose_name=_("值班人员")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # Set while the shift is as its pattern generated it; editing it by hand detaches it.
    pattern = models.ForeignKey(
        ShiftPattern,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("班次模板"),
    )

    class Meta:
        verbose_name = pgettext_lazy("singular", "值班班次")
        verbose_name_plural = _("值班班次")
        ordering = ["roster", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["roster", "starts_at"]), models.Index(fields=["roster", "ends_at"])]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.roster} {start:%m-%d %H:%M}–{end:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > dt.timedelta(days=2):
            raise ValidationError({"ends_at": _("一个班次不能超过 48 小时。")})


# ---------------------------------------------------------------------------------------------------
# Records: handovers and the duty log (值班记录, 第16条)
# ---------------------------------------------------------------------------------------------------


class AppendOnlyRecord(models.Model):
    """A record of what happened: written once (``save()`` refuses updates, like ``AlarmAction``)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError(f"{self._meta.label} records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{self._meta.label} records are append-only")


class Handover(AppendOnlyRecord):
    """交接班: who handed the room over to whom, with notes and the open alarms carried over."""

    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    roster = models.ForeignKey(
        Roster,
        on_delete=models.SET_NULL,
        null=True,
        related_name="handovers",
        verbose_name=_("值班室/监控中心"),
    )
    at = models.DateTimeField(_("交接时间"), default=timezone.now, db_index=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("交班人"),
    )
    handed_over_by_name = models.CharField(_("交班人"), max_length=150, blank=True)
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("接班人"),
    )
    taken_over_by_name = models.CharField(_("接班人"), max_length=150, blank=True)
    notes = models.TextField(_("交接事项"), blank=True)
    alarms = models.ManyToManyField(
        "alarms.Alarm", blank=True, related_name="handovers", verbose_name=_("移交的未处置报警")
    )

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "交接班记录")
        verbose_name_plural = _("交接班记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.handed_over_by_name} → {self.taken_over_by_name}"


class DutyLogEntry(AppendOnlyRecord):
    """One line of the duty log (值班记录, 第16条): an alarm step, a note typed by the operator, a handover
    or a system event."""

    community = models.ForeignKey("sites.Community", on_delete=models.CASCADE, related_name="+")
    roster = models.ForeignKey(
        Roster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("值班室/监控中心"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    by_name = models.CharField(_("记录人"), max_length=150, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DutyLogKindChoices.choices)
    text = models.TextField(_("内容"), blank=True)
    alarm = models.ForeignKey(
        "alarms.Alarm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duty_log_entries",
        verbose_name=_("报警"),
    )
    alarm_action = models.OneToOneField(
        "alarms.AlarmAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duty_log_entry",
    )
    handover = models.ForeignKey(
        Handover, on_delete=models.SET_NULL, null=True, blank=True, related_name="log_entries"
    )

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "值班记录")
        verbose_name_plural = _("值班记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["community", "at"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.summary()}"

    def summary(self) -> str:
        """What the line says, in the reader's language for generated lines (alarm steps, handovers)."""
        from django.utils.translation import gettext

        if self.alarm_action_id is not None and self.kind in (
            DutyLogKindChoices.ALARM,
            DutyLogKindChoices.SYSTEM,
        ):
            action = self.alarm_action
            assert action is not None
            label = str(action.get_action_display())
            alarm = f"#{action.alarm_id} {action.alarm.get_alarm_type_display()}"
            place = action.alarm.location
            where = place.name if place is not None else ""
            if where:
                head = gettext("%(action)s：%(alarm)s（%(where)s）") % {
                    "action": label,
                    "alarm": alarm,
                    "where": where,
                }
            else:
                head = gettext("%(action)s：%(alarm)s") % {"action": label, "alarm": alarm}
            extra = self.text.strip()
            return f"{head} — {extra}" if extra else head
        if self.kind == DutyLogKindChoices.HANDOVER and self.handover_id is not None:
            handover = self.handover
            assert handover is not None
            head = gettext("交接班：%(from)s → %(to)s") % {
                "from": handover.handed_over_by_name,
                "to": handover.taken_over_by_name,
            }
            carried = handover.alarms.count()
            if carried:
                head += gettext("，移交未处置报警 %(n)s 起") % {"n": carried}
            return f"{head} — {self.text}" if self.text else head
        return self.text
