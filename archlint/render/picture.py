"""The picture of one contract as a networkx graph: which boxes are drawn, in which group,
and which imports join them, reduced until a reviewer can read it on one screen.

Built from a ContractResult alone (its violations, groups and context), never from the
import graph. Every output format (DOT, Mermaid, the links of index.html) draws this model.

A picture holds at most BUDGET boxes unless `--depth` is given, and a group shows at most
QUIET_BOXES boxes without violations before they are gathered into one (a review reads the
boxes with violations). To get within BUDGET it gives up detail in this order, least telling
first, and its notes say what it gave up:

1. allowed imports (context) collapse to their package, one level at a time;
2. chains are drawn as one dashed edge per violation instead of hop by hop;
3. modules without a violation are gathered into one box per group, and groups with nothing
   to show are left out;
4. the modules of violating imports collapse to their package, the most crowded group first;
5. only the modules with the most violating imports are kept (index.html lists the rest).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import networkx as nx

from ..model import (
    ContractResult,
    Definition,
    DuplicateDefinition,
    Group,
    Hop,
    ImportViolation,
    Violation,
    is_within,
)

# Boxes, and allowed imports, in one picture before it is reduced: about what stays legible
# at 2,500 x 2,500 px.
BUDGET = 30
# Boxes without violations one group shows before they are gathered into one box.
QUIET_BOXES = 10
VIOLATING_BUDGET = 50
CONTEXT_BUDGET = 40
# Violating modules never collapse into fewer boxes than this.
FEWEST = 6
# Above this many violating edges, their labels say how many lines, not which.
BRIEF_LABELS = 16
# A box's name longer than this is drawn on two lines, its package above its last segment.
LONG_NAME = 24
# Duplicated names one `unique` picture draws (each is a box per defining module).
NAMES_BUDGET = 12



class Kind:
    """What an edge draws, weakest first: when one edge stands for several, the strongest
    shows."""

    CONTEXT, CHAIN, INDIRECT, VIOLATION = "context", "chain", "indirect", "violation"


class Role:
    """What a box is besides a module: a canonical module, the original definition of a
    name or a copy of it, or modules gathered into one box."""

    CANONICAL, ORIGINAL, COPY, GATHERED = "canonical", "original", "copy", "gathered"


_STRENGTH = {Kind.CONTEXT: 0, Kind.CHAIN: 1, Kind.INDIRECT: 2, Kind.VIOLATION: 3}
# What a legend can show besides kinds and roles; `Picture.uses` says which a picture draws.
NEW, BASELINED = "new", "baselined"


@dataclass(frozen=True)
class Item:
    """One import a picture may draw: `hop` of `kind`, standing for the violation at
    `violation` (its index in the result) or for an allowed import (None). An Kind.INDIRECT item
    stands for a whole chain, kept in `chain` for the tooltip."""

    hop: Hop
    kind: str
    violation: int | None
    chain: tuple[Hop, ...] = ()


@dataclass(frozen=True)
class Picture:
    """`graph` nodes carry `group` (index into `groups`, or None), `label`, `tooltip` (lines),
    `role` (Role.CANONICAL, Role.ORIGINAL, Role.COPY, Role.GATHERED or None), `new` and `id`;
    edges carry `kind`, `label`, `tooltip`, `new` (a violation on it is not baselined) and
    `id`. `targets` holds, per violation of the result, the id of what draws it ("" when it
    is not drawn)."""

    result: ContractResult
    graph: nx.DiGraph
    groups: tuple[Group, ...]
    notes: tuple[str, ...]
    targets: tuple[str, ...]
    uses: frozenset[str] = field(default=frozenset())

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


def group_title(picture: Picture, index: int) -> str:
    """A group's box title; layers are numbered from the top."""
    group = picture.groups[index]
    if group.role == "layer":
        number = sum(1 for g in picture.groups[:index] if g.role == "layer") + 1
        return f"layer {number}: {group.label}"
    return group.label


def picture_of(result: ContractResult, depth: int | None = None) -> Picture:
    """The contract's picture: every module `depth` levels below its named module when a depth
    is given, else reduced to at most BUDGET boxes as the module docstring says."""
    if result.type == "unique" or any(isinstance(v, DuplicateDefinition)
                                      for v in result.violations):
        return _definitions_picture(result)
    groups = result.groups
    detailed = _items(result, summary=False)
    chains = any(isinstance(v, ImportViolation) and v.is_indirect for v in result.violations)
    summarised = _items(result, summary=True) if chains else detailed
    if depth is not None:
        drawing = _Layout(groups, detailed, {}, uniform=depth).draw()
        return _finish(result, drawing, _notes(result, drawing, summarised=False))
    drawing = _reduced(groups, detailed, summarised).draw()
    crowded = not drawing.fits()
    if crowded:
        drawing = drawing.busiest()
    notes = _notes(result, drawing, summarised=drawing.items is not detailed)
    if crowded:
        notes.append("only the modules and edges with the most violations are drawn; "
                     "index.html lists every violation" if result.violations else
                     "only the modules with the most imports are drawn")
    return _finish(result, drawing, notes)


def _reduced(groups: tuple[Group, ...], detailed: list[Item],
             summarised: list[Item]) -> _Layout:
    """The most detailed layout within BUDGET, in the order of the module docstring (or the
    least detailed one, when none fits)."""
    for items in (detailed,) if summarised is detailed else (detailed, summarised):
        deepest = _Layout(groups, items, {}).deepest
        for context_depth in range(deepest, -1, -1):
            layout = _Layout(groups, items, {}, context=context_depth)
            if layout.draw().fits():
                return _quiet_gathered(layout)
    if not any(item.kind != Kind.CONTEXT for item in summarised):
        return _Layout(groups, summarised, {}, context=0)  # kept: its structure, no gathering
    layout = _Layout(groups, summarised, {}, context=0, gather=True)
    while not layout.draw().fits():
        crowded = layout.most_crowded()
        if crowded is None:
            break
        coarser = layout.collapsing(crowded)
        if len(coarser.draw().nodes) < FEWEST:
            break  # the busiest boxes at this depth say more than a handful of packages
        layout = coarser
    return layout


def _quiet_gathered(layout: _Layout) -> _Layout:
    """The layout, its boxes without violations gathered when a group of a broken contract
    would show more than QUIET_BOXES of them (twenty test modules with allowed imports around
    the two that break the contract)."""
    if not layout.hot:
        return layout
    quiet: Counter[int | None] = Counter(
        _group_of(box, layout.groups) for box, members in layout.draw().nodes.items()
        if not members & layout.hot)
    if max(quiet.values(), default=0) <= QUIET_BOXES:
        return layout
    return _Layout(layout.groups, layout.items, {}, context=layout.context, gather=True)


def _notes(result: ContractResult, drawing: _Drawing, *, summarised: bool) -> list[str]:
    """What the picture leaves out or draws coarser than the report says it."""
    notes = []
    if any(members - {box} for box, members in drawing.nodes.items()
           if box not in drawing.gathered):
        notes.append("modules collapsed into their packages to stay readable "
                     "(--depth N draws N levels)")
    if summarised:
        notes.append("chains not drawn hop by hop (hover an edge for every import)")
    if drawing.gathered:
        notes.append("modules without violations gathered into one box per group")
    if result.context_omitted:
        notes.append(f"{result.context_omitted} more allowed imports not drawn")
    return notes


def edge_label(hops: Iterable[Hop], importer: str, *, brief: bool = False) -> str:
    """The violating lines a drawn edge stands for: `line 12`, `lines 3, 9` for one importing
    module; `ws.py:9, admin.py:24` when it gathers several; two places, then how many more.
    `brief`, for a picture of many edges: how many lines, when more than one."""
    lines = sorted({(hop.path, hop.line, hop.importer) for hop in hops})
    one_module = all(line[2] == importer for line in lines)
    places = [str(number) if one_module else f"{PurePosixPath(path).name}:{number}"
              for path, number, _ in lines]
    if brief and len(places) > 1:
        return f"{len(places)} lines"
    head = ("line " if len(places) == 1 else "lines ") if one_module else ""
    if len(places) > 3:
        return head + ", ".join(places[:2]) + f" +{len(places) - 2}"
    return head + ", ".join(places)


def short_name(module: str, groups: tuple[Group, ...]) -> str:
    """The module's name as drawn inside its group's box: without the package that holds
    the group's named module (`chatapp.routes.ws` in layer `chatapp.routes` is `routes.ws`),
    which the box's title and the tooltip already say."""
    named = _named_above(module, groups)
    if named is None or "." not in named:
        return module
    return module[len(named.rpartition(".")[0]) + 1:]


# -- what is drawn --------------------------------------------------------------------------


def _items(result: ContractResult, *, summary: bool) -> list[Item]:
    """Every import the picture may draw: each violation, then the allowed context.

    Hop by hop, a violation's chain is drawn whole, its violating hop marked: the import from
    the violation's importer to its imported module when the chain holds it (a direct import,
    a cycle's breaker before the way back), else the last hop, where the chain reaches what it
    must not. As a summary, a violation is that one import, or for a chain one Kind.INDIRECT edge
    from its importer to its imported module. A finding about a module alone (one no layer
    lists) has no import to draw: index.html lists it.
    """
    items = []
    for index, violation in enumerate(result.violations):
        if not isinstance(violation, ImportViolation):
            continue
        hops = violation.chain
        ends = [(h.importer, h.imported) for h in hops]
        pair = (violation.importer, violation.imported)
        if summary:
            if pair in ends:
                items.append(Item(hops[ends.index(pair)], Kind.VIOLATION, index, hops))
            else:
                first = hops[0]
                hop = Hop(violation.importer, violation.imported, first.path, first.line,
                          first.line_contents)
                items.append(Item(hop, Kind.INDIRECT, index, hops))
            continue
        marked = ends.index(pair) if pair in ends else len(hops) - 1
        items += [Item(hop, Kind.VIOLATION if i == marked else Kind.CHAIN, index, hops)
                  for i, hop in enumerate(hops)]
    items += [Item(hop, Kind.CONTEXT, None) for hop in result.context]
    return items


@dataclass
class _Drawing:
    """Boxes (each with the modules it stands for) and edges (each with its items)."""

    groups: tuple[Group, ...]
    items: list[Item]
    nodes: dict[str, set[str]]
    edges: dict[tuple[str, str], list[Item]]
    gathered: dict[str, int]  # a gathering box -> its group index

    def fits(self) -> bool:
        allowed = sum(1 for items in self.edges.values() if _allowed_only(items))
        return (len(self.nodes) <= BUDGET and allowed <= CONTEXT_BUDGET
                and len(self.edges) - allowed <= VIOLATING_BUDGET)

    def busiest(self) -> _Drawing:
        """Only the BUDGET boxes with the most violating imports and, between them, the
        VIOLATING_BUDGET edges with the most violations and CONTEXT_BUDGET allowed ones."""
        weight: Counter[str] = Counter()
        for (importer, imported), items in self.edges.items():
            # violating imports first; allowed ones decide between boxes without violations
            strength = sum(1000 if item.kind != Kind.CONTEXT else 1 for item in items)
            weight[importer] += strength
            weight[imported] += strength
        kept = set(sorted(self.nodes, key=lambda n: (-weight[n], n))[:BUDGET])
        between = [(pair, items) for pair, items in self.edges.items() if set(pair) <= kept]
        violating = sorted((e for e in between if not _allowed_only(e[1])),
                           key=lambda e: (-max(_STRENGTH[i.kind] for i in e[1]),
                                          -len(e[1]), e[0]))
        allowed = sorted(e for e in between if _allowed_only(e[1]))
        return _Drawing(
            self.groups, self.items, {n: m for n, m in self.nodes.items() if n in kept},
            dict(violating[:VIOLATING_BUDGET] + allowed[:CONTEXT_BUDGET]),
            {n: g for n, g in self.gathered.items() if n in kept})


def _allowed_only(items: list[Item]) -> bool:
    return all(item.kind == Kind.CONTEXT for item in items)


class _Layout:
    """How modules become boxes: context modules collapsed to `context` levels below their
    named module (None: not at all) or to `uniform` levels for every module; violating
    modules of a group collapsed to `violating[group]` levels; with `gather`, the modules
    without violations of each group gathered into one box."""

    def __init__(self, groups: tuple[Group, ...], items: list[Item],
                 violating: dict[int | None, int], *, context: int | None = None,
                 uniform: int | None = None, gather: bool = False) -> None:
        self.groups, self.items, self.violating = groups, items, violating
        self.context, self.uniform, self.gather = context, uniform, gather
        self.hot = {m for item in items if item.kind != Kind.CONTEXT
                    for m in (item.hop.importer, item.hop.imported)}
        modules = {m for item in items for m in (item.hop.importer, item.hop.imported)}
        self.deepest = max((_depth_below(m, groups) for m in modules), default=0)
        self._drawing: _Drawing | None = None

    def collapsing(self, key: int | None) -> _Layout:
        """The same layout with the violating modules of group `key` one level shallower."""
        violating = dict(self.violating)
        violating[key] = self._depth_of(key) - 1
        return _Layout(self.groups, self.items, violating, context=self.context,
                       uniform=self.uniform, gather=self.gather)

    def most_crowded(self) -> int | None:
        """The group (None: no group) with the most violating boxes that can still
        collapse."""
        boxes: Counter[int | None] = Counter()
        for node, members in self.draw().nodes.items():
            if members & self.hot:
                boxes[_group_of(node, self.groups)] += 1
        for key, _ in sorted(boxes.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            if self._depth_of(key) > 0:
                return key
        return None

    def _depth_of(self, key: int | None) -> int:
        """How deep the violating modules of group `key` are drawn now."""
        deepest = max((_depth_below(m, self.groups) for m in self.hot
                       if _group_of(m, self.groups) == key), default=0)
        return min(self.violating.get(key, deepest), deepest)

    def box_of(self, module: str) -> str:
        if self.uniform is not None:
            return _collapse(module, self.groups, self.uniform)
        if module in self.hot:
            depth = self.violating.get(_group_of(module, self.groups))
        else:
            depth = self.context
        return module if depth is None else _collapse(module, self.groups, depth)

    def draw(self) -> _Drawing:
        if self._drawing is None:
            self._drawing = self._draw()
        return self._drawing

    def _draw(self) -> _Drawing:
        nodes: dict[str, set[str]] = {}
        for item in self.items:
            for module in (item.hop.importer, item.hop.imported):
                nodes.setdefault(self.box_of(module), set()).add(module)
        for group in self.groups:  # every group shows, even without imports
            for named in group.modules:
                if not any(is_within(node, named) or is_within(named, node) for node in nodes):
                    nodes[named] = {named}
        place: dict[str, str] = {m: box for box, members in nodes.items() for m in members}
        gathered: dict[str, int] = {}
        if self.gather:
            place, nodes, gathered = self._gathered(nodes, place)
        edges: dict[tuple[str, str], list[Item]] = {}
        for item in self.items:
            importer, imported = place.get(item.hop.importer), place.get(item.hop.imported)
            if importer is None or imported is None:
                continue  # a module left out with its group
            if importer == imported and item.kind == Kind.CONTEXT:
                continue  # an allowed import inside one box says nothing
            edges.setdefault((importer, imported), []).append(item)
        return _Drawing(self.groups, self.items, nodes, edges, gathered)

    def _gathered(self, nodes: dict[str, set[str]], place: dict[str, str]
                  ) -> tuple[dict[str, str], dict[str, set[str]], dict[str, int]]:
        """Boxes without violations gathered into one box per group; those of no group, and
        the groups with no violation at all (bands of layers excepted), left out."""
        quiet: dict[int | None, list[str]] = {}
        hot_groups: set[int | None] = set()
        for box, modules in nodes.items():
            key = _group_of(box, self.groups)
            if modules & self.hot:
                hot_groups.add(key)
            else:
                quiet.setdefault(key, []).append(box)
        gathered: dict[str, int] = {}
        for key, boxes in sorted(quiet.items(), key=lambda kv: str(kv[0])):
            shown = key is not None and (key in hot_groups or self.groups[key].role == "layer")
            if shown and len(boxes) == 1:
                continue
            members: set[str] = set().union(*(nodes.pop(box) for box in boxes))
            for module in members:
                del place[module]
            if key is not None and shown:
                name = f"{self.groups[key].label} ({len(boxes)} without violations)"
                nodes[name] = members
                gathered[name] = key
                place.update(dict.fromkeys(members, name))
        return place, nodes, gathered


def _finish(result: ContractResult, drawing: _Drawing, notes: list[str]) -> Picture:
    """The networkx graph of a drawing, with labels, tooltips, roles and element ids."""
    groups = drawing.groups
    canonical = {m for g in groups if g.role == "canonical" for m in g.modules}
    graph = nx.DiGraph()
    for node in sorted(drawing.nodes):
        members = drawing.nodes[node]
        if node in drawing.gathered:
            shown = sorted(members)
            tooltip = [*shown[:20], *([f"... {len(shown) - 20} more"] if len(shown) > 20 else [])]
            graph.add_node(node, group=drawing.gathered[node], role=Role.GATHERED,
                           label=f"{len(members)} modules\nwithout violations",
                           tooltip=tuple(tooltip), new=False)
            continue
        exact = members <= {node}
        role = Role.CANONICAL if node in canonical and exact else None
        tooltip = [node] if exact else [node, *sorted(members - {node})[:20]]
        graph.add_node(node, group=_group_of(node, groups), role=role,
                       label=_two_lines(short_name(node, groups)), tooltip=tuple(tooltip),
                       new=False)
    violations = result.violations
    brief = sum(1 for items in drawing.edges.values() if not _allowed_only(items)) > BRIEF_LABELS
    for (importer, imported), items in sorted(drawing.edges.items()):
        kind = max((item.kind for item in items), key=_STRENGTH.__getitem__)
        violating = [item for item in items if item.kind != Kind.CONTEXT]
        new = any(not violations[item.violation].baselined
                  for item in violating if item.violation is not None)
        label = edge_label((item.hop for item in violating), importer,
                           brief=brief) if violating else ""
        graph.add_edge(importer, imported, kind=kind, label=label, new=new,
                       tooltip=_edge_tooltip(items, violations))
    targets = [""] * len(violations)
    ids = _assign_ids(result.id, graph)
    for pair, items in drawing.edges.items():
        if not graph.has_edge(*pair):
            continue
        for item in items:
            if item.violation is not None and item.kind in (Kind.VIOLATION, Kind.INDIRECT):
                targets[item.violation] = ids[pair]
    uses = uses_of(graph)
    return Picture(result, graph, groups, tuple(notes), tuple(targets), uses)


def _two_lines(name: str) -> str:
    """A long dotted name as its package over its last segment, to keep boxes narrow."""
    if len(name) <= LONG_NAME or "." not in name:
        return name
    package, _, last = name.rpartition(".")
    return f"{package}.\n{last}"


def _edge_tooltip(items: list[Item], violations: tuple[Violation, ...]) -> tuple[str, ...]:
    """Every import statement the edge stands for: violating ones first (a chain with every
    hop), then the allowed ones; at most 40 lines."""
    lines: list[str] = []
    for item in sorted((i for i in items if i.kind != Kind.CONTEXT),
                       key=lambda i: (i.hop, i.violation or 0)):
        baselined = item.violation is not None and violations[item.violation].baselined
        mark = " (baselined)" if baselined else ""
        lines.append(f"{item.hop.path}:{item.hop.line}  {item.hop.line_contents}{mark}")
        if item.kind in (Kind.INDIRECT, Kind.VIOLATION) and len(item.chain) > 1:
            shown = (item.hop.path, item.hop.line)
            lines += [f"    then {hop.path}:{hop.line}  {hop.line_contents}"
                      for hop in item.chain if (hop.path, hop.line) != shown]
    allowed = sorted({i.hop for i in items if i.kind == Kind.CONTEXT})
    if allowed and lines:
        lines.append("allowed:")
    lines += [f"{hop.path}:{hop.line}  {hop.line_contents}" for hop in allowed]
    unique = list(dict.fromkeys(lines))
    if len(unique) > 40:
        unique = [*unique[:40], f"... {len(unique) - 40} more"]
    return tuple(unique)


def _assign_ids(contract_id: str, graph: nx.DiGraph) -> dict[tuple[str, str], str]:
    """Element ids for the SVG and the page's links: `<contract>-n<k>` for boxes and
    `<contract>-e<k>` for edges, in sorted order."""
    for number, node in enumerate(sorted(graph.nodes)):
        graph.nodes[node]["id"] = f"{contract_id}-n{number}"
    ids = {}
    for number, (importer, imported) in enumerate(sorted(graph.edges)):
        ids[importer, imported] = graph.edges[importer, imported]["id"] = \
            f"{contract_id}-e{number}"
    return ids


def uses_of(graph: nx.DiGraph) -> frozenset[str]:
    """The legend entries a picture needs: edge kinds (violating ones as new or
    baselined) and node roles."""
    used = set()
    for _, _, data in graph.edges(data=True):
        kind = data["kind"]
        if kind == Kind.CONTEXT:
            used.add(Kind.CONTEXT)
        else:
            used.add(f"{kind}-{NEW if data['new'] else BASELINED}")
    for _, data in graph.nodes(data=True):
        if data["role"] is not None:
            used.add(f"{data['role']}-{NEW if data['new'] else BASELINED}"
                     if data["role"] == Role.COPY else data["role"])
    return frozenset(used)


# -- unique: the definitions of a duplicated name --------------------------------------------


def _definitions_picture(result: ContractResult) -> Picture:
    """One box per duplicated name, holding a box per module that defines it: the original
    marked, the copies in red. No arrows: a copy is not an import."""
    duplicates = [v for v in result.violations if isinstance(v, DuplicateDefinition)]
    assert len(duplicates) == len(result.violations), "a unique contract finds only these"
    order = sorted(range(len(duplicates)),
                   key=lambda i: (-len({d.module for d in duplicates[i].definitions}),
                                  duplicates[i].symbol))
    chosen = sorted(order[:NAMES_BUDGET], key=lambda i: duplicates[i].symbol)
    notes = []
    if len(order) > NAMES_BUDGET:
        notes.append(f"the {NAMES_BUDGET} names with the most copies are drawn; index.html "
                     f"lists all {len(order)}")
    groups: list[Group] = []
    graph = nx.DiGraph()
    first_copy: dict[int, str] = {}
    for index in chosen:
        violation = duplicates[index]
        by_module: dict[str, list[Definition]] = {}
        for definition in violation.definitions:
            by_module.setdefault(definition.module, []).append(definition)
        original = violation.original
        number = len(groups)
        groups.append(Group("definitions", f"{violation.symbol} ({len(by_module)} definitions)",
                            tuple(by_module)))
        for module, definitions in by_module.items():
            lines = ", ".join(str(d.line) for d in definitions)
            role = Role.ORIGINAL if module == original else Role.COPY
            node = f"{violation.symbol}@{module}"
            what = "original" if role == Role.ORIGINAL else "copy"
            graph.add_node(node, group=number, role=role, new=not violation.baselined,
                           label=f"{module}\n{what}, {definitions[0].kind} at line {lines}",
                           tooltip=tuple(f"{d.path}:{d.line}  {d.line_contents}"
                                         for d in definitions))
            if role == Role.COPY:
                first_copy.setdefault(index, node)
    targets = [""] * len(result.violations)
    for number, node in enumerate(sorted(graph.nodes)):
        graph.nodes[node]["id"] = f"{result.id}-n{number}"
    for index, node in first_copy.items():
        targets[index] = graph.nodes[node]["id"]
    return Picture(result, graph, tuple(groups), tuple(notes), tuple(targets),
                   uses_of(graph))


# -- module names and groups ------------------------------------------------------------------


def _named_above(module: str, groups: tuple[Group, ...]) -> str | None:
    """The innermost named module that holds `module`. A canonical module holds only itself:
    the modules under it belong to the package around it."""
    holders = [m for group in groups for m in group.modules
               if (module == m if group.role == "canonical" else is_within(module, m))]
    return max(holders, key=len) if holders else None


def _group_of(module: str, groups: tuple[Group, ...]) -> int | None:
    named = _named_above(module, groups)
    if named is None:
        return None
    return max(i for i, group in enumerate(groups) if named in group.modules
               and (group.role != "canonical" or module == named))


def _depth_below(module: str, groups: tuple[Group, ...]) -> int:
    named = _named_above(module, groups)
    base = named.count(".") + 1 if named else 2
    return max(0, module.count(".") + 1 - base)


def _collapse(module: str, groups: tuple[Group, ...], depth: int) -> str:
    """`module` cut to `depth` levels below its named module; a module no group holds keeps
    one level more below its top-level package (`app.core`, not just `app`)."""
    named = _named_above(module, groups)
    keep = (named.count(".") + 1 if named else 2) + depth
    return ".".join(module.split(".")[:keep])
