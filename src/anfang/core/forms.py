"""Forms of the core pages: log-in, API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's log-in form with labels and browser hints suited to a phone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["password"].label = _("密码")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class TokenForm(forms.Form):
    """A personal API token: a name and an optional last day of validity."""

    name = forms.CharField(
        label=_("名称"), max_length=100, help_text=_("用途说明，例如“报表脚本”。"), strip=True
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空表示长期有效。"),
    )

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("有效期不能早于今天。"))
        return day

    @property
    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        return _end_of_day(day) if day else None


class DeviceChoiceField(forms.ModelChoiceField):
    """Devices labelled with their community, since an admin picks among all communities."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.community.name} · {obj.name} ({obj.code})"


class DeviceTokenForm(TokenForm):
    """An ingest token for one device (platform admins only)."""

    device = DeviceChoiceField(label=_("设备"), queryset=None, empty_label=_("请选择设备"))

    field_order = ["device", "name", "expires_on"]

    def __init__(self, *args: Any, devices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        device_field = self.fields["device"]
        assert isinstance(device_field, forms.ModelChoiceField)
        device_field.queryset = devices
