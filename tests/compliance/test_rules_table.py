"""docs/compliance.md lists every registered rule, exactly as scripts/rules_table.py writes it."""

from __future__ import annotations

from scripts import rules_table

from anfang.compliance.rules import all_rules

REGENERATE = "run `.venv/bin/python scripts/rules_table.py` and commit docs/compliance.md"


def test_committed_rules_table_matches_the_registry() -> None:
    text = rules_table.DOC.read_text(encoding="utf-8")
    assert rules_table.START in text and rules_table.END in text, REGENERATE
    assert rules_table.updated(text) == text, f"the rules table is out of date: {REGENERATE}"


def test_every_rule_has_a_row_with_its_article() -> None:
    table = rules_table.render_table()
    for rule in all_rules():
        assert f"| `{rule.id}` | {rule.article} |" in table


def test_docstring_parts_fill_the_columns() -> None:
    doc = """R-99 (advisory): something is required.

    Checks: every widget
      (one finding each).
    Fails: a widget | is broken.
    Not evaluable: no widgets.
    """
    parts = rules_table.parse_doc(doc)
    assert parts == {
        "summary": "Something is required.",
        "checks": "Every widget (one finding each).",
        "fails": "A widget | is broken.",
        "not_evaluable": "No widgets.",
    }
    assert rules_table._cell(parts["fails"]) == "A widget \\| is broken."
    assert rules_table.parse_doc(None)["fails"] == ""


def test_updating_keeps_the_rest_of_the_file() -> None:
    text = f"# T\n\nintro\n\n{rules_table.START}\nSTALE-ROW\n{rules_table.END}\n\n## JSON\nkept\n"
    new = rules_table.updated(text)
    assert new.startswith("# T\n\nintro\n\n" + rules_table.START) and new.endswith(
        rules_table.END + "\n\n## JSON\nkept\n"
    )
    assert "STALE-ROW" not in new and "`R-24`" in new
    assert rules_table.updated("# T\n").startswith("# T\n\n" + rules_table.START)
