"""Each finding of a report has its own key, so the history opens and closes each one separately."""

from __future__ import annotations

from collections import Counter

import pytest

from anfang.compliance import services
from anfang.compliance.models import FindingHistory
from anfang.devices.models import Device

pytestmark = pytest.mark.django_db


def _duplicate_keys(report: services.Report) -> list[str]:
    return [key for key, n in Counter(f.key for f in report.findings).items() if n > 1]


def test_keys_are_unique_in_a_compliant_community(compliant):
    assert _duplicate_keys(services.check_community(compliant.community)) == []


def test_keys_are_unique_without_recorders_or_subsystems(compliant):
    """R-7 (nine findings on the community) and R-33.2 (settings and "no recorder") must not collide."""
    Device.objects.filter(community=compliant.community).delete()
    assert _duplicate_keys(services.check_community(compliant.community)) == []


def test_each_missing_subsystem_has_its_own_history_row(compliant):
    Device.objects.filter(community=compliant.community, subsystem__in=["patrol", "resident_alarm"]).delete()
    services.record_run(compliant.community)
    rows = FindingHistory.objects.filter(community=compliant.community, rule="R-7", closed_at__isnull=True)
    assert sorted(r.key for r in rows) == [
        f"R-7|patrol|community:{compliant.community.code}",
        f"R-7|resident_alarm|community:{compliant.community.code}",
    ]
