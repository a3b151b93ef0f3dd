"""`--format sarif`: SARIF 2.1.0 for code scanning (GitHub and others).

One rule per contract (and one per diagnostic kind), one result per violation and diagnostic
with file, line and message. Fingerprints go to `partialFingerprints`, so a code-scanning
service follows a violation when its line moves. Baselined results are left out, and counted
per contract in a tool notification (with `show_baselined`, they are notes with
`baselineState` "unchanged"); suppressed violations are results with an `inSource`
suppression. Baseline entries that are gone become tool notifications.
"""

from __future__ import annotations

import json
from typing import Any, TextIO
from urllib.parse import quote

from ..model import (
    DIAGNOSTIC_KINDS,
    ERROR,
    WARNING,
    Diagnostic,
    Hop,
    ImportViolation,
    Report,
    Violation,
)
from .text import GONE_HINT, gone_entry, hop_note, plural

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "archlint/v1"


def render(report: Report, stream: TextIO, *, show_baselined: bool = False) -> None:
    json.dump(to_dict(report, show_baselined), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def to_dict(report: Report, show_baselined: bool = False) -> dict[str, Any]:
    rules = [_contract_rule(r.id, r.name, r.description, r.type, r.severity)
             for r in report.results]
    rules += [_diagnostic_rule(kind.name, kind.description) for kind in DIAGNOSTIC_KINDS.values()]
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    shown = show_baselined
    results = [
        _violation_result(v, index[r.id], r.severity)
        for r in report.results for v in r.violations if shown or not v.baselined
    ] + [
        _violation_result(v, index[r.id], r.severity, suppressed=True)
        for r in report.results for v in r.suppressed
    ] + [_diagnostic_result(d, index[d.kind]) for d in report.diagnostics
         if shown or not d.baselined]
    level = "error" if report.gone_fails else "note"
    notifications = [{"level": level, "message": {"text": f"fixed {GONE_HINT}: {gone_entry(e)}"}}
                     for e in report.gone]
    if not shown:
        notifications += [{"level": "note", "message": {"text": text}}
                          for text in not_listed(report)]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "archlint",
                "version": report.version,
                "informationUri": "https://pypi.org/project/archlint/",
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }


def _contract_rule(rule_id: str, name: str, description: str, contract_type: str,
                   severity: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": name},
        "fullDescription": {"text": " ".join(description.split()) or name},
        "defaultConfiguration": {"level": _level(severity)},
        "properties": {"contract_type": contract_type},
    }


def _diagnostic_rule(kind: str, text: str) -> dict[str, Any]:
    return {"id": kind, "name": kind, "shortDescription": {"text": text},
            "fullDescription": {"text": text}, "defaultConfiguration": {"level": "error"}}


def _violation_result(v: Violation, rule_index: int, severity: str,
                      suppressed: bool = False) -> dict[str, Any]:
    replacement = v.replacement if isinstance(v, ImportViolation) else None
    message = f"{v.message}. Fix: {replacement.statement}" if replacement else v.message
    _, importer, imported, symbol = v.identity
    result: dict[str, Any] = {
        "ruleId": v.contract_id,
        "ruleIndex": rule_index,
        "level": "note" if v.baselined else _level(severity),
        "message": {"text": message},
        "locations": [_location(v.path, v.line, v.line_contents)],
        "partialFingerprints": {FINGERPRINT_KEY: v.fingerprint},
        "baselineState": "unchanged" if v.baselined else "new",
        "properties": {"importer": importer, "imported": imported, "symbol": symbol or None},
    }
    if isinstance(v, ImportViolation) and v.is_indirect:
        result["relatedLocations"] = [_hop_location(number, hop)
                                      for number, hop in enumerate(v.chain)]
    if suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification":
                                   "an `# archlint: ignore` comment on the import statement"}]
    return result


def not_listed(report: Report) -> list[str]:
    """What the report counts instead of listing: the baselined violations of each contract
    and the baselined diagnostics, one sentence each."""
    counts = [(r.id, sum(1 for v in r.violations if v.baselined)) for r in report.results]
    texts = [f"{contract}: {plural(count, 'baselined violation')} not listed {LIST_HINT}"
             for contract, count in counts if count]
    diagnostics = sum(1 for d in report.diagnostics if d.baselined)
    if diagnostics:
        texts.append(f"{plural(diagnostics, 'baselined diagnostic')} not listed {LIST_HINT}")
    return texts


LIST_HINT = "(archlint check --show-baselined lists them)"


def _diagnostic_result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": d.kind,
        "ruleIndex": rule_index,
        "level": "note" if d.baselined else _level(d.severity),
        "message": {"text": d.message},
        "locations": [_location(d.path, d.line)],
        "partialFingerprints": {FINGERPRINT_KEY: d.fingerprint},
        "baselineState": "unchanged" if d.baselined else "new",
    }


def _location(path: str, line: int, source: str = "") -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": line}
    if source:
        region["snippet"] = {"text": source}
    return {"physicalLocation": {
        "artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"},
        "region": region,
    }}


def _hop_location(number: int, hop: Hop) -> dict[str, Any]:
    location = _location(hop.path, hop.line, hop.line_contents)
    text = f"{hop.importer} -> {hop.imported}{hop_note(hop)}"
    return {"id": number, "message": {"text": text}, **location}


def _level(severity: str) -> str:
    return {ERROR: "error", WARNING: "warning"}[severity]
