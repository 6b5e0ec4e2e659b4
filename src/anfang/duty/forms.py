"""Forms of the duty room. None saves by itself: views hand the cleaned data to ``duty.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anfang.duty import services
from anfang.duty.choices import WeekdayChoices
from anfang.duty.models import Roster, Shift, ShiftPattern
from anfang.sites.models import Community

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return services.person_name(obj)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return services.person_name(obj)


def local_datetime_field(label: Any) -> forms.DateTimeField:
    """A ``datetime-local`` input read in Asia/Shanghai (the active time zone)."""
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )


class RosterForm(forms.ModelForm):
    class Meta:
        model = Roster
        fields = ["location", "name", "min_people", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = Roster.objects.filter(community=community).exclude(pk=self.instance.pk).values("location_id")
        field: Any = self.fields["location"]
        field.queryset = services.duty_locations(community).exclude(pk__in=taken)


class ShiftForm(forms.ModelForm):
    starts_at = local_datetime_field(_("开始时间"))
    ends_at = local_datetime_field(_("结束时间"))
    people = PeopleField(
        label=_("值班人员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Shift
        fields = ["starts_at", "ends_at", "people", "note"]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["people"]
        field.queryset = services.members(community)


class PatternForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("适用星期"),
        choices=WeekdayChoices.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[int(v) for v in WeekdayChoices.values],
    )
    start_time = forms.TimeField(
        label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("结束时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=ShiftPattern._meta.get_field("end_time").help_text,
    )
    people = PeopleField(
        label=_("值班人员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ShiftPattern
        fields = ["name", "weekdays", "start_time", "end_time", "people"]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["people"]
        field.queryset = services.members(community)


class LogEntryForm(forms.Form):
    roster: forms.ModelChoiceField[Roster] = forms.ModelChoiceField(
        label=_("值班室/监控中心"), queryset=Roster.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("值班记录"),
        max_length=services.MAX_LOG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("例如：22:10 巡查南门，一切正常。")}),
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["roster"]
        field.queryset = Roster.objects.filter(community=community).order_by("name")
        field.empty_label = _("（不指定）")


class HandoverForm(forms.Form):
    roster: forms.ModelChoiceField[Roster] = forms.ModelChoiceField(
        label=_("值班室/监控中心"), queryset=Roster.objects.none()
    )
    taken_over_by = PersonChoiceField(label=_("接班人"), queryset=None)
    notes = forms.CharField(
        label=_("交接事项"),
        required=False,
        max_length=services.MAX_LOG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, community: Community, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rosters: Any = self.fields["roster"]
        rosters.queryset = Roster.objects.filter(community=community).order_by("name")
        if rosters.queryset.count() == 1:
            rosters.initial = rosters.queryset.first()
        takers: Any = self.fields["taken_over_by"]
        takers.queryset = services.members(community)
        if user is not None and user.pk is not None:
            takers.queryset = takers.queryset.exclude(pk=user.pk)


class DayForm(forms.Form):
    """The day filter of the duty log (local date)."""

    date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def day(self, default: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("date"):
            value: dt.date = self.cleaned_data["date"]
            return value
        return default
