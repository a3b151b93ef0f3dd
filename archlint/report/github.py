"""`--format github`: GitHub Actions workflow commands, one per line, which the runner turns
into annotations on the pull request's files. New problems are errors (or warnings, for
warning-severity contracts and diagnostics); baselined ones are notices."""

from __future__ import annotations

from typing import TextIO

from ..model import WARNING, Report
from .text import FIXED_HINT, fixed_entry, summary_line


def render(report: Report, stream: TextIO) -> None:
    for result in report.results:
        for v in result.violations:
            message = f"{v.message}\nfix: {v.fix}" if v.fix else v.message
            stream.write(_command(_kind(v.baselined, result.severity), message, file=v.path,
                                  line=v.line, title=result.id))
    for d in report.diagnostics:
        stream.write(_command(_kind(d.baselined, d.severity), d.message, file=d.path,
                              line=d.line, title=d.kind))
    for entry in report.fixed:
        stream.write(_command("error" if report.strict_baseline else "notice",
                              f"fixed {FIXED_HINT}: {fixed_entry(entry)}",
                              title="archlint baseline"))
    stream.write(summary_line(report) + "\n")


def _kind(baselined: bool, severity: str) -> str:
    if baselined:
        return "notice"
    return "warning" if severity == WARNING else "error"


def _command(kind: str, message: str, **properties: object) -> str:
    """`::kind key=value,…::message`, escaped as the runner expects."""
    fields = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items())
    return f"::{kind} {fields}::{_escape_data(message)}\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
