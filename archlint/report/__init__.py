"""Reporters: one module per output format, each `render(report, stream)`; they read only
the Report, never the graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..model import Report
from . import github, json_format, sarif, text

Reporter = Callable[[Report, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}
