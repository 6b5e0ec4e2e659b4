"""The mqtt library stands alone (no Django, no other anfang app)."""

from __future__ import annotations

import anfang.integrations.mqtt as library
from tests.integrations.quality import assert_standalone


def test_the_library_imports_no_django_and_no_other_anfang_app() -> None:
    assert_standalone(library)
