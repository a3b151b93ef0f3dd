"""Read contract files into Contract objects, collecting every problem with its location."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .contracts import CONTRACT_TYPES, Contract, Origin
from .discovery import contract_files
from .errors import ConfigError, Problem, did_you_mean
from .model import DIAGNOSTIC_KINDS
from .settings import Settings, read_toml
from .tables import read_table

# A `[[contracts]]` header at the start of a line, or a string or comment (a header inside one
# is text): scanned left to right, the search for headers never looks into a string.
_HEADER_OR_SKIPPED = re.compile(
    r"(?P<header>^[ \t]*\[\[[ \t]*(?:contracts|\"contracts\"|'contracts')[ \t]*\]\])"
    r"|'''.*?'''"  # multi-line literal string
    r'|"""(?:\\.|[^\\])*?"""'  # multi-line basic string
    r"|'[^'\n]*'"  # literal string
    r'|"(?:\\.|[^"\\\n])*"'  # basic string
    r"|#[^\n]*",  # comment
    re.S | re.M)
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


def load_contracts(settings: Settings) -> list[Contract]:
    """Every contract of the project, validated without the graph."""
    contracts: list[Contract] = []
    problems: list[Problem] = []
    for path in contract_files(settings):
        found, file_problems = _load_file(path, settings.relative(path))
        contracts += found
        problems += file_problems
    first_seen: dict[str, Contract] = {}
    for contract in contracts:
        if contract.id in DIAGNOSTIC_KINDS:
            problems.append(contract.problem(
                "id", f"'{contract.id}' is the name of one of archlint's diagnostics; choose "
                      "another id"))
        earlier = first_seen.setdefault(contract.id, contract)
        if earlier is not contract:
            where = f"{earlier.origin.file}:{earlier.origin.line or '?'}"
            problems.append(contract.problem("id", f"duplicate id, first defined at {where}"))
    if problems:
        raise ConfigError(problems)
    return contracts


def _load_file(path: Path, shown: str) -> tuple[list[Contract], list[Problem]]:
    try:
        data = read_toml(path, shown)
    except ConfigError as exc:
        return [], list(exc.problems)
    problems = [
        Problem(f"unknown top-level key{did_you_mean(key, ['contracts'])}; contracts are "
                "written as [[contracts]] tables", file=shown, key=key)
        for key in data if key != "contracts"
    ]
    tables = data.get("contracts", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return [], [*problems, Problem("expected [[contracts]] tables", file=shown,
                                        key="contracts")]
    lines = _header_lines(path)
    contracts = []
    for index, table in enumerate(tables):
        line = lines[index] if index < len(lines) else None
        contract, table_problems = _build(table, Origin(shown, line))
        problems += table_problems
        if contract is not None:
            contracts.append(contract)
    return contracts, problems


def _header_lines(path: Path) -> list[int]:
    """Line numbers of the `[[contracts]]` headers, in order, to locate each table (a header
    written inside a multi-line string must not shift the tables after it)."""
    text = path.read_text(encoding="utf-8")
    return [text.count("\n", 0, found.start()) + 1
            for found in _HEADER_OR_SKIPPED.finditer(text) if found.group("header")]


def _build(table: dict[str, Any], origin: Origin) -> tuple[Contract | None, list[Problem]]:
    contract_id = table.get("id")
    named = isinstance(contract_id, str) and contract_id.isprintable()  # one line, as written
    where = Problem("", file=origin.file, line=origin.line,
                    contract_id=contract_id if named else None)
    problems = []
    if not isinstance(contract_id, str):
        problems.append(_at(where, "id", "required key is missing" if contract_id is None
                            else "expected a string"))
    elif not _ID.fullmatch(contract_id):
        problems.append(_at(where, "id", f"{contract_id!r} must start with a-z or 0-9 and use "
                                         "only a-z, 0-9 and '-'"))
    kind = table.get("type")
    if not isinstance(kind, str):
        problems.append(_at(where, "type", "required key is missing; one of "
                            + ", ".join(sorted(CONTRACT_TYPES))))
        return None, problems
    cls = CONTRACT_TYPES.get(kind)
    if cls is None:
        problems.append(_at(where, "type", f"unknown contract type '{kind}'"
                            f"{did_you_mean(kind, CONTRACT_TYPES)}; known types: "
                            + ", ".join(sorted(CONTRACT_TYPES))))
        return None, problems
    kwargs, table_problems = read_table(cls, table, where=where, skip=frozenset({"id", "type"}))
    problems += table_problems
    if problems:
        return None, problems
    kwargs.setdefault("name", contract_id)
    contract = cls(id=str(contract_id), origin=origin, **kwargs)
    static = contract.static_problems()
    return (None, static) if static else (contract, [])


def _at(where: Problem, key: str, message: str) -> Problem:
    return Problem(message, file=where.file, line=where.line, contract_id=where.contract_id,
                   key=key)


def select(contracts: Iterable[Contract], ids: Iterable[str]) -> list[Contract]:
    """The contracts named by `--contract`, in file order; an unknown id is an error."""
    contracts = list(contracts)
    wanted = list(ids)
    if not wanted:
        return contracts
    known = {c.id for c in contracts}
    unknown = [i for i in wanted if i not in known]
    if unknown:
        listing = ", ".join(c.id for c in contracts) or "none"
        raise ConfigError([
            Problem(f"no contract with id '{i}'{did_you_mean(i, known)}; the contracts are: "
                    f"{listing}", key="--contract")
            for i in unknown
        ])
    return [c for c in contracts if c.id in wanted]


def line_of(contract: Contract, needle: str, root: Path) -> int | None:
    """The line of the first occurrence of `needle` at or after the contract's table."""
    try:
        lines = (root / contract.origin.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return contract.origin.line
    start = (contract.origin.line or 1) - 1
    for number, text in enumerate(lines[start:], start + 1):
        if needle in text:
            return number
    return contract.origin.line
