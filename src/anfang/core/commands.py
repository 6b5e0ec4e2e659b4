"""What the report commands (`anfang compliance check`, `anfang duty record`, …) share."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

EXIT_ERROR = 2


def write_report(stdout: Any, data: bytes, output: str | None) -> None:
    """Write a rendered report (JSON, HTML or PDF bytes) to ``output``, or to standard output.

    Binary data goes to the stream's buffer so a PDF can be piped; a file that cannot be written is a
    clear error with exit status 2."""
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("无法写入文件 %(file)s：%(error)s") % {"file": output, "error": exc.strerror or exc},
                returncode=EXIT_ERROR,
            ) from exc
        return
    stream = getattr(stdout, "_out", sys.stdout)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:  # a text stream (tests' StringIO): binary PDF cannot go there
        stream.write(data.decode("utf-8", errors="replace"))
