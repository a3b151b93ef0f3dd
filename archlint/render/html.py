"""`index.html`: one self-contained page for an architecture review — every contract with its
status, its picture inline and its violation table.

Made for a pull request's review: violations are marked new or baselined and can be filtered
to either (in the tables and in the pictures); each one links to where its picture draws it
and to its source file; large pictures pan and zoom. No external file, no network: the style
and the one small script are inline. Every text that comes from the checked code or the
contracts passes through `escape` (markup escaped, control and bidi characters shown as
escapes); the inline SVG comes from Graphviz, which escapes its own text.
"""

from __future__ import annotations

import re
from html import escape as escape_markup

from ..model import ContractResult, ImportViolation, Report, Violation, printable
from .project_map import MAP_ID


def escape(text: str) -> str:
    """Text for the page: markup escaped, and the characters that would hide or reorder what
    it says (control and bidi characters) shown as escapes."""
    return escape_markup(printable(text))


_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)

_STYLE = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #212121;
       margin: 0 auto; max-width: 1400px; padding: 3.2em 1em 2em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2.2em; border-bottom: 1px solid #e0e0e0; padding-bottom: 0.3em; }
.summary { color: #616161; }
.kept { color: #2e7d32; } .broken { color: #c62828; } .warning { color: #ef6c00; }
.description { color: #424242; max-width: 60em; }
.filters { position: fixed; top: 0; left: 0; right: 0; z-index: 2; background: #fafafa;
           border-bottom: 1px solid #e0e0e0; padding: 0.45em 1em; }
.filters button { font: inherit; border: 1px solid #9e9e9e; background: #ffffff; color: #212121;
                  border-radius: 4px; padding: 0.15em 0.9em; margin-right: 0.4em; cursor: pointer; }
.filters button[aria-pressed="true"] { background: #1565c0; border-color: #1565c0; color: #ffffff; }
.viewer { position: relative; border: 1px solid #e0e0e0; margin: 1em 0; overflow: hidden;
          background: #ffffff; cursor: grab; touch-action: none; }
.viewer svg { display: block; width: 100%; }
.viewer .zoom { position: absolute; top: 6px; right: 6px; }
.viewer .zoom button { font: inherit; width: 2em; border: 1px solid #bdbdbd; background: #ffffff;
                       border-radius: 4px; cursor: pointer; }
.files a { margin-right: 1em; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
         border-bottom: 1px solid #eeeeee; }
th { background: #fafafa; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
td.fix code { color: #2e7d32; }
.badge { display: inline-block; border-radius: 3px; padding: 0 0.45em; font-size: 12px; }
tr.new .badge { background: #c62828; color: #ffffff; }
tr.baselined .badge { background: #f3e0e0; color: #a05252; }
ul.contracts { padding-left: 1.2em; }
body[data-show="new"] tr.baselined, body[data-show="baselined"] tr.new { display: none; }
body[data-show="new"] g.baselined, body[data-show="baselined"] g.violation:not(.baselined),
body[data-show="new"] g.copy.baselined, body[data-show="baselined"] g.copy:not(.baselined)
  { opacity: 0.06; }
g.focus path, g.focus polygon { stroke-width: 5px; }
g.focus text { font-weight: bold; }
"""

# Filters, links to what a picture draws, and pan and zoom; no library, no network.
_SCRIPT = """
(function () {
  var body = document.body;
  function show(which) {
    body.setAttribute("data-show", which);
    document.querySelectorAll(".filters button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.show === which));
    });
  }
  document.querySelectorAll(".filters button").forEach(function (button) {
    button.addEventListener("click", function () { show(button.dataset.show); });
  });
  var asked = new URLSearchParams(location.search).get("show");
  show(asked === "new" || asked === "baselined" ? asked : "all");

  function viewBox(svg) { return svg.viewBox.baseVal; }
  function setBox(svg, x, y, w, h) { svg.setAttribute("viewBox", [x, y, w, h].join(" ")); }
  document.querySelectorAll(".viewer").forEach(function (viewer) {
    var svg = viewer.querySelector("svg");
    if (!svg) { return; }
    var home = viewBox(svg);
    var start = [home.x, home.y, home.width, home.height];
    svg.style.height = Math.min(home.height * 4 / 3, window.innerHeight * 0.8) + "px";
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    viewer.home = function () { setBox(svg, start[0], start[1], start[2], start[3]); };
    function zoom(factor, cx, cy) {
      var b = viewBox(svg);
      var w = Math.min(Math.max(b.width * factor, start[2] / 40), start[2] * 2);
      var h = w * b.height / b.width;
      setBox(svg, cx - (cx - b.x) * w / b.width, cy - (cy - b.y) * h / b.height, w, h);
    }
    function point(event) {
      var p = new DOMPoint(event.clientX, event.clientY);
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = point(event);
      zoom(event.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
    }, { passive: false });
    var dragging = null;
    svg.addEventListener("pointerdown", function (event) {
      dragging = point(event);
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", function (event) {
      if (!dragging) { return; }
      var p = point(event), b = viewBox(svg);
      setBox(svg, b.x - (p.x - dragging.x), b.y - (p.y - dragging.y), b.width, b.height);
    });
    svg.addEventListener("pointerup", function () { dragging = null; });
    viewer.querySelectorAll(".zoom button").forEach(function (button) {
      button.addEventListener("click", function () {
        var b = viewBox(svg), c = [b.x + b.width / 2, b.y + b.height / 2];
        if (button.dataset.zoom === "home") { viewer.home(); }
        else { zoom(button.dataset.zoom === "in" ? 0.67 : 1.5, c[0], c[1]); }
      });
    });
  });

  function focus(id) {
    var element = document.getElementById(id);
    var svg = element && element.ownerSVGElement;
    if (!svg) { return false; }
    var viewer = svg.closest(".viewer");
    document.querySelectorAll("g.focus").forEach(function (g) { g.classList.remove("focus"); });
    element.classList.add("focus");
    viewer.scrollIntoView({ block: "nearest" });
    var box = element.getBBox();
    var matrix = svg.getScreenCTM().inverse().multiply(element.getScreenCTM());
    var a = new DOMPoint(box.x, box.y).matrixTransform(matrix);
    var z = new DOMPoint(box.x + box.width, box.y + box.height).matrixTransform(matrix);
    var b = viewBox(svg);
    var w = Math.max(Math.abs(z.x - a.x) * 2.5, b.width / 5, 300);
    w = Math.min(w, svg.viewBox.baseVal.width);
    var h = w * b.height / b.width;
    setBox(svg, (a.x + z.x) / 2 - w / 2, (a.y + z.y) / 2 - h / 2, w, h);
    return true;
  }
  document.querySelectorAll("a.drawn").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (focus(link.getAttribute("href").slice(1))) { event.preventDefault(); }
    });
  });
  if (location.hash.length > 1) { focus(decodeURIComponent(location.hash.slice(1))); }
})();
"""


def index_page(report: Report, pictures: dict[str, str], files: dict[str, list[str]],
               targets: dict[str, tuple[str, ...]], sources: str | None = None,
               missing: str = "") -> str:
    """The review page. `pictures` maps a contract id to its SVG text; `files` to the names
    of the files written for it; `targets` to the element id drawing each of its violations;
    `sources` is the project root relative to the page (for links to source files), None
    when there is no such path; `missing` explains why a drawn contract has no SVG."""
    summary = report.summary
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>archlint: architecture contracts</title>",
        f"<style>{_STYLE}</style></head><body>",
        '<nav class="filters" aria-label="filter violations">'
        f'<button type="button" data-show="all">All {summary.violations}</button>'
        f'<button type="button" data-show="new">New {summary.new}</button>'
        f'<button type="button" data-show="baselined">Baselined {summary.baselined}</button>'
        "</nav>",
        "<h1>Architecture contracts</h1>",
        f'<p class="summary">{summary.contracts} contracts: {summary.kept} kept, '
        f"{summary.broken} broken · {summary.violations} violations "
        f"({summary.new} new, {summary.baselined} baselined) · "
        f"archlint {escape(report.version)}</p>",
        '<ul class="contracts">',
    ]
    for result in report.results:
        parts.append(f'<li><a href="#{escape(result.id)}">{escape(result.id)}</a> '
                     f"{_status(result)}</li>")
    parts.append("</ul>")
    if MAP_ID in pictures or MAP_ID in files:
        parts += _map_section(pictures.get(MAP_ID), files.get(MAP_ID, []), missing)
    for result in report.results:
        parts += _section(result, pictures.get(result.id), files.get(result.id, []),
                          targets.get(result.id, ()), sources, missing)
    if report.diagnostics:
        parts += _diagnostics(report)
    parts.append(f"<script>{_SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _section(result: ContractResult, svg: str | None, files: list[str],
             targets: tuple[str, ...], sources: str | None, missing: str) -> list[str]:
    parts = [
        f'<h2 id="{escape(result.id)}">{_status(result)} {escape(result.id)}'
        f"{' · ' + escape(result.name) if result.name else ''}</h2>",
        f"<p>type <code>{escape(result.type)}</code>"
        f"{' · severity warning' if result.severity == 'warning' else ''}</p>",
    ]
    if result.description:
        parts.append(f'<p class="description">{escape(result.description.strip())}</p>')
    if svg is not None:
        parts.append(_viewer(svg))
    elif files and missing:
        parts.append(f"<p>{escape(missing)}</p>")
    if files:
        links = " ".join(f'<a href="{escape(name)}">{escape(name)}</a>' for name in files)
        parts.append(f'<p class="files">{links}</p>')
    if result.violations:
        parts.append("<table><tr><th></th><th>where</th><th>importer</th><th>imported</th>"
                     "<th>symbol</th><th>fix / why</th></tr>")
        for index, violation in enumerate(result.violations):
            target = targets[index] if index < len(targets) else ""
            parts.append(_row(violation, target, sources))
        parts.append("</table>")
    return parts


def _map_section(svg: str | None, files: list[str], missing: str) -> list[str]:
    parts = ['<h2 id="project-map">Project map</h2>',
             "<p>Every package of the project and the imports between them; the violations of "
             "every contract in red, each package marked with the contracts that name it.</p>"]
    if svg is not None:
        parts.append(_viewer(svg))
    elif missing:
        parts.append(f"<p>{escape(missing)}</p>")
    if files:
        links = " ".join(f'<a href="{escape(name)}">{escape(name)}</a>' for name in files)
        parts.append(f'<p class="files">{links}</p>')
    return parts


def _viewer(svg: str) -> str:
    """An inline SVG with the buttons that zoom it (the script adds dragging and the wheel)."""
    return ('<div class="viewer"><div class="zoom">'
            '<button type="button" data-zoom="in" title="zoom in">+</button>'
            '<button type="button" data-zoom="out" title="zoom out">&#8722;</button>'
            '<button type="button" data-zoom="home" title="whole picture">&#9633;'
            f'</button></div>{_PROLOG.sub("", svg, count=1)}</div>')


def _row(violation: Violation, target: str, sources: str | None) -> str:
    state = "baselined" if violation.baselined else "new"
    place = f"{violation.path}:{violation.line}"
    where = f"<code>{escape(place)}</code>"
    if sources is not None:
        href = f"{sources}/{violation.path}" if sources else violation.path
        where = f'<a href="{escape(href)}"><code>{escape(place)}</code></a>'
    if target:
        where += f' <a class="drawn" href="#{escape(target)}">picture</a>'
    replacement = violation.replacement if isinstance(violation, ImportViolation) else None
    fix = (f'<td class="fix"><code>{escape(replacement.statement)}</code></td>' if replacement
           else f"<td>{escape(violation.message)}</td>")
    _, importer, imported, symbol = violation.identity
    return (f'<tr class="{state}"><td><span class="badge">{state}</span></td>'
            f"<td>{where}<br><code>{escape(violation.line_contents)}</code></td>"
            f"<td><code>{escape(importer)}</code></td>"
            f"<td><code>{escape(imported)}</code></td>"
            f"<td><code>{escape(symbol)}</code></td>{fix}</tr>")


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
