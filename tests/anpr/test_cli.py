"""`anfang anpr read`: the JSON contract, the text format, bad files, exit codes (no database)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

IMAGES = Path(__file__).parent / "images"


def run(*args: str) -> tuple[list[str], int]:
    """The command's output lines and its exit code (0, or the CommandError's)."""
    out = StringIO()
    try:
        call_command("anpr", "read", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return out.getvalue().splitlines(), exc.returncode
    return out.getvalue().splitlines(), 0


def test_json_lines_follow_the_contract() -> None:
    files = [str(IMAGES / name) for name in ("s0004.jpg", "s0019.jpg", "c0004.jpg")]
    lines, code = run(*files)
    assert code == 0
    docs = [json.loads(line) for line in lines]
    assert [d["file"] for d in docs] == files
    assert [d["plates"][0]["text"] for d in docs] == ["苏EB68W9", "鲁Y44748", "皖AD102N"]
    for doc in docs:
        assert set(doc) == {"file", "plates", "ms"} and isinstance(doc["ms"], int) and doc["ms"] >= 0
        confidences = [p["confidence"] for p in doc["plates"]]
        assert confidences == sorted(confidences, reverse=True)
        for plate in doc["plates"]:
            assert set(plate) == {"text", "color", "confidence", "box", "corners"}
            assert plate["color"] in {"blue", "yellow", "green", "yellow_green", "white", "black"}
            assert 0 < plate["confidence"] <= 1
            x1, y1, x2, y2 = plate["box"]
            assert x1 < x2 and y1 < y2
            assert len(plate["corners"]) == 4 and all(len(p) == 2 for p in plate["corners"])
    assert docs[0]["plates"][0]["color"] == "blue"


def test_bad_files_get_an_error_line_and_the_rest_are_read(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes((IMAGES / "s0004.jpg").read_bytes()[:300])  # a JPEG cut short
    text = tmp_path / "notes.txt"
    text.write_text("这不是图片", encoding="utf-8")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.jpg"
    good = IMAGES / "s0052.jpg"
    lines, code = run(str(corrupt), str(text), str(empty), str(missing), str(good))
    assert code == 1
    docs = [json.loads(line) for line in lines]
    assert [d["file"] for d in docs] == [str(p) for p in (corrupt, text, empty, missing, good)]
    for doc in docs[:4]:
        assert set(doc) == {"file", "error"} and doc["error"]
        assert "object at 0x" not in doc["error"]  # said for a person, not Python's buffer name
    assert "不是 JPEG、PNG 等图像格式" in docs[1]["error"]
    assert docs[4]["plates"][0]["text"] == "辽BMW005"


def test_text_format_is_one_readable_line_per_file(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    lines, code = run("--format", "text", str(IMAGES / "s0004.jpg"), str(text))
    assert code == 1 and len(lines) == 2
    assert "苏EB68W9" in lines[0] and "蓝" in lines[0]
    assert lines[1].startswith(f"{text}：无法读取")


def test_a_picture_without_a_plate_has_an_empty_list(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("RGB", (640, 480), (40, 40, 40)).save(blank)
    lines, code = run(str(blank))
    assert code == 0 and json.loads(lines[0])["plates"] == []


@pytest.mark.skipif(shutil.which("anfang", path=str(Path(sys.executable).parent)) is None, reason="no script")
def test_usage_errors_exit_2() -> None:
    anfang = str(Path(sys.executable).parent / "anfang")
    for args in (["anpr", "read"], ["anpr", "read", "--format", "xml", "x.jpg"], ["anpr"]):
        done = subprocess.run([anfang, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert "usage" in done.stderr
