"""`--format json`: the machine-readable report, schema in docs/json-schema.json."""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..model import Definition, Diagnostic, Fixed, Hop, Report, Violation

SCHEMA_VERSION = 1


def render(report: Report, stream: TextIO) -> None:
    json.dump(to_dict(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_dict(report: Report) -> dict[str, Any]:
    """The report; baselined violations and diagnostics are counted, and listed only with
    `show_baselined`; suppressed violations are always listed, apart."""
    summary = report.summary
    shown = report.show_baselined
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
            "fixed": summary.fixed,
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
        "fixed": [_fixed(f) for f in report.fixed],
    }


def _violation(v: Violation) -> dict[str, Any]:
    found = {
        "importer": v.importer,
        "imported": v.imported,
        "symbol": v.symbol,
        "path": v.path,
        "line": v.line,
        "line_contents": v.line_contents,
        "chain": [_hop(h) for h in v.chain],
        "message": v.message,
        "fix": v.fix,
        "fingerprint": v.fingerprint,
        "baselined": v.baselined,
    }
    if v.definitions:
        found["definitions"] = [_definition(d) for d in v.definitions]
    return found


def _definition(d: Definition) -> dict[str, Any]:
    return {"module": d.module, "name": d.name, "kind": d.kind, "path": d.path,
            "line": d.line, "line_contents": d.line_contents}


def _hop(hop: Hop) -> dict[str, Any]:
    return {"importer": hop.importer, "imported": hop.imported, "path": hop.path,
            "line": hop.line, "line_contents": hop.line_contents,
            "in_function": hop.in_function, "type_checking_only": hop.type_checking_only}


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"kind": d.kind, "severity": d.severity, "path": d.path, "line": d.line,
            "message": d.message, "fingerprint": d.fingerprint, "baselined": d.baselined}


def _fixed(f: Fixed) -> dict[str, Any]:
    if f.is_diagnostic:
        return {"kind": f.kind, "path": f.path, "message": f.message, "count": f.count}
    found = {"contract": f.contract_id, "importer": f.importer, "imported": f.imported,
             "symbol": f.symbol, "count": f.count}
    if f.cycle:
        found["cycle"] = True
    return found
