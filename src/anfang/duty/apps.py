from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "anfang.duty"
    label = "duty"
    verbose_name = _("值班管理")

    def ready(self) -> None:
        # R-16 (第16条): every alarm step lands in the duty log, in the alarm's own transaction.
        from anfang.alarms.signals import alarm_action_recorded, zones_armed
        from anfang.duty.receivers import log_alarm_action, log_arming

        alarm_action_recorded.connect(log_alarm_action, dispatch_uid="anfang.duty.log_alarm_action")
        zones_armed.connect(log_arming, dispatch_uid="anfang.duty.log_arming")
