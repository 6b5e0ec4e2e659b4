"""Forms of the device registry and the catalogue.

The device form never saves by itself: the view hands the cleaned instance and, where R-33.3
applies, an :class:`~anfang.devices.services.Authorisation` to ``services.save_device``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anfang.devices.choices import DeviceStatusChoices
from anfang.devices.models import AcceptanceRecord, Certificate, Device, DeviceModel, Manufacturer
from anfang.devices.services import Authorisation
from anfang.sites.forms import GeometryField
from anfang.sites.models import Community, Location

# Labels of the controlled fields, for the "authorisation needed" message.
CONTROLLED_LABELS = {"location": _("安装位置"), "purpose": _("用途"), "position": _("安装点")}
NEW_DEVICE_STATUSES = (DeviceStatusChoices.PLANNED, DeviceStatusChoices.INSTALLED)


class DeviceForm(forms.ModelForm):
    """Create or edit a device of one community; changing location/purpose/position needs authority."""

    position = GeometryField(
        label=_("安装点（米）"),
        allowed=("Point",),
        help_text=_("平面图上的安装点：“x,y”（米）。"),
        widget=forms.TextInput(attrs={"class": "mono", "placeholder": "x,y", "spellcheck": "false"}),
    )
    coverage = GeometryField(
        label=_("覆盖范围（米）"),
        allowed=("LineString", "Polygon"),
        help_text=_("摄像机视野：首尾同一点的多个点“x1,y1; x2,y2; …”；周界探测器：沿周界的线。"),
    )
    auth_reference = forms.CharField(label=_("批准文号"), max_length=120, required=False)
    auth_authorised_by = forms.CharField(label=_("批准人/单位"), max_length=120, required=False)
    auth_reason = forms.CharField(
        label=_("变更原因"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    AUTH_FIELDS = ("auth_reference", "auth_authorised_by", "auth_reason")

    class Meta:
        model = Device
        fields = [
            "code",
            "name",
            "subsystem",
            "kind",
            "status",
            "device_model",
            "location",
            "purpose",
            "position",
            "coverage",
            "network_address",
            "port",
            "mac_address",
            "serial_number",
            "resolution_width",
            "resolution_height",
            "anpr",
            "online",
            "heartbeat_interval_s",
            "retention_days",
            "installed_on",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "installed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.instance.community = community
        location = self.fields["location"]
        assert isinstance(location, forms.ModelChoiceField)
        # Only this community's places: a device cannot be moved into another community.
        location.queryset = Location.objects.filter(community=community).order_by("kind", "code")
        model = self.fields["device_model"]
        assert isinstance(model, forms.ModelChoiceField)
        model.queryset = DeviceModel.objects.select_related("manufacturer")
        if self.instance.pk is None:
            status = self.fields["status"]
            assert isinstance(status, forms.ChoiceField)
            # R-29 (第29条): a new device is planned or installed; service starts after acceptance.
            status.choices = [(s.value, s.label) for s in NEW_DEVICE_STATUSES]
        else:
            # Status changes go through their own action (and the lifecycle rules) on the detail page.
            del self.fields["status"]
            self.fields["code"].disabled = True

    def controlled_changes(self) -> list[str]:
        """Controlled fields (R-33.3 第33条第(3)项) the user changed on an existing device."""
        if self.instance.pk is None or not hasattr(self, "cleaned_data"):
            return []
        changed = []
        for name in CONTROLLED_LABELS:
            if name not in self.cleaned_data:
                continue
            new = self.cleaned_data[name]
            old = getattr(self.instance, name)
            if name == "purpose":
                new, old = (new or "").strip(), (old or "").strip()
            if (new or None) != (old or None):
                changed.append(name)
        return changed

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        changed = self.controlled_changes()
        if changed:
            # R-33.3 (第33条第(3)项): no change of purpose or location without authority.
            fields = str(_("、")).join(str(CONTROLLED_LABELS[f]) for f in changed)
            missing = [f for f in self.AUTH_FIELDS if not (cleaned.get(f) or "").strip()]
            for field in missing:
                self.add_error(
                    field, _("变更%(fields)s须经授权：请填写此项（第33条第(3)项）。") % {"fields": fields}
                )
            if missing:
                self.add_error(
                    None,
                    _(
                        "变更%(fields)s须经授权：请在下方“变更授权”中填写批准文号、批准人/单位和原因（第33条第(3)项）。"
                    )
                    % {"fields": fields},
                )
        return cleaned

    def authorisation(self) -> Authorisation | None:
        """The authorisation typed in, or None when nothing controlled changed / nothing typed."""
        values = [(self.cleaned_data.get(f) or "").strip() for f in self.AUTH_FIELDS]
        if not any(values):
            return None
        return Authorisation(reference=values[0], authorised_by=values[1], reason=values[2])


class DeviceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=DeviceStatusChoices.choices)


class AcceptanceForm(forms.ModelForm):
    """R-29 (第29条): an acceptance record, optionally putting the device into service at once."""

    put_in_service = forms.BooleanField(
        label=_("验收合格后投入使用"),
        required=False,
        initial=True,
        help_text=_("同时把设备状态改为“已验收/在用”（还需有效的产品证书，第24条）。"),
    )

    class Meta:
        model = AcceptanceRecord
        fields = ["accepted_on", "passed", "accepted_by", "document_ref", "notes"]
        widgets = {
            "accepted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accepted_on"].initial = timezone.localdate

    def clean_accepted_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["accepted_on"]
        if day > timezone.localdate():
            raise ValidationError(_("验收日期不能晚于今天。"))
        return day


class ManufacturerForm(forms.ModelForm):
    class Meta:
        model = Manufacturer
        fields = ["code", "name", "country"]


class DeviceModelForm(forms.ModelForm):
    class Meta:
        model = DeviceModel
        fields = ["manufacturer", "model_number", "name", "subsystem", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        from anfang.devices.choices import KIND_SUBSYSTEMS, DeviceKindChoices, SubsystemChoices

        cleaned = super().clean() or {}
        subsystem, kind = cleaned.get("subsystem"), cleaned.get("kind")
        if subsystem and kind and kind not in KIND_SUBSYSTEMS.get(subsystem, ()):
            self.add_error(
                "kind",
                _("设备类型“%(kind)s”不属于子系统“%(subsystem)s”。")
                % {"kind": DeviceKindChoices(kind).label, "subsystem": SubsystemChoices(subsystem).label},
            )
        return cleaned


class CertificateForm(forms.ModelForm):
    """R-24 (第24条): a production registration certificate or a statutory test report."""

    class Meta:
        model = Certificate
        fields = ["certificate_type", "number", "issuer", "issuer_level", "issued_on", "expires_on"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, device_model: DeviceModel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.device_model = device_model
