"""DOT text for a contract's picture, with pydot; SVG and PNG from Graphviz's `dot`.

The DOT is deterministic (nodes, clusters and edges in sorted order, no timestamps), so a
picture checked into a repository changes only when the architecture does.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from itertools import pairwise
from typing import Any

import pydot

from ..model import Group, is_within, printable
from .picture import BASELINED, NEW, Kind, Picture, Role, group_title

RED, PALE_RED, GREY, GREEN = "#c62828", "#e0a3a3", "#b0b0b0", "#2e7d32"
FONT = "Helvetica"
# Largest drawing in inches: Graphviz scales a larger one down to this, 2,496 px at 96 dpi.
# The picture model keeps drawings below it; this is the backstop.
MAX_INCHES = 26
# Boxes side by side in a group before its row wraps.
WRAP = 5
# Groups of definitions (`unique`) side by side before their row wraps.
WRAP_GROUPS = 4

GRAPHVIZ_MISSING = "Graphviz's dot was not found"
INSTALL_GRAPHVIZ = (f"{GRAPHVIZ_MISSING}, so no SVG/PNG was rendered (DOT, Mermaid "
                    "and HTML were written); install it with 'apt install graphviz', "
                    "'brew install graphviz' or from https://graphviz.org/download/")

_ROLE_FILL = {"forbidden": "#ffebee"}
_EDGE_STYLE = {
    Kind.VIOLATION: {"penwidth": "2.2", "fontsize": "11"},
    Kind.INDIRECT: {"style": "dashed", "penwidth": "2", "fontsize": "11"},
    Kind.CHAIN: {"style": "dashed", "penwidth": "1.2", "fontsize": "10"},
    Kind.CONTEXT: {"color": GREY, "arrowsize": "0.6", "penwidth": "0.8"},
}
_BASELINED_TEXT = "#a05252"
# Legend entries, in the order shown: (what the picture uses, symbol, colour, text).
_LEGEND = (
    (f"{Kind.VIOLATION}-{NEW}", "&#8594;", RED, "violating import, with its line"),
    (f"{Kind.INDIRECT}-{NEW}", "- &#8594;", RED,
     "violating chain, one edge (hover for its imports)"),
    (f"{Kind.CHAIN}-{NEW}", "- &#8594;", RED, "earlier hop of a violating chain"),
    (f"{Kind.VIOLATION}-{BASELINED}", "&#8594;", PALE_RED, "violating import in the baseline"),
    (f"{Kind.INDIRECT}-{BASELINED}", "- &#8594;", PALE_RED, "violating chain in the baseline"),
    (f"{Kind.CHAIN}-{BASELINED}", "- &#8594;", PALE_RED, "hop of a chain in the baseline"),
    (Kind.CONTEXT, "&#8594;", GREY, "allowed import (context)"),
    (Role.CANONICAL, "&#9632;", GREEN, "canonical module"),
    (Role.ORIGINAL, "&#9633;", GREEN, "original definition"),
    (f"{Role.COPY}-{NEW}", "&#9633;", RED, "copy of the name"),
    (f"{Role.COPY}-{BASELINED}", "&#9633;", PALE_RED, "copy in the baseline"),
    (Role.GATHERED, "&#9633;", GREY, "modules without violations, gathered"),
)


def dot_source(picture: Picture) -> str:
    return _build(picture).to_string()


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def render_with_graphviz(source: str, output_format: str) -> bytes:
    """Run `dot` on the DOT text; `output_format` is "svg" or "png". Run directly, not through
    pydot, which would parse the text again and print dot's complaints to standard output,
    where a JSON or SARIF report may be going."""
    try:
        done = subprocess.run(["dot", f"-T{output_format}"], input=source.encode(),
                              capture_output=True, check=False)
    except OSError as exc:
        raise GraphvizFailed(exc.strerror or str(exc)) from None
    if done.returncode != 0 or not done.stdout:
        complaint = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizFailed(complaint[0] if complaint else f"exit code {done.returncode}")
    return done.stdout


class GraphvizFailed(Exception):
    """`dot` could not be run or did not draw; the message is its first complaint."""


def quoted(*lines: str) -> str:
    """A quoted DOT string showing `lines` literally, one per line. Backslashes would be
    Graphviz escapes (\\N, \\l...) and pydot leaves them unescaped, so both backslashes and
    quotes are escaped here and pydot receives the string already quoted."""
    escaped = (printable(line.replace("\n", " ")).replace("\\", "\\\\").replace('"', '\\"')
               for line in lines)
    return '"' + "\\n".join(escaped) + '"'


def _build(picture: Picture) -> pydot.Dot:
    """The picture as a pydot graph: its groups as clusters, then its edges and legend."""
    roles = {group.role for group in picture.groups}
    # Bands of layers and groups of definitions stack top to bottom; other pictures run left
    # to right, where boxes of one rank stack up and long module names cost no width.
    across = not roles & {"layer", "definitions", "root"}
    dot = pydot.Dot(
        graph_name=quoted(picture.result.id), graph_type="digraph",
        rankdir="LR" if across else "TB", newrank="true",
        labelloc="t", fontname=FONT, fontsize="14", nodesep="0.3", ranksep="0.55",
        label=quoted(*_title(picture)), size=f'"{MAX_INCHES},{MAX_INCHES}"',
    )
    dot.set_node_defaults(shape="box", style='"rounded,filled"', fillcolor="white",
                          fontname=FONT, fontsize="10", color="#616161")
    dot.set_edge_defaults(fontname=FONT, fontsize="9")
    by_group: dict[int | None, list[str]] = {}
    for node, data in picture.graph.nodes(data=True):
        by_group.setdefault(data["group"], []).append(node)
    _add_groups(dot, picture, by_group)
    for node in by_group.get(None, []):
        dot.add_node(_node(node, picture, None))
    _order_groups(dot, picture, by_group)
    layered = "layer" in roles
    for importer, imported, data in picture.graph.edges(data=True):
        dot.add_edge(_edge(picture, importer, imported, data, layered))
    legend = [entry for entry in _LEGEND if entry[0] in picture.uses]
    if legend:
        holder = pydot.Subgraph(rank="sink")
        holder.add_node(pydot.Node("legend", shape="plaintext", style='""', fontsize="9",
                                   label=_legend_table(legend)))
        dot.add_subgraph(holder)
    return dot


def _add_groups(dot: pydot.Dot, picture: Picture, by_group: dict[int | None, list[str]]) -> None:
    """A cluster per group with boxes: a layer as rows of boxes side by side, an original
    definition above its copies, the map's packages in rows; a group drawn inside another
    (canonical modules inside their package) in the cluster of its outer group."""
    enclosing = _enclosing(picture.groups)
    for index, group in enumerate(picture.groups):
        if index in enclosing:
            continue
        boxes = [*by_group.get(index, []), *(n for i, outer in enclosing.items()
                                            if outer == index for n in by_group.get(i, []))]
        if not boxes:
            continue
        cluster = pydot.Cluster(
            f"group_{index}", label=quoted(group_title(picture, index)),
            style='"rounded,dashed"', color="#bdbdbd", fontname=FONT, fontsize="11",
            labeljust="l")
        if group.role == "layer":
            rows = [boxes[i:i + WRAP] for i in range(0, len(boxes), WRAP)]
            for row_nodes in rows:
                row = pydot.Subgraph(rank="same")
                for node in row_nodes:
                    row.add_node(_node(node, picture, group.role))
                cluster.add_subgraph(row)
            _wrap(dot, [row[0] for row in rows], 1)
        else:
            for node in boxes:
                cluster.add_node(_node(node, picture, group.role))
            if group.role == "definitions":
                _wrap(dot, boxes, 1)
            elif group.role == "root":
                _wrap(dot, boxes, WRAP)
        # pydot's annotation says Subgraph; a cluster is drawn as one (graphviz's own rule)
        dot.add_subgraph(cluster)  # type: ignore[arg-type]


def _edge(picture: Picture, importer: str, imported: str, data: dict[str, Any],
          layered: bool) -> pydot.Edge:
    """An edge in the style of its kind: a violating one red (pale when baselined) with its
    lines as label; in a picture of layers, an upward one drawn from the band above with its
    arrow turned, which keeps the bands in order and the edge short."""
    kind = data["kind"]
    attributes: dict[str, Any] = dict(_EDGE_STYLE[kind])
    if "penwidth" in data:  # the map's allowed imports: thicker for more imports
        attributes["penwidth"] = data["penwidth"]
    attributes["id"] = quoted(data["id"])
    attributes["tooltip"] = quoted(*data["tooltip"])
    ends = (importer, imported)
    if kind != Kind.CONTEXT:
        colour = RED if data["new"] else PALE_RED
        attributes.update(color=colour, fontcolor=RED if data["new"] else _BASELINED_TEXT,
                          label=quoted(data["label"]))
        attributes["class"] = "violation" if data["new"] else "violation baselined"
        if layered:
            bands = [picture.graph.nodes[end]["group"] for end in ends]
            if None not in bands and bands[0] > bands[1]:
                ends = (imported, importer)
                attributes["dir"] = "back"
            else:
                attributes["constraint"] = "false"
    return pydot.Edge(quoted(ends[0]), quoted(ends[1]), **attributes)


def _title(picture: Picture) -> list[str]:
    result = picture.result
    lines = [f"{result.id}: {result.name}" if result.name else result.id, _status(picture)]
    for note in picture.notes:
        lines += textwrap.wrap(note, 100)
    return lines


def _legend_table(entries: list[tuple[str, str, str, str]]) -> str:
    rows = "".join(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}"><B>{symbol}</B></FONT></TD>'
                   f'<TD ALIGN="LEFT">{text}</TD></TR>' for _, symbol, colour, text in entries)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">{rows}</TABLE>>'


def _wrap(dot: pydot.Dot, boxes: list[str], width: int) -> None:
    """Rows of at most `width` boxes: an invisible edge from each box to the one `width`
    places on, so a group of many boxes is drawn as a block, not as one long row."""
    for upper, lower in zip(boxes, boxes[width:], strict=False):
        dot.add_edge(pydot.Edge(quoted(upper), quoted(lower), style="invis"))


def _enclosing(groups: tuple[Group, ...]) -> dict[int, int]:
    """Canonical modules that all lie inside one named module of an earlier group, mapped to
    that group: they are drawn in its box (their package), not in a box of their own."""
    found = {}
    for index, group in enumerate(groups):
        if group.role != "canonical":
            continue
        for outer in range(index):
            if group.modules and all(any(is_within(m, o) for o in groups[outer].modules)
                                     for m in group.modules):
                found[index] = outer
                break
    return found


def _node(node: str, picture: Picture, group_role: str | None) -> pydot.Node:
    data = picture.graph.nodes[node]
    attributes: dict[str, Any] = {"label": quoted(*data["label"].split("\n")),
                                  "tooltip": quoted(*data["tooltip"]), "id": quoted(data["id"])}
    role = data["role"]
    if group_role in _ROLE_FILL:
        attributes["fillcolor"] = _ROLE_FILL[group_role]
    if role == Role.CANONICAL:
        attributes.update(color=GREEN, penwidth="2", fillcolor="#e8f5e9")
    elif role == Role.ORIGINAL:
        attributes.update(color=GREEN, penwidth="2")
    elif role == Role.COPY:
        attributes.update(color=RED if data["new"] else PALE_RED, penwidth="2",
                          fontcolor=RED if data["new"] else _BASELINED_TEXT)
        attributes["class"] = "copy" if data["new"] else "copy baselined"
    elif role == Role.GATHERED:
        attributes.update(style='"rounded,filled,dashed"', fillcolor="#f5f5f5",
                          fontcolor="#616161")
    return pydot.Node(quoted(node), **attributes)


def _order_groups(dot: pydot.Dot, picture: Picture,
                  by_group: dict[int | None, list[str]]) -> None:
    """Stack the layers top to bottom, and wrap the boxes of definitions: an invisible edge
    from the last box of each band to the first of the next, or from each group of
    definitions to the one WRAP_GROUPS on."""
    drawn = [i for i in range(len(picture.groups)) if by_group.get(i)]
    if any(picture.groups[i].role == "layer" for i in drawn):
        for upper, lower in pairwise(drawn):
            dot.add_edge(pydot.Edge(quoted(by_group[upper][-1]), quoted(by_group[lower][0]),
                                    style="invis", weight="10"))
    elif any(picture.groups[i].role == "definitions" for i in drawn):
        for upper, lower in zip(drawn, drawn[WRAP_GROUPS:], strict=False):
            dot.add_edge(pydot.Edge(quoted(by_group[upper][-1]), quoted(by_group[lower][0]),
                                    style="invis"))


def _status(picture: Picture) -> str:
    violations = picture.result.violations
    if not violations:
        return "kept"
    baselined = sum(1 for v in violations if v.baselined)
    count = f"broken: {len(violations)} violation{'s' if len(violations) != 1 else ''}"
    if baselined:
        count += f" ({len(violations) - baselined} new, {baselined} in the baseline)"
    return count
