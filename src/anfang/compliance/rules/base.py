"""Rule base class, the finding it produces and the one registry of rules.

A rule is a small class: its requirement id (``R-8``), article (``第8条``), severity and a ``check``
that reads a :class:`~anfang.compliance.snapshot.SiteSnapshot` and yields one :class:`Finding` per
object it checked (``pass`` or ``fail``), or a single ``not_evaluable`` finding with the reason.
Messages are written in Chinese and English side by side, because the JSON report carries both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from anfang.compliance.choices import SeverityChoices, StatusChoices
from anfang.compliance.snapshot import Equipment, Place, Segment, SiteSnapshot, Team


@dataclass(frozen=True)
class ObjectRef:
    """What a finding is about: ``type`` is community, location, perimeter_segment, device,
    device_model or security_team; ``code`` is its code (device models: "manufacturer model")."""

    type: str
    code: str
    name: str = ""

    def as_json(self) -> dict[str, str]:
        return {"type": self.type, "code": self.code, "name": self.name}


def ref(obj: Place | Segment | Equipment | Team | Any) -> ObjectRef:
    if isinstance(obj, Place):
        return ObjectRef("location", obj.code, obj.name)
    if isinstance(obj, Segment):
        return ObjectRef("perimeter_segment", obj.code, obj.name or obj.code)
    if isinstance(obj, Equipment):
        return ObjectRef("device", obj.code, obj.name)
    if isinstance(obj, Team):
        return ObjectRef("security_team", str(obj.id), obj.name)
    return ObjectRef("community", obj.code, obj.name)


@dataclass
class Finding:
    rule: str
    article: str
    severity: str
    status: str
    objects: list[ObjectRef]
    message_zh: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)
    # Tells apart several findings of one rule about the same objects (R-7: one per subsystem).
    aspect: str = ""

    @property
    def key(self) -> str:
        """Identifies the same finding across runs (rule, aspect, objects), for the open/closed history."""
        objects = ",".join(f"{o.type}:{o.code}" for o in self.objects)
        return f"{self.rule}|{self.aspect}|{objects}" if self.aspect else f"{self.rule}|{objects}"

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "article": self.article,
            "severity": self.severity,
            "status": self.status,
            "objects": [o.as_json() for o in self.objects],
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": self.details,
        }


@dataclass(frozen=True)
class CheckContext:
    """Settings and clock of one check (the clock is injectable for tests)."""

    now: dt.datetime
    min_camera_width: int = 1920
    min_camera_height: int = 1080
    perimeter_tolerance_m: float = 0.5
    duty_room_max_distance_m: float = 50.0

    @property
    def today(self) -> dt.date:
        from django.utils import timezone

        return timezone.localtime(self.now).date()


class Rule:
    """One requirement of 营政发〔2015〕42号; subclasses set the class attributes and ``check``."""

    id: ClassVar[str]
    article: ClassVar[str]  # "第8条", "第33条第(2)项"
    title_zh: ClassVar[str]
    title_en: ClassVar[str]
    severity: ClassVar[str] = SeverityChoices.VIOLATION

    def check(self, site: SiteSnapshot, ctx: CheckContext) -> Iterable[Finding]:
        raise NotImplementedError

    # -- helpers for subclasses -----------------------------------------------------------------

    def finding(
        self, status: str, objects: Iterable[ObjectRef], zh: str, en: str, *, aspect: str = "", **details: Any
    ) -> Finding:
        return Finding(
            aspect=aspect,
            rule=self.id,
            article=self.article,
            severity=self.severity,
            status=status,
            objects=list(objects),
            message_zh=zh,
            message_en=en,
            details=details,
        )

    def passed(
        self, objects: Iterable[ObjectRef], zh: str, en: str, *, aspect: str = "", **details: Any
    ) -> Finding:
        return self.finding(StatusChoices.PASS, objects, zh, en, aspect=aspect, **details)

    def failed(
        self, objects: Iterable[ObjectRef], zh: str, en: str, *, aspect: str = "", **details: Any
    ) -> Finding:
        return self.finding(StatusChoices.FAIL, objects, zh, en, aspect=aspect, **details)

    def not_evaluable(
        self, site: SiteSnapshot, zh: str, en: str, *, aspect: str = "", **details: Any
    ) -> Finding:
        return self.finding(
            StatusChoices.NOT_EVALUABLE, [ref(site.community)], zh, en, aspect=aspect, **details
        )


RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add the rule to :data:`RULES` (ids are unique)."""
    if cls.id in RULES:
        raise ValueError(f"rule {cls.id} registered twice")
    RULES[cls.id] = cls()
    return cls


def rule_sort_key(rule_id: str) -> tuple[int, str]:
    """R-9a before R-10, R-33.1 before R-33.2."""
    number, _, rest = rule_id.removeprefix("R-").partition(".")
    digits = "".join(ch for ch in number if ch.isdigit())
    return (int(digits or 0), number[len(digits) :] + rest.zfill(3))


def all_rules() -> Iterator[Rule]:
    for rule_id in sorted(RULES, key=rule_sort_key):
        yield RULES[rule_id]
