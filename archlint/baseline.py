"""The baseline: the violations and error diagnostics a project already has, recorded so that
`archlint check` fails only on new ones, and the ratchet that lets the record only shrink.

Entries carry no line numbers (a violation is contract, importer, imported and symbol; a
diagnostic is kind, path and message), so moving code does not make a known problem new.
The file is JSON, sorted, one entry per line, with counts, so it diffs well in review.
Applying a baseline is a pure function of a Report: checks never see it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem, UsageError
from .files import write_atomic
from .model import DIAGNOSTIC_KINDS, Fixed, Report
from .settings import Settings, shown

SCHEMA_VERSION = 1

ViolationKey = tuple[str, str, str, str]  # contract id, importer, imported, symbol ("" if none)
DiagnosticKey = tuple[str, str, str]  # kind, path, message without line numbers

_VIOLATION_FIELDS = {"contract": str, "importer": str, "imported": str, "symbol": (str, type(None)),
                     "count": int}
_DIAGNOSTIC_FIELDS = {"kind": str, "path": str, "message": str, "count": int}


@dataclass(frozen=True)
class Baseline:
    """Known problems and how often each occurs."""

    violations: Counter[ViolationKey]
    diagnostics: Counter[DiagnosticKey]

    @property
    def total(self) -> int:
        return sum(self.violations.values()) + sum(self.diagnostics.values())


def record(report: Report) -> Baseline:
    """Everything in the report that a baseline can hold."""
    violations: Counter[ViolationKey] = Counter()
    for result in report.results:
        for violation in result.violations:
            violations[violation.identity] += violation.occurrences
    return Baseline(
        violations=violations,
        diagnostics=Counter(d.identity for d in report.diagnostics
                            if DIAGNOSTIC_KINDS[d.kind].baselined),
    )


def shrink(recorded: Baseline, current: Baseline) -> Baseline:
    """The ratchet: each entry lowered to what still occurs, none added."""
    return Baseline(violations=recorded.violations & current.violations,
                    diagnostics=recorded.diagnostics & current.diagnostics)


def apply(report: Report, baseline: Baseline, *, strict: bool = False) -> Report:
    """Mark what the baseline knows as baselined and list what it records that is gone.

    Of several occurrences of one entry, the first ones in report order are the known ones;
    occurrences beyond the recorded count are new (a violation standing for several, such as
    a name defined in three modules, is known only when the count covers them all). Entries of contracts that were not checked
    (`--contract`) are neither used nor reported as fixed. `strict`: the run fails while
    fixed entries remain in the baseline.
    """
    known_violations = Counter(baseline.violations)
    results = []
    for result in report.results:
        marked = []
        for violation in result.violations:
            key = violation.identity
            known = known_violations[key] >= violation.occurrences
            # a grown violation uses up its entry: it is new, and its entry is not "fixed"
            known_violations[key] -= min(known_violations[key], violation.occurrences)
            marked.append(replace(violation, baselined=known))
        results.append(replace(result, violations=tuple(marked)))
    known_diagnostics = Counter(baseline.diagnostics)
    diagnostics = []
    for diagnostic in report.diagnostics:
        key = diagnostic.identity
        known = DIAGNOSTIC_KINDS[diagnostic.kind].baselined and known_diagnostics[key] > 0
        known_diagnostics[key] -= known
        diagnostics.append(replace(diagnostic, baselined=known))
    checked = {result.id for result in report.results}
    fixed = [
        Fixed(count, contract_id=contract, importer=importer, imported=imported,
              symbol=symbol or None)
        for (contract, importer, imported, symbol), count in sorted(known_violations.items())
        if count > 0 and contract in checked
    ] + [
        Fixed(count, kind=kind, path=path, message=message)
        for (kind, path, message), count in sorted(known_diagnostics.items()) if count > 0
    ]
    return replace(report, results=tuple(results), diagnostics=tuple(diagnostics),
                   fixed=tuple(fixed), strict_baseline=strict)


def default_path(settings: Settings) -> Path:
    return settings.root / settings.baseline


def for_check(settings: Settings, given: Path | None) -> Baseline | None:
    """The baseline `check` applies: the file given on the command line (which must exist),
    else the file of the `baseline` setting when there is one."""
    if given is None:
        return load(default_path(settings))
    found = load(given)
    if found is None:
        raise UsageError(f"baseline file not found: {shown(given)}")
    return found


def load(path: Path) -> Baseline | None:
    """Read a baseline file; None when there is none. A file that is not a baseline archlint
    can read is an error: it is never silently replaced."""
    name = shown(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError([Problem(f"cannot read the baseline: {exc.strerror}", file=name)]) from None
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
    return Baseline(
        violations=Counter({
            (e["contract"], e["importer"], e["imported"], e["symbol"] or ""): e["count"]
            for e in _entries(data, "violations", _VIOLATION_FIELDS, name)
        }),
        diagnostics=Counter({
            (e["kind"], e["path"], e["message"]): e["count"]
            for e in _entries(data, "diagnostics", _DIAGNOSTIC_FIELDS, name)
        }),
    )


def _entries(data: dict[str, Any], section: str, fields: dict[str, Any], name: str) -> list[dict]:
    entries = data.get(section)
    if not isinstance(entries, list):
        raise _unreadable(name, f"'{section}' must be a list")
    for number, entry in enumerate(entries):
        valid = (isinstance(entry, dict) and set(entry) == set(fields)
                 and all(isinstance(entry[k], t) and not isinstance(entry[k], bool)
                         for k, t in fields.items())
                 and entry["count"] >= 1)
        if not valid:
            raise _unreadable(name, f"{section}[{number}] must have exactly the keys "
                                    f"{', '.join(fields)}, with a count of 1 or more")
    return entries


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

    def listing(entries: list[dict]) -> str:
        if not entries:
            return "[]"
        lines = ",\n".join(f"    {json.dumps(e, ensure_ascii=False)}" for e in entries)
        return f"[\n{lines}\n  ]"

    return (
        "{\n"
        f'  "schema_version": {SCHEMA_VERSION},\n'
        f'  "archlint_version": {json.dumps(version)},\n'
        f'  "violations": {listing(violations)},\n'
        f'  "diagnostics": {listing(diagnostics)}\n'
        "}\n"
    )


def write(path: Path, baseline: Baseline, version: str) -> None:
    try:
        write_atomic(path, dumps(baseline, version))
    except OSError as exc:
        raise UsageError(f"cannot write {shown(path)}: {exc.strerror}") from None
