"""What every contract type shares: common keys, module expressions, `ignore`, chains.

A contract type is a frozen dataclass whose fields are its TOML keys (see `tables`), with
`check(graph) -> Sequence[Violation]`. It never prints: it returns data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from ..errors import Problem, did_you_mean
from ..facts import DefinitionQuery
from ..graph import ProjectGraph
from ..model import (
    ERROR,
    WARNING,
    CycleDependency,
    Group,
    Hop,
    ImportViolation,
    Violation,
    is_descendant,
)
from ..patterns import InvalidExpression, ModuleExpression

SEVERITIES = (ERROR, WARNING)
IGNORE_ARROW = "->"

# Builds a violation message from (importer, imported, is_direct).
MessageFor = Callable[[str, str, bool], str]


@dataclass(frozen=True)
class Origin:
    """Where a contract was written: its file (as the user sees it) and the line of its table."""

    file: str
    line: int | None = None


@dataclass(frozen=True, kw_only=True)
class Contract:
    type_name: ClassVar[str]
    # Keys whose values are lists of module expressions that must each match a module.
    expression_keys: ClassVar[tuple[str, ...]] = ()

    id: str
    name: str = ""
    description: str = ""
    severity: str = ERROR
    ignore: tuple[str, ...] = ()
    origin: Origin = field(default=Origin(""), metadata={"config": False})

    # -- validation -------------------------------------------------------------------------

    def problem(self, key: str | None, message: str) -> Problem:
        return Problem(message, file=self.origin.file, line=self.origin.line,
                       contract_id=self.id, key=key)

    def static_problems(self) -> list[Problem]:
        """Mistakes visible without the graph: bad expressions, bad values."""
        problems = []
        if self.severity not in SEVERITIES:
            problems.append(self.problem(
                "severity", f"must be 'error' or 'warning', got '{self.severity}'"))
        for key in self.expression_keys:
            for text in getattr(self, key):
                try:
                    ModuleExpression(text)
                except InvalidExpression as exc:
                    problems.append(self.problem(key, str(exc)))
        for entry in self.ignore:
            try:
                parse_ignore(entry)
            except InvalidExpression as exc:
                problems.append(self.problem("ignore", str(exc)))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        """Expressions that match no module: a stale contract must not pass silently."""
        problems = []
        for key in self.expression_keys:
            for text in getattr(self, key):
                if self.may_match_nothing(key, text, graph):
                    continue
                if not ModuleExpression(text).modules_in(graph.modules):
                    hint = "" if "*" in text else did_you_mean(text, graph.modules, cutoff=0.85)
                    problems.append(self.problem(key, f"'{text}' matches no module{hint}"))
        for entry in self.ignore:
            importer, imported = parse_ignore(entry)
            for side in (importer, imported):
                if not side.modules_in(graph.modules):
                    hint = "" if side.has_wildcard else did_you_mean(
                        str(side), graph.modules, cutoff=0.85)
                    problems.append(self.problem(
                        "ignore", f"'{entry}': '{side}' matches no module{hint}"))
        return problems

    def may_match_nothing(self, key: str, text: str, graph: ProjectGraph) -> bool:
        """Whether an expression that matches no module is still meaningful."""
        return False

    # -- checking ---------------------------------------------------------------------------

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        raise NotImplementedError

    def definition_queries(self) -> list[DefinitionQuery]:
        """The top-level definitions the check will ask the graph for (the fact layer can
        rule most files out while it reads them)."""
        return []

    def groups(self, graph: ProjectGraph) -> list[Group]:
        """The modules this contract names, grouped as its picture draws them."""
        raise NotImplementedError

    def cycles(self, graph: ProjectGraph) -> list[CycleDependency]:
        """For a contract about cycles: the dependencies that lie on one, which a baseline
        records instead of the violations (see acyclic); none for other types."""
        return []

    def modules_named(self, graph: ProjectGraph, key: str) -> list[str]:
        """The modules a key's expressions name, sorted (without descendants)."""
        found: set[str] = set()
        for text in getattr(self, key):
            found |= ModuleExpression(text).modules_in(graph.modules)
        return sorted(found)

    def ignored_imports(self, graph: ProjectGraph) -> dict[str, list[tuple[str, str]]]:
        """For each `ignore` entry, the direct imports it names. Like import-linter's
        `ignore_imports`, each side names exact modules: `a -> b` is the import of `b` by
        `a` only, so an import of a package's `__init__` can be ignored alone; descendants
        are included only where the entry says so (`a.** -> b`)."""
        result: dict[str, list[tuple[str, str]]] = {}
        for entry in self.ignore:
            importer, imported = parse_ignore(entry)
            targets = imported.modules_in(graph.modules)
            result[entry] = list(graph.direct_imports(importer.modules_in(graph.modules), targets))
        return result

    # -- building violations ----------------------------------------------------------------

    def violations_from(self, graph: ProjectGraph, direct: Iterable[tuple[str, str]],
                        indirect: Iterable[tuple[str, tuple[str, ...]]],
                        message_for: MessageFor) -> list[ImportViolation]:
        """One violation per import statement of the `direct` (importer, imported) imports;
        one per importer and named module it reaches through a chain, with the shortest of
        the `indirect` (named module, chain) it was given."""
        shortest: dict[tuple[str, str], tuple[str, ...]] = {}
        for name, chain in indirect:
            pair = (chain[0], name)
            best = shortest.get(pair)
            if best is None or (len(chain), chain) < (len(best), best):
                shortest[pair] = chain
        violations = [
            self._violation(importer, imported, (hop,), message_for(importer, imported, True))
            for importer, imported in set(direct)
            for hop in graph.hops(importer, imported)
        ]
        violations += [
            self._violation(importer, imported, graph.chain_hops(chain),
                            message_for(importer, imported, False))
            for (importer, imported), chain in shortest.items()
        ]
        return violations

    def _violation(self, importer: str, imported: str, hops: tuple[Hop, ...],
                   message: str) -> ImportViolation:
        first = hops[0]
        return ImportViolation(
            contract_id=self.id, importer=importer, imported=imported, path=first.path,
            line=first.line, line_contents=first.line_contents, message=message, chain=hops,
        )


def outermost(modules: list[str]) -> list[str]:
    """The modules not inside another of them: `a` already covers `a.b`."""
    return [m for m in modules if not any(is_descendant(m, o) for o in modules)]


def parse_ignore(entry: str) -> tuple[ModuleExpression, ModuleExpression]:
    """`importer -> imported`, each side a module expression."""
    sides = entry.split(IGNORE_ARROW)
    if len(sides) != 2:
        raise InvalidExpression(
            f"'{entry}' is not an ignore entry: write 'importer -> imported'")
    return ModuleExpression(sides[0].strip()), ModuleExpression(sides[1].strip())
