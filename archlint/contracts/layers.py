"""`layers`: higher layers may import lower ones, never the reverse, chains included.

A layer entry is one module, or siblings on one level: `"a | b"` are independent of each
other, `"a : b"` may import each other; a name in parentheses, `"(a)"`, is optional (it may
match no module). With `containers`, layer names are relative to each container;
`exhaustive` then requires every child of a container to be named by a layer (a dotted layer
name `x.y` names no child: the child `x` must be listed itself, as import-linter requires) or
by `exhaustive_ignores`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem
from ..graph import ProjectGraph
from ..model import (
    Group,
    ImportViolation,
    UnlistedModule,
    Violation,
    is_descendant,
    is_module_name,
)
from .base import Contract


@dataclass(frozen=True)
class Layer:
    modules: tuple[str, ...]
    independent: bool
    optional: frozenset[str] = frozenset()  # names written in parentheses


def parse_layer(text: str) -> Layer:
    if "|" in text and ":" in text:
        raise ValueError(f"'{text}' mixes '|' and ':'; a layer's siblings are either "
                         "independent ('|') or not (':')")
    separator = "|" if "|" in text else ":"
    names: list[str] = []
    optional: set[str] = set()
    for part in text.split(separator):
        name = part.strip()
        if name.startswith("(") and name.endswith(")"):
            name = name[1:-1].strip()
            optional.add(name)
        if not is_module_name(name):
            raise ValueError(f"'{text}': '{name}' is not a module name")
        names.append(name)
    return Layer(tuple(names), independent=separator == "|", optional=frozenset(optional))


@dataclass(frozen=True, kw_only=True)
class LayersContract(Contract):
    type_name: ClassVar[str] = "layers"
    expression_keys: ClassVar[tuple[str, ...]] = ("containers",)

    layers: tuple[str, ...]
    containers: tuple[str, ...] = ()
    exhaustive: bool = False
    exhaustive_ignores: tuple[str, ...] = ()

    def static_problems(self) -> list[Problem]:
        return [*super().static_problems(), *self._layer_problems(),
                *self._exhaustive_problems()]

    def _layer_problems(self) -> list[Problem]:
        """The layers as written: each parses, and no module is in two layers or inside
        another layer's module (the ranks would contradict each other)."""
        problems = []
        if not self.layers:
            problems.append(self.problem("layers", "list at least one layer"))
        seen: set[str] = set()
        for text in self.layers:
            try:
                layer = parse_layer(text)
            except ValueError as exc:
                problems.append(self.problem("layers", str(exc)))
                continue
            for name in layer.modules:
                if name in seen:
                    problems.append(self.problem("layers", f"'{name}' is in more than one layer"))
                seen.add(name)
        for name in sorted(seen):
            for other in sorted(seen):
                if is_descendant(other, name):
                    problems.append(self.problem(
                        "layers", f"'{other}' is inside '{name}': layers cannot nest"))
        return problems

    def _exhaustive_problems(self) -> list[Problem]:
        """`exhaustive` and its ignores only mean something together, with containers."""
        problems = []
        if self.exhaustive and not self.containers:
            problems.append(self.problem("exhaustive", "needs 'containers': exhaustive means "
                                         "every child of a container is in a layer"))
        if self.exhaustive_ignores and not self.exhaustive:
            problems.append(self.problem("exhaustive_ignores", "needs exhaustive = true"))
        for name in self.exhaustive_ignores:
            if not name.isidentifier():
                problems.append(self.problem(
                    "exhaustive_ignores", f"'{name}' is not the name of a child module"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        containers = self.modules_named(graph, "containers")
        if self.containers and not containers:
            return problems  # already said: the containers match nothing
        containers = containers or [""]
        for text in self.layers:
            layer = parse_layer(text)
            for name in layer.modules:
                if name in layer.optional:
                    continue
                if not any(_qualify(c, name) in graph.modules for c in containers):
                    where = (f" in any container ({', '.join(containers)})"
                             if self.containers else "")
                    problems.append(self.problem("layers",
                                                 f"layer '{name}' matches no module{where}"))
        return problems

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        """Each container on its own (containers may nest: `pkg` and `pkg.a`), so every
        message names the layers of the container that forbids the import; an import that
        several containers forbid is reported once."""
        layers = [parse_layer(text) for text in self.layers]
        violations: list[Violation] = []
        reported: set[tuple[str, str, tuple[str, int] | None]] = set()
        for container in self.modules_named(graph, "containers") or [""]:
            for violation in self._check_container(graph, container, layers):
                key = (violation.importer, violation.imported,
                       None if violation.is_indirect else (violation.path, violation.line))
                if key not in reported:
                    reported.add(key)
                    violations.append(violation)
        return [*violations, *self._unlisted(graph)]

    def _check_container(self, graph: ProjectGraph, container: str,
                         layers: list[Layer]) -> list[ImportViolation]:
        rank: dict[str, tuple[int, str]] = {}
        for index, layer in enumerate(layers):
            for name in layer.modules:
                module = _qualify(container, name)
                for member in graph.with_descendants([module]) if module in graph.modules else ():
                    rank.setdefault(member, (index, module))

        def message_for(importer: str, imported: str, direct: bool) -> str:
            (low, low_layer), (high, high_layer) = rank[importer], rank[imported]
            how = "imports" if direct else "depends on"
            if low == high:
                return (f"{importer} {how} {imported}, but layers {low_layer} and {high_layer} "
                        "are independent siblings")
            return (f"{importer} {how} {imported}: layer {low_layer} is below {high_layer} "
                    "and may not import it")

        direct: list[tuple[str, str]] = []
        indirect: list[tuple[str, tuple[str, ...]]] = []
        for starts, targets, blocked in _forbidden_directions(graph, container, layers):
            direct += graph.direct_imports(starts, set().union(*targets.values()))
            indirect += graph.chains_into(starts, targets, blocked)
        return self.violations_from(graph, direct, indirect, message_for)

    def groups(self, graph: ProjectGraph) -> list[Group]:
        """One band per layer, top first, holding that layer's module in every container."""
        containers = self.modules_named(graph, "containers") or [""]
        bands = []
        for text in self.layers:
            modules = tuple(
                module
                for container in containers
                for name in parse_layer(text).modules
                if (module := _qualify(container, name)) in graph.modules
            )
            bands.append(Group("layer", text, modules))
        return bands

    def _unlisted(self, graph: ProjectGraph) -> list[UnlistedModule]:
        """With `exhaustive`, a container child that no layer names (nor `exhaustive_ignores`)
        breaks the contract. A dotted layer name names a grandchild, never the child. It is
        reported at its file; a folder without `__init__.py` has none, so at the contract,
        where it is to be listed."""
        if not self.exhaustive:
            return []
        listed = {name for text in self.layers for name in parse_layer(text).modules}
        listed |= set(self.exhaustive_ignores)
        violations = []
        for container in self.modules_named(graph, "containers"):
            for child in sorted(graph.children(container)):
                if child.rsplit(".", 1)[-1] in listed:
                    continue
                path, line = graph.path_of(child), 1
                if child not in graph.files:
                    path, line = self.origin.file, self.origin.line or 1
                violations.append(UnlistedModule(
                    contract_id=self.id, module=child, container=container,
                    path=path, line=line, line_contents="",
                    message=f"{child} is in no layer of {container}; with exhaustive = true "
                            "every child of a container must be listed",
                ))
        return violations


def _forbidden_directions(graph: ProjectGraph, container: str, layers: list[Layer]
                          ) -> Iterator[tuple[set[str], dict[str, set[str]], set[str]]]:
    """For each layer (each sibling, when siblings are independent): its modules, the layer
    modules they may not reach (each with the modules it covers) and the modules no chain
    may pass through, which are all the layers' modules of this container."""
    cover = [
        {m: graph.with_descendants([m]) for m in (_qualify(container, n) for n in layer.modules)
         if m in graph.modules}
        for layer in layers
    ]
    blocked = {member for level in cover for members in level.values() for member in members}
    above: dict[str, set[str]] = {}
    for level, layer in zip(cover, layers, strict=True):
        if layer.independent:
            for sibling, members in level.items():
                others = {m: c for m, c in level.items() if m != sibling}
                yield members, above | others, blocked
        elif above:
            starts: set[str] = set().union(*level.values())
            yield starts, above, blocked
        above = above | level


def _qualify(container: str, name: str) -> str:
    return f"{container}.{name}" if container else name
