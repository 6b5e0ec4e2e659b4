"""The English catalogue: complete, placeholder-safe, compiled, up to date, and used by the UI.

zh-hans is the source language; ``scripts/translations_en.py`` fills and compiles
``src/anfang/locale/en/LC_MESSAGES/django.po``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.support import factories

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "anfang"
LC_MESSAGES = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"
REGENERATE = "run `.venv/bin/python scripts/translations_en.py` (makemessages, translate, compilemessages)"

# %(name)s / %(n)d / %(delay).0f, bare %s / %d, and str.format {name}; "%%" is a literal percent.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{\w*\}")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def _po() -> Any:
    return polib.pofile(str(PO_PATH))


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def _key(entry: Any) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _translations(catalogue: Any) -> dict[tuple[str, str, str], tuple[str, ...]]:
    result: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for entry in catalogue:
        if not entry.msgid or entry.obsolete:
            continue
        if entry.msgid_plural:
            result[_key(entry)] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            result[_key(entry)] = (entry.msgstr,)
    return result


# --- the catalogue itself --------------------------------------------------------------------------


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    po = _po()
    assert len(po) > 500
    assert not po.metadata_is_fuzzy
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    untranslated = [e.msgid for e in po.untranslated_entries()]
    empty_plural = [e.msgid for e in po if e.msgid_plural and not all(e.msgstr_plural.get(i) for i in (0, 1))]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}; {REGENERATE}"
    assert not empty_plural, f"plural entries missing a form: {empty_plural}"
    assert po.percent_translated() == 100


def test_translations_keep_the_placeholders() -> None:
    wrong = []
    for entry in _po():
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            expected = _placeholders(entry.msgid_plural)
            strings = list(entry.msgstr_plural.values())
        else:
            expected = _placeholders(entry.msgid)
            strings = [entry.msgstr]
        for text in strings:
            if _placeholders(text) != expected:
                wrong.append((entry.msgid, text))
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(map(str, wrong))


def test_translations_keep_html_tags_and_entities() -> None:
    markup = re.compile(r"</?[a-zA-Z][^>]*>|&\w+;|&#\d+;")
    wrong = [
        e.msgid
        for e in _po()
        if e.msgstr and sorted(markup.findall(e.msgid)) != sorted(markup.findall(e.msgstr))
    ]
    assert not wrong


def test_translations_are_english_with_known_exceptions() -> None:
    """Chinese may remain only where it is a name or a citation, not a UI word."""
    allowed = {"简体中文", "辽河湾花园", "海滨小区", "营政发〔2015〕42号"}
    leftovers = []
    for entry in _po():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            for name in allowed:
                text = text.replace(name, "")
            if CJK.search(text.replace("“", "").replace("”", "")):
                leftovers.append(text)
    assert not leftovers, f"Chinese left in English translations: {leftovers}"


def test_regulation_citations_are_translated() -> None:
    po = _po()
    by_id = {e.msgid: e.msgstr for e in po}
    assert by_id["变更授权（第33条第(3)项）"] == "Change authorisation (Art. 33(3))"
    assert "Art. 24" in by_id["产品证书（第24条）"]
    assert by_id["第14条"] == "Art. 14"
    assert by_id["简体中文"] == "简体中文"


def test_compiled_mo_holds_exactly_the_po_translations() -> None:
    assert MO_PATH.exists(), f"{MO_PATH} is missing; {REGENERATE}"
    po = _translations(_po())
    mo = _translations(polib.mofile(str(MO_PATH)))
    assert set(po) == set(mo), (
        f"the .mo is stale: only in .po {sorted(set(po) - set(mo))[:10]}, "
        f"only in .mo {sorted(set(mo) - set(po))[:10]}; {REGENERATE}"
    )
    differing = [k[1] for k in po if po[k] != mo[k]]
    assert not differing, f"the .mo differs from the .po for {differing[:10]}; {REGENERATE}"


def test_catalogue_is_up_to_date_with_the_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """A fresh makemessages over a copy of the package finds no msgid that the committed .po lacks."""
    if shutil.which("xgettext") is None:
        pytest.skip("gettext (xgettext) is not installed")
    copy = tmp_path / "anfang"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    # Only the copy's locale directory may be written; never the committed catalogue.
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    fresh = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert len(fresh) > 500, "makemessages found (almost) nothing: did it run in the copy?"
    committed = {_key(e) for e in _po() if not e.obsolete}
    missing = sorted(e.msgid for e in fresh if not e.obsolete and _key(e) not in committed)
    assert not missing, (
        f"{len(missing)} msgid(s) in the source are not in the committed English catalogue:\n  "
        + "\n  ".join(missing)
        + f"\nTo regenerate: add their English to scripts/translations_en.py and {REGENERATE}."
    )


# --- the UI in English -----------------------------------------------------------------------------


def _nav(html: str) -> str:
    match = re.search(r'<nav class="sidenav".*?</nav>', html, re.S)
    assert match, "no side navigation on the page"
    return match.group(0)


@pytest.mark.django_db
def test_dashboard_in_english_via_language_cookie(client: Any, tenancy: Any) -> None:
    client.force_login(tenancy.manager_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    nav = _nav(html)
    for label in ("Overview", "Site plan", "Devices", "Locations", "Perimeter", "All communities"):
        assert f">{label}</" in nav, label
    assert "Log out" in html
    # The community's own name (data) is the only Chinese allowed in the navigation.
    nav_text = re.sub(r"<[^>]+>", " ", nav).replace(tenancy.a.name, "")
    assert not CJK.search(nav_text), f"Chinese in the English navigation: {CJK.findall(nav_text)}"


@pytest.mark.django_db
def test_default_language_stays_chinese(client: Any, tenancy: Any) -> None:
    client.force_login(tenancy.manager_a)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="zh-CN">' in html
    assert ">总览</" in _nav(html)


@pytest.mark.django_db
def test_login_page_in_english_when_english_is_the_site_language(client: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    html = client.get(reverse("login")).content.decode()
    assert "Log in" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_english_form_errors_on_login(client: Any, tenancy: Any) -> None:
    """A bad password in English gives an English page, not a Chinese one."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("login"), {"username": "manager_a", "password": "wrong" + factories.PASSWORD}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Username" in html and "Password" in html
    assert "Please enter a correct username and password" in html
    assert "用户名" not in html


def test_po_msgstr_come_from_the_translation_script() -> None:
    """The .po is generated: a translation edited only in the .po would be lost at the next run."""
    from scripts.translations_en import TRANSLATIONS

    differing = []
    for entry in _po():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = TRANSLATIONS.get(key)
        expected: object = value
        strings: object = entry.msgstr
        if entry.msgid_plural:
            strings = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            expected = (value, value) if isinstance(value, str) else value
        if strings != expected:
            differing.append(entry.msgid)
    assert not differing, f"edit these in scripts/translations_en.py, not in the .po: {differing}"


def test_english_plurals_follow_the_count() -> None:
    from django.utils import translation

    with translation.override("en"):
        one = translation.ngettext("%(n)s 个字段", "%(n)s 个字段", 1) % {"n": 1}
        many = translation.ngettext("%(n)s 个字段", "%(n)s 个字段", 3) % {"n": 3}
        assert (one, many) == ("1 field", "3 fields")
        assert translation.gettext("设备") == "Devices"
    with translation.override("zh-hans"):
        assert translation.gettext("设备") == "设备"
