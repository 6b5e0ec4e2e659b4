"""Registry API of equipment: catalogue (manufacturers, device models, certificates — 第24条) and
the devices of each community, with their lifecycle actions (第29条) and change control (第33条).

Device writes go through :func:`anfang.devices.services.save_device`, so the R-24/R-29 in-service
rules and the R-33.3 authorisation hold here exactly as in the web UI.
"""

from typing import TYPE_CHECKING, Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from anfang.core.api_tools import (
    Paging,
    apply_filters,
    assign,
    community_or_404,
    delete_instance,
    filter_schema,
    get_or_404,
    paginate,
    register_reference_crud,
    registry_auth,
    request_user,
    require_admin,
    require_catalogue_author,
    require_change,
    resolve_ref,
    save_instance,
)
from anfang.core.tenancy import Perm
from anfang.devices import services
from anfang.devices.choices import CertificateTypeChoices
from anfang.devices.filters import DeviceFilterSet, DeviceModelFilterSet
from anfang.devices.models import AcceptanceRecord, Certificate, Device, DeviceModel, Manufacturer
from anfang.devices.schemas import (
    AcceptanceIn,
    AcceptanceOut,
    CertificateIn,
    CertificateOut,
    CertificatePage,
    CertificatePatch,
    DeviceIn,
    DeviceModelIn,
    DeviceModelOut,
    DeviceModelPage,
    DeviceModelPatch,
    DeviceOut,
    DevicePage,
    DevicePatch,
    ManufacturerIn,
    ManufacturerOut,
    ManufacturerPage,
    ManufacturerPatch,
    StatusIn,
)
from anfang.sites.filters import SearchFilterSet
from anfang.sites.models import Location

router = Router(auth=registry_auth)


class ManufacturerFilterSet(SearchFilterSet):
    class Meta:
        model = Manufacturer
        fields: list[str] = []


class CertificateFilterSet(SearchFilterSet):
    search_fields = ("number", "issuer")
    device_model = django_filters.NumberFilter(field_name="device_model_id", label=_("设备型号"))
    certificate_type = django_filters.ChoiceFilter(
        choices=CertificateTypeChoices.choices, label=_("证书类型")
    )

    class Meta:
        model = Certificate
        fields = ["device_model", "certificate_type"]


# Query parameters of the FilterSets, for the OpenAPI (mypy sees a plain Schema).
if TYPE_CHECKING:
    ManufacturerFilters = Schema
    DeviceModelFilters = Schema
    CertificateFilters = Schema
    DeviceFilters = Schema
else:
    ManufacturerFilters = filter_schema(ManufacturerFilterSet, "ManufacturerFilters")
    DeviceModelFilters = filter_schema(DeviceModelFilterSet, "DeviceModelFilters")
    CertificateFilters = filter_schema(CertificateFilterSet, "CertificateFilters")
    DeviceFilters = filter_schema(
        DeviceFilterSet,
        "DeviceFilters",
        community=(str | None, Field(None, description="community code")),
    )

# ---------------------------------------------------------------------------------------------------
# Manufacturers (catalogue: managers and technicians add, the platform admin changes)
# ---------------------------------------------------------------------------------------------------

CATALOGUE = ["catalogue"]

register_reference_crud(
    router,
    path="/manufacturers",
    model=Manufacturer,
    filterset=ManufacturerFilterSet,
    filters=ManufacturerFilters,
    schema_in=ManufacturerIn,
    schema_patch=ManufacturerPatch,
    schema_out=ManufacturerOut,
    schema_page=ManufacturerPage,
    tags=CATALOGUE,
    singular="manufacturer",
    plural="manufacturers",
    may_create=require_catalogue_author,
)


# ---------------------------------------------------------------------------------------------------
# Device models
# ---------------------------------------------------------------------------------------------------

MODEL_REFS = {"manufacturer": lambda v: resolve_ref(Manufacturer.objects.all(), "manufacturer", v)}


def _models() -> QuerySet[DeviceModel]:
    return DeviceModel.objects.select_related("manufacturer").prefetch_related("certificates")


@router.get("/device-models", response=DeviceModelPage, tags=CATALOGUE, operation_id="list_device_models")
def list_device_models(
    request: HttpRequest, paging: Query[Paging], filters: Query[DeviceModelFilters]
) -> dict[str, Any]:
    request_user(request)
    qs = apply_filters(DeviceModelFilterSet, request, _models())
    return paginate(qs.order_by("manufacturer__code", "model_number", "pk"), paging)


@router.post(
    "/device-models", response={201: DeviceModelOut}, tags=CATALOGUE, operation_id="create_device_model"
)
def create_device_model(request: HttpRequest, payload: DeviceModelIn) -> tuple[int, DeviceModel]:
    require_catalogue_author(request_user(request))
    model = DeviceModel()
    assign(model, payload.model_dump(), MODEL_REFS)
    return 201, save_instance(model)


@router.get(
    "/device-models/{model_id}", response=DeviceModelOut, tags=CATALOGUE, operation_id="get_device_model"
)
def get_device_model(request: HttpRequest, model_id: int) -> DeviceModel:
    request_user(request)
    return get_or_404(_models(), pk=model_id)


@router.patch(
    "/device-models/{model_id}",
    response=DeviceModelOut,
    tags=CATALOGUE,
    operation_id="update_device_model",
)
def update_device_model(request: HttpRequest, model_id: int, payload: DeviceModelPatch) -> DeviceModel:
    require_admin(request_user(request))
    model = get_or_404(_models(), pk=model_id)
    assign(model, payload.model_dump(exclude_unset=True), MODEL_REFS)
    return save_instance(model)


@router.delete(
    "/device-models/{model_id}", response={204: None}, tags=CATALOGUE, operation_id="delete_device_model"
)
def delete_device_model(request: HttpRequest, model_id: int) -> tuple[int, None]:
    require_admin(request_user(request))
    delete_instance(get_or_404(_models(), pk=model_id))
    return 204, None


# ---------------------------------------------------------------------------------------------------
# Certificates (R-24 第24条)
# ---------------------------------------------------------------------------------------------------

CERT_REFS = {
    "device_model": lambda v: resolve_ref(DeviceModel.objects.all(), "device_model", v, key="pk"),
}


@router.get("/certificates", response=CertificatePage, tags=CATALOGUE, operation_id="list_certificates")
def list_certificates(
    request: HttpRequest, paging: Query[Paging], filters: Query[CertificateFilters]
) -> dict[str, Any]:
    request_user(request)
    qs = apply_filters(CertificateFilterSet, request, Certificate.objects.all())
    return paginate(qs.order_by("pk"), paging)


@router.post(
    "/certificates", response={201: CertificateOut}, tags=CATALOGUE, operation_id="create_certificate"
)
def create_certificate(request: HttpRequest, payload: CertificateIn) -> tuple[int, Certificate]:
    require_catalogue_author(request_user(request))
    cert = Certificate()
    assign(cert, payload.model_dump(), CERT_REFS)
    return 201, save_instance(cert)


@router.get(
    "/certificates/{cert_id}", response=CertificateOut, tags=CATALOGUE, operation_id="get_certificate"
)
def get_certificate(request: HttpRequest, cert_id: int) -> Certificate:
    request_user(request)
    return get_or_404(Certificate.objects.all(), pk=cert_id)


@router.patch(
    "/certificates/{cert_id}", response=CertificateOut, tags=CATALOGUE, operation_id="update_certificate"
)
def update_certificate(request: HttpRequest, cert_id: int, payload: CertificatePatch) -> Certificate:
    require_admin(request_user(request))
    cert = get_or_404(Certificate.objects.all(), pk=cert_id)
    assign(cert, payload.model_dump(exclude_unset=True), CERT_REFS)
    return save_instance(cert)


@router.delete(
    "/certificates/{cert_id}", response={204: None}, tags=CATALOGUE, operation_id="delete_certificate"
)
def delete_certificate(request: HttpRequest, cert_id: int) -> tuple[int, None]:
    require_admin(request_user(request))
    delete_instance(get_or_404(Certificate.objects.all(), pk=cert_id))
    return 204, None


# ---------------------------------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------------------------------

DEVICES = ["devices"]


def _devices(request: HttpRequest) -> QuerySet[Device]:
    accepted = AcceptanceRecord.objects.filter(device=OuterRef("pk"), passed=True)
    qs: QuerySet[Device] = (
        Device.objects.for_user(request_user(request))
        .select_related("community", "location")
        .annotate(accepted=Exists(accepted))
    )
    return qs


def _device_refs(device: Device) -> dict[str, Any]:
    same = Location.objects.filter(community_id=device.community_id)
    return {
        "device_model": lambda v: resolve_ref(DeviceModel.objects.all(), "device_model", v, key="pk"),
        "location": lambda v: resolve_ref(same, "location", v),
    }


@router.get("/devices", response=DevicePage, tags=DEVICES, operation_id="list_devices")
def list_devices(
    request: HttpRequest, paging: Query[Paging], filters: Query[DeviceFilters]
) -> dict[str, Any]:
    qs = _devices(request)
    community = request.GET.get("community")
    if community:
        if "\x00" in community:
            raise ValidationError({"community": [_("编号无效。")]})
        qs = qs.filter(community__code=community)
    qs = apply_filters(DeviceFilterSet, request, qs)
    return paginate(qs.order_by("code"), paging)


@router.post("/devices", response={201: DeviceOut}, tags=DEVICES, operation_id="create_device")
def create_device(request: HttpRequest, payload: DeviceIn) -> tuple[int, Device]:
    user = request_user(request)
    data = payload.model_dump()
    site = community_or_404(user, data.pop("community"), Perm.CHANGE_REGISTRY)
    device = Device(community=site)
    assign(device, data, _device_refs(device))
    # R-24/R-29 (第24、29条): a new device cannot start in service; save_device refuses it.
    return 201, services.save_device(device, by=user)


@router.get("/devices/{code}", response=DeviceOut, tags=DEVICES, operation_id="get_device")
def get_device(request: HttpRequest, code: str) -> Device:
    return get_or_404(_devices(request), code=code)


@router.patch("/devices/{code}", response=DeviceOut, tags=DEVICES, operation_id="update_device")
def update_device(request: HttpRequest, code: str, payload: DevicePatch) -> Device:
    """Changing location, purpose or position needs ``authorisation`` or gets 409 (R-33.3 第33条第(3)项)."""
    user = request_user(request)
    device = get_or_404(_devices(request), code=code)
    require_change(user, device.community)
    data = payload.model_dump(exclude_unset=True)
    given = data.pop("authorisation", None)
    assign(device, data, _device_refs(device))
    authorisation = services.Authorisation(**given) if given else None
    services.save_device(device, by=user, authorisation=authorisation)
    return get_or_404(_devices(request), pk=device.pk)


@router.delete("/devices/{code}", response={204: None}, tags=DEVICES, operation_id="delete_device")
def delete_device(request: HttpRequest, code: str) -> tuple[int, None]:
    user = request_user(request)
    device = get_or_404(_devices(request), code=code)
    require_change(user, device.community)
    delete_instance(device)
    return 204, None


@router.post("/devices/{code}/status", response=DeviceOut, tags=DEVICES, operation_id="set_device_status")
def set_device_status(request: HttpRequest, code: str, payload: StatusIn) -> Device:
    """Lifecycle step; ``in_service`` needs acceptance (R-29) and a valid certificate (R-24)."""
    user = request_user(request)
    device = get_or_404(_devices(request), code=code)
    require_change(user, device.community)
    services.set_status(device, payload.status, by=user)
    return get_or_404(_devices(request), pk=device.pk)


@router.post(
    "/devices/{code}/acceptance",
    response={201: AcceptanceOut},
    tags=DEVICES,
    operation_id="record_device_acceptance",
)
def record_device_acceptance(
    request: HttpRequest, code: str, payload: AcceptanceIn
) -> tuple[int, AcceptanceRecord]:
    """R-29 (第29条): record an acceptance, optionally putting the device into service."""
    user = request_user(request)
    device = get_or_404(_devices(request), code=code)
    require_change(user, device.community)
    record = services.record_acceptance(device, by=user, **payload.model_dump())
    return 201, record
