"""Write the table of compliance rules into docs/compliance.md, from the rule registry itself.

The table sits between ``<!-- rules:start -->`` and ``<!-- rules:end -->``; the rest of the file is
left alone. It is generated so it cannot drift from the code: ``tests/compliance/test_rules_table.py``
fails when the committed table differs from the registry.

Usage (from the repository root)::

    .venv/bin/python scripts/rules_table.py          # rewrite the table in docs/compliance.md
    .venv/bin/python scripts/rules_table.py --check  # exit 1 if the table is out of date

Each rule's docstring feeds the columns: its first paragraph (without the leading ``R-x:``) says what
the rule requires; lines starting ``Checks:``, ``Fails:`` and ``Not evaluable:`` (each may continue
on indented lines) fill the columns of the same names.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "compliance.md"
START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
SECTIONS = {"checks": "Checks:", "fails": "Fails:", "not_evaluable": "Not evaluable:"}
NONE = "—"
UNMET = "What it checks is not met."  # for rules whose docstring has no ``Fails:`` line

TITLE = "# Compliance checks (合规检查)\n"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
    import django

    django.setup()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def parse_doc(doc: str | None) -> dict[str, str]:
    """The summary and the ``Checks:``/``Fails:``/``Not evaluable:`` parts of a rule docstring."""
    text = inspect.cleandoc(doc or "")
    paragraphs = re.split(r"\n\s*\n", text)
    summary = " ".join(paragraphs[0].split()) if paragraphs and paragraphs[0] else ""
    summary = re.sub(r"^R-[0-9A-Za-z.]+(\s*\([^)]*\))?:\s*", "", summary)
    summary = _capitalised(summary)
    parts: dict[str, list[str]] = {key: [] for key in SECTIONS}
    current: str | None = None
    for paragraph in paragraphs[1:]:
        for line in paragraph.splitlines():
            stripped = line.strip()
            for key, label in SECTIONS.items():
                if stripped.startswith(label):
                    current = key
                    stripped = stripped[len(label) :].strip()
                    break
            if current is not None and stripped:
                parts[current].append(stripped)
        current = None  # a blank line ends a part
    result = {"summary": summary}
    result.update({key: _capitalised(" ".join(lines)) for key, lines in parts.items()})
    return result


def _cell(text: str) -> str:
    return (text or NONE).replace("|", "\\|").replace("\n", " ")


def render_table() -> str:
    """The markdown table of every registered rule, in article order."""
    from anfang.compliance.choices import SeverityChoices
    from anfang.compliance.rules import all_rules

    rows = [
        "| id | article | severity | requirement | what it checks | fails when | not evaluable when |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in all_rules():
        doc = parse_doc(type(rule).__doc__)
        severity = "advisory" if rule.severity == SeverityChoices.ADVISORY else "violation"
        checks = " ".join(part for part in (doc["summary"], doc["checks"]) if part)
        rows.append(
            "| "
            + " | ".join(
                _cell(v)
                for v in (
                    f"`{rule.id}`",
                    rule.article,
                    severity,
                    f"{rule.title_zh}<br>{rule.title_en}",
                    checks,
                    doc["fails"] or UNMET,
                    doc["not_evaluable"],
                )
            )
            + " |"
        )
    return "\n".join(rows) + "\n"


def section() -> str:
    return (
        f"{START}\n"
        "## Rules\n\n"
        "One rule per requirement of 营政发〔2015〕42号 (ids from the regulation's requirements list). "
        "Each yields one finding per object it checked (`pass` or `fail`); a rule whose data does not "
        "exist yet yields one `not_evaluable` finding with the reason, never a silent pass. A `violation` "
        "that fails makes `anfang compliance check` exit with status 1; an `advisory` does not.\n\n"
        "*Generated from the rule registry by `scripts/rules_table.py`; do not edit by hand.*\n\n"
        f"{render_table()}"
        f"{END}"
    )


def updated(text: str) -> str:
    """``text`` with the rules section replaced (or appended when the markers are missing)."""
    if START in text and END in text:
        before, _, rest = text.partition(START)
        _, _, after = rest.partition(END)
        return before + section() + after
    return text.rstrip("\n") + "\n\n" + section() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/compliance.md is out of date")
    args = parser.parse_args(argv)
    _setup_django()
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else TITLE
    new = updated(current)
    if args.check:
        if new != current:
            print(
                f"{DOC.relative_to(ROOT)}: rules table out of date; run scripts/rules_table.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if new != current:
        DOC.write_text(new, encoding="utf-8")
        print(f"updated {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
