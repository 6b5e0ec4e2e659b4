"""Signals other apps listen to. Sent inside the transaction that made the change, so a receiver's writes
commit or roll back with it."""

from django.dispatch import Signal

# Sent after every AlarmAction row is written: kwargs `action` (AlarmAction), `created` (True: the row is
# new this moment, so no receiver has seen it yet). The duty app writes the
# duty log (值班记录, 第16条) from it.
alarm_action_recorded = Signal()

# Sent after a person armed or disarmed a device or one of its zones by hand (`set_armed`): kwargs
# `device`, `zone` (None for the whole device), `armed`, `by`. The duty app writes the duty log from it.
zones_armed = Signal()
