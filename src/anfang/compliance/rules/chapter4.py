"""Chapter 4 (第30–34条): maintenance and operation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from anfang.compliance.rules.base import CheckContext, Finding, Rule, ref, register
from anfang.compliance.rules.chapter3 import codes_en, codes_zh
from anfang.compliance.snapshot import Equipment, SiteSnapshot
from anfang.devices.choices import DeviceKindChoices
from anfang.sites.models import VEHICLE_RETENTION_FLOOR_DAYS, VIDEO_RETENTION_FLOOR_DAYS

# a device is silent once it missed a heartbeat and the grace of one more (Device.is_offline).
HEARTBEAT_GRACE_INTERVALS = 2


def duration_zh(seconds: float) -> str:
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {minutes} 分钟"
    if minutes:
        return f"{minutes} 分钟"
    return f"{secs} 秒"


def duration_en(seconds: float) -> str:
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def local_time(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``tz``: the current time zone looked up once per check (``timezone.localtime`` looks it up on
    every call, which was most of R-33.1's cost on 10,000 devices)."""
    return (moment.astimezone(tz) if tz is not None else timezone.localtime(moment)).strftime(
        "%Y-%m-%d %H:%M"
    )


@register
class RunsAroundTheClock(Rule):
    """R-33.1: devices in service report their heartbeat; none is silent longer than allowed.

    Checks: every device in service with a heartbeat interval (one finding each), plus one summary
    finding on how many devices in service have no heartbeat configured.
    Fails: never heard, or silent longer than 2 × its heartbeat interval at the time of the check.
    Not evaluable: devices in service without a heartbeat interval (the summary counts and lists
    them); no device in service at all.
    """

    id = "R-33.1"
    article = "第33条第(1)项"
    title_zh = "技防设施24小时不间断运行"
    title_en = "Facilities run 24 hours without interruption"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        in_service = [d for d in site.devices if d.in_service]
        watched = [d for d in in_service if d.heartbeat_interval_s]
        unwatched = [d.code for d in in_service if not d.heartbeat_interval_s]
        tz = timezone.get_current_timezone()
        for device in watched:
            yield self._check_device(device, ctx.now, tz)
        if not in_service:
            yield self.not_evaluable(
                site,
                "没有在用设备，无法核验24小时运行。",
                "No device is in service, so round-the-clock operation cannot be verified.",
                without_heartbeat=0,
                devices=[],
            )
        elif unwatched:
            yield self.not_evaluable(
                site,
                f"{len(unwatched)} 台在用设备未配置心跳间隔，无法核验其24小时运行：{codes_zh(unwatched)}。",
                f"{len(unwatched)} device(s) in service have no heartbeat interval configured, so their "
                f"operation cannot be verified: {codes_en(unwatched)}.",
                without_heartbeat=len(unwatched),
                devices=unwatched,
            )
        else:
            yield self.passed(
                [ref(site.community)],
                f"全部 {len(watched)} 台在用设备均配置了心跳。",
                f"All {len(watched)} device(s) in service have a heartbeat configured.",
                without_heartbeat=0,
                devices=[],
            )

    def _check_device(self, device: Equipment, now: dt.datetime, tz: dt.tzinfo | None = None) -> Finding:
        interval = device.heartbeat_interval_s or 0
        allowed = HEARTBEAT_GRACE_INTERVALS * interval
        base: dict[str, Any] = {"heartbeat_interval_s": interval, "allowed_silence_s": allowed}
        if device.last_seen_at is None:
            return self.failed(
                [ref(device)],
                f"“{device.name}”（{device.code}）在用，但从未收到心跳（心跳间隔 {interval} 秒）。",
                f"“{device.name}” ({device.code}) is in service but has never sent a heartbeat "
                f"(interval {interval} s).",
                last_seen_at=None,
                silence_s=None,
                **base,
            )
        silence = (now - device.last_seen_at).total_seconds()
        seen = device.last_seen_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        details: dict[str, Any] = {"last_seen_at": seen, "silence_s": max(0, int(silence)), **base}
        heard = local_time(device.last_seen_at, tz)
        if silence > allowed:
            return self.failed(
                [ref(device)],
                f"“{device.name}”（{device.code}）最近一次心跳在 {heard}，"
                f"已静默 {duration_zh(silence)}，超过允许的 {duration_zh(allowed)}。",
                f"“{device.name}” ({device.code}) was last heard at {heard} and "
                f"has been silent for {duration_en(silence)}, more than the {duration_en(allowed)} allowed.",
                **details,
            )
        return self.passed(
            [ref(device)],
            f"“{device.name}”（{device.code}）在线，最近一次心跳在 {heard}。",
            f"“{device.name}” ({device.code}) is online, last heard at {heard}.",
            **details,
        )


@register
class RetentionFloors(Rule):
    """R-33.2: video is kept ≥ 30 days, vehicle data and photos ≥ 90 days.

    Checks: the community's retention settings (one finding), and every recorder (NVR) in service
    (one finding each) against the community's video retention.
    Fails: a setting below its floor (old or imported data); a recorder keeping fewer days than the
    community's video retention, or without its retention days recorded.
    Not evaluable: no recorder in service, so the video actually kept cannot be verified.
    """

    id = "R-33.2"
    article = "第33条第(2)项"
    title_zh = "视频图像保存不少于30日，车辆信息和图片保存不少于3个月"
    title_en = "Video kept at least 30 days, vehicle data and photos at least 3 months"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        community = site.community
        video = community.video_retention_days
        vehicle = community.vehicle_retention_days
        settings: dict[str, Any] = {
            "video_retention_days": video,
            "vehicle_retention_days": vehicle,
            "video_floor_days": VIDEO_RETENTION_FLOOR_DAYS,
            "vehicle_floor_days": VEHICLE_RETENTION_FLOOR_DAYS,
        }
        problems_zh: list[str] = []
        problems_en: list[str] = []
        if video is None or video < VIDEO_RETENTION_FLOOR_DAYS:
            problems_zh.append(f"视频保存天数为 {video}，低于 {VIDEO_RETENTION_FLOOR_DAYS} 天")
            problems_en.append(f"video retention is {video} days, below {VIDEO_RETENTION_FLOOR_DAYS}")
        if vehicle is None or vehicle < VEHICLE_RETENTION_FLOOR_DAYS:
            problems_zh.append(f"车辆信息和图片保存天数为 {vehicle}，低于 {VEHICLE_RETENTION_FLOOR_DAYS} 天")
            problems_en.append(
                f"vehicle data retention is {vehicle} days, below {VEHICLE_RETENTION_FLOOR_DAYS}"
            )
        if problems_zh:
            yield self.failed(
                [ref(community)],
                f"小区“{community.name}”的保存期限设置不足：" + "；".join(problems_zh) + "。",
                f"Retention settings of “{community.name}” are too short: " + "; ".join(problems_en) + ".",
                **settings,
            )
        else:
            yield self.passed(
                [ref(community)],
                f"小区“{community.name}”视频保存 {video} 天，车辆信息和图片保存 {vehicle} 天。",
                f"“{community.name}” keeps video {video} days and vehicle data {vehicle} days.",
                **settings,
            )

        # A recorder must hold what the community promises, and never less than the floor.
        required = max(video or 0, VIDEO_RETENTION_FLOOR_DAYS)
        recorders = site.in_service(kinds=(DeviceKindChoices.NVR,))
        if not recorders:
            yield self.not_evaluable(
                site,
                "没有在用的录像机（存储设备），无法核验录像实际保存天数。",
                "No recorder (NVR) is in service, so the days of video actually kept cannot be verified.",
                aspect="recorders",
                required_days=required,
            )
        for rec in recorders:
            details: dict[str, Any] = {"retention_days": rec.retention_days, "required_days": required}
            if rec.retention_days is None:
                yield self.failed(
                    [ref(rec)],
                    f"录像机“{rec.name}”（{rec.code}）未登记录像保存天数（应不少于 {required} 天）。",
                    f"Recorder “{rec.name}” ({rec.code}): retention not recorded (must be at least "
                    f"{required} days).",
                    **details,
                )
            elif rec.retention_days < required:
                yield self.failed(
                    [ref(rec)],
                    f"录像机“{rec.name}”（{rec.code}）录像保存 {rec.retention_days} 天，少于 {required} 天。",
                    f"Recorder “{rec.name}” ({rec.code}) keeps video {rec.retention_days} days, fewer than "
                    f"{required}.",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(rec)],
                    f"录像机“{rec.name}”（{rec.code}）录像保存 {rec.retention_days} 天。",
                    f"Recorder “{rec.name}” ({rec.code}) keeps video {rec.retention_days} days.",
                    **details,
                )
