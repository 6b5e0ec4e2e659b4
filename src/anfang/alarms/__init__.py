"""Alarm centre: device events → alarms, the operator workflow, procedures and report-to-police (R-16)."""
