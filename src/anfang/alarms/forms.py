"""Forms of the alarm page: one small form per operator action (第16条 workflow).

The forms only check shapes (lengths, choices, times); the rules of the workflow (which state may
follow which, who holds the claim) are the services', so the web, the API and the console obey the
same ones. A refused action re-renders its form with what the operator typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anfang.alarms.choices import AlarmOutcomeChoices, PoliceChannelChoices


def _note(label: Any = None, *, required: bool = False, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label or _("备注"),
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ActionForm(forms.Form):
    """Base: the "take over" box, shown when another operator holds the alarm."""

    take_over = forms.BooleanField(label=_("接管（该报警正由其他人处理）"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            # PostgreSQL refuses NUL characters: a clear form error, never a 500.
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("不能包含空字符。"))
        return cleaned


class ClaimForm(ActionForm):
    pass


class ReleaseForm(forms.Form):
    pass


class AcknowledgeForm(ActionForm):
    note = _note()


class VerifyForm(ActionForm):
    note = _note()


class DispatchForm(ActionForm):
    to = forms.CharField(
        label=_("派往（保安/队伍）"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：巡逻一组 张师傅")}),
    )
    note = _note()


class ConfirmRealForm(ActionForm):
    note = _note()


class PoliceReportForm(ActionForm):
    """第16条: when, how and to whom the case was reported to the police."""

    reported_at = forms.DateTimeField(
        label=_("报警时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(label=_("报警方式"), choices=PoliceChannelChoices.choices)
    officer = forms.CharField(label=_("接警民警/接警员"), max_length=100, required=False)
    case_number = forms.CharField(label=_("警情编号"), max_length=60, required=False)
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("reported_at", timezone.localtime().replace(second=0, microsecond=0))
        kwargs["initial"].setdefault("channel", PoliceChannelChoices.PHONE_110)
        super().__init__(*args, **kwargs)


class ChecklistForm(forms.Form):
    item = forms.IntegerField(min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput)
    done = forms.BooleanField(required=False)


class NoteForm(ActionForm):
    note = _note(_("备注内容"), required=True, rows=3)


class ResolveForm(ActionForm):
    outcome = forms.ChoiceField(label=_("处置结果"), choices=[("", "—"), *AlarmOutcomeChoices.choices])
    note = _note(_("处置说明"), required=True, rows=3)
