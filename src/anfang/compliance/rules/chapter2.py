"""Chapter 2 (第5–16条): what a community must have.

Each rule reads the :class:`~anfang.compliance.snapshot.SiteSnapshot` only and yields one finding per
object it checked. Geometry (perimeter ring, detection zones, camera views) is in
:mod:`anfang.compliance.geometry`, done for all objects of a kind at once so a city-scale community
is checked in well under the 3 s of docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Choices
from django.utils import translation
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from anfang.compliance import geometry as geo
from anfang.compliance.choices import SeverityChoices
from anfang.compliance.rules.base import CheckContext, Finding, Rule, ref, register
from anfang.compliance.snapshot import Equipment, Place, SiteSnapshot
from anfang.devices.choices import DeviceKindChoices, DeviceStatusChoices, SubsystemChoices
from anfang.sites.choices import (
    BarrierTypeChoices,
    EntranceRoleChoices,
    LaneTypeChoices,
    LocationKindChoices,
    LockGradeChoices,
    ManagementTypeChoices,
    SecurityTeamKindChoices,
)

DUTY_ROOM_MIN_AREA_M2 = 20.0  # 第15条
# A camera's view "covers" a point-shaped place (a unit entrance, an elevator car) within this distance.
VIEW_POINT_TOLERANCE_M = 1.0
# Cameras installed this close to a place are named in its finding even when their view misses it.
NEARBY_CAMERA_M = 15.0
# A message lists at most this many cameras and their reasons; details keep them all.
MAX_LISTED = 5
# Physical facilities count as present once installed (a faulty gate is still a gate); planned or
# retired ones do not (第12、13条).
PRESENT_STATUSES = (DeviceStatusChoices.INSTALLED, DeviceStatusChoices.IN_SERVICE, DeviceStatusChoices.FAULTY)
# 第11条: automatic entrance control = one of these, of the access or parking subsystem.
ENTRANCE_CONTROL_KINDS = (
    DeviceKindChoices.BARRIER_ARM,
    DeviceKindChoices.ACCESS_CONTROLLER,
    DeviceKindChoices.TURNSTILE,
    DeviceKindChoices.FACE_TERMINAL,
    DeviceKindChoices.PARKING_CONTROLLER,
)
ENTRANCE_CONTROL_SUBSYSTEMS = (SubsystemChoices.ACCESS, SubsystemChoices.PARKING)
GATE_KINDS = (DeviceKindChoices.RETRACTABLE_GATE, DeviceKindChoices.METAL_GATE)
# 第9条: the places that must be seen by a camera, in report order (main roads: ``is_main``).
CAMERA_PLACE_KINDS = (
    LocationKindChoices.ENTRANCE,
    LocationKindChoices.ROAD_STRETCH,
    LocationKindChoices.UNIT_ENTRANCE,
    LocationKindChoices.PARKING_ENTRANCE,
    LocationKindChoices.ELEVATOR,
    LocationKindChoices.ROAD,
    LocationKindChoices.SQUARE,
    LocationKindChoices.MONITORING_CENTRE,
)
GOOD_LOCK_GRADES = (LockGradeChoices.B, LockGradeChoices.C)


# ---------------------------------------------------------------------------------------------------
# Helpers shared by the rules of this chapter
# ---------------------------------------------------------------------------------------------------


@functools.cache
def _zh(choice: Choices) -> str:
    """A choice's label in Chinese, whatever language the request runs in (the report carries both).
    Cached: switching language per finding would cost more than a whole rule at city scale."""
    with translation.override("zh-hans"):
        return str(choice.label)


def _status_zh(device: Equipment) -> str:
    return _zh(DeviceStatusChoices(device.status)) if device.status else ""


def _xy(coords: Sequence[Sequence[float]]) -> str:
    return "–".join(f"({x:g}, {y:g})" for x, y in coords)


def _codes(devices: Iterable[Equipment]) -> list[str]:
    return sorted({d.code for d in devices})


def _join_zh(items: Iterable[str]) -> str:
    return "、".join(items)


def _join_en(items: Iterable[str]) -> str:
    return ", ".join(items)


def _label(place: Place) -> str:
    """How a message names a place: code and name."""
    return f"{place.code}“{place.name}”" if place.name and place.name != place.code else place.code


def _label_en(place: Place) -> str:
    return f"{place.code} “{place.name}”" if place.name and place.name != place.code else place.code


def is_offline(device: Equipment, now: dt.datetime) -> bool:
    """Silent for longer than two heartbeat intervals (as ``Device.is_offline``, R-33.1 第33条第(1)项)."""
    if not device.heartbeat_interval_s or not device.in_service:
        return False
    if device.last_seen_at is None:
        return True
    return (now - device.last_seen_at).total_seconds() > 2 * device.heartbeat_interval_s


def _subtree(site: SiteSnapshot, place: Place) -> set[int]:
    """The place and everything inside it (an entrance and its lanes and road stretch)."""
    return {place.id, *(p.id for p in site.descendants(place.id))}


def _devices_in(site: SiteSnapshot, place_ids: Iterable[int]) -> list[Equipment]:
    out: list[Equipment] = []
    for pid in place_ids:
        out.extend(site.devices_at.get(pid, ()))
    return sorted(out, key=lambda d: d.code)


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    return geom if geom is not None and geom.geom_type in ("Polygon", "MultiPolygon") else None


def _sort_places(places: Iterable[Place]) -> list[Place]:
    return sorted(places, key=lambda p: p.code)


class _CameraViews:
    """Which cameras see or stand near each of a list of places: two STRtree queries for all of them."""

    def __init__(self, site: SiteSnapshot, places: Sequence[Place]) -> None:
        self.cameras = [d for d in site.devices if d.kind == DeviceKindChoices.CAMERA]
        targets = [p.geometry for p in places]
        views = [_polygonal(c.coverage) for c in self.cameras]
        candidates = geo.neighbours(targets, views, distance=VIEW_POINT_TOLERANCE_M)
        self.seeing: dict[int, list[Equipment]] = {}
        for i, place in enumerate(places):
            geom = place.geometry
            self.seeing[place.id] = [
                self.cameras[k]
                for k in candidates.get(i, ())
                if geom is not None
                and (view := views[k]) is not None
                and geo.sees(view, geom, VIEW_POINT_TOLERANCE_M)
            ]
        close = geo.neighbours(targets, [c.position for c in self.cameras], distance=NEARBY_CAMERA_M)
        self.nearby = {
            place.id: [self.cameras[k] for k in close.get(i, ())] for i, place in enumerate(places)
        }


# ---------------------------------------------------------------------------------------------------
# 第5、6条: human protection (人防)
# ---------------------------------------------------------------------------------------------------


def _team_details(site: SiteSnapshot, kind: str) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "members": t.members,
            "contract_ref": t.contract_ref,
            "police_liaison": t.police_liaison,
        }
        for t in sorted(site.teams, key=lambda t: (t.name, t.members, t.contract_ref))
        if t.kind == kind
    ]


@register
class GuardTeam(Rule):
    """R-5: a property-managed community has the property company's guard team, per its contract."""

    id = "R-5"
    article = "第5条"
    title_zh = "有物业管理的小区，物业服务企业按合同配备保安队伍"
    title_en = "A property-managed community has a guard team under the service contract"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        community = [ref(site.community)]
        if site.community.management_type != ManagementTypeChoices.PROPERTY:
            yield self.passed(
                community,
                "不适用：本小区无物业管理，由社区管理（见第6条社区巡防队）。",
                "Not applicable: the community has no property management (see Art. 6, community patrol).",
                applicable=False,
                teams=[],
            )
            return
        teams = [t for t in site.teams if t.kind == SecurityTeamKindChoices.GUARD_TEAM]
        staffed = [t for t in teams if t.members >= 1]
        details: dict[str, Any] = {
            "applicable": True,
            "teams": _team_details(site, SecurityTeamKindChoices.GUARD_TEAM),
        }
        if staffed:
            names_zh = _join_zh(f"“{t.name}”{t.members} 人" for t in staffed)
            names_en = _join_en(f"“{t.name}” ({t.members})" for t in staffed)
            refs = [t.contract_ref for t in staffed if t.contract_ref]
            if refs:
                contract_zh = f"服务合同编号 {_join_zh(refs)}"
                contract_en = f"service contract {_join_en(refs)}"
            else:
                contract_zh = "服务合同编号未登记，建议补录"
                contract_en = "no service contract reference recorded yet"
            yield self.passed(
                community,
                f"物业保安队伍：{names_zh}；{contract_zh}。",
                f"Guard team: {names_en}; {contract_en}.",
                **details,
            )
        elif teams:
            yield self.failed(
                community,
                f"物业保安队伍{_join_zh(f'“{t.name}”' for t in teams)}人数为 0：物业服务企业须按服务合同"
                "配备保安人员。",
                f"Guard team {_join_en(f'“{t.name}”' for t in teams)} has no members: the property company "
                "must staff it as its service contract provides.",
                **details,
            )
        else:
            yield self.failed(
                community,
                "没有登记物业保安队伍。请在“安保队伍”中登记（类型：物业保安队伍；人数；服务合同编号）。",
                "No guard team is registered. Record it under security teams (kind: guard team; members; "
                "service contract reference).",
                **details,
            )


@register
class CommunityPatrol(Rule):
    """R-6: without property management, a community patrol team run with the local police station."""

    id = "R-6"
    article = "第6条"
    title_zh = "无物业管理的小区，社区组建巡防队并与派出所共同管理"
    title_en = "A community without property management has a patrol team managed with the police station"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        community = [ref(site.community)]
        if site.community.management_type != ManagementTypeChoices.UNMANAGED:
            yield self.passed(
                community,
                "不适用：本小区有物业管理（见第5条物业保安队伍）。",
                "Not applicable: the community is property-managed (see Art. 5, guard team).",
                applicable=False,
                teams=[],
            )
            return
        teams = [t for t in site.teams if t.kind == SecurityTeamKindChoices.COMMUNITY_PATROL]
        staffed = [t for t in teams if t.members >= 1]
        details: dict[str, Any] = {
            "applicable": True,
            "teams": _team_details(site, SecurityTeamKindChoices.COMMUNITY_PATROL),
            "police_station": bool(site.community.police_station_id),
        }
        problems_zh: list[str] = []
        problems_en: list[str] = []
        if not teams:
            problems_zh.append("没有登记社区巡防队（请在“安保队伍”中登记，类型：社区巡防队）")
            problems_en.append("no community patrol team is registered (record one under security teams)")
        elif not staffed:
            problems_zh.append(f"社区巡防队{_join_zh(f'“{t.name}”' for t in teams)}人数为 0")
            problems_en.append(f"patrol team {_join_en(f'“{t.name}”' for t in teams)} has no members")
        if not site.community.police_station_id:
            problems_zh.append("未关联辖区派出所")
            problems_en.append("no police station is linked")
        liaisons = [t.police_liaison for t in staffed if t.police_liaison]
        if staffed and not liaisons:
            problems_zh.append("巡防队未登记派出所联系人")
            problems_en.append("the patrol team names no police liaison")
        if problems_zh:
            yield self.failed(
                community,
                "无物业管理的小区：" + "；".join(problems_zh) + "。",
                "Community without property management: " + "; ".join(problems_en) + ".",
                **details,
            )
        else:
            yield self.passed(
                community,
                f"社区巡防队{_join_zh(f'“{t.name}”{t.members} 人' for t in staffed)}，"
                f"与辖区派出所共同管理（联系人：{_join_zh(liaisons)}）。",
                f"Community patrol team {_join_en(f'“{t.name}” ({t.members})' for t in staffed)}, managed "
                f"with the police station (liaison: {_join_en(liaisons)}).",
                **details,
            )


# ---------------------------------------------------------------------------------------------------
# 第7、8条: the nine subsystems and the perimeter
# ---------------------------------------------------------------------------------------------------


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
            label_zh = _zh(subsystem)
            if in_service:
                yield self.passed(
                    [community],
                    f"{label_zh}：{len(in_service)} 台设备在用。",
                    f"{subsystem.value}: {len(in_service)} device(s) in service.",
                    aspect=subsystem.value,
                    subsystem=subsystem.value,
                    in_service=len(in_service),
                )
            elif devices:
                yield self.failed(
                    [community],
                    f"{label_zh}：已登记 {len(devices)} 台设备，但没有一台在用。",
                    f"{subsystem.value}: {len(devices)} device(s) registered, none in service.",
                    aspect=subsystem.value,
                    subsystem=subsystem.value,
                    in_service=0,
                    registered=len(devices),
                )
            else:
                yield self.failed(
                    [community],
                    f"缺少{label_zh}。",
                    f"The {subsystem.value} subsystem is missing.",
                    aspect=subsystem.value,
                    subsystem=subsystem.value,
                    in_service=0,
                    registered=0,
                )


def _stretches_zh(found: list[geo.Stretch], limit: int = 3) -> str:
    text = "；".join(
        f"{_xy(s.coordinates[:1] + s.coordinates[-1:])} 长 {s.length_m:g} 米" for s in found[:limit]
    )
    return text + (f" 等 {len(found)} 处" if len(found) > limit else "")


def _stretches_en(found: list[geo.Stretch], limit: int = 3) -> str:
    text = "; ".join(
        f"{_xy(s.coordinates[:1] + s.coordinates[-1:])}, {s.length_m:g} m" for s in found[:limit]
    )
    return text + (f" and {len(found) - limit} more" if len(found) > limit else "")


@register
class Perimeter(Rule):
    """R-8: the perimeter is one closed ring of walls or fences, every metre inside the detection zone
    of an in-service perimeter detector (uncovered length = 0)."""

    id = "R-8"
    article = "第8条"
    title_zh = "周界以围墙、栅栏封闭，并设置周界电子防护系统"
    title_en = "Perimeter closed by walls or fences and covered by perimeter detection"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        community = ref(site.community)
        segments = site.segments
        if not segments:
            yield self.failed(
                [community],
                "没有登记周界段：无法确认周界以围墙、栅栏封闭并设有周界电子防护。请在“周界”中按顺序登记各段。",
                "No perimeter segments are registered: the closed wall/fence and its detection cannot be "
                "confirmed. Record the segments in order under Perimeter.",
                gaps=[],
                segments=0,
            )
            return
        tol = ctx.perimeter_tolerance_m
        lines: list[LineString | None] = [
            s.geometry if isinstance(s.geometry, LineString) else None for s in segments
        ]
        yield self._ring(site, lines, tol)

        detectors = [d for d in site.devices if d.subsystem == SubsystemChoices.PERIMETER and d.coverage]
        guarded = geo.intervals_along(lines, [d.coverage for d in detectors], tol)
        for i, segment in enumerate(segments):
            line = lines[i]
            active = [detectors[k] for k in guarded[i] if detectors[k].in_service]
            idle = [detectors[k] for k in guarded[i] if not detectors[k].in_service]
            found = (
                geo.uncovered_stretches(
                    line,
                    [span for k, spans in guarded[i].items() if detectors[k].in_service for span in spans],
                )
                if line is not None
                else None
            )
            barrier_zh = _zh(BarrierTypeChoices(segment.barrier_type)) if segment.barrier_type else ""
            length = round(line.length, 2) if line is not None else 0.0
            details: dict[str, Any] = {
                "barrier_type": segment.barrier_type,
                "length_m": length,
                "detectors": _codes(active),
                "not_in_service": [{"code": d.code, "status": d.status} for d in idle],
                "uncovered": [s.as_json() for s in found or []],
                "uncovered_length_m": round(sum(s.length_m for s in found or []), 2)
                if found is not None
                else length,
            }
            name = f"{segment.code}“{segment.name}”" if segment.name else segment.code
            name_en = f"{segment.code} “{segment.name}”" if segment.name else segment.code
            zh: list[str] = []
            en: list[str] = []
            if segment.barrier_type == BarrierTypeChoices.NONE or not segment.barrier_type:
                zh.append("没有围墙、栅栏等实体屏障")
                en.append("has no wall or fence")
            if found is None:
                zh.append("没有线几何，无法检查周界防区覆盖")
                en.append("has no line geometry, so its detection coverage cannot be checked")
            elif found:
                total = details["uncovered_length_m"]
                zh.append(
                    f"有 {len(found)} 处共 {total:g} 米不在任何在用周界探测器防区内：{_stretches_zh(found)}"
                )
                en.append(
                    f"{len(found)} stretch(es), {total:g} m in all, lie outside every in-service detector's "
                    f"zone: {_stretches_en(found)}"
                )
            if found and idle:
                zh.append(_join_zh(f"探测器 {d.code} 状态为“{_status_zh(d)}”，不计入" for d in idle))
                en.append(_join_en(f"detector {d.code} is {d.status}, not counted" for d in idle))
            if zh:
                yield self.failed(
                    [ref(segment)],
                    f"周界段{name}" + "；".join(zh) + "。",
                    f"Perimeter segment {name_en} " + "; ".join(en) + ".",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(segment)],
                    f"周界段{name}（{barrier_zh}，{length:g} 米）全长在在用周界探测器防区内："
                    f"{_join_zh(_codes(active))}。",
                    f"Perimeter segment {name_en} ({segment.barrier_type}, {length:g} m) lies wholly inside "
                    f"in-service detection zones: {_join_en(_codes(active))}.",
                    **details,
                )

    def _ring(self, site: SiteSnapshot, lines: Sequence[LineString | None], tol: float) -> Finding:
        community = ref(site.community)
        drawn = [(s, line) for s, line in zip(site.segments, lines, strict=True) if line is not None]
        missing = [s.code for s, line in zip(site.segments, lines, strict=True) if line is None]
        ring = geo.ring_check([line for _, line in drawn], tol)
        gaps = [
            {
                "from": drawn[g.from_index][0].code,
                "to": drawn[g.to_index][0].code,
                "distance_m": g.distance_m,
                "coordinates": g.coordinates,
            }
            for g in ring.gaps
        ]
        details: dict[str, Any] = {
            "gaps": gaps,
            "segments": len(site.segments),
            "length_m": ring.length_m,
            "components": ring.components,
            "branch_points": ring.branch_points,
            "missing_geometry": missing,
        }
        zh: list[str] = []
        en: list[str] = []
        for g in ring.gaps:
            a, b = drawn[g.from_index][0].code, drawn[g.to_index][0].code
            zh.append(f"{a} 与 {b} 之间缺口 {g.distance_m:g} 米，位于 {_xy(g.coordinates)}")
            en.append(f"a {g.distance_m:g} m gap between {a} and {b} at {_xy(g.coordinates)}")
        for x, y in ring.branch_points:
            zh.append(f"在 ({x:g}, {y:g}) 有三段以上周界相交")
            en.append(f"three or more segments meet at ({x:g}, {y:g})")
        if not gaps and ring.components > 1:
            zh.append(f"周界分为 {ring.components} 个互不相连的部分，不是一个闭合环")
            en.append(f"the perimeter falls into {ring.components} separate parts, not one ring")
        if missing:
            zh.append(f"周界段 {_join_zh(missing)} 没有线几何")
            en.append(f"segment(s) {_join_en(missing)} have no line geometry")
        if zh:
            return self.failed(
                [community],
                "周界未闭合：" + "；".join(zh) + "。",
                "The perimeter is not closed: " + "; ".join(en) + ".",
                **details,
            )
        return self.passed(
            [community],
            f"周界由 {len(site.segments)} 段组成，首尾相接闭合，全长 {ring.length_m:g} 米。",
            f"The perimeter's {len(site.segments)} segments join into one closed ring, "
            f"{ring.length_m:g} m long.",
            **details,
        )


# ---------------------------------------------------------------------------------------------------
# 第9、10、11条: video, plate recognition, patrol, entrance control
# ---------------------------------------------------------------------------------------------------


def _camera_problem(camera: Equipment, ctx: CheckContext) -> tuple[str, str] | None:
    """Why a camera that is there does not count for 第9条, or ``None`` when it counts."""
    if not camera.in_service:
        return f"状态为“{_status_zh(camera)}”", f"is {camera.status}, not in service"
    width, height = camera.resolution_width, camera.resolution_height
    if not width or not height:
        return "未登记分辨率", "has no resolution recorded"
    if width < ctx.min_camera_width or height < ctx.min_camera_height:
        return (
            f"分辨率 {width}×{height} 低于 {ctx.min_camera_width}×{ctx.min_camera_height}",
            f"resolution {width}×{height} is below {ctx.min_camera_width}×{ctx.min_camera_height}",
        )
    return None


def _requires_camera(place: Place) -> bool:
    if place.kind == LocationKindChoices.ROAD:
        return place.is_main  # 第9条: 主要通道
    return place.kind in CAMERA_PLACE_KINDS


@register
class CameraCoverage(Rule):
    """R-9a: every place 第9条 names is seen by an in-service camera of sufficient resolution."""

    id = "R-9a"
    article = "第9条"
    title_zh = "出入口、单元门、停车场出入口、电梯轿厢、主要道路广场和监控中心设置摄像机"
    title_en = "Cameras at entrances, unit entrances, parking entrances, lifts, main roads, squares, centre"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        order: dict[str, int] = {str(kind): i for i, kind in enumerate(CAMERA_PLACE_KINDS)}
        places = sorted(
            (p for p in site.places.values() if _requires_camera(p)), key=lambda p: (order[p.kind], p.code)
        )
        views = _CameraViews(site, places)
        for place in places:
            installed = [
                d for d in _devices_in(site, _subtree(site, place)) if d.kind == DeviceKindChoices.CAMERA
            ]
            seeing = views.seeing.get(place.id, [])
            there = sorted({d.id: d for d in [*installed, *seeing]}.values(), key=lambda d: d.code)
            verdicts = [(camera, _camera_problem(camera, ctx)) for camera in there]
            counted = [camera.code for camera, problem in verdicts if problem is None]
            if not counted:
                # Say why the cameras standing close by do not count either.
                ids = {d.id for d in there}
                for camera in views.nearby.get(place.id, []):
                    if camera.id not in ids:
                        verdicts.append(
                            (
                                camera,
                                ("视野未覆盖该位置", "its view misses the place")
                                if camera.coverage is not None
                                else ("未登记视野范围", "has no view recorded"),
                            )
                        )
                verdicts.sort(key=lambda v: v[0].code)
            considered = [camera for camera, _ in verdicts]
            rejected = [
                {"code": camera.code, "reason_zh": problem[0], "reason_en": problem[1]}
                for camera, problem in verdicts
                if problem is not None
            ]
            why_zh = [f"{r['code']} {r['reason_zh']}" for r in rejected]
            why_en = [f"{r['code']} {r['reason_en']}" for r in rejected]
            kind_zh = _zh(LocationKindChoices(place.kind))
            kind_en = place.kind.replace("_", " ")
            details: dict[str, Any] = {
                "cameras": [d.code for d in considered],
                "counted": counted,
                "rejected": rejected,
            }
            if counted:
                yield self.passed(
                    [ref(place)],
                    f"{kind_zh}{_label(place)}由在用摄像机 {_join_zh(counted)} 监控。",
                    f"The {kind_en} {_label_en(place)} is seen by in-service camera(s) {_join_en(counted)}.",
                    reason="",
                    **details,
                )
                continue
            if not considered:
                reason_zh = "没有摄像机安装在此或视野覆盖此处"
                reason_en = "no camera is installed at it or has it in view"
                if place.geometry is None:
                    reason_zh += "（该位置没有平面图几何，无法判断视野覆盖）"
                    reason_en += " (the place has no site-plan geometry to test views against)"
            else:
                reason_zh, reason_en = "；".join(why_zh), "; ".join(why_en)
            shown_zh, shown_en = reason_zh, reason_en
            if len(why_zh) > MAX_LISTED:
                shown_zh = "；".join(why_zh[:MAX_LISTED]) + f" 等 {len(why_zh)} 台"
                shown_en = "; ".join(why_en[:MAX_LISTED]) + f" and {len(why_en) - MAX_LISTED} more"
            yield self.failed(
                [ref(place)],
                f"{kind_zh}{_label(place)}没有符合要求的在用摄像机：{shown_zh}。",
                f"The {kind_en} {_label_en(place)} has no qualifying in-service camera: {shown_en}.",
                reason=reason_en,
                reason_zh=reason_zh,
                **details,
            )


def _vehicle_lanes(site: SiteSnapshot) -> list[Place]:
    """Vehicle lanes of community entrances and parking entrances (第9、11条)."""
    lanes = []
    for lane in site.places_by_kind.get(LocationKindChoices.LANE, []):
        parent = site.places.get(lane.parent_id) if lane.parent_id else None
        if (
            lane.lane_type == LaneTypeChoices.VEHICLE
            and parent is not None
            and parent.kind in (LocationKindChoices.ENTRANCE, LocationKindChoices.PARKING_ENTRANCE)
        ):
            lanes.append(lane)
    return _sort_places(lanes)


@register
class PlateRecognition(Rule):
    """R-9b: an in-service ANPR camera on every vehicle lane of the community and parking entrances;
    networking with the police platform (GA/T 1400) arrives with the police feature."""

    id = "R-9b"
    article = "第9条"
    title_zh = "出入口摄像机具备机动车号牌自动识别功能，并与公安监控平台联网"
    title_en = "Entrance cameras recognise number plates and are networked with the police platform"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        lanes = _vehicle_lanes(site)
        views = _CameraViews(site, lanes)
        for lane in lanes:
            entrance = site.places[lane.parent_id]  # type: ignore[index]
            at_lane = [
                d for d in _devices_in(site, _subtree(site, lane)) if d.kind == DeviceKindChoices.CAMERA
            ]
            seeing = {d.id for d in views.seeing.get(lane.id, [])}
            at_entrance = [
                d for d in site.devices_at.get(entrance.id, []) if d.kind == DeviceKindChoices.CAMERA
            ]
            considered = sorted({d.id: d for d in [*at_lane, *at_entrance]}.values(), key=lambda d: d.code)
            counted: list[str] = []
            why_zh: list[str] = []
            why_en: list[str] = []
            for camera in considered:
                if camera.location_id == entrance.id and camera.id not in seeing:
                    problem: tuple[str, str] | None = ("视野未覆盖该车道", "its view misses the lane")
                elif not camera.anpr:
                    problem = ("不具备车牌识别功能", "does not recognise plates")
                elif not camera.in_service:
                    problem = (f"状态为“{_status_zh(camera)}”", f"is {camera.status}, not in service")
                else:
                    problem = None
                if problem is None:
                    counted.append(camera.code)
                else:
                    why_zh.append(f"{camera.code} {problem[0]}")
                    why_en.append(f"{camera.code} {problem[1]}")
            details: dict[str, Any] = {
                "cameras": [d.code for d in considered],
                "counted": counted,
                "entrance": entrance.code,
            }
            if counted:
                yield self.passed(
                    [ref(lane)],
                    f"{_label(entrance)}车行通道{_label(lane)}由车牌识别摄像机 "
                    f"{_join_zh(counted)} 识别号牌。",
                    f"Vehicle lane {_label_en(lane)} of {_label_en(entrance)} has plate recognition: "
                    f"{_join_en(counted)}.",
                    reason="",
                    **details,
                )
                continue
            reason_zh = "；".join(why_zh) if why_zh else "没有摄像机安装在该车道或其出入口"
            reason_en = "; ".join(why_en) if why_en else "no camera is installed at the lane or its entrance"
            yield self.failed(
                [ref(lane)],
                f"{_label(entrance)}车行通道{_label(lane)}没有在用的车牌识别摄像机：{reason_zh}。",
                f"Vehicle lane {_label_en(lane)} of {_label_en(entrance)} has no in-service "
                f"plate-recognition camera: {reason_en}.",
                reason=reason_en,
                reason_zh=reason_zh,
                **details,
            )
        yield self.not_evaluable(
            site,
            "车牌识别数据与公安监控平台联网（GA/T 1400）将随公安对接功能提供，目前无法评估。",
            "Networking plate records with the police platform (GA/T 1400) arrives with the police "
            "feature; it cannot be evaluated yet.",
            aspect="police_networking",
            part="police_networking",
            lanes=len(lanes),
        )


@register
class Patrol(Rule):
    """R-10: the electronic patrol system manages routes, methods and process; patrol plans and
    check-ins arrive with a later feature, so this is reported as not yet evaluable."""

    id = "R-10"
    article = "第10条"
    title_zh = "电子巡查系统管理巡查路线、方式和过程"
    title_en = "Electronic patrol system manages patrol routes, methods and process"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        patrol = [d for d in site.devices if d.subsystem == SubsystemChoices.PATROL]
        checkpoints = [d for d in patrol if d.kind == DeviceKindChoices.PATROL_CHECKPOINT]
        live = [d for d in checkpoints if d.in_service]
        readers = [d for d in patrol if d.kind == DeviceKindChoices.PATROL_READER and d.in_service]
        yield self.not_evaluable(
            site,
            f"巡查路线、巡查计划和签到记录将随巡查功能提供，目前无法评估。现有在用巡查点 {len(live)} 个"
            f"（共登记 {len(checkpoints)} 个），在用巡查器 {len(readers)} 台。",
            f"Patrol routes, plans and check-ins arrive with the patrol feature; not evaluable yet. "
            f"{len(live)} patrol checkpoint(s) in service ({len(checkpoints)} registered), "
            f"{len(readers)} patrol reader(s) in service.",
            checkpoints_in_service=len(live),
            checkpoints_registered=len(checkpoints),
            readers_in_service=len(readers),
        )


def _entrances(site: SiteSnapshot, kinds: tuple[str, ...]) -> list[Place]:
    return _sort_places(p for kind in kinds for p in site.places_by_kind.get(kind, []))


@register
class EntranceControl(Rule):
    """R-11: community and parking entrances have entrance control combining automatic control and
    video: an in-service access/parking control device and an in-service camera there."""

    id = "R-11"
    article = "第11条"
    title_zh = "小区和停车库（场）出入口设置自动控制与视频相结合的出入口控制系统"
    title_en = "Community and parking entrances have entrance control combined with video"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        entrances = _entrances(site, (LocationKindChoices.ENTRANCE, LocationKindChoices.PARKING_ENTRANCE))
        views = _CameraViews(site, entrances)
        for entrance in entrances:
            devices = _devices_in(site, _subtree(site, entrance))
            controls = [
                d
                for d in devices
                if d.in_service
                and d.subsystem in ENTRANCE_CONTROL_SUBSYSTEMS
                and d.kind in ENTRANCE_CONTROL_KINDS
            ]
            cameras = {
                d.id: d
                for d in [*devices, *views.seeing.get(entrance.id, [])]
                if d.kind == DeviceKindChoices.CAMERA and d.in_service
            }
            details: dict[str, Any] = {
                "controls": _codes(controls),
                "cameras": _codes(cameras.values()),
            }
            kind_zh = _zh(LocationKindChoices(entrance.kind))
            kind_en = entrance.kind.replace("_", " ")
            zh: list[str] = []
            en: list[str] = []
            if not controls:
                idle = [d.code for d in devices if d.kind in ENTRANCE_CONTROL_KINDS and not d.in_service]
                zh.append(
                    "没有在用的出入口控制设备（出入口控制或停车场系统的道闸、门禁控制器、人行闸机、人脸识别终端、"
                    "停车场控制器）" + (f"，{_join_zh(idle)} 不在用" if idle else "")
                )
                en.append(
                    "no in-service entrance control device (barrier arm, access controller, turnstile, face "
                    "terminal or parking controller of the access or parking subsystem)"
                    + (f"; {_join_en(idle)} not in service" if idle else "")
                )
            if not cameras:
                zh.append("没有在用摄像机")
                en.append("no in-service camera")
            if zh:
                yield self.failed(
                    [ref(entrance)],
                    f"{kind_zh}{_label(entrance)}：" + "；".join(zh) + "。",
                    f"The {kind_en} {_label_en(entrance)}: " + "; ".join(en) + ".",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(entrance)],
                    f"{kind_zh}{_label(entrance)}：控制设备 {_join_zh(_codes(controls))}，"
                    f"摄像机 {_join_zh(_codes(cameras.values()))}。",
                    f"The {kind_en} {_label_en(entrance)}: control {_join_en(_codes(controls))}, "
                    f"cameras {_join_en(_codes(cameras.values()))}.",
                    **details,
                )


# ---------------------------------------------------------------------------------------------------
# 第12、13、14条: physical protection at entrances, unit entrances and homes
# ---------------------------------------------------------------------------------------------------


def _present(device: Equipment) -> bool:
    return device.status in PRESENT_STATUSES


@register
class EntranceGates(Rule):
    """R-12: main and secondary entrances have a retractable or metal security gate and barrier arms."""

    id = "R-12"
    article = "第12条"
    title_zh = "主、次出入口设置电动伸缩门或金属防护大门，以及手动或电动挡车器"
    title_en = "Main and secondary entrances have a retractable or metal gate and barrier arms"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        entrances = [
            p
            for p in _entrances(site, (LocationKindChoices.ENTRANCE,))
            if p.entrance_role in (EntranceRoleChoices.MAIN, EntranceRoleChoices.SECONDARY)
        ]
        for entrance in entrances:
            devices = [d for d in _devices_in(site, _subtree(site, entrance)) if _present(d)]
            gates = [d for d in devices if d.kind in GATE_KINDS and d.subsystem == SubsystemChoices.PHYSICAL]
            barriers = [d for d in devices if d.kind == DeviceKindChoices.BARRIER_ARM]
            role_zh = _zh(EntranceRoleChoices(entrance.entrance_role))
            details: dict[str, Any] = {"gates": _codes(gates), "barrier_arms": _codes(barriers)}
            zh: list[str] = []
            en: list[str] = []
            if not gates:
                zh.append("没有电动伸缩门或金属防护大门")
                en.append("no electric retractable gate or metal security gate")
            if not barriers:
                zh.append("没有挡车器（道闸）")
                en.append("no barrier arm")
            faulty = [d.code for d in [*gates, *barriers] if d.status == DeviceStatusChoices.FAULTY]
            if zh:
                yield self.failed(
                    [ref(entrance)],
                    f"{role_zh}{_label(entrance)}：" + "；".join(zh) + "。",
                    f"The {entrance.entrance_role} entrance {_label_en(entrance)}: " + "; ".join(en) + ".",
                    **details,
                )
            else:
                note_zh = f"（{_join_zh(faulty)} 故障待修）" if faulty else ""
                note_en = f" ({_join_en(faulty)} faulty, awaiting repair)" if faulty else ""
                yield self.passed(
                    [ref(entrance)],
                    f"{role_zh}{_label(entrance)}：大门 {_join_zh(_codes(gates))}，挡车器 "
                    f"{_join_zh(_codes(barriers))}{note_zh}。",
                    f"The {entrance.entrance_role} entrance {_label_en(entrance)}: gate "
                    f"{_join_en(_codes(gates))}, barrier arm(s) {_join_en(_codes(barriers))}{note_en}.",
                    **details,
                )


HOW_TO_RECORD_DOOR_ZH = (
    "登记方法：在“设备”中新增设备，子系统选“实体防护”，类型选“防盗安全门”，安装位置选该单元出入口"
)
HOW_TO_RECORD_DOOR_EN = (
    "to record one, add a device of subsystem physical protection, kind anti-theft door, installed at "
    "the unit entrance"
)


@register
class UnitEntrance(Rule):
    """R-13: every unit entrance has a national-standard anti-theft door and a networked intercom
    door station that is in service and online."""

    id = "R-13"
    article = "第13条"
    title_zh = "楼栋单元出入口设置国标防盗安全门和联网的楼寓对讲系统"
    title_en = "Unit entrances have an anti-theft door and a networked building intercom"

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        any_doors = any(d.kind == DeviceKindChoices.ANTI_THEFT_DOOR for d in site.devices)
        for entrance in _entrances(site, (LocationKindChoices.UNIT_ENTRANCE,)):
            ids = _subtree(site, entrance)
            if entrance.parent_id is not None:
                ids.add(entrance.parent_id)  # the unit it opens into
            devices = _devices_in(site, ids)
            doors = [d for d in devices if d.kind == DeviceKindChoices.ANTI_THEFT_DOOR and _present(d)]
            stations = [d for d in devices if d.kind == DeviceKindChoices.DOOR_STATION]
            online: list[Equipment] = []
            why_zh: list[str] = []
            why_en: list[str] = []
            for station in stations:
                if not station.in_service:
                    why_zh.append(f"门口机 {station.code} 状态为“{_status_zh(station)}”")
                    why_en.append(f"door station {station.code} is {station.status}")
                elif not station.online:
                    why_zh.append(f"门口机 {station.code} 未联网")
                    why_en.append(f"door station {station.code} is not networked")
                elif is_offline(station, ctx.now):
                    seen = (
                        f"{station.last_seen_at:%Y-%m-%d %H:%M}" if station.last_seen_at is not None else "—"
                    )
                    why_zh.append(f"门口机 {station.code} 离线（最近在线 {seen}）")
                    why_en.append(f"door station {station.code} is offline (last seen {seen})")
                else:
                    online.append(station)
            details: dict[str, Any] = {
                "doors": _codes(doors),
                "door_stations": _codes(stations),
                "online_door_stations": _codes(online),
            }
            zh: list[str] = []
            en: list[str] = []
            if not doors:
                if any_doors:
                    zh.append("没有登记防盗安全门")
                    en.append("no anti-theft door is recorded")
                else:
                    zh.append(f"没有登记防盗安全门（{HOW_TO_RECORD_DOOR_ZH}）")
                    en.append(f"no anti-theft door is recorded ({HOW_TO_RECORD_DOOR_EN})")
            if not online:
                zh.append("没有在用且在线的联网对讲门口机" + (f"：{'；'.join(why_zh)}" if why_zh else ""))
                en.append(
                    "no in-service, online intercom door station"
                    + (f": {'; '.join(why_en)}" if why_en else "")
                )
            if zh:
                yield self.failed(
                    [ref(entrance)],
                    f"单元出入口{_label(entrance)}：" + "；".join(zh) + "。",
                    f"Unit entrance {_label_en(entrance)}: " + "; ".join(en) + ".",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(entrance)],
                    f"单元出入口{_label(entrance)}：防盗安全门 {_join_zh(_codes(doors))}，联网对讲门口机 "
                    f"{_join_zh(_codes(online))} 在线。",
                    f"Unit entrance {_label_en(entrance)}: anti-theft door {_join_en(_codes(doors))}, "
                    f"intercom door station {_join_en(_codes(online))} online.",
                    **details,
                )


@register
class HouseholdDoors(Rule):
    """R-14 (advisory, never a violation): household doors are national-standard anti-theft doors
    and lock grade B or above is encouraged."""

    id = "R-14"
    article = "第14条"
    title_zh = "住户入户门为国标防盗安全门，鼓励使用 B 级以上锁具"
    title_en = "Household doors are standard anti-theft doors; lock grade B or above encouraged"
    severity = SeverityChoices.ADVISORY

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        for building in _sort_places(site.places_by_kind.get(LocationKindChoices.BUILDING, [])):
            details: dict[str, Any] = {
                "household_doors_standard": building.household_doors_standard,
                "lock_grade": building.lock_grade,
            }
            zh: list[str] = []
            en: list[str] = []
            if building.household_doors_standard is None:
                zh.append("入户门是否为国标防盗门未登记")
                en.append("whether household doors are standard anti-theft doors is not recorded")
            elif not building.household_doors_standard:
                zh.append("入户门不是国标防盗安全门")
                en.append("household doors are not national-standard anti-theft doors")
            if not building.lock_grade:
                zh.append("锁具等级未登记")
                en.append("lock grade not recorded")
            elif building.lock_grade not in GOOD_LOCK_GRADES:
                zh.append(f"锁具等级为 {building.lock_grade} 级，建议 B 级以上")
                en.append(f"lock grade {building.lock_grade}; grade B or above is encouraged")
            if zh:
                yield self.failed(
                    [ref(building)],
                    f"楼栋{_label(building)}（建议项）：" + "；".join(zh) + "。",
                    f"Building {_label_en(building)} (advisory): " + "; ".join(en) + ".",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(building)],
                    f"楼栋{_label(building)}：入户门为国标防盗安全门，锁具 {building.lock_grade} 级。",
                    f"Building {_label_en(building)}: standard anti-theft household doors, lock grade "
                    f"{building.lock_grade}.",
                    **details,
                )


# ---------------------------------------------------------------------------------------------------
# 第15、16条: duty room and round-the-clock duty
# ---------------------------------------------------------------------------------------------------
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
            details: dict[str, Any] = {"area_m2": room.area_m2}
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


@register
class RoundTheClockDuty(Rule):
    """R-16: duty room and monitoring centre manned 24 h with complete duty records (第16条).

    Checks: each duty room and monitoring centre has a duty roster whose shifts put at least the
      roster's minimum number of people on duty at every minute of the next 7 days (only active users
      still members of the community count).
    Fails: a room has no roster, or a minute of the next 7 days has fewer people on shift than the
      minimum (the gaps are listed in Asia/Shanghai time).
    Not evaluable: the community registers no duty room or monitoring centre.
    """

    id = "R-16"
    article = "第16条"
    title_zh = "值班室和监控中心24小时值守，值班记录完整，警情及时报警"
    title_en = "Duty room and monitoring centre manned 24 h, complete duty records, alarms reported"

    window = dt.timedelta(days=7)

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        from anfang.duty import coverage
        from anfang.duty.models import Roster, Shift, counted_rows, spans_from_rows

        rooms = [
            *site.places_by_kind.get(LocationKindChoices.DUTY_ROOM, []),
            *site.places_by_kind.get(LocationKindChoices.MONITORING_CENTRE, []),
        ]
        if not rooms:
            yield self.not_evaluable(
                site,
                "没有登记安防值班室或监控中心，无法检查24小时值守。",
                "No duty room or monitoring centre is registered; round-the-clock duty cannot be checked.",
            )
            return
        start = coverage.floor_minute(ctx.now)
        end = start + self.window
        # Two queries for the whole community (rules otherwise read only the snapshot).
        rosters = {
            r.location_id: r
            for r in Roster.objects.filter(location_id__in=[room.id for room in rooms]).only(
                "pk", "location_id", "name", "min_people"
            )
        }
        rows: dict[int, list[Any]] = {}
        # Only people who can be on duty count: active users still members of the community.
        shifts = Shift.objects.filter(roster__in=list(rosters.values()), starts_at__lt=end, ends_at__gt=start)
        for row in counted_rows(shifts):
            rows.setdefault(row[0], []).append(row[1:])
        for room in rooms:
            kind_zh = "值班室" if room.kind == LocationKindChoices.DUTY_ROOM else "监控中心"
            kind_en = "Duty room" if room.kind == LocationKindChoices.DUTY_ROOM else "Monitoring centre"
            roster = rosters.get(room.id)
            if roster is None:
                yield self.failed(
                    [ref(room)],
                    f"{kind_zh}“{room.name}”没有值班排班表，无法保证24小时值守。",
                    f"{kind_en} “{room.name}” has no duty roster; round-the-clock duty is not ensured.",
                    roster=None,
                )
                continue
            gaps = coverage.uncovered_intervals(
                spans_from_rows(rows.get(roster.pk, [])), start, end, roster.min_people
            )
            minutes = sum(int((e - s) // coverage.MINUTE) for s, e in gaps)
            details = {
                "roster": roster.name,
                "min_people": roster.min_people,
                "window_days": self.window.days,
                "uncovered_minutes": minutes,
                "gaps": [{"start": _local(s).isoformat(), "end": _local(e).isoformat()} for s, e in gaps],
            }
            if gaps:
                listed = [_gap_text(s, e) for s, e in gaps[:MAX_LISTED]]
                more_zh = f"等 {len(gaps)} 段" if len(gaps) > MAX_LISTED else ""
                more_en = f" and {len(gaps) - MAX_LISTED} more" if len(gaps) > MAX_LISTED else ""
                yield self.failed(
                    [ref(room)],
                    f"{kind_zh}“{room.name}”未来7天有 {minutes} 分钟在岗人数少于 {roster.min_people} 人："
                    + "、".join(listed)
                    + f"{more_zh}（北京时间）。",
                    f"{kind_en} “{room.name}” has fewer than {roster.min_people} on duty for {minutes} "
                    f"minutes of the next 7 days: " + ", ".join(listed) + f"{more_en} (Asia/Shanghai).",
                    **details,
                )
            else:
                yield self.passed(
                    [ref(room)],
                    f"{kind_zh}“{room.name}”未来7天每一分钟都有不少于 {roster.min_people} 人在岗。",
                    f"{kind_en} “{room.name}” has at least {roster.min_people} on duty at every minute of "
                    "the next 7 days.",
                    **details,
                )


def _local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value)


def _gap_text(start: dt.datetime, end: dt.datetime) -> str:
    """``11-28 00:00–08:00`` or, across midnight, ``11-28 16:00–11-29 08:00`` (local time)."""
    s, e = _local(start), _local(end)
    if e.date() == s.date() or (e - s <= dt.timedelta(days=1) and e.time() == dt.time(0)):
        end_text = "24:00" if e.date() != s.date() else f"{e:%H:%M}"
        return f"{s:%m-%d %H:%M}–{end_text}"
    return f"{s:%m-%d %H:%M}–{e:%m-%d %H:%M}"
