"""Mermaid flowchart text (`.mmd`) of a contract's picture, for reviews in Markdown.

Same model as the DOT picture: groups as subgraphs, violating imports thick and red with
their lines (pale red when the baseline records them), chains dotted, allowed imports grey,
canonical modules and original definitions green, copies red.
"""

from __future__ import annotations

from ..model import printable
from .dot import GREEN, GREY, PALE_RED, RED
from .picture import Kind, Picture, Role, group_title

_ARROW = {Kind.VIOLATION: "==>", Kind.INDIRECT: "-.->", Kind.CHAIN: "-.->", Kind.CONTEXT: "-->"}
_WIDTH = {Kind.VIOLATION: "2.5px", Kind.INDIRECT: "2px", Kind.CHAIN: "1.5px"}
_CLASSES = {
    Role.CANONICAL: f"fill:#e8f5e9,stroke:{GREEN},stroke-width:2px",
    Role.ORIGINAL: f"stroke:{GREEN},stroke-width:2px",
    Role.COPY: f"stroke:{RED},stroke-width:2px,color:{RED}",
    "baselined_copy": f"stroke:{PALE_RED},stroke-width:2px",
    Role.GATHERED: f"fill:#f5f5f5,stroke:{GREY},stroke-dasharray:4",
}


def mermaid_source(picture: Picture) -> str:
    result = picture.result
    graph = picture.graph
    ids = {node: f"m{index}" for index, node in enumerate(sorted(graph.nodes))}
    lines = [f"%% {_text(result.id)}: {_text(result.name)}", "flowchart TB"]
    for note in reversed(picture.notes):
        lines.insert(1, f"%% {_text(note)}")
    for index in range(len(picture.groups)):
        members = sorted(n for n, data in graph.nodes(data=True) if data["group"] == index)
        if not members:
            continue
        lines.append(f'  subgraph g{index}["{_text(group_title(picture, index))}"]')
        lines += [f'    {ids[n]}["{_label(graph.nodes[n]["label"])}"]' for n in members]
        lines.append("  end")
    for node, data in sorted(graph.nodes(data=True)):
        if data["group"] is None:
            lines.append(f'  {ids[node]}["{_label(data["label"])}"]')
    styles = []
    for number, (importer, imported, data) in enumerate(sorted(graph.edges(data=True),
                                                               key=lambda e: (e[0], e[1]))):
        kind = data["kind"]
        label = f'|"{_text(data["label"])}"|' if data["label"] else ""
        lines.append(f"  {ids[importer]} {_ARROW[kind]}{label} {ids[imported]}")
        if kind == Kind.CONTEXT:
            styles.append(f"  linkStyle {number} stroke:{GREY},stroke-width:1px")
        else:
            colour = RED if data["new"] else PALE_RED
            styles.append(f"  linkStyle {number} stroke:{colour},stroke-width:{_WIDTH[kind]},"
                          f"color:{colour}")
    lines += styles
    classes: dict[str, list[str]] = {}
    for node, data in sorted(graph.nodes(data=True)):
        role = data["role"]
        if role == Role.COPY and not data["new"]:
            role = "baselined_copy"
        if role is not None:
            classes.setdefault(role, []).append(ids[node])
    for role, members in classes.items():
        lines.append(f"  classDef {role} {_CLASSES[role]}")
        lines.append(f"  class {','.join(members)} {role}")
    return "\n".join(lines) + "\n"


def _label(text: str) -> str:
    return "<br>".join(_text(line) for line in text.split("\n"))


def _text(text: str) -> str:
    """Text inside a quoted Mermaid label: quotes and angle brackets as entity codes."""
    return (printable(text).replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("\n", " "))
