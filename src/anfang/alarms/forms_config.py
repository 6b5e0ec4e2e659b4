"""Forms of the alarm configuration pages: zones, procedures, policy, SIA accounts."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anfang.alarms.models import AlarmPolicy, AlarmZone, SiaAccount
from anfang.devices.choices import DeviceKindChoices, SubsystemChoices
from anfang.devices.models import Device
from anfang.sites.models import Community, Location

# Devices that report alarms by zone: the perimeter and resident alarm subsystems (第7条).
ALARM_SUBSYSTEMS = (SubsystemChoices.PERIMETER, SubsystemChoices.RESIDENT_ALARM)
# Devices that speak SIA DC-09 to the receiver: alarm panels and perimeter controllers.
PANEL_KINDS = (
    DeviceKindChoices.ALARM_PANEL,
    DeviceKindChoices.PERIMETER_CONTROLLER,
    DeviceKindChoices.ALARM_RECEIVER,
)
MAX_STEPS = 30
STEP_LENGTH = 300  # AlarmChecklistItem.text
SIA_ACCOUNT = re.compile(r"[0-9A-Za-z]{3,16}")
HEX = re.compile(r"[0-9A-Fa-f]+")


def alarm_devices(community: Community) -> QuerySet[Device]:
    """The community's devices that raise zone alarms, plus any other device that already has zones."""
    return (
        Device.objects.filter(community=community)
        .filter(Q(subsystem__in=ALARM_SUBSYSTEMS) | Q(alarm_zones__isnull=False))
        .distinct()
        .order_by("code")
    )


class AlarmZoneForm(forms.ModelForm):
    """A zone of one of this community's alarm devices: where it is and what its alarms mean."""

    class Meta:
        model = AlarmZone
        # Not `armed`: arming and disarming go through the arm buttons, which only people who handle alarms
        # have (a technician who edits zones must not disarm one by saving the form).
        fields = ["device", "code", "name", "location", "alarm_type", "priority"]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.community = community
        device_field: Any = self.fields["device"]
        device_field.queryset = alarm_devices(community)
        device_field.label_from_instance = lambda d: f"{d.name} ({d.code})"
        location_field: Any = self.fields["location"]
        location_field.queryset = Location.objects.filter(community=community).order_by("kind", "code")
        priority_field: Any = self.fields["priority"]
        priority_field.help_text = _("留空则按报警类型的默认优先级。")


class ProcedureForm(forms.Form):
    """The checklist of one alarm type: one step per line."""

    steps = forms.CharField(
        label=_("处置步骤"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一个步骤，按处置顺序填写。"),
        error_messages={"required": _("至少填写一个步骤。")},
    )

    def clean_steps(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["steps"].splitlines()]
        steps = [line for line in lines if line]
        if not steps:
            raise ValidationError(_("至少填写一个步骤。"))
        if len(steps) > MAX_STEPS:
            raise ValidationError(_("最多 %(n)s 个步骤。") % {"n": MAX_STEPS})
        too_long = [i for i, step in enumerate(steps, start=1) if len(step) > STEP_LENGTH]
        if too_long:
            raise ValidationError(
                _("第 %(line)s 步超过 %(n)s 个字。") % {"line": too_long[0], "n": STEP_LENGTH}
            )
        return steps


class AlarmPolicyForm(forms.ModelForm):
    """The community's timings; the model's validators bound each value."""

    class Meta:
        model = AlarmPolicy
        fields = ["ack_escalation_s", "police_report_minutes", "join_window_s"]
        help_texts = {
            "ack_escalation_s": _("新报警在这段时间内无人确认，即升级并通知管理员（5–3600 秒）。"),
            "police_report_minutes": _(
                "确认为真实警情后须在此时限内向公安报警，否则升级（第16条，1–120 分钟）。"
            ),
            "join_window_s": _("同一防区在此时间内再次报警，并入未处置的报警（0–86400 秒）。"),
        }


class SiaAccountForm(forms.ModelForm):
    """A panel's SIA DC-09 account. The AES key is write-only: left empty on edit, the stored key stays."""

    key = forms.CharField(
        label=_("AES 密钥（十六进制）"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("加密账号填写 32、48 或 64 位十六进制密钥；不加密则留空。"),
    )
    clear_key = forms.BooleanField(label=_("清除已设置的密钥（改为不加密）"), required=False)

    class Meta:
        model = SiaAccount
        fields = ["account_id", "device"]  # the key is set by save() only, never echoed back

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.had_key = bool(self.instance.pk and self.instance.key)
        device_field: Any = self.fields["device"]
        device_field.queryset = (
            Device.objects.filter(community=community)
            .filter(Q(kind__in=PANEL_KINDS) | Q(subsystem__in=ALARM_SUBSYSTEMS))
            .order_by("code")
        )
        device_field.label_from_instance = lambda d: f"{d.name} ({d.code})"
        self.fields["account_id"].help_text = _("报警主机的 SIA 账号（3–16 位字母或数字），全平台唯一。")
        if self.had_key:
            self.fields["key"].help_text = _("已设置。留空保持不变；填写新密钥则替换。")
        else:
            del self.fields["clear_key"]

    def clean_account_id(self) -> str:
        account = self.cleaned_data["account_id"].strip().upper()
        if not SIA_ACCOUNT.fullmatch(account):
            raise ValidationError(_("SIA 账号须为 3–16 位字母或数字。"))
        return account

    def clean_key(self) -> str:
        key: str = self.cleaned_data.get("key") or ""
        if not key:
            return ""
        if not HEX.fullmatch(key) or len(key) not in (32, 48, 64):
            raise ValidationError(_("密钥须为 32、48 或 64 位十六进制字符（0–9、A–F）。"))
        return key.upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("clear_key") and data.get("key"):
            self.add_error("key", _("清除密钥时不能同时填写新密钥。"))
        return data

    def save(self, commit: bool = True) -> SiaAccount:
        account: SiaAccount = super().save(commit=False)
        new_key = self.cleaned_data.get("key") or ""
        if new_key:
            account.key = new_key
        elif self.cleaned_data.get("clear_key"):
            account.key = ""
        if commit:
            account.save()
        return account
