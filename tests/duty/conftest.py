"""Duty-room builders: a duty room with a roster, shifts at given local times, members on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anfang.core import audit
from anfang.duty import services
from anfang.duty.models import Roster, Shift
from anfang.sites.models import Community, Location
from tests.support import factories

TZ = timezone.get_default_timezone()


def local(y: int, m: int, d: int, h: int = 0, minute: int = 0) -> dt.datetime:
    """An aware Asia/Shanghai time."""
    return dt.datetime(y, m, d, h, minute, tzinfo=TZ)


def room(community: Community, code: str = "DUTY", kind: str = "duty_room") -> Location:
    return factories.location(community, code=code, name=f"值班室{code}", kind=kind, area_m2=Decimal("25"))


def roster(community: Community, location: Location | None = None, min_people: int = 1) -> Roster:
    with audit.actor(system="test"):
        return services.save_roster(
            Roster(
                community=community,
                location=location or room(community),
                name="值班表",
                min_people=min_people,
            )
        )


def shift(r: Roster, start: dt.datetime, end: dt.datetime, people: Sequence[Any]) -> Shift:
    with audit.actor(system="test"):
        return services.save_shift(Shift(roster=r, starts_at=start, ends_at=end), people)
