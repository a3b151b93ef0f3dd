"""`archlint init`: one command from an unconfigured project to a green check that fails on
the next new violation. It finds the packages the project distributes, words its starter
exactly as it checks, proposes layers in the order the imports have, refuses to touch a
configured project, and is safe to interrupt and to run again."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
from pathlib import Path

import pytest

from archlint import scaffold
from archlint.graph import build_graph
from archlint.layout import find_layout
from archlint.settings import load_settings

EXAMPLE = Path(__file__).parents[1] / "examples" / "websocket_ssot"


@pytest.fixture
def unconfigured_example(project):
    """The bundled example without its archlint configuration and contracts."""
    shutil.copytree(EXAMPLE, project.root, dirs_exist_ok=True)
    shutil.rmtree(project.root / "contracts")
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text[:text.index("[tool.archlint]")], encoding="utf-8")
    return project


def uncommented(path: Path) -> None:
    """Remove the leading "# " of the commented contract, as the starter asks."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [[contracts]]")
    path.write_text("\n".join(lines[:start] + [line[2:] for line in lines[start:]]) + "\n",
                    encoding="utf-8")


def test_init_on_the_example_gives_a_green_check(unconfigured_example):
    project = unconfigured_example
    before = (project.root / "pyproject.toml").read_text(encoding="utf-8")
    result = project.cli("init")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "root package chatapp: chatapp (the project's name, in the project root)\n"
        "root package tests: tests (a tests folder)\n"
        "wrote [tool.archlint] to pyproject.toml\n"
        "wrote contracts/architecture.toml: no import cycles inside chatapp; 6 layers of "
        "chatapp to review, commented out\n"
        "wrote contracts/baseline.json: 0 violations, 2 dependencies in import cycles and "
        "1 diagnostic recorded\n"
        "`archlint check` passes now, and fails on the next new violation\n")
    after = (project.root / "pyproject.toml").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before):] == (
        "\n[tool.archlint]\n"
        "# Written by `archlint init`; every key is described in archlint's "
        "docs/configuration.md.\n"
        'root_packages = ["chatapp", "tests"]\n'
        'contracts = ["contracts"]\n'
        'baseline = "contracts/baseline.json"\n')

    check = project.cli("check", "--strict-baseline")
    assert (check.code, check.out) == (0, (
        "✗ no-cycles  No import cycles between the parts directly inside chatapp\n"
        "  not shown: 1 baselined violation (--show-baselined lists them)\n"
        "diagnostics\n"
        "  not shown: 1 baselined diagnostic (--show-baselined lists them)\n"
        "1 contract: 0 kept, 1 broken · 1 violation (0 new, 1 baselined) · 1 unresolved import\n"))

    # protected from the next violation on
    project.files({"chatapp/core/config.py": "from chatapp.db import models\n"})
    broken = project.cli("check")
    assert broken.code == 1
    assert ("  chatapp/core/config.py:1  chatapp.core.config -> chatapp.db.models\n"
            in broken.out)


STARTER_CYCLES = '''\
# Written by `archlint init`: the architecture contracts of this project, checked by
# `archlint check`. Each [[contracts]] table is one rule. Types: forbidden, layers,
# independence, acyclic, canonical, internal, unique; archlint's docs/contracts/ has a page
# for each, with every option.
#
# What breaks these contracts today is recorded in contracts/baseline.json: reported as
# baselined, it does not fail the run; anything new does. When you fix old violations,
# `archlint baseline --update` shrinks the record.

# No import cycles between the modules and subpackages directly inside shop, each taken with
# everything inside it: where one of them imports another, the other does not lead back to
# it through imports. A cycle means none of them can be understood, tested or moved on its
# own. Cycles deeper down are not checked; `depth = 2` checks one level further.
[[contracts]]
id = "no-cycles"
name = "No import cycles between the parts directly inside shop"
type = "acyclic"
packages = ["shop"]
'''

# web sits above orders above db, as all imports but one say
LAYERED = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "from shop.orders import service\n",
    "src/shop/web/forms.py": "import shop.orders.service\n",
    "src/shop/orders/__init__.py": "",
    "src/shop/orders/service.py": "import shop.db.session\n",
    "src/shop/orders/refunds.py": "import shop.db.session\n",
    "src/shop/db/__init__.py": "import shop.web.views  # the one import going up\n",
    "src/shop/db/session.py": "",
    "src/shop/_private/__init__.py": "",
    "tests/test_views.py": "import shop.web.views\n",
}


def test_the_starter_is_worded_as_it_checks_and_its_layers_follow_the_imports(project):
    project.files(LAYERED)
    result = project.cli("init")
    assert result.code == 0
    starter = project.root / "contracts" / "architecture.toml"
    assert starter.read_text(encoding="utf-8") == STARTER_CYCLES + '''
# A next step: layers. A layer may import the layers below it, never one above it, directly
# or through a chain of imports. Below are the largest parts of shop in the order with the
# fewest imports going up today; as written, the contract finds 1 violation today (`archlint
# baseline --update --allow-growth` records it). Put them in the order your design intends,
# then remove the leading "# " of each line below.
#
# [[contracts]]
# id = "shop-layers"
# name = "shop is layered, highest first"
# type = "layers"
# layers = [
#     "shop.web",
#     "shop.orders",
#     "shop.db",
# ]
'''
    # what the comment says, the contract does once uncommented: 1 violation, new
    uncommented(starter)
    check = project.cli("check")
    assert check.code == 1
    assert check.out.endswith(
        "2 contracts: 0 kept, 2 broken · 2 violations (1 new, 1 baselined)\n")
    assert ("  src/shop/db/__init__.py:1  shop.db -> shop.web.views\n"
            "      import shop.web.views  # the one import going up\n") in check.out
    assert project.cli("baseline", "--update", "--allow-growth").code == 0
    assert project.cli("check", "--strict-baseline").code == 0


def test_the_proposed_order_has_the_fewest_violations_of_every_order(project):
    project.settings(["shop"]).files(LAYERED)
    graph = build_graph(load_settings(project.root / "pyproject.toml"), use_cache=False)
    proposal = scaffold.propose_layers(graph, "shop")
    counts = {order: scaffold._violations(graph, order)
              for order in itertools.permutations(proposal.layers)}
    assert proposal.violations == counts[proposal.layers] == min(counts.values())
    assert counts[("shop.db", "shop.orders", "shop.web")] == 4  # alphabetical: upside down


def test_the_cycle_starter_checks_only_the_parts_directly_inside(project):
    project.files({
        "shop/__init__.py": "",
        "shop/cart/__init__.py": "",
        "shop/cart/lines.py": "import shop.cart.totals\n",
        "shop/cart/totals.py": "import shop.cart.lines\n",  # a cycle one level down
        "shop/pricing.py": "import shop.cart.lines\n",
    })
    result = project.cli("init")
    assert result.out.splitlines()[3] == (
        "wrote contracts/baseline.json: 0 violations and 0 diagnostics recorded")
    assert "Cycles deeper down are not checked; `depth = 2` checks one level further." in (
        project.root / "contracts" / "architecture.toml").read_text(encoding="utf-8")
    assert project.cli("check", "--strict-baseline").out == (
        "✓ no-cycles  No import cycles between the parts directly inside shop\n"
        "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined)\n")


def test_init_on_a_fresh_src_layout_package_writes_archlint_toml(project):
    project.files({
        "src/shop/__init__.py": "",
        "src/shop/cart.py": "from shop import pricing\n",
        "src/shop/pricing.py": "from shop import cart\n",
        "tests/test_cart.py": "import shop.cart\n",
        "setup.py": "",
        "docs/conf.py": "",
        "examples/demo.py": "import shop\n",
        ".venv/lib/site.py": "",
    })
    result = project.cli("init")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[:5] == [
        "root package shop: src/shop (a package in src/)",
        "root package tests: tests (a tests folder)",
        "left out: docs, examples (Python files, but no package the project distributes)",
        "wrote [tool.archlint] to archlint.toml",
        "wrote contracts/architecture.toml: no import cycles inside shop; 2 layers of shop to "
        "review, commented out",
    ]
    assert not (project.root / "pyproject.toml").exists()
    check = project.cli("check", "--show-baselined")
    assert check.code == 0
    assert "  src/shop/pricing.py:1  shop.pricing -> shop.cart  (baselined)\n" in check.out


@pytest.mark.parametrize("files, found", [
    ({"pyproject.toml": '[project]\nname = "Shop-App"\n', "shop_app/__init__.py": "",
      "tools/release.py": "", "docs/conf.py": ""},
     [("shop_app", "", "the project's name, in the project root")]),
    ({"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["src"]\ninclude = ["shop*"]\n',
      "src/shop/__init__.py": "", "src/shopkit/__init__.py": "", "src/other/__init__.py": ""},
     [("shop", "src", "pyproject.toml [tool.setuptools.packages.find]"),
      ("shopkit", "src", "pyproject.toml [tool.setuptools.packages.find]")]),
    ({"pyproject.toml": '[tool.setuptools]\npackages = ["shop", "shop.cart"]\n'
                        'package-dir = {"" = "src"}\n',
      "src/shop/__init__.py": "", "src/shop/cart/__init__.py": "", "src/extra/__init__.py": ""},
     [("shop", "src", "pyproject.toml [tool.setuptools]")]),
    ({"pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["src/shop"]\n',
      "src/shop/__init__.py": "", "scripts/__init__.py": ""},
     [("shop", "src", "pyproject.toml [tool.hatch.build]")]),
    ({"pyproject.toml":
      '[tool.poetry]\nname = "x"\npackages = [{include = "shop", from = "src"}]\n',
      "src/shop/__init__.py": ""},
     [("shop", "src", "pyproject.toml [tool.poetry] packages")]),
    ({"pyproject.toml": '[tool.flit.module]\nname = "shop"\n', "shop/__init__.py": "",
      "benchmarks/__init__.py": ""},
     [("shop", "", "pyproject.toml [tool.flit.module]")]),
    ({"setup.cfg": "[options]\npackages = find:\npackage_dir =\n    =src\n\n"
                   "[options.packages.find]\nwhere = src\n",
      "src/shop/__init__.py": "", "examples/__init__.py": ""},
     [("shop", "src", "setup.cfg [options]")]),
    ({"setup.py": "from setuptools import setup\nsetup()\n", "shop/__init__.py": "",
      "doc/__init__.py": "", "_build/__init__.py": "", "my-tool/x.py": ""},
     [("shop", "", "a package in the project root")]),
    # a package named src is a package, not a source folder
    ({"src/__init__.py": "", "src/app.py": ""}, [("src", "", "a package in the project root")]),
    # tables that are not what the tools expect are no metadata
    ({"pyproject.toml": 'tool = { hatch = "x", poetry = 3, setuptools = [] }\n',
      "shop/__init__.py": ""}, [("shop", "", "a package in the project root")]),
], ids=["project-name", "setuptools-find", "setuptools-packages", "hatch", "poetry", "flit",
        "setup-cfg", "folders", "src-package", "odd-tables"])
def test_the_distributed_packages_come_from_the_metadata(tmp_path, files, found):
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    layout = find_layout(tmp_path)
    assert [(p.name, p.folder, p.reason) for p in layout.distributed] == found


def test_tests_inside_the_package_and_tooling_beside_it(tmp_path):
    # networkx's shape: tests inside the package, docs and examples with Python files
    for relative in ("pkg/__init__.py", "pkg/algorithms/__init__.py", "pkg/tests/test_x.py",
                     "doc/conf.py", "examples/plot.py", "tools/x.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("", encoding="utf-8")
    layout = find_layout(tmp_path)
    assert ([p.name for p in layout.distributed], layout.tests, layout.left_out) == (
        ["pkg"], None, ("doc", "examples", "tools"))


def test_packages_in_a_lib_folder_are_configured_with_source_roots(project):
    """sqlalchemy's layout: the package in lib/, the tests in test/ beside it."""
    project.files({"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
                   "lib/shop/__init__.py": "", "lib/shop/core.py": "",
                   "test/__init__.py": "", "test/test_shop.py": "import shop.core\n"})
    result = project.cli("init")
    assert result.code == 0, result.err
    settings = (project.root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'root_packages = ["shop", "test"]\nsource_roots = ["lib", "."]\n' in settings
    assert project.cli("check").code == 0


def test_a_python_package_named_contracts_is_a_root_package(project):
    project.files({
        "pyproject.toml": '[project]\nname = "contracts"\n',
        "contracts/__init__.py": "",
        "contracts/erc20.py": "import contracts.token\n",
        "contracts/token.py": "",
    })
    result = project.cli("init")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[0] == (
        "root package contracts: contracts (the project's name, in the project root)")
    assert "wrote archlint-contracts/architecture.toml: no import cycles inside contracts" in (
        result.out)
    assert sorted(p.name for p in (project.root / "contracts").iterdir()) == [
        "__init__.py", "erc20.py", "token.py"]
    assert project.cli("check", "--strict-baseline").code == 0


def test_a_contracts_folder_of_other_toml_files_is_left_alone(project):
    project.files({"app/__init__.py": "", "contracts/token.toml": "name = 'erc20'\n"})
    result = project.cli("init")
    assert result.code == 0
    assert sorted(p.name for p in (project.root / "contracts").iterdir()) == ["token.toml"]
    assert sorted(p.name for p in (project.root / "archlint-contracts").iterdir()) == [
        "architecture.toml", "baseline.json"]
    assert project.cli("check").code == 0
    project.files({"archlint-contracts/notes.toml": "x = 1\n"})
    (project.root / "archlint.toml").unlink()
    again = project.cli("init")
    assert (again.code, again.err) == (
        2, "archlint: error: contracts/ and archlint-contracts/ hold other files already "
           "(Python code, .toml files, a baseline.json), and archlint would read each .toml "
           "file as contracts: configure archlint by hand (see docs/configuration.md)\n")


def test_init_refuses_a_configured_project(project):
    project.settings(["app"]).files({"app/__init__.py": ""})
    before = (project.root / "pyproject.toml").read_text()
    result = project.cli("init")
    assert (result.code, result.out, result.err) == (
        2, "", "archlint: error: archlint is configured here already ([tool.archlint] in "
               "pyproject.toml); `archlint check` runs it\n")
    assert (project.root / "pyproject.toml").read_text() == before
    assert not (project.root / "contracts").exists()
    (project.root / "pyproject.toml").unlink()
    (project.root / "archlint.toml").write_text('root_packages = ["app"]\n')
    assert project.cli("init").err == (
        "archlint: error: archlint is configured here already (archlint.toml exists); "
        "`archlint check` runs it\n")


def test_init_without_packages_is_a_clear_error(project):
    project.files({"setup.py": "", "notes/readme.txt": "", "docs/conf.py": ""})
    result = project.cli("init")
    assert result.code == 2
    assert result.err == (f"archlint: error: no Python packages found in {project.root} or "
                          f"{project.root / 'src'}: write [tool.archlint] by hand (see "
                          "docs/configuration.md)\n")
    assert sorted(p.name for p in project.root.iterdir()) == ["docs", "notes", "setup.py"]


def test_init_leaves_a_pyproject_it_cannot_extend_untouched(project):
    pyproject = 'tool = { black = { line-length = 99 } }\n\n[project]\nname = "x"\n'
    project.files({"app/__init__.py": "", "pyproject.toml": pyproject})
    result = project.cli("init")
    assert result.code == 2
    assert result.err.startswith("archlint: error: cannot add [tool.archlint] to pyproject.toml (")
    assert result.err.endswith("): create archlint.toml with the same keys instead (see "
                               "docs/configuration.md)\n")
    assert (project.root / "pyproject.toml").read_text() == pyproject
    assert not (project.root / "contracts").exists()


def test_init_keeps_windows_line_endings(project):
    project.files({"app/__init__.py": ""})
    (project.root / "pyproject.toml").write_bytes(b'[project]\r\nname = "x"')
    assert project.cli("init").code == 0
    data = (project.root / "pyproject.toml").read_bytes()
    assert data.startswith(b'[project]\r\nname = "x"\r\n\r\n[tool.archlint]\r\n')
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_a_failed_init_removes_what_it_wrote(project, monkeypatch):
    project.files({"app/__init__.py": "", "app/a.py": ""})
    real = scaffold.write_atomic

    def fail_on_the_baseline(path, text, root=None):
        if path.name == "baseline.json":
            raise OSError(28, "No space left on device")
        real(path, text, root=root)

    monkeypatch.setattr(scaffold, "write_atomic", fail_on_the_baseline)
    result = project.cli("init", "--no-cache")
    assert (result.code, result.err) == (
        2, "archlint: error: cannot write contracts/baseline.json: No space left on device\n")
    assert sorted(p.name for p in project.root.iterdir()) == ["app"]


def test_sigterm_while_writing_leaves_nothing_behind(project, monkeypatch):
    project.files({"app/__init__.py": "", "app/a.py": "", "pyproject.toml": "[project]\n"})
    real = scaffold.write_atomic

    def terminated_after_the_contracts(path, text, root=None):
        real(path, text, root=root)
        if path.name == "architecture.toml":
            os.kill(os.getpid(), signal.SIGTERM)  # a CI timeout

    monkeypatch.setattr(scaffold, "write_atomic", terminated_after_the_contracts)
    result = project.cli("init", "--no-cache")
    assert (result.code, result.err) == (143, "archlint: terminated\n")
    assert sorted(p.name for p in project.root.iterdir()) == ["app", "pyproject.toml"]
    assert (project.root / "pyproject.toml").read_text(encoding="utf-8") == "[project]\n"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_rerun_after_a_hard_kill_replaces_what_it_left(project):
    project.files({"app/__init__.py": "", "app/a.py": "import app.b\n",
                   "app/b.py": "import app.a\n"})
    assert project.cli("init").code == 0
    written = {name: (project.root / "contracts" / name).read_text(encoding="utf-8")
               for name in ("architecture.toml", "baseline.json")}
    # killed (SIGKILL) before the settings were written: the contract files are left
    (project.root / "archlint.toml").unlink()
    again = project.cli("init")
    assert (again.code, again.err) == (0, "")
    assert {name: (project.root / "contracts" / name).read_text(encoding="utf-8")
            for name in written} == written
    assert project.cli("check", "--strict-baseline").code == 0
