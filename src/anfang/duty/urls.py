"""Duty room UI: /c/<code>/duty/… (room, roster, log, handover)."""

app_name = "duty"

urlpatterns: list = []  # type: ignore[type-arg]
