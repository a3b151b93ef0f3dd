"""`--format github`: GitHub Actions workflow commands, one per line, which the runner turns
into annotations on the pull request's files. New problems are errors (or warnings, for
warning-severity contracts and diagnostics). Baselined and suppressed ones are counted per
contract in plain log lines; with `show_baselined` they are notices."""

from __future__ import annotations

from typing import TextIO

from ..model import WARNING, ImportViolation, Report, printable
from .text import GONE_HINT, gone_entry, not_shown, plural, summary_line


def render(report: Report, stream: TextIO, *, show_baselined: bool = False) -> None:
    shown = show_baselined
    for result in report.results:
        for v in result.violations:
            if v.baselined and not shown:
                continue
            replacement = v.replacement if isinstance(v, ImportViolation) else None
            message = f"{v.message}\nfix: {replacement.statement}" if replacement else v.message
            stream.write(_command(_kind(v.baselined, result.severity), message, file=v.path,
                                  line=v.line, title=result.id))
        for v in result.suppressed if shown else ():
            stream.write(_command("notice", f"{v.message} (suppressed)", file=v.path,
                                  line=v.line, title=result.id))
    for d in report.diagnostics:
        if d.baselined and not shown:
            continue
        stream.write(_command(_kind(d.baselined, d.severity), d.message, file=d.path,
                              line=d.line, title=d.kind))
    if not shown:
        for result in report.results:
            if hidden := not_shown(result):
                stream.write(f"{result.id}: not annotated: {hidden} "
                             "(--show-baselined annotates them)\n")
        diagnostics = sum(1 for d in report.diagnostics if d.baselined)
        if diagnostics:
            stream.write(f"not annotated: {plural(diagnostics, 'baselined diagnostic')} "
                         "(--show-baselined annotates them)\n")
    for entry in report.gone:
        stream.write(_command("error" if report.gone_fails else "notice",
                              f"fixed {GONE_HINT}: {gone_entry(entry)}",
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
    """Control and bidi characters as escapes (file names may hold them), then the runner's
    own escapes, so no text can end the command or start another."""
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
