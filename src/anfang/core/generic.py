"""Generic list/detail/edit/delete page bases (after NetBox's ``ObjectListView`` & co.).

A concrete view is a declaration: ``model``, ``template_name``, ``filterset_class``, ``form_class``
and ``get_queryset()`` (always through ``.for_user()`` / ``communities_for()``). The bases do the
scoping once: an object the user may not see is a 404, one they may see but not change is a 403,
and every write runs in one transaction so the change log (R-33.5) and the change are one unit.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models import Case, IntegerField, ProtectedError, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from anfang.core.errors import DomainError
from anfang.core.tenancy import Perm, has_perm
from anfang.sites.models import Community

PAGE_SIZE = 50


def visible_community(request: HttpRequest, code: str, *related: str) -> Community:
    """The community ``code`` if the user may see it; otherwise 404 (never reveal that it exists).

    ``related`` names foreign keys to load with it. A code with a NUL byte (which PostgreSQL
    refuses in a query) is simply not found."""
    found = None
    if "\x00" not in code:
        found = Community.objects.for_user(request.user).filter(code=code).select_related(*related).first()
    if found is None:
        raise Http404(_("没有该小区或无权访问。"))
    return found


def can_change(request: HttpRequest, community: Community) -> bool:
    """Managers, technicians and admins change the registry; operators and police only read."""
    return has_perm(request.user, community, Perm.CHANGE_REGISTRY)


class FilterSelect(forms.Select):
    """A one-line drop-down for a multiple-choice filter: phones cannot use a multi-select box."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter is not None else [data.get(name)]
        return [v for v in values if v not in (None, "")]


def compact_filter_form(form: forms.Form) -> None:
    """Make the filter bar compact: drop-downs with an "all" option instead of list boxes."""
    everything = ("", _("全部"))
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]
        elif isinstance(widget, forms.SelectMultiple) and isinstance(field, forms.ChoiceField):
            all_choices: Any = field.choices
            field.widget = FilterSelect(choices=[everything, *(c for c in all_choices if c[0] != "")])
        elif hasattr(field, "empty_label"):  # django-filter's ChoiceField adds its own empty choice
            choice_field: Any = field
            choice_field.empty_label = everything[1]
            # Re-assigning rebuilds the widget's choices with the new empty label.
            choice_field.choices = [c for c in choice_field.choices if c[0] != ""]
        elif isinstance(field, forms.ChoiceField) and isinstance(widget, forms.Select):
            all_choices = field.choices
            field.choices = [everything, *(c for c in all_choices if c[0] != "")]


def choice_order(field: str, choices: type[models.TextChoices]) -> Case:
    """Order by the position of ``field``'s value in ``choices`` (the regulation's order), not by slug."""
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(choices.values)),
        default=Value(len(choices.values)),
        output_field=IntegerField(),
    )


def code_choices(queryset: QuerySet[Any]) -> list[tuple[str, str]]:
    """Choices for a filter on a related record's code: "name (code)"."""
    return [("", _("全部")), *((obj.code, f"{obj} ({obj.code})") for obj in queryset)]


class BaseView(LoginRequiredMixin, View):
    """Every page needs a logged-in user."""

    model: ClassVar[type[models.Model]]
    template_name: ClassVar[str]

    def extra_context(self, **kwargs: Any) -> dict[str, Any]:
        """Hook for subclasses: more template context."""
        return {}

    def base_context(self) -> dict[str, Any]:
        return {"model_meta": self.model._meta}


class CommunityMixin:
    """Views under ``/c/<code>/``: resolve the community once (404 if the user cannot see it)."""

    request: HttpRequest
    kwargs: dict[str, Any]
    _community: Community | None = None

    @property
    def community(self) -> Community:
        if self._community is None:
            self._community = visible_community(self.request, self.kwargs["code"])
        return self._community


class ObjectListView(BaseView):
    """A filtered, paginated list. Subclasses give ``get_queryset()`` and ``filterset_class``."""

    filterset_class: ClassVar[Any] = None
    paginate_by: ClassVar[int] = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def can_add(self) -> bool:
        return False

    def adjust_filter_form(self, form: forms.Form) -> None:
        """Hook: e.g. turn a code filter into a drop-down of this community's records."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
            compact_filter_form(filterset.form)
            self.adjust_filter_form(filterset.form)
            # An invalid filter value narrows nothing but is shown as a field error.
            queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        paginator = Paginator(queryset, self.paginate_by)
        page: Page[Any] = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            **self.base_context(),
            "filterset": filterset,
            "filter_form": filterset.form if filterset is not None else None,
            "filtered": bool(query),
            "page_obj": page,
            "object_list": page.object_list,
            "total": paginator.count,
            "page_query": urlencode(list(query.lists()), doseq=True),
            "can_add": self.can_add(),
        }
        context.update(self.extra_context(queryset=queryset))
        return render(request, self.template_name, context)


class ObjectDetailView(BaseView):
    """One object; ``get_object()`` must come from a user-scoped queryset (404 otherwise)."""

    def get_object(self) -> Any:
        raise NotImplementedError

    def can_change(self, obj: Any) -> bool:
        return False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        context = {**self.base_context(), "object": obj, "can_change": self.can_change(obj)}
        context.update(self.extra_context(object=obj))
        return render(request, self.template_name, context)


class ObjectEditView(BaseView):
    """Create (``get_object()`` returns a fresh instance) or edit through ``form_class``.

    ``save()`` is the one place a subclass calls its service; a ``DomainError`` it raises is shown as a
    form error and everything typed stays in the form.
    """

    form_class: ClassVar[type[forms.BaseForm]]
    template_name = "sites/object_edit.html"

    def get_object(self) -> Any:
        raise NotImplementedError

    def may_save(self, obj: Any) -> bool:
        """Whether the user may write ``obj``; False → 403 (the object itself is visible)."""
        raise NotImplementedError

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"instance": obj}

    def save(self, form: Any) -> Any:
        """Persist the valid form; default: ``form.save()``."""
        return form.save()

    def success_url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def cancel_url(self, obj: Any) -> str:
        return str(obj.get_absolute_url()) if obj.pk else ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.may_save(self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form: Any, *, status: int = 200) -> HttpResponse:
        obj = self.object
        context = {
            **self.base_context(),
            "object": obj,
            "form": form,
            "is_new": obj is None or getattr(obj, "pk", None) is None,
            "cancel_url": self.cancel_url(obj) if obj is not None else "",
        }
        context.update(self.extra_context(object=obj, form=form))
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.form_class(**self.get_form_kwargs(self.object)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(data=request.POST, files=request.FILES, **self.get_form_kwargs(self.object))
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            with transaction.atomic():
                obj = self.save(form)
        except DomainError as exc:
            form.add_error(None, exc.detail)
            return self.render_form(form, status=exc.status if 400 <= exc.status < 500 else 400)
        messages.success(request, _("已保存“%(object)s”。") % {"object": obj})
        return HttpResponseRedirect(self.success_url(obj))


class ObjectDeleteView(BaseView):
    """A confirm page (GET) and the delete (POST)."""

    template_name = "sites/object_delete.html"

    def get_object(self) -> Any:
        raise NotImplementedError

    def may_delete(self, obj: Any) -> bool:
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        raise NotImplementedError

    def delete(self, obj: Any) -> None:
        obj.delete()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.may_delete(self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = {**self.base_context(), "object": self.object, "error": ""}
        context.update(self.extra_context(object=self.object))
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.object
        name = str(obj)
        target = self.success_url(obj)
        try:
            with transaction.atomic():
                self.delete(obj)
        except ProtectedError:
            context = {
                **self.base_context(),
                "object": obj,
                "error": _("“%(object)s”仍被其他记录引用，不能删除。") % {"object": name},
            }
            context.update(self.extra_context(object=obj))
            return render(request, self.template_name, context, status=409)
        except DomainError as exc:
            context = {**self.base_context(), "object": obj, "error": exc.detail}
            context.update(self.extra_context(object=obj))
            return render(request, self.template_name, context, status=exc.status)
        messages.success(request, _("已删除“%(object)s”。") % {"object": name})
        return HttpResponseRedirect(target)
