"""Reporters: one module per output format, each `render(report, stream, show_baselined=)`;
they read only the Report, never the graph. Baselined (and suppressed) findings are counted,
and listed one by one only with `show_baselined`."""

from __future__ import annotations

from typing import Protocol, TextIO

from ..model import Report
from . import github, json_format, sarif, text


class Reporter(Protocol):
    def __call__(self, report: Report, stream: TextIO, *, show_baselined: bool = False) -> None:
        ...


REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}
