"""Shared checks of the protocol libraries (STYLE: `integrations/<proto>/` could be published alone)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

STATUSES = {"done", "todo", "exempt"}
REQUIRED = {
    "standalone",
    "real-samples-parsed",
    "random-bytes-typed-error",
    "raw-kept",
    "clock-drift-flagged",
    "duplicates-harmless",
}


def package_dir(library: ModuleType) -> Path:
    assert library.__file__ is not None
    return Path(library.__file__).parent


def checklist(library: ModuleType) -> dict[str, tuple[str, str]]:
    """The rows of the library's QUALITY.md whose first cell is a rule slug: {rule: (status, why)}."""
    rows = {}
    for line in (package_dir(library) / "QUALITY.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if (
            len(cells) == 3
            and re.fullmatch(r"[a-z0-9-]+", cells[0])
            and cells[0].strip("-")
            and cells[0] != "rule"
        ):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def assert_checklist_complete(library: ModuleType) -> None:
    rows = checklist(library)
    assert rows.keys() >= REQUIRED
    for rule, (status, why) in rows.items():
        assert status in STATUSES, rule
        assert len(why) > 20, f"{rule}: say how it is done or why it is exempt"


def assert_standalone(library: ModuleType) -> None:
    """No Django, and no anfang module but the library itself and `integrations.events`."""
    own = library.__name__.rsplit(".", 1)[-1]
    for path in package_dir(library).glob("*.py"):
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
                    assert name.split(".")[2] in {own, "events"}, f"{path.name} imports {name}"
