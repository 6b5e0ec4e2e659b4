"""Write a change record for every save/delete of a change-logged model, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from anfang.core import audit
from anfang.core.choices import ChangeActionChoices
from anfang.core.models import ChangeLoggedModel


@receiver(pre_save)
def _snapshot_before_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = None
    if instance.pk is not None:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        before = stored.snapshot() if stored is not None else None
    instance._audit_before = before  # type: ignore[attr-defined]


@receiver(post_save)
def _record_save(sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, ChangeLoggedModel):
        return
    before = getattr(instance, "_audit_before", None)
    after = instance.snapshot()
    if not created and before == after:
        return  # nothing stored changed
    audit.record_change(
        instance,
        ChangeActionChoices.CREATE if created or before is None else ChangeActionChoices.UPDATE,
        before=None if created else before,
        after=after,
        community_id=instance.audit_community_id(),
    )


@receiver(pre_delete)
def _snapshot_before_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, ChangeLoggedModel):
        instance._audit_before = instance.snapshot()  # type: ignore[attr-defined]


@receiver(post_delete)
def _record_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, ChangeLoggedModel):
        return
    audit.record_change(
        instance,
        ChangeActionChoices.DELETE,
        before=getattr(instance, "_audit_before", None),
        after=None,
        community_id=instance.audit_community_id(),
    )
