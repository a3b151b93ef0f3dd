"""The baseline: the violations and error diagnostics a project already has, recorded so that
`archlint check` fails only on new ones, and the ratchet that lets the record only shrink.

Entries carry no line numbers (a violation is contract, importer, imported and symbol; a
diagnostic is kind, path and message), so moving code does not make a known problem new.
For a contract about import cycles the baseline records every pair of modules whose imports
close a cycle, not the imports nominated to break them today, so removing an import never
makes a violation new. The file is JSON, sorted, one entry per line, with counts, so it
diffs well in review. Applying a baseline is a pure function of a Report: checks never see
it. What is wrong with the baseline itself (entries of a contract that no longer exists,
entries written twice) is reported as diagnostics, which `--strict-baseline` makes errors.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from .errors import ConfigError, Problem, UsageError
from .files import write_atomic
from .model import (
    DIAGNOSTIC_KINDS,
    ERROR,
    WARNING,
    ContractResult,
    CycleImport,
    Diagnostic,
    GoneCycle,
    GoneDiagnostic,
    GoneEntry,
    GoneViolation,
    Report,
    Violation,
)
from .settings import Settings, display_path

SCHEMA_VERSION = 1

ViolationKey = tuple[str, str, str, str]  # contract id, importer, imported, symbol ("" if none)
DiagnosticKey = tuple[str, str, str]  # kind, path, message without line numbers
CycleKey = tuple[str, str, str]  # contract id, importer, imported: two children of a package

_VIOLATION_FIELDS = {"contract": str, "importer": str, "imported": str, "symbol": (str, type(None)),
                     "count": int}
_DIAGNOSTIC_FIELDS = {"kind": str, "path": str, "message": str, "count": int}
_CYCLE_FIELDS = {"contract": str, "importer": str, "imported": str}


@dataclass(frozen=True)
class Duplicate:
    """An entry a baseline file holds more than once (what a union merge of two branches
    leaves behind), at `lines` (0 where unknown), with each copy's count."""

    section: str
    key: tuple[str, ...]
    lines: tuple[int, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Baseline:
    """Known problems and how often each occurs, and the import cycles known per contract.

    A baseline read from a file also knows where it is (`path`, as reports show it), the line
    of each entry and the entries the file holds twice; none of that counts when two
    baselines are compared."""

    violations: Counter[ViolationKey]
    diagnostics: Counter[DiagnosticKey]
    cycles: frozenset[CycleKey] = frozenset()
    path: str = field(default="", compare=False)
    lines: dict[tuple[str, ...], int] = field(default_factory=dict, compare=False)
    duplicates: tuple[Duplicate, ...] = field(default=(), compare=False)

    @property
    def total(self) -> int:
        return (sum(self.violations.values()) + sum(self.diagnostics.values())
                + len(self.cycles))

    @property
    def contract_ids(self) -> set[str]:
        return {key[0] for key in self.violations} | {key[0] for key in self.cycles}

    def entries_of(self, contract_id: str) -> int:
        return (sum(n for key, n in self.violations.items() if key[0] == contract_id)
                + sum(1 for key in self.cycles if key[0] == contract_id))

    def renamed(self, renames: dict[str, str]) -> Baseline:
        """The same baseline with the entries of each old contract id under its new one."""
        if not renames:
            return self
        violations: Counter[ViolationKey] = Counter()
        for (contract, importer, imported, symbol), count in self.violations.items():
            violations[(renames.get(contract, contract), importer, imported, symbol)] += count
        cycles = frozenset((renames.get(c, c), a, b) for c, a, b in self.cycles)
        return replace(self, violations=violations, cycles=cycles)


def record(report: Report) -> Baseline:
    """Everything in the report that a baseline can hold: for a contract about cycles, the
    pairs of modules that close one instead of its violations; of the diagnostics, the errors
    of the kinds a baseline may record (a warning fails nothing, and recording one would only
    make a strict baseline fail when it goes, as an optional import does once the module is
    generated)."""
    violations: Counter[ViolationKey] = Counter()
    cycles: set[CycleKey] = set()
    for result in report.results:
        cycles.update((result.id, c.importer, c.imported) for c in result.cycles)
        for violation in result.violations:
            if not isinstance(violation, CycleImport):
                violations[violation.identity] += violation.occurrences
    return Baseline(
        violations=violations,
        diagnostics=Counter(d.identity for d in report.diagnostics if _recordable(d)),
        cycles=frozenset(cycles),
    )


def shrink(recorded: Baseline, current: Baseline) -> Baseline:
    """The ratchet: each entry lowered to what still occurs, none added."""
    return Baseline(violations=recorded.violations & current.violations,
                    diagnostics=recorded.diagnostics & current.diagnostics,
                    cycles=recorded.cycles & current.cycles)


def renames(baseline: Baseline, report: Report) -> dict[str, str]:
    """Old id -> new id for each contract the baseline records that the report does not
    have, when a contract the baseline knows nothing of has violations (or cycles) it
    records: the contract was renamed. The report must hold every contract."""
    recorded = baseline.contract_ids
    checked = {result.id for result in report.results}
    found: dict[str, str] = {}
    for old in sorted(recorded - checked):
        entries = {key[1:] for key in baseline.violations if key[0] == old}
        cycles = {key[1:] for key in baseline.cycles if key[0] == old}
        best, new = 0, ""
        for result in report.results:
            if result.id in recorded or result.id in found.values():
                continue
            matches = (len(entries & {v.identity[1:] for v in result.violations})
                       + len(cycles & {(c.importer, c.imported) for c in result.cycles}))
            if matches > best:
                best, new = matches, result.id
        if best:
            found[old] = new
    return found


def apply(report: Report, baseline: Baseline, *, strict: bool = False,
          every_contract: bool = True) -> Report:
    """Mark what the baseline knows as baselined and list what it records that is gone.

    Of several occurrences of one entry, the first ones in report order are the known ones;
    occurrences beyond the recorded count are new (a violation standing for several, such as
    a name defined in three modules, is known only when the count covers them all). A
    violation closing a cycle is known when the baseline records its pair of modules.

    With `every_contract` (no `--contract` selection), entries of a contract that does not
    exist are a diagnostic, and when they match a contract the baseline knows nothing of (a
    rename) they count for it; without it, entries of contracts that were not checked are
    neither used nor reported. Entries written twice are a diagnostic too. `strict`: the run
    fails while fixed entries remain in the baseline, and on those diagnostics.
    """
    severity = ERROR if strict else WARNING
    problems = [_duplicate_diagnostic(baseline, duplicate, severity)
                for duplicate in baseline.duplicates]
    if every_contract:
        moved = renames(baseline, report)
        checked = {result.id for result in report.results}
        problems += [_unknown_diagnostic(baseline, old, moved.get(old), severity)
                     for old in sorted(baseline.contract_ids - checked)]
        baseline = baseline.renamed(moved)
    known_violations = Counter(baseline.violations)
    results = []
    for result in report.results:
        marked: list[Violation] = []
        for violation in result.violations:
            if isinstance(violation, CycleImport):
                known = (result.id, *violation.children) in baseline.cycles
                marked.append(replace(violation, baselined=known))
                continue
            key = violation.identity
            known = known_violations[key] >= violation.occurrences
            # a grown violation uses up its entry: it is new, and its entry is not "fixed"
            known_violations[key] -= min(known_violations[key], violation.occurrences)
            marked.append(replace(violation, baselined=known))
        marked += _new_cycle_dependencies(result, baseline, marked)
        results.append(replace(result, violations=tuple(sorted(marked,
                                                               key=lambda v: v.sort_key()))))
    known_diagnostics = Counter(baseline.diagnostics)
    diagnostics = []
    for diagnostic in report.diagnostics:
        identity = diagnostic.identity
        known = _recordable(diagnostic) and known_diagnostics[identity] > 0
        known_diagnostics[identity] -= known
        diagnostics.append(replace(diagnostic, baselined=known))
    checked_cycles = {(result.id, c.importer, c.imported)
                      for result in report.results for c in result.cycles}
    checked = {result.id for result in report.results}
    gone: list[GoneEntry] = [
        GoneViolation(contract, importer, imported, symbol or None, count)
        for (contract, importer, imported, symbol), count in sorted(known_violations.items())
        if count > 0 and contract in checked
    ]
    gone += [GoneCycle(contract, importer, imported)
             for contract, importer, imported in sorted(baseline.cycles - checked_cycles)
             if contract in checked]
    gone += [GoneDiagnostic(kind, path, message, count)
             for (kind, path, message), count in sorted(known_diagnostics.items()) if count > 0]
    every_diagnostic = sorted(diagnostics + problems, key=lambda d: d.sort_key())
    return replace(report, results=tuple(results), diagnostics=tuple(every_diagnostic),
                   gone=tuple(gone), gone_fails=strict)


def _recordable(diagnostic: Diagnostic) -> bool:
    return DIAGNOSTIC_KINDS[diagnostic.kind].baselined and diagnostic.severity == ERROR


def _new_cycle_dependencies(result: ContractResult, baseline: Baseline,
                            violations: Sequence[Violation]) -> list[CycleImport]:
    """A new violation for each dependency on a cycle that the baseline does not record and
    no new violation names: a new import can join an old cycle without being the one
    nominated to break it, and must still fail the run."""
    named = {v.children for v in violations if isinstance(v, CycleImport) and not v.baselined}
    return [
        CycleImport(
            contract_id=result.id, importer=c.hop.importer, imported=c.hop.imported,
            path=c.hop.path, line=c.hop.line, line_contents=c.hop.line_contents,
            message=(f"{c.hop.importer} imports {c.hop.imported}, and {c.imported} leads back "
                     f"to {c.importer}: a dependency on an import cycle between children of "
                     f"{c.package} that the baseline does not record"),
            chain=(c.hop,), children=(c.importer, c.imported))
        for c in result.cycles
        if (result.id, c.importer, c.imported) not in baseline.cycles
        and (c.importer, c.imported) not in named
    ]


def _unknown_diagnostic(baseline: Baseline, old: str, new: str | None,
                        severity: str) -> Diagnostic:
    entries = baseline.entries_of(old)
    what = (f"the baseline records {entries} {'entry' if entries == 1 else 'entries'} of "
            f"contract '{old}', which no contract has")
    if new is None:
        message = f"{what} (deleted or renamed); `archlint baseline --update` removes them"
    else:
        message = (f"{what}; they match violations of '{new}', so they count for it (renamed?); "
                   f"`archlint baseline --update` records them under '{new}'")
    line = min((n for key, n in baseline.lines.items()
                if key[0] != "diagnostics" and key[1] == old and n), default=1)
    return Diagnostic("unknown-baseline-contract", baseline.path, line, message, severity)


def _duplicate_diagnostic(baseline: Baseline, duplicate: Duplicate,
                          severity: str) -> Diagnostic:
    key = duplicate.key
    if duplicate.section == "diagnostics":
        what = f"{key[0]}  {key[1]}  {key[2]}"
    else:
        symbol = f"  [{key[3]}]" if len(key) > 3 and key[3] else ""
        what = f"{key[0]}  {key[1]} -> {key[2]}{symbol}"
    lines = [n for n in duplicate.lines if n]
    where = f" (lines {', '.join(map(str, lines))})" if lines else ""
    counted = (f", counted once with the largest count, {max(duplicate.counts)}"
               if duplicate.section != "cycles" else "")
    return Diagnostic(
        "duplicate-baseline-entry", baseline.path, lines[0] if lines else 1,
        f"the baseline holds the entry {what} {len(duplicate.lines)} times{where}, as a merge "
        f"of two branches leaves it{counted}; `archlint baseline --update` writes it once",
        severity)


def default_path(settings: Settings) -> Path:
    return settings.root / settings.baseline


def for_check(settings: Settings, given: Path | None) -> Baseline | None:
    """The baseline `check` applies: the file given on the command line (which must exist),
    else the file of the `baseline` setting when there is one."""
    if given is None:
        return load(default_path(settings), settings)
    found = load(given, settings)
    if found is None:
        raise UsageError(f"baseline file not found: {display_path(given)}")
    return found


def load(path: Path, settings: Settings) -> Baseline | None:
    """Read a baseline file; None when there is none. A file that is not a baseline archlint
    can read is an error: it is never silently replaced. An entry written more than once
    counts once, with its largest count, and is listed in `duplicates`."""
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        problem = Problem(f"cannot read the baseline: {exc.strerror}", file=name)
        raise ConfigError([problem]) from None
    except UnicodeDecodeError:
        raise _unreadable(name, "not valid UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _unreadable(name, f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                                f"{exc.msg}") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise _unreadable(name, "no schema_version key")
    if data["schema_version"] != SCHEMA_VERSION:
        raise _unreadable(name, f"schema_version {data['schema_version']!r}; this archlint "
                                f"reads schema_version {SCHEMA_VERSION}")
    entry_lines = _entry_lines(text, data)
    lines: dict[tuple[str, ...], int] = {}
    duplicates: list[Duplicate] = []
    violations: Counter[ViolationKey] = _counted(
        "violations", [((e["contract"], e["importer"], e["imported"], e["symbol"] or ""),
                        e["count"]) for e in _entries(data, "violations", _VIOLATION_FIELDS, name)],
        entry_lines, lines, duplicates)
    diagnostics: Counter[DiagnosticKey] = _counted(
        "diagnostics", [((e["kind"], e["path"], e["message"]), e["count"])
                        for e in _entries(data, "diagnostics", _DIAGNOSTIC_FIELDS, name)],
        entry_lines, lines, duplicates)
    cycles: Counter[CycleKey] = _counted(
        "cycles", [((e["contract"], e["importer"], e["imported"]), 1)
                   for e in _entries(data, "cycles", _CYCLE_FIELDS, name, optional=True)],
        entry_lines, lines, duplicates)
    return Baseline(violations=violations, diagnostics=diagnostics, cycles=frozenset(cycles),
                    path=settings.relative(path), lines=lines, duplicates=tuple(duplicates))


Key = TypeVar("Key", bound=tuple[str, ...])


def _counted(section: str, entries: list[tuple[Key, int]], entry_lines: dict[str, list[int]],
             lines: dict[tuple[str, ...], int], duplicates: list[Duplicate]) -> Counter[Key]:
    """The entries of one section counted, an entry written more than once with its largest
    count; the line of each entry goes into `lines`, each entry written twice into
    `duplicates`."""
    copies: dict[Key, list[tuple[int, int]]] = {}
    for number, (key, count) in enumerate(entries):
        line = entry_lines[section][number] if entry_lines[section] else 0
        copies.setdefault(key, []).append((line, count))
    for key, found in copies.items():
        lines[(section, *key)] = found[0][0]
        if len(found) > 1:
            duplicates.append(Duplicate(section, key, tuple(n for n, _ in found),
                                        tuple(c for _, c in found)))
    return Counter({key: max(c for _, c in found) for key, found in copies.items()})


def _entries(data: dict[str, Any], section: str, fields: dict[str, Any], name: str,
             optional: bool = False) -> list[dict[str, Any]]:
    if optional and section not in data:
        return []
    entries = data.get(section)
    if not isinstance(entries, list):
        raise _unreadable(name, f"'{section}' must be a list")
    for number, entry in enumerate(entries):
        valid = (isinstance(entry, dict) and set(entry) == set(fields)
                 and all(isinstance(entry[k], t) and not isinstance(entry[k], bool)
                         for k, t in fields.items())
                 and entry.get("count", 1) >= 1)
        if not valid:
            counted = ", with a count of 1 or more" if "count" in fields else ""
            raise _unreadable(name, f"{section}[{number}] must have exactly the keys "
                                    f"{', '.join(fields)}{counted}")
    return entries


def _entry_lines(text: str, data: dict[str, Any]) -> dict[str, list[int]]:
    """The line of each entry of each section, as archlint writes the file (one entry per
    line); a section written another way gets no lines (an empty list)."""
    found: dict[str, list[int]] = {"violations": [], "diagnostics": [], "cycles": []}
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        for name in found:
            if stripped.startswith(f'"{name}"'):
                section = name
        if section and stripped.startswith("{") and stripped.rstrip(",").endswith("}"):
            found[section].append(number)
    return {name: numbers if len(numbers) == len(data.get(name) or ()) else []
            for name, numbers in found.items()}


def _unreadable(name: str, reason: str) -> ConfigError:
    return ConfigError([Problem(
        f"not a baseline archlint can read ({reason}); fix the file, or delete it and run "
        "`archlint baseline`", file=name)])


def dumps(baseline: Baseline, version: str) -> str:
    """The file's text: sorted entries, one per line, so a review diff shows each change;
    `version` is the archlint that wrote it."""
    violations = [
        {"contract": c, "importer": a, "imported": b, "symbol": s or None, "count": n}
        for (c, a, b, s), n in sorted(baseline.violations.items()) if n > 0
    ]
    diagnostics = [
        {"kind": k, "path": p, "message": m, "count": n}
        for (k, p, m), n in sorted(baseline.diagnostics.items()) if n > 0
    ]
    cycles = [{"contract": c, "importer": a, "imported": b}
              for c, a, b in sorted(baseline.cycles)]

    def listing(entries: list[dict[str, Any]]) -> str:
        if not entries:
            return "[]"
        lines = ",\n".join(f"    {json.dumps(e, ensure_ascii=False)}" for e in entries)
        return f"[\n{lines}\n  ]"

    return (
        "{\n"
        f'  "schema_version": {SCHEMA_VERSION},\n'
        f'  "archlint_version": {json.dumps(version)},\n'
        f'  "violations": {listing(violations)},\n'
        + (f'  "cycles": {listing(cycles)},\n' if cycles else "")
        + f'  "diagnostics": {listing(diagnostics)}\n'
        "}\n"
    )


def write(path: Path, baseline: Baseline, version: str, *, root: Path | None = None) -> None:
    """Write the baseline file; with `root`, the project's folder, a symbolic link is written
    where it leads, never out of the project (see files.write_atomic)."""
    try:
        write_atomic(path, dumps(baseline, version), root=root)
    except OSError as exc:
        raise UsageError(f"cannot write {display_path(path)}: {exc.strerror}") from None
