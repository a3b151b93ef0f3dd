"""DOT text for a contract's picture, with pydot; SVG and PNG from Graphviz's `dot`.

The DOT is deterministic (nodes, clusters and edges in sorted order, no timestamps), so a
picture checked into a repository changes only when the architecture does.
"""

from __future__ import annotations

import shutil
import subprocess

import pydot

from ..model import Group, is_within, printable
from .picture import CHAIN, CONTEXT, VIOLATION, Picture, edge_label, group_title, short_name

RED, GREY, GREEN = "#c62828", "#b0b0b0", "#2e7d32"
FONT = "Helvetica"

GRAPHVIZ_MISSING = "Graphviz's dot was not found"
INSTALL_GRAPHVIZ = (f"{GRAPHVIZ_MISSING}, so no SVG/PNG was rendered (DOT, Mermaid "
                    "and HTML were written); install it with 'apt install graphviz', "
                    "'brew install graphviz' or from https://graphviz.org/download/")

_ROLE_FILL = {"canonical": "#e8f5e9", "forbidden": "#ffebee"}
_EDGE_STYLE = {
    VIOLATION: {"color": RED, "fontcolor": RED, "penwidth": "2.2", "fontsize": "11"},
    CHAIN: {"color": RED, "fontcolor": RED, "style": "dashed", "penwidth": "1.4",
            "fontsize": "10"},
    CONTEXT: {"color": GREY, "arrowsize": "0.6", "penwidth": "0.8"},
}
_LEGEND = (
    '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">'
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{RED}"><B>&#8594;</B></FONT></TD>'
    '<TD ALIGN="LEFT">violating import, with its line</TD></TR>'
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{RED}">- &#8594;</FONT></TD>'
    '<TD ALIGN="LEFT">earlier hop of a violating chain</TD></TR>'
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{GREY}">&#8594;</FONT></TD>'
    '<TD ALIGN="LEFT">allowed import (context)</TD></TR>'
    f'<TR><TD ALIGN="LEFT"><FONT COLOR="{GREEN}"><B>&#9632;</B></FONT></TD>'
    '<TD ALIGN="LEFT">canonical module</TD></TR>'
    '</TABLE>>'
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
    result = picture.result
    layered = any(group.role == "layer" for group in picture.groups)
    title = [f"{result.id}: {result.name}" if result.name else result.id, _status(picture)]
    if picture.note:
        title.append(picture.note)
    dot = pydot.Dot(
        graph_name=quoted(result.id), graph_type="digraph", rankdir="TB", newrank="true",
        labelloc="t", fontname=FONT, fontsize="14", nodesep="0.3", ranksep="0.55",
        label=quoted(*title),
    )
    dot.set_node_defaults(shape="box", style='"rounded,filled"', fillcolor="white",
                          fontname=FONT, fontsize="10", color="#616161")
    dot.set_edge_defaults(fontname=FONT, fontsize="9")

    by_group: dict[int | None, list[str]] = {}
    for node, data in picture.graph.nodes(data=True):
        by_group.setdefault(data["group"], []).append(node)
    enclosing = _enclosing(picture.groups)
    for index, group in enumerate(picture.groups):
        members = by_group.get(index, [])
        if index in enclosing:  # e.g. canonical modules, drawn inside their package
            continue
        inner = [(n, picture.groups[i].role) for i, outer in enclosing.items() if outer == index
                 for n in by_group.get(i, [])]
        if not members and not inner:
            continue
        cluster = pydot.Cluster(
            f"group_{index}", label=quoted(group_title(picture, index)),
            style='"rounded,dashed"', color="#bdbdbd", fontname=FONT, fontsize="11",
            labeljust="l")
        if group.role == "layer":  # a band: the layer's modules side by side on one rank
            row = pydot.Subgraph(rank="same")
            for node in members:
                row.add_node(_node(node, group.role, picture))
            cluster.add_subgraph(row)
        else:
            for node in members:
                cluster.add_node(_node(node, group.role, picture))
        for node, role in inner:
            cluster.add_node(_node(node, role, picture))
        dot.add_subgraph(cluster)
    for node in by_group.get(None, []):
        dot.add_node(_node(node, None, picture))
    if layered:
        _order_bands(dot, picture, by_group)

    for importer, imported, data in picture.graph.edges(data=True):
        kind = data["kind"]
        attributes = dict(_EDGE_STYLE[kind])
        attributes["tooltip"] = quoted(*(f"{hop.path}:{hop.line}  {hop.line_contents}"
                                         for hop in data["hops"]))
        if kind != CONTEXT:
            attributes["label"] = quoted(edge_label(importer, data["hops"]))
            if layered:
                attributes["constraint"] = "false"
        dot.add_edge(pydot.Edge(quoted(importer), quoted(imported), **attributes))
    legend = pydot.Subgraph(rank="sink")
    legend.add_node(pydot.Node("legend", shape="plaintext", style='""', label=_LEGEND,
                               fontsize="9"))
    dot.add_subgraph(legend)
    return dot


def _enclosing(groups: tuple[Group, ...]) -> dict[int, int]:
    """Groups whose named modules all lie inside one named module of an earlier group, mapped
    to that group: they are drawn in its box, not in a box of their own."""
    found = {}
    for index, group in enumerate(groups):
        for outer in range(index):
            if group.modules and all(any(is_within(m, o) for o in groups[outer].modules)
                                     for m in group.modules):
                found[index] = outer
                break
    return found


def _node(module: str, role: str | None, picture: Picture) -> pydot.Node:
    attributes = {"label": quoted(short_name(module, picture.groups)), "tooltip": quoted(module)}
    if role in _ROLE_FILL:
        attributes["fillcolor"] = _ROLE_FILL[role]
    if role == "canonical":
        attributes.update(color=GREEN, penwidth="2")
    return pydot.Node(quoted(module), **attributes)


def _order_bands(dot: pydot.Dot, picture: Picture, by_group: dict) -> None:
    """Stack the layers top to bottom: an invisible edge from each band to the next."""
    anchors = [by_group[i][0] for i in range(len(picture.groups)) if by_group.get(i)]
    for upper, lower in zip(anchors, anchors[1:]):
        dot.add_edge(pydot.Edge(quoted(upper), quoted(lower), style="invis", weight="10"))


def _status(picture: Picture) -> str:
    count = len(picture.result.violations)
    if not count:
        return "kept"
    return f"broken: {count} violation{'s' if count != 1 else ''}"
