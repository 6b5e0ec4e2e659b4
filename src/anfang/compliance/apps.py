from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "anfang.compliance"
    label = "compliance"
    verbose_name = _("合规检查")

    def ready(self) -> None:
        from anfang.compliance import rules  # noqa: F401  (registers every rule)
