"""Switching from import-linter: `archlint migrate` then `archlint check` gives every contract
the verdict lint-imports gives it, on the same violating direct imports.

Each case is a configuration import-linter accepts, checked by import-linter itself (its
Python API, see importlinter_oracle) and by archlint after `archlint migrate`; the outcomes
must be equal, and each is also compared with the outcome expected, so that a case cannot
pass by both tools missing what it plants.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter_oracle import Outcome, archlint_outcomes, lint_imports

from archlint import check

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def both(project, files: dict[str, str], config: str, config_file: str = ".importlinter",
         folders: tuple[str, ...] = (".",)) -> tuple[dict, dict]:
    """(import-linter's outcomes, archlint's after migrating), by contract name."""
    project.files({**files, config_file: config})
    theirs = lint_imports(project.root / config_file, [project.root / f for f in folders])
    outcome = project.cli("migrate", config_file)
    assert outcome.code == 0, outcome.err
    ours = archlint_outcomes(check(start=project.root, use_cache=False))
    return theirs, ours


# -- ignore entries name exact modules --------------------------------------------------------

KEDRO = {
    "kedro/__init__.py": "from kedro.ipython import load_ipython_extension\n",
    "kedro/ipython/__init__.py": "from kedro.framework.session import KedroSession\n",
    "kedro/framework/__init__.py": "",
    "kedro/framework/cli/__init__.py": "import kedro.framework.session\n",
    "kedro/framework/session/__init__.py": "import kedro.framework.context\nimport kedro.io\n",
    "kedro/framework/context/__init__.py": "import kedro.framework.project\n",
    "kedro/framework/project/__init__.py": "import kedro.framework.hooks.specs\n",
    "kedro/framework/hooks/__init__.py": "",
    "kedro/framework/hooks/specs.py": "import kedro.framework.context\n",
    "kedro/runner/__init__.py": "import kedro.io\nimport kedro.pipeline\n",
    "kedro/runner/task.py": "import kedro.framework.project\n",
    "kedro/io/__init__.py": "",
    "kedro/pipeline/__init__.py": "from kedro.pipeline.pipeline import Pipeline\n",
    "kedro/pipeline/pipeline.py": "",
    "kedro/config/__init__.py": "",
}

# The first two contracts of kedro's own pyproject.toml (kedro 1.7.0).
KEDRO_CONFIG = """
[tool.importlinter]
root_package = "kedro"

[[tool.importlinter.contracts]]
name = "CLI > Context > Library, Runner > Extras > IO & Pipeline"
type = "layers"
containers = "kedro"
layers = ["framework.cli", "framework.session", "framework.context", "framework.project",
          "runner", "io", "pipeline", "config"]
ignore_imports = [
    "kedro.runner.task -> kedro.framework.project",
    "kedro.framework.hooks.specs -> kedro.framework.context",
    "kedro -> kedro.ipython"
]

[[tool.importlinter.contracts]]
name = "Pipeline and IO are independent"
type = "independence"
modules = ["kedro.pipeline", "kedro.io"]
ignore_imports = ["kedro -> kedro.ipython"]
"""

LAYERS = "CLI > Context > Library, Runner > Extras > IO & Pipeline"
INDEPENDENT = "Pipeline and IO are independent"


def test_kedros_contracts_are_kept_as_lint_imports_keeps_them(project):
    theirs, ours = both(project, KEDRO, KEDRO_CONFIG, "pyproject.toml")
    assert theirs == ours == {LAYERS: Outcome(True), INDEPENDENT: Outcome(True)}


def test_ignoring_the_package_init_does_not_hide_an_import_by_a_submodule(project):
    """`kedro -> kedro.ipython` ignores kedro/__init__.py's import only: a planted
    `import kedro.ipython` in kedro.pipeline.pipeline still breaks both contracts."""
    files = {**KEDRO, "kedro/pipeline/pipeline.py": "import kedro.ipython\n"}
    theirs, ours = both(project, files, KEDRO_CONFIG, "pyproject.toml")
    assert theirs == ours == {LAYERS: Outcome(False), INDEPENDENT: Outcome(False)}


DJANGO_FORMS = {
    "django/__init__.py": "",
    "django/forms/__init__.py": "",
    "django/db/__init__.py": "",
    "django/db/models/__init__.py": "from django.db.models.fields import Field\n",
    "django/db/models/fields/__init__.py": "from django import forms\n\nclass Field:\n    pass\n",
    "django/db/models/fields/files.py": '"""Files."""\n\n\nfrom django import forms\n',
    "django/db/models/fields/json.py": '"""JSON."""\n\nfrom django import forms\n',
}

DJANGO_FORMS_CONFIG = """
[importlinter]
root_package = django

[importlinter:contract:db-without-forms]
name = The ORM does not use forms
type = forbidden
source_modules = django.db
forbidden_modules = django.forms
ignore_imports = django.db.models.fields -> django.forms
"""


def test_an_ignored_package_import_leaves_its_submodules_imports_reported(project):
    theirs, ours = both(project, DJANGO_FORMS, DJANGO_FORMS_CONFIG)
    assert theirs == ours == {"The ORM does not use forms": Outcome(False, frozenset({
        ("django.db.models.fields.files", "django.forms"),
        ("django.db.models.fields.json", "django.forms"),
    }))}


NETWORKX = {
    "networkx/__init__.py": "from networkx.classes import *\nfrom networkx.algorithms import *\n"
                            "from networkx.drawing import *\nfrom networkx.utils import *\n",
    "networkx/utils/__init__.py": "from networkx.utils.misc import *\n",
    "networkx/utils/misc.py": "import networkx as nx\nfrom networkx.classes import graph\n",
    "networkx/classes/__init__.py": "from networkx.classes.graph import Graph\n",
    "networkx/classes/graph.py": "import networkx as nx\n\nclass Graph:\n    pass\n",
    "networkx/algorithms/__init__.py": "from networkx.algorithms.dag import *\n",
    "networkx/algorithms/dag.py": "import networkx as nx\n",
    "networkx/drawing/__init__.py": "import networkx as nx\n",
}

NETWORKX_CONFIG = """
[importlinter]
root_package = networkx

[importlinter:contract:1]
name = Drawing above algorithms above classes above utils
type = layers
layers =
    networkx.drawing
    networkx.algorithms
    networkx.classes
    networkx.utils
ignore_imports =
    networkx.** -> networkx
"""


def test_double_star_to_the_package_ignores_the_alias_import_idiom_alone(project):
    """`import networkx as nx` inside the package: each submodule reaches every layer through
    networkx/__init__.py. `networkx.** -> networkx` removes exactly those imports; the direct
    import of classes by utils is still a violation."""
    theirs, ours = both(project, NETWORKX, NETWORKX_CONFIG)
    name = "Drawing above algorithms above classes above utils"
    assert theirs == ours == {name: Outcome(False, frozenset({
        ("networkx.utils.misc", "networkx.classes.graph")}))}
    assert (project.root / "contracts/drawing-above-algorithms-above-classes-above.toml"
            ).read_text().endswith('ignore = ["networkx.*.** -> networkx"]\n')


# -- layers -----------------------------------------------------------------------------------

SESSIONS = {
    "django/__init__.py": "",
    "django/contrib/__init__.py": "",
    "django/contrib/sessions/__init__.py": "",
    "django/contrib/sessions/management/__init__.py": "def create_sessions():\n    pass\n",
    "django/contrib/sessions/management/commands/__init__.py": "",
    "django/contrib/sessions/management/commands/clearsessions.py":
        "from django.contrib.sessions import backends\n",
    "django/contrib/sessions/backends/__init__.py": "",
    "django/contrib/sessions/models.py": "",
    "django/contrib/sessions/migrations/__init__.py": "",
}

SESSIONS_CONFIG = """
[importlinter]
root_package = django

[importlinter:contract:sessions]
name = Sessions are layered
type = layers
containers = django.contrib.sessions
layers =
    management.commands
    backends
    models
exhaustive = true
exhaustive_ignores = migrations
"""


def test_a_dotted_layer_leaves_its_first_segment_undeclared_in_an_exhaustive_contract(project):
    theirs, ours = both(project, SESSIONS, SESSIONS_CONFIG)
    assert theirs == ours == {"Sessions are layered": Outcome(False, undeclared=frozenset({
        "django.contrib.sessions.management"}))}


MACE = {
    "mace/__init__.py": "",
    "mace/calculators.py": "",
    "mace_core/__init__.py": "",
    "mace_core/graph.py": "import math\n",
    "mace_torch/__init__.py": "",
    "mace_torch/models/__init__.py": "",
    "mace_torch/models/mace.py": "import mace_torch.nn.blocks\n",
    "mace_torch/nn/__init__.py": "",
    "mace_torch/nn/blocks.py": "import mace_core.graph\n",
    "mace_jax/__init__.py": "",
    "mace_jax/ops.py": "import mace_core\n",
    "mace_launcher/__init__.py": "import mace\nimport mace_torch\nimport mace_jax\n",
}

# ACEsuit/mace's .importlinter, as import-linter accepts it: sources and forbidden modules
# overlap, every layer is optional.
MACE_CONFIG = """
[importlinter]
root_packages =
    mace
    mace_core
    mace_torch
    mace_jax
    mace_launcher
include_external_packages = True

[importlinter:contract:no-legacy-from-v1]
name = The v1 stack never imports the frozen legacy package
type = forbidden
source_modules =
    mace_core
    mace_torch
    mace_jax
forbidden_modules =
    mace

[importlinter:contract:core-is-framework-free]
name = mace_core depends on no framework and on no sibling
type = forbidden
source_modules =
    mace_core
forbidden_modules =
    torch
    jax
    mace_torch
    mace_jax
    mace_launcher

[importlinter:contract:siblings-do-not-mix]
name = The torch and jax implementations never import each other
type = forbidden
source_modules =
    mace_torch
    mace_jax
forbidden_modules =
    mace_jax
    mace_torch

[importlinter:contract:torch-internal-layering]
name = mace_torch layers only import downwards
type = layers
layers =
    (cli)
    (train) | (data)
    (models)
    (nn)
    (kernels)
containers =
    mace_torch
"""

MACE_NAMES = ["The v1 stack never imports the frozen legacy package",
              "mace_core depends on no framework and on no sibling",
              "The torch and jax implementations never import each other",
              "mace_torch layers only import downwards"]


def test_overlapping_forbidden_modules_and_missing_optional_layers_are_accepted(project):
    theirs, ours = both(project, MACE, MACE_CONFIG)
    assert theirs == ours == dict.fromkeys(MACE_NAMES, Outcome(True))


def test_overlapping_forbidden_modules_and_optional_layers_break_as_in_lint_imports(project):
    files = {**MACE, "mace_torch/nn/blocks.py": "import mace_jax.ops\nimport mace_torch.models\n",
             "mace_core/graph.py": "import torch\n"}
    theirs, ours = both(project, files, MACE_CONFIG)
    assert theirs == ours == {
        MACE_NAMES[0]: Outcome(True),
        MACE_NAMES[1]: Outcome(False, frozenset({("mace_core.graph", "torch")})),
        MACE_NAMES[2]: Outcome(False, frozenset({("mace_torch.nn.blocks", "mace_jax.ops")})),
        MACE_NAMES[3]: Outcome(False, frozenset({("mace_torch.nn.blocks", "mace_torch.models")})),
    }


def test_a_wildcard_forbidden_module_containing_a_source_module(project):
    files = {
        "app/__init__.py": "",
        "app/ui/__init__.py": "import app.ui.widgets\n",
        "app/ui/widgets.py": "import app.db.models\n",
        "app/db/__init__.py": "",
        "app/db/models.py": "import app.cli\n",
        "app/cli.py": "",
    }
    theirs, ours = both(project, files, """
[importlinter]
root_package = app

[importlinter:contract:ui]
name = The UI uses none of its siblings
type = forbidden
source_modules = app.ui
forbidden_modules = app.*
""")
    assert theirs == ours == {"The UI uses none of its siblings": Outcome(False, frozenset({
        ("app.ui.widgets", "app.db.models")}))}


# -- the other options and contract types -----------------------------------------------------

SHOP = {
    "shop/__init__.py": "",
    "shop/web/__init__.py": "import shop.db\n",
    "shop/web/views.py": "import shop.db.models\nimport shop.helpers\n",
    "shop/helpers.py": "import shop.db\nimport shop.db.models\n",
    "shop/db/__init__.py": "",
    "shop/db/models.py": "from shop.db import _engine\nimport shop.helpers\n",
    "shop/db/_engine.py": "",
    "shop/tasks/__init__.py": "from shop.db._engine import connect\nimport shop.web\n",
    "shop/plugins/__init__.py": "",
    "shop/plugins/blog/__init__.py": "",
    "shop/plugins/blog/views.py": "import shop.plugins.blog.models\n",
    "shop/plugins/blog/models.py": "import shop.plugins.blog.views\n",
    "shop/plugins/blog/admin.py": "",
    "shop/plugins/wiki/__init__.py": "",
    "shop/plugins/wiki/views.py": "",
    "shop/plugins/wiki/models.py": "import shop.plugins.wiki.views\n",
}

SHOP_CONFIG = """
[importlinter]
root_package = shop

[importlinter:contract:1]
name = The web package alone does not import the database package itself
type = forbidden
source_modules = shop.web
forbidden_modules = shop.db
as_packages = False

[importlinter:contract:2]
name = The web layer does not import the database directly
type = forbidden
source_modules = shop.web
forbidden_modules = shop.db
allow_indirect_imports = true
ignore_imports = shop.web -> shop.db

[importlinter:contract:3]
name = Views above models in every plugin
type = layers
containers = shop.plugins.*
layers =
    views
    models
exhaustive = true

[importlinter:contract:4]
name = Only the models use the database package
type = protected
protected_modules = shop.db
allowed_importers = shop.db.models
as_packages = False

[importlinter:contract:5]
name = Private modules stay private
type = private_modules

[importlinter:contract:6]
name = No cycles in the shop
type = acyclic_siblings
ancestors = shop
skip_descendants = shop.plugins
"""

SHOP_NAMES = [
    "The web package alone does not import the database package itself",
    "The web layer does not import the database directly",
    "Views above models in every plugin",
    "Only the models use the database package",
    "Private modules stay private",
    "No cycles in the shop",
]


@pytest.mark.skipif(importlib.util.find_spec("importlinter.contracts.private_modules") is None,
                    reason="the import-linter installed (before 2.16, the last for Python 3.10) "
                           "has no private_modules contracts")
def test_as_packages_allow_indirect_containers_protected_private_modules_acyclic(project):
    theirs, ours = both(project, SHOP, SHOP_CONFIG)
    assert theirs == ours == {
        SHOP_NAMES[0]: Outcome(False, frozenset({("shop.web", "shop.db")})),
        SHOP_NAMES[1]: Outcome(False, frozenset({("shop.web.views", "shop.db.models")})),
        SHOP_NAMES[2]: Outcome(False, frozenset({
            ("shop.plugins.blog.models", "shop.plugins.blog.views"),
            ("shop.plugins.wiki.models", "shop.plugins.wiki.views")}),
            frozenset({"shop.plugins.blog.admin"})),
        SHOP_NAMES[3]: Outcome(False, frozenset({("shop.web", "shop.db"),
                                                 ("shop.helpers", "shop.db")})),
        SHOP_NAMES[4]: Outcome(False, frozenset({("shop.tasks", "shop.db._engine")})),
        SHOP_NAMES[5]: Outcome(False, frozenset({("shop.db.models", "shop.helpers")})),
    }
    assert sorted(p.name for p in (project.root / "contracts").iterdir()) == [
        "no-cycles-in-the-shop.toml", "only-the-models-use-the-database-package.toml",
        "private-modules-stay-private.toml",
        "the-web-layer-does-not-import-the-database.toml",
        "the-web-package-alone-does-not-import-the.toml",
        "views-above-models-in-every-plugin.toml"]


# -- where the packages are -------------------------------------------------------------------

LIB = {
    "lib/app/__init__.py": "",
    "lib/app/core.py": "import app.web\n",
    "lib/app/web.py": "",
}

LIB_CONFIG = """
[importlinter]
root_package = app

[importlinter:contract:core]
name = The core does not use the web
type = forbidden
source_modules = app.core
forbidden_modules = app.web
"""


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
def test_packages_in_lib_are_found_as_lint_imports_finds_them(project, monkeypatch):
    project.files({**LIB, ".importlinter": LIB_CONFIG})
    env = {**os.environ, "PYTHONPATH": "lib"}
    completed = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=project.root,
                               capture_output=True, text=True, env=env)
    assert "The core does not use the web BROKEN" in completed.stdout
    assert "app.core -> app.web (l.1)" in completed.stdout
    monkeypatch.setenv("PYTHONPATH", "lib")
    outcome = project.cli("migrate")
    assert outcome.code == 0, outcome.err
    assert (project.root / "archlint.toml").read_text() == (
        'root_packages = ["app"]\nsource_roots = ["lib"]\ncontracts = ["contracts"]\n')
    outcome = project.cli("check", "--no-cache", "--format", "sarif")
    assert outcome.code == 1
    (result,) = json.loads(outcome.out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "lib/app/core.py"


def test_a_package_installed_in_editable_mode_is_found_where_its_finder_says(project,
                                                                            monkeypatch):
    """An editable install maps the package to its folder with a finder on sys.meta_path;
    lint-imports finds it there, and so does migrate (without importing it)."""
    project.files({"python/src/app/__init__.py": "", "python/src/app/core.py": "",
                   "python/src/app/web.py": "", "lib/app/__init__.py": "",
                   ".importlinter": LIB_CONFIG})

    class EditableFinder:
        @staticmethod
        def find_spec(name, path, target=None):
            if name != "app":
                return None
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(project.root / "python/src/app")]
            return spec

    monkeypatch.setattr(sys, "meta_path", [EditableFinder(), *sys.meta_path])
    assert project.cli("migrate").code == 0
    assert 'source_roots = ["python/src"]\n' in (project.root / "archlint.toml").read_text()


def test_a_package_lint_imports_would_not_find_is_looked_for_in_the_project(project):
    project.files({**LIB, ".importlinter": LIB_CONFIG})
    outcome = project.cli("migrate")
    assert outcome.code == 0, outcome.err
    assert 'source_roots = ["lib"]\n' in (project.root / "archlint.toml").read_text()


def test_packages_in_the_project_root_and_src_need_no_source_roots(project):
    project.files({"src/app/__init__.py": "", "src/app/core.py": "", "src/app/web.py": "",
                   ".importlinter": LIB_CONFIG})
    assert project.cli("migrate").code == 0
    assert (project.root / "archlint.toml").read_text() == (
        'root_packages = ["app"]\ncontracts = ["contracts"]\n')


def test_a_package_found_outside_the_project_is_reported(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for relative, text in LIB.items():
        path = elsewhere / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    project.files({".importlinter": LIB_CONFIG})
    project._monkeypatch.setenv("PYTHONPATH", str(elsewhere / "lib"))
    outcome = project.cli("migrate")
    assert outcome.code == 0, outcome.err
    assert outcome.out.splitlines()[-3:-1] == [
        "not carried over:",
        f"  [importlinter] root package 'app': lint-imports reads it in {elsewhere / 'lib'}, "
        "outside the project; archlint reads the project's folders only",
    ]

