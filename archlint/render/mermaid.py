"""Mermaid flowchart text (`.mmd`) of a contract's picture, for reviews in Markdown.

Same model as the DOT picture: groups as subgraphs, violating imports thick and red with
their lines, earlier hops of a chain dotted, allowed imports grey, canonical modules green.
"""

from __future__ import annotations

from ..model import printable
from .dot import GREEN, GREY, RED
from .picture import CHAIN, CONTEXT, VIOLATION, Picture, edge_label, group_title, short_name

_ARROW = {VIOLATION: "==>", CHAIN: "-.->", CONTEXT: "-->"}
_STROKE = {
    VIOLATION: f"stroke:{RED},stroke-width:2.5px,color:{RED}",
    CHAIN: f"stroke:{RED},stroke-width:1.5px,color:{RED}",
    CONTEXT: f"stroke:{GREY},stroke-width:1px",
}


def mermaid_source(picture: Picture) -> str:
    result = picture.result
    ids = {node: f"m{index}" for index, node in enumerate(sorted(picture.graph.nodes))}
    lines = [f"%% {_text(result.id)}: {_text(result.name)}", "flowchart TB"]
    if picture.note:
        lines.insert(1, f"%% {_text(picture.note)}")
    for index, group in enumerate(picture.groups):
        members = [n for n, data in picture.graph.nodes(data=True) if data["group"] == index]
        if not members:
            continue
        lines.append(f'  subgraph g{index}["{_text(group_title(picture, index))}"]')
        lines += [f'    {ids[n]}["{_text(short_name(n, picture.groups))}"]'
                  for n in sorted(members)]
        lines.append("  end")
    for node, data in sorted(picture.graph.nodes(data=True)):
        if data["group"] is None:
            lines.append(f'  {ids[node]}["{_text(node)}"]')
    styles = []
    for number, (importer, imported, data) in enumerate(sorted(picture.graph.edges(data=True),
                                                               key=lambda e: (e[0], e[1]))):
        kind = data["kind"]
        label = "" if kind == CONTEXT else f'|"{_text(edge_label(importer, data["hops"]))}"|'
        lines.append(f"  {ids[importer]} {_ARROW[kind]}{label} {ids[imported]}")
        styles.append(f"  linkStyle {number} {_STROKE[kind]}")
    lines += styles
    canonical = [ids[n] for n, data in sorted(picture.graph.nodes(data=True))
                 if data["group"] is not None and picture.groups[data["group"]].role == "canonical"]
    if canonical:
        lines.append(f"  classDef canonical fill:#e8f5e9,stroke:{GREEN},stroke-width:2px")
        lines.append(f"  class {','.join(canonical)} canonical")
    return "\n".join(lines) + "\n"


def _text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and angle brackets as entity codes."""
    return (printable(text).replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("\n", " "))


