"""`index.html`: one self-contained page for an architecture review — every contract with its
status, its picture inline and its violation table.

No scripts, no external files. Every text that comes from the checked code or the contracts
passes through `html.escape`; the inline SVG comes from Graphviz, which escapes its own text.
"""

from __future__ import annotations

import re
from html import escape

from ..model import ContractResult, Report

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)

_STYLE = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #212121;
       margin: 2em auto; max-width: 1400px; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2.2em; border-bottom: 1px solid #e0e0e0; padding-bottom: 0.3em; }
.summary { color: #616161; }
.kept { color: #2e7d32; } .broken { color: #c62828; } .warning { color: #ef6c00; }
.description { color: #424242; max-width: 60em; }
.picture svg { max-width: 100%; height: auto; }
.picture { overflow: auto; border: 1px solid #eeeeee; padding: 0.5em; margin: 1em 0; }
.files a { margin-right: 1em; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eeeeee; }
th { background: #fafafa; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
td.fix code { color: #2e7d32; }
ul.contracts { padding-left: 1.2em; }
"""


def index_page(report: Report, pictures: dict[str, str], files: dict[str, list[str]],
               missing: str = "") -> str:
    """The review page. `pictures` maps a contract id to its SVG text; `files` to the names
    of the files written for it; `missing` explains why a drawn contract has no SVG."""
    summary = report.summary
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>archlint: architecture contracts</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Architecture contracts</h1>",
        f'<p class="summary">{summary.contracts} contracts: {summary.kept} kept, '
        f"{summary.broken} broken · {summary.violations} violations · "
        f"archlint {escape(report.version)}</p>",
        '<ul class="contracts">',
    ]
    for result in report.results:
        parts.append(f'<li><a href="#{escape(result.id)}">{escape(result.id)}</a> '
                     f"{_status(result)}</li>")
    parts.append("</ul>")
    for result in report.results:
        parts += _section(result, pictures.get(result.id), files.get(result.id, []), missing)
    if report.diagnostics:
        parts += _diagnostics(report)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _section(result: ContractResult, svg: str | None, files: list[str], missing: str) -> list[str]:
    parts = [
        f'<h2 id="{escape(result.id)}">{_status(result)} {escape(result.id)}'
        f"{' · ' + escape(result.name) if result.name else ''}</h2>",
        f"<p>type <code>{escape(result.type)}</code>"
        f"{' · severity warning' if result.severity == 'warning' else ''}</p>",
    ]
    if result.description:
        parts.append(f'<p class="description">{escape(result.description.strip())}</p>')
    if svg is not None:
        parts.append(f'<div class="picture">{_PROLOG.sub("", svg, count=1)}</div>')
    elif files and missing:
        parts.append(f"<p>{escape(missing)}</p>")
    if files:
        links = " ".join(f'<a href="{escape(name)}">{escape(name)}</a>' for name in files)
        parts.append(f'<p class="files">{links}</p>')
    if result.violations:
        parts.append("<table><tr><th>where</th><th>importer</th><th>imported</th>"
                     "<th>symbol</th><th>fix / why</th></tr>")
        for violation in result.violations:
            fix = (f'<td class="fix"><code>{escape(violation.fix)}</code></td>' if violation.fix
                   else f"<td>{escape(violation.message)}</td>")
            parts.append(
                f"<tr><td><code>{escape(violation.path)}:{violation.line}</code><br>"
                f"<code>{escape(violation.line_contents)}</code></td>"
                f"<td><code>{escape(violation.importer)}</code></td>"
                f"<td><code>{escape(violation.imported)}</code></td>"
                f"<td><code>{escape(violation.symbol or '')}</code></td>{fix}</tr>")
        parts.append("</table>")
    return parts


def _diagnostics(report: Report) -> list[str]:
    parts = ["<h2 id=\"diagnostics\">Diagnostics</h2>",
             "<table><tr><th>where</th><th>kind</th><th>message</th></tr>"]
    for diagnostic in report.diagnostics:
        parts.append(f"<tr><td><code>{escape(diagnostic.path)}:{diagnostic.line}</code></td>"
                     f"<td>{escape(diagnostic.kind)}</td><td>{escape(diagnostic.message)}</td></tr>")
    parts.append("</table>")
    return parts


def _status(result: ContractResult) -> str:
    if result.kept:
        return '<span class="kept">✓ kept</span>'
    css = "warning" if result.severity == "warning" else "broken"
    count = len(result.violations)
    return f'<span class="{css}">✗ broken, {count} violation{"s" if count != 1 else ""}</span>'
