"""Chapter 2 (第5–16条): what a community must have."""

from __future__ import annotations

from collections.abc import Iterable

from anfang.compliance.rules.base import CheckContext, Finding, Rule, ref, register
from anfang.compliance.snapshot import SiteSnapshot
from anfang.devices.choices import SubsystemChoices
from anfang.sites.choices import EntranceRoleChoices, LocationKindChoices

DUTY_ROOM_MIN_AREA_M2 = 20.0  # 第15条


@register
class NineSubsystems(Rule):
    """R-7: each of the nine subsystems of 第7条 has at least one device in service."""

    id = "R-7"
    article = "第7条"
    title_zh = "九个子系统齐全并在用"
    title_en = "All nine subsystems present and in service"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        community = ref(site.community)
        for subsystem in SubsystemChoices:
            devices = [d for d in site.devices if d.subsystem == subsystem]
            in_service = [d for d in devices if d.in_service]
            label_zh = str(subsystem.label)
            if in_service:
                yield self.passed(
                    [community],
                    f"{label_zh}：{len(in_service)} 台设备在用。",
                    f"{subsystem.value}: {len(in_service)} device(s) in service.",
                    subsystem=subsystem.value,
                    in_service=len(in_service),
                )
            elif devices:
                yield self.failed(
                    [community],
                    f"{label_zh}：已登记 {len(devices)} 台设备，但没有一台在用。",
                    f"{subsystem.value}: {len(devices)} device(s) registered, none in service.",
                    subsystem=subsystem.value,
                    in_service=0,
                    registered=len(devices),
                )
            else:
                yield self.failed(
                    [community],
                    f"缺少{label_zh}。",
                    f"The {subsystem.value} subsystem is missing.",
                    subsystem=subsystem.value,
                    in_service=0,
                    registered=0,
                )


@register
class DutyRoom(Rule):
    """R-15: a duty room at the main entrance, linked to (or merged with) the monitoring centre, ≥ 20 m²."""

    id = "R-15"
    article = "第15条"
    title_zh = "主出入口设安防值班室，与监控中心联网或合署，面积不小于20平方米"
    title_en = "Duty room at the main entrance, linked to the monitoring centre, at least 20 m²"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        rooms = site.places_by_kind.get(LocationKindChoices.DUTY_ROOM, [])
        if not rooms:
            yield self.failed([ref(site.community)], "没有登记安防值班室。", "No duty room is registered.")
            return
        mains = [
            p
            for p in site.places_by_kind.get(LocationKindChoices.ENTRANCE, [])
            if p.entrance_role == EntranceRoleChoices.MAIN
        ]
        for room in rooms:
            problems_zh: list[str] = []
            problems_en: list[str] = []
            details: dict[str, object] = {"area_m2": room.area_m2}
            if room.area_m2 is None or room.area_m2 < DUTY_ROOM_MIN_AREA_M2:
                problems_zh.append(f"面积 {room.area_m2 or 0:g} 平方米，小于 20 平方米")
                problems_en.append(f"area {room.area_m2 or 0:g} m² is below 20 m²")
            linked = site.places.get(room.linked_to_id) if room.linked_to_id else None
            if linked is None or linked.kind != LocationKindChoices.MONITORING_CENTRE:
                problems_zh.append("未与监控中心联网或合署")
                problems_en.append("not linked to or merged with the monitoring centre")
            distance = None
            if room.geometry is not None:
                near = [m.geometry.distance(room.geometry) for m in mains if m.geometry is not None]
                distance = min(near) if near else None
            details["distance_to_main_entrance_m"] = round(distance, 1) if distance is not None else None
            if not mains:
                problems_zh.append("小区没有登记主出入口")
                problems_en.append("the community has no main entrance registered")
            elif distance is None:
                problems_zh.append("值班室或主出入口缺少平面图位置，无法判断是否设在主出入口")
                problems_en.append("the duty room or main entrance has no site-plan position")
            elif distance > ctx.duty_room_max_distance_m:
                problems_zh.append(f"距主出入口 {distance:.0f} 米，不在主出入口处")
                problems_en.append(f"it is {distance:.0f} m from the main entrance, not at it")
            if problems_zh:
                yield self.failed(
                    [ref(room)],
                    f"值班室“{room.name}”：" + "；".join(problems_zh) + "。",
                    f"Duty room “{room.name}”: " + "; ".join(problems_en) + ".",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(room)],
                    f"值班室“{room.name}”设在主出入口，面积 {room.area_m2:g} 平方米，与监控中心联网。",
                    f"Duty room “{room.name}” is at the main entrance, {room.area_m2:g} m², linked to the "
                    "monitoring centre.",
                    **details,
                )
