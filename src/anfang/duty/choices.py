"""Choices of the duty room (第15、16条)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyLogKindChoices(models.TextChoices):
    """Where a duty-log line (值班记录) came from."""

    ALARM = "alarm", _("报警处置")
    MANUAL = "manual", _("值班记录")
    HANDOVER = "handover", _("交接班")
    SYSTEM = "system", _("系统")


DUTY_LOG_BADGES = {
    DutyLogKindChoices.ALARM: "red",
    DutyLogKindChoices.MANUAL: "blue",
    DutyLogKindChoices.HANDOVER: "green",
    DutyLogKindChoices.SYSTEM: "grey",
}


class WeekdayChoices(models.IntegerChoices):
    """Python's ``date.weekday()``: Monday is 0."""

    MONDAY = 0, _("周一")
    TUESDAY = 1, _("周二")
    WEDNESDAY = 2, _("周三")
    THURSDAY = 3, _("周四")
    FRIDAY = 4, _("周五")
    SATURDAY = 5, _("周六")
    SUNDAY = 6, _("周日")


ALL_WEEKDAYS: list[int] = [int(v) for v in WeekdayChoices.values]

# Rooms that must be manned round the clock (第16条).
DUTY_LOCATION_KINDS: tuple[str, ...] = ("duty_room", "monitoring_centre")
