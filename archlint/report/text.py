"""The text report, for people: grouped by contract, each violation with where, what and how
to fix it, then diagnostics and a one-line summary."""

from __future__ import annotations

import io
from typing import TextIO

from ..model import (
    DIAGNOSTIC_KINDS,
    WARNING,
    ContractResult,
    Definition,
    DuplicateDefinition,
    GoneCycle,
    GoneDiagnostic,
    GoneEntry,
    Hop,
    ImportViolation,
    Report,
    UnlistedModule,
    Violation,
    printable,
)

INDENT = "  "
DETAIL = "      "
# A longer chain shows its first and last hops only: the link to cut is usually at an end,
# and a pathological graph must not bury the report under thousands of lines.
MAX_CHAIN_HOPS = 12


def render(report: Report, stream: TextIO, *, show_baselined: bool = False) -> None:
    """The report for a terminal; baselined violations and diagnostics, and suppressed
    violations, are counted, and listed one by one only with `show_baselined`. Control
    characters from checked code are shown as escapes: printed raw, an escape sequence would
    drive the reader's terminal."""
    buffer = io.StringIO()
    _render(report, buffer, *_marks(stream), show_baselined)
    stream.write(printable(buffer.getvalue()))


def _render(report: Report, stream: TextIO, kept_mark: str, broken_mark: str,
            show_baselined: bool) -> None:
    for result in report.results:
        _render_result(result, stream, kept_mark, broken_mark, show_baselined)
    listed = [d for d in report.diagnostics if show_baselined or not d.baselined]
    hidden = len(report.diagnostics) - len(listed)
    if report.diagnostics:
        stream.write("diagnostics\n")
        for d in listed:
            baselined = "  (baselined)" if d.baselined else ""
            stream.write(f"{INDENT}{d.path}:{d.line}  {d.kind}  {d.message}{baselined}\n")
        if hidden:
            stream.write(f"{INDENT}not shown: {plural(hidden, 'baselined diagnostic')} "
                         f"{SHOW_HINT}\n")
    if report.gone:
        stream.write(f"fixed {GONE_HINT}\n")
        for line in gone_lines(report.gone, show_baselined):
            stream.write(f"{INDENT}{line}\n")
    stream.write(summary_line(report) + "\n")


GONE_HINT = "— run `archlint baseline --update`"
SHOW_HINT = "(--show-baselined lists them)"
# Beyond this many baseline entries that are gone, the text report counts them per contract.
MAX_GONE_LISTED = 10


def gone_entry(entry: GoneEntry) -> str:
    """A baseline entry that is gone, as one line: what it was, and how many went."""
    if isinstance(entry, GoneDiagnostic):
        what = f"{entry.path}  {entry.kind}  {entry.message}"
    elif isinstance(entry, GoneCycle):
        what = f"{entry.contract_id}  {entry.importer} -> {entry.imported}  (no longer in a cycle)"
    else:
        symbol = f"  [{entry.symbol}]" if entry.symbol else ""
        what = f"{entry.contract_id}  {entry.importer} -> {entry.imported}{symbol}"
    return what if entry.count == 1 else f"{what}  ({entry.count} gone)"


def gone_lines(gone: tuple[GoneEntry, ...], show_all: bool) -> list[str]:
    """The entries that are gone, one per line; beyond MAX_GONE_LISTED (unless `show_all`),
    how many are gone per contract and per diagnostic kind."""
    if show_all or len(gone) <= MAX_GONE_LISTED:
        return [gone_entry(entry) for entry in gone]
    counts: dict[str, int] = {}
    for entry in gone:
        what = entry.kind if isinstance(entry, GoneDiagnostic) else entry.contract_id
        counts[what] = counts.get(what, 0) + entry.count
    return [f"{what}  {count} gone" for what, count in counts.items()] + [
        f"{plural(len(gone), 'entry', 'entries')} in all {SHOW_HINT}"]


def not_shown(result: ContractResult) -> str:
    """`140 baselined violations, 2 suppressed by a comment`, or "" when none of either."""
    baselined = sum(1 for v in result.violations if v.baselined)
    parts = [plural(baselined, "baselined violation")] if baselined else []
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed by a comment")
    return ", ".join(parts)


def _render_result(result: ContractResult, stream: TextIO, kept_mark: str, broken_mark: str,
                   show_all: bool) -> None:
    listed = [v for v in result.violations if show_all or not v.baselined]
    note = ""
    if not result.kept and result.severity == WARNING:
        note = "  (warning: does not fail the run)"
    stream.write(f"{kept_mark if result.kept else broken_mark} {result.id}  {result.name}{note}\n")
    if listed and result.description:
        for line in result.description.strip().splitlines():
            stream.write(f"{INDENT}{line.strip()}\n")
    for violation in listed:
        _render_violation(violation, stream)
    if show_all:
        for violation in result.suppressed:
            _render_violation(violation, stream, "  (suppressed)")
    elif hidden := not_shown(result):
        stream.write(f"{INDENT}not shown: {hidden} {SHOW_HINT}\n")


def _render_violation(v: Violation, stream: TextIO, mark: str = "") -> None:
    mark = mark or ("  (baselined)" if v.baselined else "")
    if isinstance(v, ImportViolation):
        lines = _import_violation(v)
    elif isinstance(v, DuplicateDefinition):
        lines = [f"{v.copy}  [{v.symbol}]", v.message, *definition_lines(v.definitions)]
    else:
        assert isinstance(v, UnlistedModule)
        lines = [v.module, v.message]
    stream.write(f"{INDENT}{v.path}:{v.line}  {lines[0]}{mark}\n")
    stream.writelines(f"{DETAIL}{line}\n" for line in lines[1:])


def _import_violation(v: ImportViolation) -> list[str]:
    """The heading after the place, then: the message and every hop of a chain; or the
    statement and the message, or instead of the message the replacement."""
    symbol = f"  [{v.symbol}]" if v.symbol else ""
    lines = [f"{v.importer} -> {v.imported}{symbol}"]
    if v.is_indirect:
        lines += [v.message, *chain_lines(v.chain)]
    else:
        lines += [f"{v.line_contents}{hop_note(v.chain[0])}"] if v.line_contents else []
        lines += [] if v.replacement else [v.message]
    return lines + ([f"fix: {v.replacement.statement}"] if v.replacement else [])


def definition_lines(definitions: tuple[Definition, ...]) -> list[str]:
    """One aligned line per definition: `path:line  kind  source`, the first marked original."""
    places = [f"{d.path}:{d.line}" for d in definitions]
    width = max(len(p) for p in places)
    kind_width = max(len(d.kind) for d in definitions)
    return [f"{place.ljust(width)}  {d.kind.ljust(kind_width)}  {d.line_contents}"
            + ("  (original)" if number == 0 else "")
            for number, (place, d) in enumerate(zip(places, definitions, strict=True))]


def hop_lines(hops: tuple[Hop, ...]) -> list[str]:
    """One aligned line per hop of a chain: `a -> b  path:line  source`, and when the import
    runs only in a function or never (`if TYPE_CHECKING:`), a note saying so."""
    width = max(len(f"{h.importer} -> {h.imported}") for h in hops)
    return [f"{f'{h.importer} -> {h.imported}'.ljust(width)}  {h.path}:{h.line}  "
            f"{h.line_contents}{hop_note(h)}" for h in hops]


def hop_note(hop: Hop) -> str:
    """`  (in a function)`, `  (under TYPE_CHECKING)`, both, or nothing: why the import may
    not run when its module is imported."""
    where = [text for flag, text in ((hop.in_function, "in a function"),
                                     (hop.type_checking_only, "under TYPE_CHECKING")) if flag]
    return f"  ({', '.join(where)})" if where else ""


def chain_lines(hops: tuple[Hop, ...]) -> list[str]:
    """The hops of a chain, the middle left out (and said so) beyond MAX_CHAIN_HOPS."""
    if len(hops) <= MAX_CHAIN_HOPS:
        return hop_lines(hops)
    head = MAX_CHAIN_HOPS // 2
    tail = MAX_CHAIN_HOPS - head - 1
    lines = hop_lines(hops[:head] + hops[-tail:])
    hidden = len(hops) - head - tail
    note = (f"... {hidden} more imports not shown; `archlint explain {hops[0].importer} "
            f"{hops[-1].imported}` or --format json shows the whole chain")
    return [*lines[:head], note, *lines[head:]]


def summary_line(report: Report) -> str:
    s = report.summary
    parts = [
        f"{plural(s.contracts, 'contract')}: {s.kept} kept, {s.broken} broken",
        f"{plural(s.violations, 'violation')} ({s.new} new, {s.baselined} baselined)",
    ]
    if s.suppressed:
        parts.append(f"{s.suppressed} suppressed")
    for kind in DIAGNOSTIC_KINDS.values():
        count = sum(1 for d in report.diagnostics if d.kind == kind.name)
        if count:
            parts.append(plural(count, kind.noun, kind.nouns))
    if s.gone:
        strict = " (--strict-baseline: fails)" if report.gone_fails else ""
        parts.append(f"{s.gone} fixed since the baseline{strict}")
    return " · ".join(parts)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 file`, `2 files`; `nouns` for an irregular plural."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def _marks(stream: TextIO) -> tuple[str, str]:
    """✓/✗ where the stream can encode them, plain ASCII elsewhere."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        "✓✗·".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "ok", "FAIL"
    return "✓", "✗"

