"""Where the shared real data lives: `../shared` beside the repository (protocol fixtures, ANPR photos).

Tests read the real samples in place. The directory is looked up in `ANFANG_SHARED_DIR`, then beside the
repository, then at `/work/shared`; if none exists the test fails loudly rather than being skipped.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@cache
def shared_dir() -> Path:
    candidates = [Path(p) for p in [os.environ.get("ANFANG_SHARED_DIR", "")] if p]
    candidates += [REPO.parent / "shared", Path("/work/shared")]
    for candidate in candidates:
        if (candidate / "fixtures" / "protocols" / "INDEX.md").is_file():
            return candidate
    raise FileNotFoundError(
        "the shared data directory (fixtures/protocols, data/anpr) was not found; set ANFANG_SHARED_DIR"
    )


def protocol_fixture(relative: str) -> bytes:
    """The bytes of one real protocol sample, e.g. `protocol_fixture("sia/dcs_closing_CL.txt")`."""
    return (shared_dir() / "fixtures" / "protocols" / relative).read_bytes()
