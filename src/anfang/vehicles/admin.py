"""Django admin for the vehicles app (platform admins only). Passages are not listed here: their searches
must go through the access-logged pages (R-33.5)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anfang.anpr.video import redact
from anfang.core.admin import PlatformAdminModelAdmin, ReadOnlyModelAdmin
from anfang.vehicles.forms import STREAM_URL_ERROR, stream_url_ok
from anfang.vehicles.models import BlacklistEntry, Lane, PassagePurge, ResidentVehicle, VisitorPass


class LaneAdminForm(forms.ModelForm):
    """The stream URL may carry the camera's password: write-only, shown back without it."""

    stream_url = forms.CharField(
        label=_("视频流地址"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 80}),
    )
    clear_stream = forms.BooleanField(label=_("清除已保存的视频流地址"), required=False)

    class Meta:
        model = Lane
        fields = [  # not the secrets: the password is set on the lane page, the URL through the field above
            "community",
            "code",
            "name",
            "location",
            "direction",
            "camera",
            "barrier",
            "policy",
            "open_from",
            "open_until",
            "ask_guard",
            "barrier_url",
            "barrier_channel",
            "barrier_username",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = self.instance.stream_url if self.instance.pk else ""
        self.fields["stream_url"].help_text = (
            _("已保存：%(url)s；留空则保持不变。") % {"url": redact(saved)}
            if saved
            else _("不能识别车牌的普通摄像机：填写其 RTSP 地址，由平台识别车牌（anfang worker anpr）。")
        )

    def clean_stream_url(self) -> str:
        stream = str(self.cleaned_data.get("stream_url") or "").strip()
        if not stream_url_ok(stream):
            raise ValidationError(STREAM_URL_ERROR)
        return stream

    def save(self, commit: bool = True) -> Lane:
        lane: Lane = super().save(commit=False)
        if self.cleaned_data.get("clear_stream"):
            lane.stream_url = ""
        elif self.cleaned_data.get("stream_url"):
            lane.stream_url = self.cleaned_data["stream_url"]
        if commit:
            lane.save()
        return lane


@admin.register(Lane)
class LaneAdmin(PlatformAdminModelAdmin):
    form = LaneAdminForm
    list_display = ["code", "name", "community", "direction", "policy", "ask_guard", "stream"]
    list_filter = ["policy", "community"]
    search_fields = ["code", "name"]
    list_select_related = ["community"]
    raw_id_fields = ["location", "camera", "barrier"]
    # Secrets: the password is set on the lane page and never shown back; the stream URL (it may carry the
    # camera's password) only through the form's write-only field.
    exclude = ["barrier_password", "stream_url"]

    @admin.display(description=_("视频流地址"))
    def stream(self, lane: Lane) -> str:
        return redact(lane.stream_url)


@admin.register(ResidentVehicle)
class ResidentVehicleAdmin(PlatformAdminModelAdmin):
    list_display = ["plate", "community", "unit", "owner_name", "valid_from", "valid_until"]
    list_filter = ["community"]
    search_fields = ["plate", "owner_name"]
    list_select_related = ["community", "unit"]
    raw_id_fields = ["unit"]


@admin.register(VisitorPass)
class VisitorPassAdmin(PlatformAdminModelAdmin):
    list_display = ["plate", "community", "valid_from", "valid_until", "max_uses", "uses", "revoked_at"]
    list_filter = ["community"]
    search_fields = ["plate"]
    list_select_related = ["community"]
    raw_id_fields = ["host_unit", "registered_by"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(PlatformAdminModelAdmin):
    list_display = ["plate", "community", "reason", "valid_until"]
    list_filter = ["community"]
    search_fields = ["plate"]
    list_select_related = ["community"]
    raw_id_fields = ["added_by"]


@admin.register(PassagePurge)
class PassagePurgeAdmin(ReadOnlyModelAdmin):
    list_display = ["ran_at", "retention_days", "cutoff", "passages", "visits", "pictures", "oldest_kept"]
