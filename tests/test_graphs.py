"""Pictures: `archlint graph` and `check --graphs` draw what the contracts found.

DOT is asserted through pydot's parser (edges, colours, labels, band order); SVG and PNG come
from the real Graphviz `dot`. CI installs Graphviz and sets ARCHLINT_REQUIRE_GRAPHVIZ=1, so
the tests that need it fail there instead of skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pydot
import pytest

from archlint.render.dot import GREY, INSTALL_GRAPHVIZ, RED

needs_graphviz = pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("ARCHLINT_REQUIRE_GRAPHVIZ"),
    reason="Graphviz's dot is not installed (CI installs it and requires these tests)",
)

LAYERED = {
    "app/__init__.py": "",
    "app/high/__init__.py": "",
    "app/high/views.py": "import app.mid\n",
    "app/mid/__init__.py": "",
    "app/mid/service.py": "import app.low.store\n",
    "app/low/__init__.py": "",
    "app/low/store.py": "# the upward import:\n\nfrom app.high.views import render\n",
}
LAYERS = """
    [[contracts]]
    id = "layers"
    name = "High above mid above low"
    type = "layers"
    layers = ["app.high", "app.mid", "app.low"]
"""


def layered(project):
    return project.settings(["app"]).files(LAYERED).contracts(LAYERS)


def parse_dot(path: Path) -> pydot.Dot:
    (graph,) = pydot.graph_from_dot_file(str(path))
    return graph


def edges_of(graph: pydot.Dot) -> dict[tuple[str, str], dict]:
    """Every visible edge, clusters included, as (importer, imported) -> attributes (an
    upward import is drawn from its imported module with its arrow turned: dir=back)."""
    found = {}
    pending = [graph]
    while pending:
        current = pending.pop()
        for edge in current.get_edges():
            attributes = edge.get_attributes()
            ends = (edge.get_source().strip('"'), edge.get_destination().strip('"'))
            if attributes.get("dir") == "back":
                ends = ends[::-1]
            if attributes.get("style") != "invis":
                found[ends] = attributes
        pending += current.get_subgraphs()
    return found


def nodes_of(graph: pydot.Dot) -> dict[str, dict]:
    """Every box, clusters included, as name -> attributes (the legend and the default
    node, edge and graph statements left out)."""
    found = {}
    pending = [graph]
    while pending:
        current = pending.pop()
        for node in current.get_nodes():
            if node.get_name() not in ("legend", "node", "edge", "graph"):
                found[node.get_name().strip('"')] = node.get_attributes()
        pending += current.get_subgraphs()
    return found


def cluster_labels(graph: pydot.Dot) -> list[str]:
    return [sub.get_label().strip('"') for sub in graph.get_subgraphs()
            if sub.get_name().startswith("cluster_")]


# -- the picture's structure ------------------------------------------------------------------


def test_violating_edge_is_red_and_labelled_and_context_is_grey(project):
    layered(project)
    run = project.cli("graph", "--out", "out", "--format", "dot")
    assert run.code == 0
    assert run.out == "graphs: 1 contract drawn in out\n"
    graph = parse_dot(project.root / "out" / "layers.dot")
    edges = edges_of(graph)
    violating = edges["app.low.store", "app.high.views"]
    assert violating["color"] == f'"{RED}"'
    assert violating["label"] == '"line 3"'
    assert violating["dir"] == "back"  # drawn downward from the band above, arrow turned
    assert "constraint" not in violating
    assert "app/low/store.py:3  from app.high.views import render" in violating["tooltip"]
    for allowed in [("app.high.views", "app.mid"), ("app.mid.service", "app.low.store")]:
        assert edges[allowed]["color"] == f'"{GREY}"'
        assert "label" not in edges[allowed]
    assert set(edges) == {("app.low.store", "app.high.views"), ("app.high.views", "app.mid"),
                          ("app.mid.service", "app.low.store")}


def test_layers_are_bands_ordered_top_to_bottom(project):
    layered(project)
    project.cli("graph", "--out", "out", "--format", "dot")
    graph = parse_dot(project.root / "out" / "layers.dot")
    assert cluster_labels(graph) == ["layer 1: app.high", "layer 2: app.mid", "layer 3: app.low"]
    order = [(e.get_source().strip('"'), e.get_destination().strip('"'))
             for e in graph.get_edges() if e.get_attributes().get("style") == "invis"]
    # from the last box of each band to the first of the next
    assert order == [("app.high.views", "app.mid"), ("app.mid.service", "app.low.store")]
    for band in graph.get_subgraphs():
        if not band.get_name().startswith("cluster_"):
            continue
        (row,) = band.get_subgraphs()
        assert row.get_attributes()["rank"] == "same"


def test_chain_is_drawn_hop_by_hop_with_the_violating_hop_marked(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/api.py": "import app.helpers\n",
        "app/helpers.py": "import app.util\n",
        "app/util.py": "# util\nimport app.db\n",
        "app/db.py": "",
    }).contracts("""
        [[contracts]]
        id = "no-db"
        type = "forbidden"
        source_modules = ["app.api"]
        forbidden_modules = ["app.db"]
    """)
    project.cli("graph", "--out", "out", "--format", "dot")
    edges = edges_of(parse_dot(project.root / "out" / "no-db.dot"))
    assert edges["app.api", "app.helpers"]["style"] == "dashed"
    assert edges["app.helpers", "app.util"]["style"] == "dashed"
    last = edges["app.util", "app.db"]
    assert "style" not in last and last["color"] == f'"{RED}"' and last["label"] == '"line 2"'


def test_canonical_modules_are_highlighted_inside_their_package(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ws/__init__.py": "",
        "app/ws/manager.py": "class Manager: ...\n",
        "app/ws/legacy.py": "from app.ws.manager import Manager\n",
        "app/routes.py": "from app.ws.legacy import Manager\n",
    }).contracts("""
        [[contracts]]
        id = "ws"
        type = "canonical"
        package = "app.ws"
        canonical = ["app.ws.manager"]
    """)
    project.cli("graph", "--out", "out", "--format", "dot")
    graph = parse_dot(project.root / "out" / "ws.dot")
    (package,) = [s for s in graph.get_subgraphs() if s.get_name() == "cluster_group_0"]
    nodes = {n.get_name().strip('"'): n.get_attributes() for n in package.get_nodes()}
    assert set(nodes) == {"app.ws.legacy", "app.ws.manager"}
    assert nodes["app.ws.manager"]["fillcolor"] == '"#e8f5e9"'
    assert nodes["app.ws.manager"]["label"] == '"manager"'
    assert "fillcolor" not in nodes["app.ws.legacy"]
    assert edges_of(graph)["app.routes", "app.ws.legacy"]["label"] == '"line 1"'


def test_a_large_picture_collapses_context_and_says_so(project):
    files = {"app/__init__.py": "", "app/high/__init__.py": "", "app/low/__init__.py": "",
             "app/low/bad.py": "import app.high.m0\n"}
    for n in range(30):
        files[f"app/high/m{n}.py"] = f"import app.low.l{n}\n"
        files[f"app/low/l{n}.py"] = ""
    project.settings(["app"]).files(files).contracts("""
        [[contracts]]
        id = "big"
        type = "layers"
        layers = ["app.high", "app.low"]
    """)
    project.cli("graph", "--out", "out", "--format", "dot")
    graph = parse_dot(project.root / "out" / "big.dot")
    assert "modules collapsed into their packages to stay readable" in graph.get_label()
    assert set(edges_of(graph)) == {("app.low.bad", "app.high.m0"), ("app.high", "app.low"),
                                    ("app.high.m0", "app.low")}
    edges = edges_of(graph)
    assert edges["app.high", "app.low"]["color"] == f'"{GREY}"'
    assert "app/high/m9.py:1  import app.low.l9" in edges["app.high", "app.low"]["tooltip"]

    project.cli("graph", "--out", "deep", "--format", "dot", "--depth", "1")
    deep = parse_dot(project.root / "deep" / "big.dot")
    assert "collapsed" not in deep.get_label()
    assert len(edges_of(deep)) == 31


def test_many_boxes_without_violations_in_a_group_are_gathered_into_one(project):
    files = {"app/__init__.py": "", "app/_core.py": "", "app/api.py": "", "tests/__init__.py": "",
             "tests/test_bad.py": "import app._core\n"}
    for n in range(11):
        files[f"tests/test_m{n}.py"] = "import app.api\n"
    project.settings(["app", "tests"]).files(files).contracts("""
        [[contracts]]
        id = "tests-public"
        type = "internal"
        importers = ["tests"]
        packages = ["app"]
    """)
    project.cli("graph", "--out", "out", "--format", "dot")
    graph = parse_dot(project.root / "out" / "tests-public.dot")
    assert "modules without violations gathered into one box per group" in graph.get_label()
    nodes = {name: attributes["label"] for name, attributes in nodes_of(graph).items()}
    assert nodes == {"importers (11 without violations)": '"11 modules\\nwithout violations"',
                     "tests.test_bad": '"tests.test_bad"', "app._core": '"app._core"',
                     "app.api": '"app.api"'}
    assert set(edges_of(graph)) == {("tests.test_bad", "app._core"),
                                    ("importers (11 without violations)", "app.api")}

    project.cli("graph", "--out", "every", "--format", "dot", "--depth", "1")
    every = parse_dot(project.root / "every" / "tests-public.dot")
    assert "gathered" not in every.get_label()
    assert len(edges_of(every)) == 12


def test_kept_contracts_are_drawn_only_on_request(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/high.py": "import app.low\n", "app/low.py": "",
    }).contracts("""
        [[contracts]]
        id = "layers"
        type = "layers"
        layers = ["app.high", "app.low"]
    """)
    run = project.cli("graph", "--out", "out", "--format", "dot", "--format", "html")
    assert run.out == ("graphs: nothing to draw (every contract kept; --contract ID draws a "
                       "kept one) in out, open out/index.html\n")
    assert sorted(p.name for p in (project.root / "out").iterdir()) == [".archlint-drawn",
                                                                        "index.html"]

    project.cli("graph", "--out", "out", "--format", "dot", "--contract", "layers")
    graph = parse_dot(project.root / "out" / "layers.dot")
    assert "kept" in graph.get_label()
    assert {a["color"] for a in edges_of(graph).values()} == {f'"{GREY}"'}


def test_pictures_of_contracts_now_kept_are_removed(project):
    layered(project)
    project.cli("graph", "--out", "out", "--format", "dot", "--format", "mermaid")
    assert (project.root / "out" / "layers.dot").exists()
    project.files({"app/low/store.py": "\n"})
    project.cli("graph", "--out", "out", "--format", "dot", "--format", "mermaid")
    assert not (project.root / "out" / "layers.dot").exists()
    assert not (project.root / "out" / "layers.mmd").exists()


def test_mermaid_has_bands_red_violation_and_grey_context(project):
    layered(project)
    project.cli("graph", "--out", "out", "--format", "mermaid")
    assert (project.root / "out" / "layers.mmd").read_text() == (
        "%% layers: High above mid above low\n"
        "flowchart TB\n"
        '  subgraph g0["layer 1: app.high"]\n'
        '    m0["high.views"]\n'
        "  end\n"
        '  subgraph g1["layer 2: app.mid"]\n'
        '    m2["mid"]\n'
        '    m3["mid.service"]\n'
        "  end\n"
        '  subgraph g2["layer 3: app.low"]\n'
        '    m1["low.store"]\n'
        "  end\n"
        "  m0 --> m2\n"
        '  m1 ==>|"line 3"| m0\n'
        "  m3 --> m1\n"
        "  linkStyle 0 stroke:#b0b0b0,stroke-width:1px\n"
        "  linkStyle 1 stroke:#c62828,stroke-width:2.5px,color:#c62828\n"
        "  linkStyle 2 stroke:#b0b0b0,stroke-width:1px\n"
    )


# -- determinism ------------------------------------------------------------------------------


def test_dot_is_byte_identical_across_runs_and_hash_seeds(project):
    layered(project)
    outputs = []
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-m", "archlint", "graph", "--out", f"out{seed}",
                        "--format", "dot", "--format", "mermaid", "--no-cache"],
                       cwd=project.root, check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append([(project.root / f"out{seed}" / name).read_bytes()
                        for name in ("layers.dot", "layers.mmd")])
    assert outputs[0] == outputs[1]


# -- Graphviz ---------------------------------------------------------------------------------


@needs_graphviz
def test_svg_from_real_dot_parses_and_holds_the_violating_edge(project):
    layered(project)
    run = project.cli("graph", "--out", "out")
    assert run.code == 0 and run.err == ""
    assert sorted(p.name for p in (project.root / "out").iterdir()) == [
        ".archlint-drawn", "index.html", "layers.dot", "layers.svg"]
    svg = ElementTree.parse(project.root / "out" / "layers.svg").getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    edges = {g.get("id"): g for g in svg.iter("{http://www.w3.org/2000/svg}g")
             if g.get("class", "").startswith("edge")}
    (violating,) = [g for g in edges.values() if g.get("class") == "edge violation"]
    assert violating.get("id") == "layers-e1"
    assert "app/low/store.py:3" in violating.find(".//svg:a", ns).get(
        "{http://www.w3.org/1999/xlink}title")
    assert violating.find(".//svg:path", ns).get("stroke") == RED
    assert [t.text for t in violating.iter("{http://www.w3.org/2000/svg}text")] == ["line 3"]
    html = (project.root / "out" / "index.html").read_text()
    assert html.count("<svg") == 1 and "<?xml" not in html


@needs_graphviz
def test_png_is_rendered(project):
    layered(project)
    project.cli("graph", "--out", "out", "--format", "png")
    assert (project.root / "out" / "layers.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_graphviz_dot_mermaid_and_html_are_still_written(project, monkeypatch):
    layered(project)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    run = project.cli("graph", "--out", "out", "--format", "svg", "--format", "mermaid",
                      "--format", "html")
    assert run.code == 0
    assert run.err == f"archlint: warning: {INSTALL_GRAPHVIZ}\n"
    assert sorted(p.name for p in (project.root / "out").iterdir()) == [
        ".archlint-drawn", "index.html", "layers.dot", "layers.mmd"]
    html = (project.root / "out" / "index.html").read_text()
    assert "<svg" not in html
    assert "No picture: Graphviz&#x27;s dot was not found." in html
    assert '<a href="layers.dot">layers.dot</a>' in html


def test_a_failing_dot_is_one_clear_error_beside_the_report(project, monkeypatch):
    layered(project)
    fake = project.root / "fakebin"
    fake.mkdir()
    (fake / "dot").write_text("#!/bin/sh\necho 'Error: <stdin>: syntax error in line 1' >&2\n"
                              "echo 'Warning: ignored' >&2\nexit 1\n")
    (fake / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    run = project.cli("check", "--format", "json", "--graphs", "out")
    assert run.code == 2
    assert json.loads(run.out)["summary"]["broken"] == 1  # the report, and nothing of dot's
    assert run.err == ("archlint: error: Graphviz's dot failed to draw 'layers': "
                       "Error: <stdin>: syntax error in line 1\n")


def test_html_without_graphviz_says_why_there_is_no_picture(project, monkeypatch):
    layered(project)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    run = project.cli("graph", "--out", "out", "--format", "html")
    assert run.code == 0
    assert run.err == f"archlint: warning: {INSTALL_GRAPHVIZ}\n"


def test_a_format_not_drawn_again_is_removed(project):
    layered(project)
    project.cli("graph", "--out", "out", "--format", "dot", "--format", "mermaid")
    project.cli("graph", "--out", "out", "--format", "dot")
    assert sorted(p.name for p in (project.root / "out").iterdir()) == [
        ".archlint-drawn", "layers.dot"]


def test_pictures_of_renamed_and_deleted_contracts_are_removed(project):
    """The folder lists what archlint drew in it (`.archlint-drawn`); the next drawing
    removes those files it does not draw again, and nothing else."""
    layered(project).contracts(LAYERS + LAYERS.replace('id = "layers"', 'id = "deleted"'))
    (project.root / "out").mkdir()
    (project.root / "out" / "README.md").write_text("our notes\n")
    (project.root / "out" / "architecture.svg").write_text("<svg/>\n")
    assert project.cli("graph", "--out", "out", "--format", "dot", "--format", "html").code == 0
    project.contracts(LAYERS.replace('id = "layers"', 'id = "renamed"'))
    assert project.cli("graph", "--out", "out", "--format", "dot", "--format", "html").code == 0
    assert sorted(p.name for p in (project.root / "out").iterdir()) == [
        ".archlint-drawn", "README.md", "architecture.svg", "index.html", "renamed.dot"]
    page = (project.root / "out" / "index.html").read_text()
    assert "renamed" in page and "deleted" not in page and 'id="layers"' not in page
    assert (project.root / "out" / ".archlint-drawn").read_text() == (
        "# archlint drew these files; it removes those it does not draw again\n"
        "index.html\nrenamed.dot\n")
    project.cli("graph", "--out", "out", "--format", "dot")  # no page drawn: the old one goes
    assert not (project.root / "out" / "index.html").exists()


# -- check --graphs ---------------------------------------------------------------------------


def test_check_draws_in_the_same_run_and_keeps_json_clean(project, monkeypatch):
    layered(project)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    run = project.cli("check", "--format", "json", "--graphs", "pictures")
    assert run.code == 1
    assert run.out.startswith("{") and run.out.rstrip().endswith("}")
    assert "graphs: 1 contract drawn in pictures, open pictures/index.html" in run.err
    assert (project.root / "pictures" / "layers.dot").exists()


# -- hostile text -----------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> \\N & "quoted" <img src=x onerror=alert(1)>'


@needs_graphviz
def test_hostile_text_is_escaped_in_dot_svg_mermaid_and_html(project):
    project.settings(["app"]).files({
        **LAYERED,
        "app/low/store.py": f"from app.high.views import render  # {HOSTILE} \x1b[31m\x0c.\n",
    }).contracts(f"""
        [[contracts]]
        id = "layers"
        name = '''{HOSTILE}'''
        description = '''{HOSTILE}'''
        type = "layers"
        layers = ["app.high", "app.mid", "app.low"]
    """)
    run = project.cli("graph", "--out", "out", "--format", "dot", "--format", "svg",
                      "--format", "mermaid", "--format", "html")
    assert run.code == 0, run.err
    out = project.root / "out"
    graph = parse_dot(out / "layers.dot")
    assert HOSTILE.replace("\\", "\\\\").replace('"', '\\"') in graph.get_label()
    svg_text = (out / "layers.svg").read_text()
    ElementTree.fromstring(svg_text)  # well-formed: nothing broke out, no control characters
    assert "\\x1b[31m\\x0c." in svg_text and "\x1b" not in svg_text
    for page in (svg_text, (out / "layers.mmd").read_text()):
        assert "<script" not in page and "<img" not in page
    page = (out / "index.html").read_text()
    assert "<img" not in page
    assert page.count("<script") == 1 and page.index("<script>") > page.rindex("</table>")
    svg = ElementTree.parse(out / "layers.svg").getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert f"layers: {HOSTILE}" in texts  # shown literally, \N not expanded
    html = (out / "index.html").read_text()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# -- the project map --------------------------------------------------------------------------


def test_the_project_map_draws_packages_with_every_contracts_violations(project):
    layered(project)
    run = project.cli("graph", "--out", "out", "--format", "dot", "--map", "--no-cache")
    assert run.code == 0
    assert run.out == "graphs: the project map and 1 contract drawn in out\n"
    graph = parse_dot(project.root / "out" / "project_map.dot")
    assert "packages 2 levels deep; contracts: 1 layers" in graph.get_label()
    nodes = {name: attributes["label"] for name, attributes in nodes_of(graph).items()}
    assert nodes == {"app": '"app\\n1 module"',
                     "app.high": '"app.high\\n2 modules\\ncontracts 1"',
                     "app.mid": '"app.mid\\n2 modules\\ncontracts 1"',
                     "app.low": '"app.low\\n2 modules\\ncontracts 1"'}
    edges = edges_of(graph)
    assert edges["app.low", "app.high"]["color"] == f'"{RED}"'
    assert edges["app.low", "app.high"]["label"] == '"1: store.py:3"'
    assert edges["app.high", "app.mid"]["color"] == f'"{GREY}"'
    assert edges["app.mid", "app.low"]["tooltip"] == '"1 module import"'
    assert set(edges) == {("app.low", "app.high"), ("app.high", "app.mid"),
                          ("app.mid", "app.low")}

    project.cli("graph", "--out", "out", "--format", "dot")  # without --map: removed
    assert not (project.root / "out" / "project_map.dot").exists()


def test_the_project_map_gathers_many_packages_without_imports_into_one_box(project):
    files = {"app/__init__.py": "", "app/core/__init__.py": "", "app/web/__init__.py": "",
             "app/web/views.py": "", "app/core/models.py": "import app.web.views\n",
             "app/data/__init__.py": ""}
    for n in range(12):
        files[f"app/data/d{n:02}/__init__.py"] = files[f"app/data/d{n:02}/rows.py"] = ""
    project.settings(["app"]).files(files).contracts("""
        [[contracts]]
        id = "core-no-web"
        type = "forbidden"
        source_modules = ["app.core"]
        forbidden_modules = ["app.web"]
    """)
    run = project.cli("graph", "--out", "out", "--format", "dot", "--map", "--no-cache")
    assert (run.code, run.err) == (0, "")
    graph = parse_dot(project.root / "out" / "project_map.dot")
    assert ("packages without drawn imports or contracts gathered into one box"
            in graph.get_label())
    nodes = nodes_of(graph)
    gathered = "app (14 packages without imports drawn)"
    assert sorted(nodes) == ["app (14 packages without imports drawn)", "app.core", "app.web"]
    assert nodes[gathered]["label"] == '"14 packages, 26 modules\\nwithout imports drawn"'
    assert nodes[gathered]["tooltip"].startswith('"app\\napp.data\\napp.data.d00\\n')
    assert set(edges_of(graph)) == {("app.core", "app.web")}


def test_the_project_map_draws_a_forbidden_external_package_as_its_own_box(project):
    project.settings(["app"], include_external_packages=True).files({
        "app/__init__.py": "",
        "app/ui.py": "import json\n",
    }).contracts("""
        [[contracts]]
        id = "no-json"
        type = "forbidden"
        source_modules = ["app.ui"]
        forbidden_modules = ["json"]
    """)
    run = project.cli("graph", "--out", "out", "--format", "dot", "--map", "--no-cache")
    assert (run.code, run.err) == (0, "")
    graph = parse_dot(project.root / "out" / "project_map.dot")
    assert nodes_of(graph)["json"]["label"] == '"json\\noutside the root packages"'
    assert edges_of(graph)["app", "json"]["label"] == '"1: ui.py:1"'
