"""Passages API: search the plate reads, read one, its pictures, and the guard's override (第11条).

Scoped by `services.search_passages` / `visible_passages` (`Perm.SEE_VEHICLES`): another community's
passage is a 404 and never appears in a search. Every search, every read of one passage and every picture
view is in the access log (R-33.5, 第33条第(5)项); passages and their photos are kept at least 90 days
(R-33.2). Pictures are served here, never from a public /media/ URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import Field, Query, Schema

from anfang.core import audit
from anfang.core.api_tools import (
    Body,
    Code,
    Paging,
    Text,
    community_or_404,
    get_or_404,
    request_user,
)
from anfang.core.tenancy import Perm, communities_for
from anfang.vehicles import ingest, services
from anfang.vehicles.models import Lane, Passage

# The router of `POST /passages` (ninja serves one path from one router); its default auth is
# `registry_auth` (people: session or personal token), the ingest endpoint takes device tokens.
router = ingest.router

SAFE_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})
PictureKind = Literal["plate", "scene"]


# ---------------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------------


class PassagePictures(Schema):
    plate: str | None = Field(None, description="URL of the plate picture (access-logged)")
    scene: str | None = Field(None, description="URL of the scene picture (access-logged)")


class PassageOut(Schema):
    id: int
    community: str
    lane: str | None
    lane_name: str | None
    device: str | None
    direction: str
    plate: str
    plate_raw: str
    plate_color: str
    plate_kind: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    decision: str
    reason: str
    reason_label: str
    final_decision: str
    override: str
    override_reason: str
    overridden_by: str | None
    overridden_at: dt.datetime | None
    gate_status: str
    confidence: float | None
    alarm: int | None
    pictures: PassagePictures


class PassagePage(Schema):
    count: int
    items: list[PassageOut]


class PassageFilters(Schema):
    plate: Text = Field(
        "", max_length=20, description="exact plate (辽H12345) or a pattern with * and ? (辽H1*)"
    )
    from_: dt.datetime | None = Field(None, alias="from", description="occurred at or after (ISO 8601)")
    to: dt.datetime | None = Field(None, description="occurred before (ISO 8601)")
    community: Code | None = Field(None, description="community code")
    entrance: Code | None = Field(None, description="entrance (location) code: its lanes")
    lane: Code | None = Field(None, description="lane code")
    direction: Literal["in", "out", "unknown"] | None = None


class OverrideIn(Body):
    decision: Literal["open", "deny"]
    reason: Text = Field(..., max_length=200, description="why (mandatory, shown in the passage's record)")


# ---------------------------------------------------------------------------------------------------
# Payloads
# ---------------------------------------------------------------------------------------------------


def _picture_url(passage: Passage, kind: str) -> str | None:
    if not getattr(passage, f"{kind}_picture"):
        return None
    return reverse("api:passage_picture", args=[passage.pk, kind])


def passage_payload(passage: Passage) -> dict[str, Any]:
    lane = passage.lane
    by = passage.overridden_by
    return {
        "id": passage.pk,
        "community": passage.community.code,
        "lane": lane.code if lane else None,
        "lane_name": lane.name if lane else None,
        "device": passage.device.code if passage.device else None,
        "direction": passage.direction,
        "plate": passage.plate,
        "plate_raw": passage.plate_raw,
        "plate_color": passage.plate_color,
        "plate_kind": passage.plate_kind,
        "occurred_at": passage.occurred_at,
        "received_at": passage.received_at,
        "decision": passage.decision,
        "reason": passage.reason,
        "reason_label": str(passage.get_reason_display()),
        "final_decision": passage.final_decision,
        "override": passage.override,
        "override_reason": passage.override_reason,
        "overridden_by": (getattr(by, "display_name", "") or by.get_username()) if by else None,
        "overridden_at": passage.overridden_at,
        "gate_status": passage.gate_status,
        "confidence": passage.confidence,
        "alarm": passage.alarm_id,
        "pictures": {"plate": _picture_url(passage, "plate"), "scene": _picture_url(passage, "scene")},
    }


def _related(qs: QuerySet[Passage]) -> QuerySet[Passage]:
    return qs.select_related("community", "lane", "device", "overridden_by")


def _visible(request: HttpRequest, passage_id: int) -> Passage:
    """The passage if the caller may see vehicle records of its community; 404 otherwise."""
    return get_or_404(_related(services.visible_passages(request_user(request))), pk=passage_id)


# ---------------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------------


@router.get("/passages", response=PassagePage, operation_id="list_passages")
def list_passages(
    request: HttpRequest, paging: Query[Paging], filters: Query[PassageFilters]
) -> dict[str, Any]:
    """Passages the caller may see, newest first; every search is access-logged (R-33.5)."""
    user = request_user(request)
    community_ids: list[int] | None = None
    community_id: int | None = None
    if filters.community:
        community = community_or_404(user, filters.community, Perm.SEE_VEHICLES)
        community_ids = [community.pk]
        community_id = community.pk
    lane_ids: list[int] | None = None
    if filters.lane or filters.entrance:
        lanes = Lane.objects.filter(community__in=communities_for(user, Perm.SEE_VEHICLES))
        if community_ids is not None:
            lanes = lanes.filter(community_id__in=community_ids)
        if filters.lane:
            lanes = lanes.filter(code=filters.lane)
        if filters.entrance:
            lanes = lanes.filter(Q(location__code=filters.entrance))
        lane_ids = list(lanes.values_list("pk", flat=True))
    qs = services.search_passages(
        user,
        plate=filters.plate,
        since=filters.from_,
        until=filters.to,
        community_ids=community_ids,
        lane_ids=lane_ids,
        direction=filters.direction or "",
    )
    count = qs.count()
    query = {
        key: value.isoformat() if isinstance(value, dt.datetime) else value
        for key, value in filters.model_dump(by_alias=True).items()
        if value not in (None, "")
    }
    query.update(limit=paging.limit, offset=paging.offset)
    audit.record_access(
        "search", "vehicle_passages", community_id=community_id, query=query, result_count=count
    )
    page = _related(qs)[paging.offset : paging.offset + paging.limit]
    return {"count": count, "items": [passage_payload(p) for p in page]}


@router.get("/passages/{passage_id}", response=PassageOut, operation_id="get_passage")
def get_passage(request: HttpRequest, passage_id: int) -> dict[str, Any]:
    """One passage (access-logged)."""
    passage = _visible(request, passage_id)
    audit.record_access(
        "view",
        "vehicle_passage",
        community_id=passage.community_id,
        query={"passage": passage.pk},
        result_count=1,
    )
    return passage_payload(passage)


@router.get(
    "/passages/{passage_id}/pictures/{kind}",
    response={200: None},
    operation_id="get_passage_picture",
    url_name="passage_picture",
)
def get_passage_picture(request: HttpRequest, passage_id: int, kind: PictureKind) -> HttpResponseBase:
    """The plate or scene picture; every view is in the access log (R-33.5), never cached."""
    from anfang.vehicles.views import picture_response

    return picture_response(_visible(request, passage_id), kind)


@router.post("/passages/{passage_id}/override", response=PassageOut, operation_id="override_passage")
def override_passage(request: HttpRequest, passage_id: int, payload: OverrideIn) -> dict[str, Any]:
    """Open or refuse by hand with the reason (guards, operators, managers; 第11条). Opening sends the
    barrier command like an automatic decision."""
    passage = _visible(request, passage_id)
    services.override(passage, by=request_user(request), decision=payload.decision, reason=payload.reason)
    return passage_payload(_related(Passage.objects.all()).get(pk=passage.pk))
