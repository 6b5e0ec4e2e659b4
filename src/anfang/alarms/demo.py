"""The demo community's alarm set-up and a few days of handled alarms, so the console, the history
and the duty records show what a working alarm centre looks like (第16条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from anfang.alarms import services
from anfang.alarms.models import Alarm, AlarmChecklistItem, AlarmZone, PoliceReport, SiaAccount
from anfang.core.models import User
from anfang.devices.models import Device
from anfang.integrations import events as ev
from anfang.sites.models import Community

# (device code, days ago, hour, minute, type, outcome, note, police (channel, officer, case) or None)
DEMO_HISTORY: list[tuple[str, int, int, int, str, str, str, tuple[str, str, str] | None]] = [
    (
        "PD-P3",
        5,
        2,
        14,
        ev.PERIMETER,
        "false_alarm",
        "大风导致振动光缆误报，现场无人，已通知维保检查灵敏度",
        None,
    ),
    (
        "PANIC-B02",
        4,
        19,
        42,
        ev.EMERGENCY,
        "real_incident",
        "2号楼一楼住户老人摔倒，已拨打120送医",
        ("120", "", ""),
    ),
    (
        "PD-P1",
        3,
        1,
        7,
        ev.PERIMETER,
        "real_incident",
        "一名男子翻越南侧围墙，保安拦截后移交民警",
        ("110", "李警官", "YK2026112300187"),
    ),
    ("PD-P5", 2, 14, 30, ev.PERIMETER, "test", "周界报警系统月度测试，报警正常", None),
    ("PANIC-B07", 1, 9, 5, ev.EMERGENCY, "false_alarm", "住户打扫卫生误碰按钮，已电话确认", None),
    ("PD-P7", 0, 3, 22, ev.PERIMETER, "false_alarm", "流浪猫触发电子围栏，画面确认无人", None),
]


def seed_alarm_demo(community: Community, *, now: dt.datetime | None = None) -> None:
    """Zones for the perimeter detectors and panic buttons, SIA accounts for the panels, past alarms."""
    now = now or timezone.now()
    devices = {d.code: d for d in Device.objects.filter(community=community)}
    for code, device in devices.items():
        if code.startswith("PD-P"):
            AlarmZone.objects.get_or_create(
                device=device,
                code="",
                defaults={"community": community, "name": f"周界 {code[3:]} 段", "alarm_type": ev.PERIMETER},
            )
        elif code.startswith("PANIC-"):
            AlarmZone.objects.get_or_create(
                device=device,
                code="",
                defaults={
                    "community": community,
                    "name": device.name,
                    "alarm_type": ev.EMERGENCY,
                    "location": device.location,
                },
            )
    for account_id, code in (("1001", "PER-CTRL"), ("1002", "ALM-PANEL")):
        if code in devices:
            SiaAccount.objects.get_or_create(
                account_id=account_id, defaults={"community": community, "device": devices[code]}
            )
    operator = User.objects.filter(memberships__community=community, memberships__role="operator").first()
    if operator is None or Alarm.objects.filter(community=community).exists():
        return
    for code, days, hour, minute, etype, outcome, note, police in DEMO_HISTORY:
        device = devices.get(code)
        if device is None:
            continue
        local = timezone.localtime(now) - dt.timedelta(days=days)
        raised = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if raised > now - dt.timedelta(hours=1):
            raised -= dt.timedelta(days=1)
        _handled_alarm(community, device, etype, raised, operator, outcome, note, police)


def _handled_alarm(
    community: Community,
    device: Device,
    etype: str,
    raised: dt.datetime,
    operator: Any,
    outcome: str,
    note: str,
    police: tuple[str, str, str] | None,
) -> None:
    zone = AlarmZone.objects.filter(device=device, code="").first()
    alarm = services.raise_alarm(
        community_id=community.pk,
        alarm_type=etype,
        title=(zone.name if zone and zone.name else device.name),
        device=device,
        location_id=device.location_id,
        at=raised,
    )

    def step(seconds: int) -> dt.datetime:
        return raised + dt.timedelta(seconds=seconds)

    alarm.claimed_by = operator
    alarm.claimed_at = step(6)
    alarm.acknowledged_at = step(8)
    alarm.verifying_at = step(40)
    services.record_action(alarm, "claim", by=operator, at=step(6))
    services.record_action(
        alarm, "acknowledge", by=operator, from_state="new", to_state="acknowledged", at=step(8)
    )
    services.record_action(
        alarm, "verify", by=operator, from_state="acknowledged", to_state="verifying", at=step(40)
    )
    state = "verifying"
    if outcome == "real_incident":
        alarm.confirmed_real_at = step(70)
        services.record_action(alarm, "confirm_real", by=operator, at=step(70))
        if police is not None:
            channel, officer, case = police
            PoliceReport.objects.create(
                alarm=alarm,
                community=community,
                reported_at=step(95),
                channel=channel,
                officer=officer,
                case_number=case,
                recorded_by=operator,
                recorded_at=step(100),
            )
            alarm.police_reported_at = step(95)
            services.record_action(
                alarm,
                "report_police",
                by=operator,
                at=step(100),
                data={"channel": channel, "officer": officer, "case_number": case},
            )
        alarm.dispatched_at = step(110)
        alarm.dispatched_to = "保安队 王班长"
        services.record_action(
            alarm, "dispatch", by=operator, from_state=state, to_state="dispatched", at=step(110)
        )
        state = "dispatched"
    AlarmChecklistItem.objects.filter(alarm=alarm).update(done_at=step(600), done_by=operator)
    alarm.state = "resolved"
    alarm.outcome = outcome
    alarm.resolution_note = note
    alarm.resolved_at = step(900)
    services.record_action(
        alarm, "resolve", by=operator, from_state=state, to_state="resolved", note=note, at=step(900)
    )
    alarm.save()
