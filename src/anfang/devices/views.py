"""Device registry and catalogue pages. Writes go through ``devices.services`` (R-24, R-29, R-33.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anfang.core.errors import DomainError
from anfang.core.generic import (
    BaseView,
    CommunityMixin,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    can_change,
    choice_order,
    code_choices,
)
from anfang.core.models import ChangeRecord
from anfang.core.tenancy import Perm, communities_for
from anfang.devices import services
from anfang.devices.choices import (
    DEVICE_STATUS_BADGES,
    DEVICE_STATUS_TRANSITIONS,
    KIND_SUBSYSTEMS,
    DeviceStatusChoices,
    SubsystemChoices,
)
from anfang.devices.filters import DeviceFilterSet, DeviceModelFilterSet
from anfang.devices.forms import (
    AcceptanceForm,
    CertificateForm,
    DeviceForm,
    DeviceModelForm,
    DeviceStatusForm,
    ManufacturerForm,
)
from anfang.devices.models import Certificate, Device, DeviceModel, Manufacturer
from anfang.sites.forms import geometry_label, svg_preview
from anfang.sites.models import Location

# ---------------------------------------------------------------------------------------------------
# Devices of a community
# ---------------------------------------------------------------------------------------------------


class DeviceMixin(CommunityMixin):
    """The device ``dev`` of a community the user can see (404 otherwise)."""

    def get_object(self) -> Device:
        queryset = Device.objects.filter(community=self.community).select_related(
            "location", "device_model__manufacturer"
        )
        return get_object_or_404(queryset, code=self.kwargs["dev"])

    def may_save(self, obj: Any) -> bool:
        return can_change(self.request, self.community)

    def can_change(self, obj: Any) -> bool:
        return can_change(self.request, self.community)

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "community": self.community}

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"community": self.community}


class DeviceListView(CommunityMixin, ObjectListView):
    model = Device
    template_name = "devices/device_list.html"
    filterset_class = DeviceFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return (
            Device.objects.filter(community=self.community)
            .select_related("location", "device_model__manufacturer")
            .order_by(choice_order("subsystem", SubsystemChoices), "code")
        )

    def can_add(self) -> bool:
        return can_change(self.request, self.community)

    def adjust_filter_form(self, form: forms.Form) -> None:
        places = Location.objects.filter(community=self.community).order_by("kind", "code")
        form.fields["location"].widget = forms.Select(choices=code_choices(places))

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        queryset: QuerySet[Device] = kwargs["queryset"]
        statuses = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        subsystems = dict(queryset.order_by().values_list("subsystem").annotate(n=Count("pk")))
        return {
            "community": self.community,
            "status_badges": DEVICE_STATUS_BADGES,
            "status_counts": [
                (value, label, statuses.get(value, 0), DEVICE_STATUS_BADGES[DeviceStatusChoices(value)])
                for value, label in DeviceStatusChoices.choices
            ],
            "subsystem_counts": [
                (value, label, subsystems[value])
                for value, label in SubsystemChoices.choices
                if subsystems.get(value)
            ],
        }


def certificate_status(cert: Certificate, today: dt.date) -> str:
    """``valid``, ``expired`` or ``invalid`` (e.g. a registration from below provincial level, R-24)."""
    if cert.is_valid_on(today):
        return "valid"
    if cert.expires_on is not None and cert.expires_on < today:
        return "expired"
    return "invalid"


def _device_field(attname: str) -> Any:
    for f in Device._meta.concrete_fields:
        if f.attname == attname:
            return f
    return None


def _field_label(attname: str) -> str:
    field = _device_field(attname)
    return str(field.verbose_name) if field is not None else attname


def _shown(attname: str, value: Any) -> str:
    """A readable value for the change history: choice labels, names instead of ids, 是/否."""
    if value in (None, ""):
        return ""
    if attname == "location_id":
        place = Location.objects.filter(pk=value).first()
        return str(place) if place is not None else str(value)
    if attname == "device_model_id":
        model = DeviceModel.objects.filter(pk=value).select_related("manufacturer").first()
        return str(model) if model is not None else str(value)
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, dict):
        from anfang.sites.forms import geometry_to_text

        return geometry_to_text(value)
    field = _device_field(attname)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def change_rows(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(field label, old, new) for every field that differs."""
    before, after = before or {}, after or {}
    rows = []
    for key in after.keys() | before.keys():
        if key in ("id", "community_id"):
            continue
        old, new = before.get(key), after.get(key)
        if old != new and (before or new not in (None, "", False)):
            rows.append((_field_label(key), _shown(key, old), _shown(key, new)))
    return sorted(rows)


class DeviceDetailView(DeviceMixin, ObjectDetailView):
    model = Device
    template_name = "devices/device_detail.html"

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        device: Device = kwargs["object"]
        today = timezone.localdate()
        certificates = list(device.device_model.certificates.all()) if device.device_model else []
        records = ChangeRecord.objects.filter(object_type="devices.device", object_id=str(device.pk))
        authorisations = list(device.change_authorisations.select_related("recorded_by"))
        for auth in authorisations:
            auth.change_rows = [  # type: ignore[attr-defined]
                (_field_label(k), _shown(k, v[0]), _shown(k, v[1])) for k, v in sorted(auth.changes.items())
            ]
        return {
            "community": self.community,
            "status_badge": DEVICE_STATUS_BADGES.get(DeviceStatusChoices(device.status), "grey"),
            "certificates": [(c, certificate_status(c, today)) for c in certificates],
            "valid_certificate": device.device_model.valid_certificate(today)
            if device.device_model
            else None,
            "acceptances": device.acceptance_records.all(),
            "outages": device.outages.all()[:20],
            "authorisations": authorisations,
            "history": [(r, change_rows(r.before, r.after)) for r in records.order_by("-seq")[:50]],
            "next_statuses": [
                (value, DeviceStatusChoices(value).label)
                for value in DEVICE_STATUS_TRANSITIONS.get(device.status, ())
            ],
            "blockers": services.in_service_blockers(device, on=today)
            if device.status != DeviceStatusChoices.IN_SERVICE
            else [],
            "position_text": _point_text(device.position),
            "coverage_label": geometry_label(device.coverage),
            "svg": svg_preview(
                device.position or device.coverage, self.community.plan_width_m, self.community.plan_height_m
            ),
            "coverage_points": len(((device.coverage or {}).get("coordinates") or [[]])[0])
            if (device.coverage or {}).get("type") == "Polygon"
            else len((device.coverage or {}).get("coordinates") or []),
        }


def _point_text(position: Any) -> str:
    from anfang.sites.forms import geometry_to_text

    return geometry_to_text(position)


class DeviceFormMixin:
    """Show the R-33.3 authorisation fields apart from the device's own fields (edit only)."""

    community: Any

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        form: DeviceForm = kwargs["form"]
        auth = [form[name] for name in form.AUTH_FIELDS]
        main = [bf for bf in form.visible_fields() if bf.name not in form.AUTH_FIELDS]
        is_edit = form.instance.pk is not None
        return {
            "community": self.community,
            "main_fields": main,
            "auth_fields": auth if is_edit else [],
            "auth_required": is_edit and form.is_bound and bool(form.controlled_changes()),
            "kind_subsystems": {str(k): list(v) for k, v in KIND_SUBSYSTEMS.items()},
        }


class DeviceCreateView(DeviceFormMixin, DeviceMixin, ObjectEditView):
    model = Device
    form_class = DeviceForm
    template_name = "devices/device_edit.html"

    def get_object(self) -> Device:
        return Device(community=self.community)

    def save(self, form: Any) -> Device:
        # Never .save() directly: the service enforces and writes the change log.
        device: Device = form.save(commit=False)
        return services.save_device(device, by=self.request.user)

    def cancel_url(self, obj: Any) -> str:
        return reverse("devices:device_list", args=[self.community.code])


class DeviceEditView(DeviceFormMixin, DeviceMixin, ObjectEditView):
    model = Device
    form_class = DeviceForm
    template_name = "devices/device_edit.html"

    def save(self, form: Any) -> Device:
        device: Device = form.save(commit=False)
        # R-33.3 (第33条第(3)项): the service refuses a location/purpose change without this.
        return services.save_device(device, by=self.request.user, authorisation=form.authorisation())


class DeviceDeleteView(DeviceMixin, ObjectDeleteView):
    """Planned devices may be deleted by editors; anything that was installed only by an admin."""

    model = Device

    def may_delete(self, obj: Device) -> bool:
        if not can_change(self.request, self.community):
            return False
        return obj.status == DeviceStatusChoices.PLANNED or bool(self.request.user.is_admin)  # type: ignore[union-attr]

    def success_url(self, obj: Any) -> str:
        return reverse("devices:device_list", args=[self.community.code])


class DeviceStatusView(DeviceMixin, BaseView):
    """POST only: change the lifecycle status via ``services.set_status`` (R-29 第29条)."""

    model = Device
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        device = self.get_object()
        if not self.may_save(device):
            raise PermissionDenied
        form = DeviceStatusForm(request.POST)
        target = device.get_absolute_url()
        if not form.is_valid():
            messages.error(request, _("无效的设备状态。"))
            return HttpResponseRedirect(target)
        try:
            services.set_status(device, form.cleaned_data["status"], by=request.user)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(
                request,
                _("设备状态已改为“%(status)s”。") % {"status": DeviceStatusChoices(device.status).label},
            )
        return HttpResponseRedirect(target)


class DeviceAcceptanceView(DeviceMixin, ObjectEditView):
    """R-29 (第29条): record an acceptance, optionally putting the device into service."""

    model = Device
    form_class = AcceptanceForm
    template_name = "devices/device_acceptance.html"

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {}

    def save(self, form: Any) -> Device:
        data = form.cleaned_data
        device: Device = self.object
        services.record_acceptance(
            device,
            accepted_on=data["accepted_on"],
            accepted_by=data["accepted_by"],
            passed=data["passed"],
            document_ref=data["document_ref"],
            notes=data["notes"],
            put_in_service=data["put_in_service"],
            by=self.request.user,
        )
        return device


# ---------------------------------------------------------------------------------------------------
# Catalogue: manufacturers, device models, certificates (R-24 第24条)
# ---------------------------------------------------------------------------------------------------


def may_add_catalogue(request: HttpRequest) -> bool:
    """Managers, technicians and admins (anyone who changes some registry) may add catalogue entries."""
    user: Any = request.user
    return bool(
        user.is_authenticated and (user.is_admin or communities_for(user, Perm.CHANGE_REGISTRY).exists())
    )


def may_change_catalogue(request: HttpRequest) -> bool:
    """Existing entries are shared by every community: only a platform admin edits or deletes them."""
    user: Any = request.user
    return bool(user.is_authenticated and user.is_admin)


class CatalogueMixin:
    request: HttpRequest

    def can_change(self, obj: Any) -> bool:
        return may_change_catalogue(self.request)

    def may_delete(self, obj: Any) -> bool:
        return may_change_catalogue(self.request)

    def may_save(self, obj: Any) -> bool:
        if getattr(obj, "pk", None) is None:
            return may_add_catalogue(self.request)
        return may_change_catalogue(self.request)


class ManufacturerListView(CatalogueMixin, ObjectListView):
    model = Manufacturer
    template_name = "devices/manufacturer_list.html"

    def get_queryset(self) -> QuerySet[Any]:
        return Manufacturer.objects.annotate(model_count=Count("device_models")).order_by("name")

    def can_add(self) -> bool:
        return may_add_catalogue(self.request)


class ManufacturerCreateView(CatalogueMixin, ObjectEditView):
    model = Manufacturer
    form_class = ManufacturerForm

    def get_object(self) -> Manufacturer:
        return Manufacturer()

    def success_url(self, obj: Any) -> str:
        return reverse("devices:manufacturer_list")

    def cancel_url(self, obj: Any) -> str:
        return reverse("devices:manufacturer_list")


class ManufacturerEditView(ManufacturerCreateView):
    def get_object(self) -> Manufacturer:
        return get_object_or_404(Manufacturer, pk=self.kwargs["pk"])


class DeviceModelListView(CatalogueMixin, ObjectListView):
    model = DeviceModel
    template_name = "devices/model_list.html"
    filterset_class = DeviceModelFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return (
            DeviceModel.objects.select_related("manufacturer")
            .prefetch_related(Prefetch("certificates", queryset=Certificate.objects.order_by("-expires_on")))
            .order_by("manufacturer__name", "model_number")
        )

    def can_add(self) -> bool:
        return may_add_catalogue(self.request)

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"today": timezone.localdate()}


class DeviceModelDetailView(CatalogueMixin, ObjectDetailView):
    model = DeviceModel
    template_name = "devices/model_detail.html"

    def get_object(self) -> DeviceModel:
        return get_object_or_404(DeviceModel.objects.select_related("manufacturer"), pk=self.kwargs["pk"])

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        model: DeviceModel = kwargs["object"]
        today = timezone.localdate()
        # Devices of this model, only in communities the user can see.
        devices = Device.objects.for_user(self.request.user).filter(device_model=model)
        return {
            "certificates": [(c, certificate_status(c, today)) for c in model.certificates.all()],
            "valid_certificate": model.valid_certificate(today),
            "device_count": devices.count(),
            "can_add_certificate": may_add_catalogue(self.request),
        }


class DeviceModelCreateView(CatalogueMixin, ObjectEditView):
    model = DeviceModel
    form_class = DeviceModelForm

    def get_object(self) -> DeviceModel:
        return DeviceModel()

    def cancel_url(self, obj: Any) -> str:
        return reverse("devices:model_list")


class DeviceModelEditView(CatalogueMixin, ObjectEditView):
    model = DeviceModel
    form_class = DeviceModelForm

    def get_object(self) -> DeviceModel:
        return get_object_or_404(DeviceModel, pk=self.kwargs["pk"])


class DeviceModelDeleteView(CatalogueMixin, ObjectDeleteView):
    model = DeviceModel

    def get_object(self) -> DeviceModel:
        return get_object_or_404(DeviceModel, pk=self.kwargs["pk"])

    def success_url(self, obj: Any) -> str:
        return reverse("devices:model_list")


class CertificateCreateView(CatalogueMixin, ObjectEditView):
    """Adding a certificate to an existing model is allowed to editors: it only adds evidence."""

    model = Certificate
    form_class = CertificateForm

    def get_object(self) -> Certificate:
        self.device_model = get_object_or_404(DeviceModel, pk=self.kwargs["pk"])
        return Certificate(device_model=self.device_model)

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj, "device_model": self.device_model}

    def success_url(self, obj: Any) -> str:
        return str(self.device_model.get_absolute_url())

    def cancel_url(self, obj: Any) -> str:
        return str(self.device_model.get_absolute_url())

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        return {"device_model": self.device_model}


class CertificateEditView(CertificateCreateView):
    def get_object(self) -> Certificate:
        cert = get_object_or_404(
            Certificate.objects.select_related("device_model__manufacturer"), pk=self.kwargs["cert"]
        )
        if cert.device_model_id != int(self.kwargs["pk"]):
            from django.http import Http404

            raise Http404
        self.device_model = cert.device_model
        return cert


class CertificateDeleteView(CatalogueMixin, ObjectDeleteView):
    model = Certificate

    def get_object(self) -> Certificate:
        return get_object_or_404(Certificate, pk=self.kwargs["cert"], device_model_id=self.kwargs["pk"])

    def success_url(self, obj: Any) -> str:
        return reverse("devices:model_detail", args=[obj.device_model_id])
