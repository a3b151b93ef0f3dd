"""`--format json`: the machine-readable report, schema in docs/json-schema.json."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .. import model

SCHEMA_VERSION = 1


def render(report: model.Report, stream: TextIO, *, show_baselined: bool = False) -> None:
    json.dump(to_dict(report, show_baselined), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_dict(report: model.Report, show_baselined: bool = False) -> dict[str, Any]:
    """The report; baselined violations and diagnostics are counted, and listed only with
    `show_baselined`; suppressed violations are always listed, apart."""
    summary = report.summary
    shown = show_baselined
    return {
        "schema_version": SCHEMA_VERSION,
        "archlint_version": report.version,
        "summary": {
            "contracts": summary.contracts,
            "kept": summary.kept,
            "broken": summary.broken,
            "violations": summary.violations,
            "new": summary.new,
            "baselined": summary.baselined,
            "fixed": summary.gone,
            "suppressed": summary.suppressed,
            "baselined_diagnostics": sum(1 for d in report.diagnostics if d.baselined),
        },
        "baselined_listed": shown,
        "contracts": [
            {
                "id": result.id,
                "name": result.name,
                "type": result.type,
                "description": result.description,
                "severity": result.severity,
                "status": result.status,
                "violations": [_violation(v) for v in result.violations
                               if shown or not v.baselined],
                "baselined_violations": sum(1 for v in result.violations if v.baselined),
                "suppressed": [_violation(v) for v in result.suppressed],
            }
            for result in report.results
        ],
        "diagnostics": [_diagnostic(d) for d in report.diagnostics if shown or not d.baselined],
        "fixed": [_gone(entry) for entry in report.gone],
    }


def _violation(v: model.Violation) -> dict[str, Any]:
    """One violation in the schema's one shape: an import violation with its chain; a
    duplicate definition as the copy "importing" the original, with every definition; a module
    no layer lists as the module "importing" its container."""
    _, importer, imported, symbol = v.identity
    found: dict[str, Any] = {
        "importer": importer,
        "imported": imported,
        "symbol": symbol or None,
        "path": v.path,
        "line": v.line,
        "line_contents": v.line_contents,
        "chain": [],
        "message": v.message,
        "fix": None,
        "fingerprint": v.fingerprint,
        "baselined": v.baselined,
    }
    if isinstance(v, model.ImportViolation):
        found["chain"] = [_hop(h) for h in v.chain]
        found["fix"] = v.replacement.statement if v.replacement else None
    elif isinstance(v, model.DuplicateDefinition):
        found["definitions"] = [_definition(d) for d in v.definitions]
    return found  # an UnlistedModule has nothing more


def _definition(d: model.Definition) -> dict[str, Any]:
    return {"module": d.module, "name": d.name, "kind": d.kind, "path": d.path,
            "line": d.line, "line_contents": d.line_contents}


def _hop(hop: model.Hop) -> dict[str, Any]:
    return {"importer": hop.importer, "imported": hop.imported, "path": hop.path,
            "line": hop.line, "line_contents": hop.line_contents,
            "in_function": hop.in_function, "type_checking_only": hop.type_checking_only}


def _diagnostic(d: model.Diagnostic) -> dict[str, Any]:
    return {"kind": d.kind, "severity": d.severity, "path": d.path, "line": d.line,
            "message": d.message, "fingerprint": d.fingerprint, "baselined": d.baselined}


def _gone(entry: model.GoneEntry) -> dict[str, Any]:
    if isinstance(entry, model.GoneDiagnostic):
        return {"kind": entry.kind, "path": entry.path, "message": entry.message,
                "count": entry.count}
    if isinstance(entry, model.GoneCycle):
        return {"contract": entry.contract_id, "importer": entry.importer,
                "imported": entry.imported, "symbol": None, "count": entry.count, "cycle": True}
    return {"contract": entry.contract_id, "importer": entry.importer,
            "imported": entry.imported, "symbol": entry.symbol, "count": entry.count}
