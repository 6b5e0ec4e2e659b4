"""Forms of the vehicle pages: the three lists, lanes, visitor passes, the guard's override, passage search.

Plates are normalised on save and a plate the plate module refuses is refused with its reason, so a
list never holds a plate no camera can ever read back the same way (第11条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anfang.anpr.video import is_live, redact
from anfang.devices.models import Device
from anfang.sites.choices import LocationKindChoices
from anfang.sites.models import Community, Location
from anfang.vehicles import plates
from anfang.vehicles.choices import DecisionChoices, DirectionChoices
from anfang.vehicles.models import BlacklistEntry, Lane, ResidentVehicle, VisitorPass

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
UNIT_KINDS = (LocationKindChoices.BUILDING, LocationKindChoices.UNIT)
ENTRANCE_KINDS = (
    LocationKindChoices.ENTRANCE,
    LocationKindChoices.LANE,
    LocationKindChoices.PARKING_ENTRANCE,
    LocationKindChoices.PARKING_LOT,
)


def datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


STREAM_URL_ERROR = _("视频流地址须以 rtsp:// 等开头，或为视频文件的绝对路径。")


def stream_url_ok(stream: str) -> bool:
    """Empty, a stream URL (rtsp:// …) or a video file's absolute path (`anfang worker anpr` reads it)."""
    return not stream or is_live(stream) or stream.startswith("/")


def clean_plate_text(raw: str, color: str | None = None) -> str:
    """The plate as stored (normalised), or a ValidationError with the plate module's reason."""
    parsed = plates.parse(raw or "", color or None)
    if parsed.kind == plates.PlateKind.NO_PLATE or not parsed.valid:
        problem = parsed.problem or _("无法识别的号牌")
        raise ValidationError(_("车牌号无效：%(problem)s") % {"problem": problem}, code="invalid_plate")
    return parsed.text


def _locations(community: Community, kinds: tuple[str, ...]) -> QuerySet[Location]:
    return Location.objects.filter(community=community, kind__in=kinds).order_by("kind", "code")


class CommunityFormMixin:
    """Every form of a community's record: the record belongs to that community."""

    fields: dict[str, forms.Field]
    instance: Any

    def bind_community(self, community: Community) -> None:
        self.community = community
        self.instance.community = community

    def _unique_plate(self, model: type[Any], plate: str) -> None:
        clash = model.objects.filter(community=self.community, plate=plate).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("该车牌已登记。"), code="duplicate")


class ResidentVehicleForm(CommunityFormMixin, forms.ModelForm):
    class Meta:
        model = ResidentVehicle
        fields = [
            "plate",
            "plate_color",
            "unit",
            "owner_name",
            "owner_phone",
            "valid_from",
            "valid_until",
            "note",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bind_community(community)
        unit: Any = self.fields["unit"]
        unit.queryset = _locations(community, UNIT_KINDS)
        self.fields["plate"].help_text = _("例如 辽H12345；保存时自动规范为标准写法。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "plate" in data:
            try:
                data["plate"] = clean_plate_text(data["plate"], data.get("plate_color"))
                self._unique_plate(ResidentVehicle, data["plate"])
            except ValidationError as exc:
                self.add_error("plate", exc)
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("有效期至不能早于有效期自。"))
        return data


class BlacklistForm(CommunityFormMixin, forms.ModelForm):
    class Meta:
        model = BlacklistEntry
        fields = ["plate", "reason", "valid_until"]
        widgets = {"valid_until": datetime_widget()}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bind_community(community)
        self.fields["valid_until"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"]  # type: ignore[attr-defined]

    def clean_plate(self) -> str:
        plate = clean_plate_text(self.cleaned_data["plate"])
        self._unique_plate(BlacklistEntry, plate)
        return plate

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("请填写原因。"))
        return str(reason)


class LaneForm(CommunityFormMixin, forms.ModelForm):
    """A lane's camera and barrier. The barrier password and the stream URL (which may carry a camera's
    password) are write-only: never shown back in full; left empty they stay as they were."""

    barrier_password = forms.CharField(
        label=_("道闸密码"),
        required=False,
        max_length=120,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("留空则保持原密码不变。"),
    )
    clear_password = forms.BooleanField(label=_("清除已保存的道闸密码"), required=False)
    # 第9条: a plain camera's video, read by the platform (`anfang worker anpr`).
    stream_url = forms.CharField(
        label=_("视频流地址"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "placeholder": "rtsp://admin:***@192.168.1.64:554/Streaming/Channels/101",
            }
        ),
        help_text=_("不能识别车牌的普通摄像机：填写其 RTSP 地址，由平台识别车牌（anfang worker anpr）。"),
    )
    clear_stream = forms.BooleanField(label=_("清除已保存的视频流地址"), required=False)

    class Meta:
        model = Lane
        fields = [
            "code",
            "name",
            "location",
            "direction",
            "policy",
            "open_from",
            "open_until",
            "ask_guard",
            "camera",
            "barrier",
            "barrier_url",
            "barrier_channel",
            "barrier_username",
        ]
        widgets = {
            "open_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "open_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bind_community(community)
        location: Any = self.fields["location"]
        location.queryset = _locations(community, ENTRANCE_KINDS)
        devices = Device.objects.filter(community=community).order_by("code")
        for name in ("camera", "barrier"):
            field: Any = self.fields[name]
            field.queryset = devices
            field.label_from_instance = lambda d: f"{d.name} ({d.code})"
        self.fields["barrier_url"].help_text = _("例如 http://192.168.1.64（海康 ISAPI 道闸控制）。")
        if self.instance.pk and self.instance.barrier_password:
            self.fields["barrier_password"].help_text = _("已保存密码；留空则保持不变。")
        if self.instance.pk and self.instance.stream_url:
            self.fields["stream_url"].help_text = _("已保存：%(url)s；留空则保持不变。") % {
                "url": redact(self.instance.stream_url)
            }

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if not code or "/" in code or code in ("new", "-"):
            raise ValidationError(_("车道编号不能为空，不能含“/”。"))
        clash = Lane.objects.filter(community=self.community, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("该车道编号已存在。"))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("open_from"), data.get("open_until")
        if (start is None) != (end is None):
            self.add_error("open_until", _("开放时段需要同时填写开始和结束时间。"))
        url = (data.get("barrier_url") or "").strip()
        if url and not url.startswith(("http://", "https://")):
            self.add_error("barrier_url", _("道闸控制地址须以 http:// 或 https:// 开头。"))
        stream = (data.get("stream_url") or "").strip()
        if not stream_url_ok(stream):
            self.add_error("stream_url", STREAM_URL_ERROR)
        keeps_stream = bool(self.instance.stream_url) and not data.get("clear_stream")
        if (stream or keeps_stream) and not data.get("camera"):
            self.add_error("camera", _("由平台识别车牌的车道须选择摄像机：过车记录记在该设备名下。"))
        return data

    def save(self, commit: bool = True) -> Lane:
        lane: Lane = super().save(commit=False)
        if self.cleaned_data.get("clear_password"):
            lane.barrier_password = ""
        elif self.cleaned_data.get("barrier_password"):
            lane.barrier_password = self.cleaned_data["barrier_password"]
        if self.cleaned_data.get("clear_stream"):
            lane.stream_url = ""
        elif self.cleaned_data.get("stream_url"):
            lane.stream_url = self.cleaned_data["stream_url"].strip()
        if commit:
            lane.save()
        return lane


class VisitorPassForm(CommunityFormMixin, forms.ModelForm):
    """A guard registers a visitor's plate for a window (第11条: visitors let in by the lane)."""

    class Meta:
        model = VisitorPass
        fields = [
            "plate",
            "visitor_name",
            "host_unit",
            "host_name",
            "valid_from",
            "valid_until",
            "max_uses",
            "note",
        ]
        widgets = {"valid_from": datetime_widget(), "valid_until": datetime_widget()}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bind_community(community)
        unit: Any = self.fields["host_unit"]
        unit.queryset = _locations(community, UNIT_KINDS)
        for name in ("valid_from", "valid_until"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]
        if not self.is_bound and self.instance.pk is None:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("valid_from", now)
            self.initial.setdefault("valid_until", now + dt.timedelta(hours=4))
            self.initial.setdefault("max_uses", 1)

    def clean_plate(self) -> str:
        return clean_plate_text(self.cleaned_data["plate"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end:
            if end <= start:
                self.add_error("valid_until", _("有效时间至必须晚于有效时间自。"))
            elif end <= timezone.now():
                self.add_error("valid_until", _("有效时间已过，请填写将来的时间。"))
            elif end - start > dt.timedelta(days=31):
                self.add_error("valid_until", _("访客通行证最长 31 天。"))
        return data


# The guard's common reasons (第11条: a person decides what the automatic control cannot).
COMMON_REASONS = (
    _("访客已与业主核实"),
    _("快递/外卖"),
    _("出租车/网约车"),
    _("救护、消防、公安等执行任务车辆"),
    _("业主车辆，尚未登记"),
    _("无法核实身份"),
    _("车主拒绝登记"),
)


class OverrideForm(forms.Form):
    """Open or refuse by hand: one of the common reasons, or the guard's own words (they win)."""

    decision = forms.ChoiceField(
        choices=[(DecisionChoices.OPEN, _("放行")), (DecisionChoices.DENY, _("禁止"))],
        label=_("人工处理"),
    )
    preset = forms.ChoiceField(label=_("常用原因"), required=False)
    reason = forms.CharField(label=_("其他原因"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        preset: Any = self.fields["preset"]
        preset.choices = [("", "—"), *((str(r), str(r)) for r in COMMON_REASONS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = (data.get("reason") or "").strip() or (data.get("preset") or "").strip()
        if not text:
            raise ValidationError(_("请选择或填写人工处理的原因。"))
        data["text"] = text
        return data


class PassageSearchForm(forms.Form):
    """Plate (exact, prefix 辽H1*, partial H1*3), time window (default: the last 24 hours), lane,
    direction, decision."""

    plate = forms.CharField(label=_("车牌号"), required=False, max_length=20)
    since = forms.DateTimeField(label=_("起始时间"), required=False, widget=datetime_widget())
    until = forms.DateTimeField(label=_("截止时间"), required=False, widget=datetime_widget())
    entrance = forms.ChoiceField(label=_("出入口"), required=False)
    lane = forms.ChoiceField(label=_("车道"), required=False)
    direction = forms.ChoiceField(label=_("方向"), required=False)
    decision = forms.ChoiceField(label=_("判定"), required=False)

    def __init__(
        self, *args: Any, lanes: QuerySet[Lane], show_community: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"]  # type: ignore[attr-defined]
        everything = ("", _("全部"))
        lane_field: Any = self.fields["lane"]
        lane_field.choices = [
            everything,
            *(
                (str(lane.pk), f"{lane.community.name} · {lane.name}" if show_community else lane.name)
                for lane in lanes
            ),
        ]
        entrances: dict[int, str] = {}
        for lane in lanes:
            if lane.location is not None:
                name = str(lane.location)
                entrances[lane.location.pk] = f"{lane.community.name} · {name}" if show_community else name
        entrance_field: Any = self.fields["entrance"]
        entrance_field.choices = [everything, *((str(pk), name) for pk, name in entrances.items())]
        direction: Any = self.fields["direction"]
        direction.choices = [everything, *DirectionChoices.choices]
        decision: Any = self.fields["decision"]
        decision.choices = [everything, *DecisionChoices.choices]
        self.fields["plate"].help_text = _("完整车牌、开头（辽H1*）或部分（H1*3，? 代表一个字符）。")

    def clean_plate(self) -> str:
        plate = str(self.cleaned_data.get("plate") or "").strip()
        if plate and not any(ch.isalnum() for ch in plate):
            raise ValidationError(_("请至少输入一个字母、数字或汉字。"))
        return plate

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until <= since:
            self.add_error("until", _("截止时间必须晚于起始时间。"))
        return data

    def window(self, now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
        """(since, until) of a valid form; without a start, the last 24 hours."""
        since = self.cleaned_data.get("since") or now - dt.timedelta(hours=24)
        return since, self.cleaned_data.get("until")
