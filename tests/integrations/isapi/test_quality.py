"""The library stands alone (no Django, no other anfang app); its QUALITY.md checklist is complete."""

from __future__ import annotations

import anfang.integrations.isapi as library
from tests.integrations.quality import assert_checklist_complete, assert_standalone


def test_every_rule_has_a_status_and_exemptions_a_reason() -> None:
    assert_checklist_complete(library)


def test_the_library_imports_no_django_and_no_other_anfang_app() -> None:
    assert_standalone(library)
