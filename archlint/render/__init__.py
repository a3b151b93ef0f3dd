"""Renderers: pictures of what each contract found, drawn from the Report alone.

`writing.write_graphs` writes them. This package's own namespace stays light (only the
format names), so the CLI can offer them without loading networkx or pydot.
"""

FORMATS = ("svg", "png", "dot", "html", "mermaid")
DEFAULT_FORMATS = ("dot", "svg", "html")
