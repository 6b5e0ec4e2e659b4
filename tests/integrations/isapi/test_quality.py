"""The isapi library's QUALITY.md checklist is complete, and the library stands alone (no Django)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import anfang.integrations.isapi as library

PACKAGE = Path(library.__file__).parent
STATUSES = {"done", "todo", "exempt"}
REQUIRED = {
    "standalone",
    "real-samples-parsed",
    "random-bytes-typed-error",
    "raw-kept",
    "clock-drift-flagged",
    "duplicates-harmless",
}


def checklist() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (PACKAGE / "QUALITY.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if (
            len(cells) == 3
            and re.fullmatch(r"[a-z0-9-]+", cells[0])
            and cells[0].strip("-")
            and cells[0] != "rule"
        ):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def test_every_rule_has_a_status_and_exemptions_a_reason() -> None:
    rows = checklist()
    assert rows.keys() >= REQUIRED
    for rule, (status, why) in rows.items():
        assert status in STATUSES, rule
        assert len(why) > 20, f"{rule}: say how it is done or why it is exempt"


def test_the_library_imports_no_django_and_no_other_anfang_app() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("django"), f"{path.name} imports {name}"
                if name.startswith("anfang.") and name != "anfang.integrations":
                    assert name.startswith("anfang.integrations."), f"{path.name} imports {name}"
                    assert name.split(".")[2] in {"isapi", "events"}, f"{path.name} imports {name}"
