"""`archlint explain A B`: every chain from A to B, each hop with path, line and source line."""

from __future__ import annotations

import json

FILES = {
    "app/__init__.py": "",
    "app/low/__init__.py": "",
    "app/low/util.py": "import app.high.api\n",
    "app/low/other.py": "from app.mid import service\n",
    "app/mid/__init__.py": "",
    "app/mid/service.py": "x = 1\nfrom app.high import api\n",
    "app/high/__init__.py": "",
    "app/high/api.py": "",
}
NO_CONTRACTS = """
    [[contracts]]
    id = "no-cycles"
    type = "acyclic"
    packages = ["app"]
"""


def test_every_chain_with_every_hop(project):
    project.settings(["app"]).files(FILES).contracts(NO_CONTRACTS)
    result = project.cli("explain", "app.low", "app.high")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "2 chains from app.low to app.high\n"
        "1. app.low.util -> app.high.api  (1 import)\n"
        "   app.low.util -> app.high.api  app/low/util.py:1  import app.high.api\n"
        "2. app.low.other -> app.high.api  (2 imports)\n"
        "   app.low.other -> app.mid.service  app/low/other.py:1  from app.mid import service\n"
        "   app.mid.service -> app.high.api   app/mid/service.py:2  from app.high import api\n"
    )


def test_no_chain(project):
    project.settings(["app"]).files(FILES).contracts(NO_CONTRACTS)
    result = project.cli("explain", "app.high", "app.low")
    assert (result.code, result.out) == (
        0, "app.high does not import app.low, directly or through a chain\n")


def test_unknown_module_is_a_usage_error_with_a_suggestion(project):
    project.settings(["app"]).files(FILES).contracts(NO_CONTRACTS)
    result = project.cli("explain", "app.lwo", "app.high")
    assert (result.code, result.out, result.err) == (
        2, "", "archlint: error: no module 'app.lwo' in the graph (did you mean 'app.low'?)\n")


WHY_FILES = {
    "app/__init__.py": "",
    "app/low/__init__.py": "",
    "app/low/util.py": """
        def run():
            import app.high.api
    """,
    "app/low/other.py": """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from app.mid import service
    """,
    "app/mid/__init__.py": "",
    "app/mid/service.py": """
        def later():
            from app.high import api
        from app.high import api
    """,
    "app/high/__init__.py": "",
    "app/high/api.py": "",
}
LOW_NOT_HIGH = """
    [[contracts]]
    id = "low-not-high"
    type = "forbidden"
    source_modules = ["app.low"]
    forbidden_modules = ["app.high"]
"""


def test_hops_say_when_an_import_runs_only_in_a_function_or_never(project):
    project.settings(["app"]).files(WHY_FILES).contracts(LOW_NOT_HIGH)
    result = project.cli("explain", "app.low", "app.high")
    # app.mid.service imports app.high.api in a function and at module level: the chain
    # shows the import that runs when the module is imported
    assert result.out == (
        "2 chains from app.low to app.high\n"
        "1. app.low.util -> app.high.api  (1 import)\n"
        "   app.low.util -> app.high.api  app/low/util.py:2  import app.high.api  (in a function)\n"
        "2. app.low.other -> app.high.api  (2 imports)\n"
        "   app.low.other -> app.mid.service  app/low/other.py:3  from app.mid import service"
        "  (under TYPE_CHECKING)\n"
        "   app.mid.service -> app.high.api   app/mid/service.py:3  from app.high import api\n"
    )


def test_check_marks_the_hops_in_text_and_json(project):
    project.settings(["app"]).files(WHY_FILES).contracts(LOW_NOT_HIGH)
    text = project.cli("check", "--no-cache")
    assert text.out == (
        "✗ low-not-high  low-not-high\n"
        "  app/low/other.py:3  app.low.other -> app.high\n"
        "      app.low.other depends on app.high through a chain of imports; it is forbidden to "
        "use it\n"
        "      app.low.other -> app.mid.service  app/low/other.py:3  from app.mid import service"
        "  (under TYPE_CHECKING)\n"
        "      app.mid.service -> app.high.api   app/mid/service.py:3  from app.high import api\n"
        "  app/low/util.py:2  app.low.util -> app.high.api\n"
        "      import app.high.api  (in a function)\n"
        "      app.low.util imports app.high.api, which it is forbidden to use\n"
        "1 contract: 0 kept, 1 broken · 2 violations (2 new, 0 baselined)\n"
    )
    data = json.loads(project.cli("check", "--no-cache", "--format", "json").out)
    chains = [[(h["importer"], h["line"], h["in_function"], h["type_checking_only"])
               for h in v["chain"]] for v in data["contracts"][0]["violations"]]
    assert chains == [
        [("app.low.other", 3, False, True), ("app.mid.service", 3, False, False)],
        [("app.low.util", 2, True, False)],
    ]


def test_importers_directly_and_through_chains(project):
    project.settings(["app"]).files({
        **WHY_FILES,
        "app/top.py": "import app.low.other\n",
        "app/high/inner.py": "import app.high.api\n",  # inside the module asked about
    }).contracts(LOW_NOT_HIGH)
    result = project.cli("explain", "--importers", "app.high")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "app.high is imported by 2 modules directly, and 2 more through a chain\n"
        "directly (3 imports):\n"
        "  app.low.util -> app.high.api     app/low/util.py:2  import app.high.api"
        "  (in a function)\n"
        "  app.mid.service -> app.high.api  app/mid/service.py:2  from app.high import api"
        "  (in a function)\n"
        "  app.mid.service -> app.high.api  app/mid/service.py:3  from app.high import api\n"
        "through a chain (`archlint explain IMPORTER app.high` shows every hop):\n"
        "  app.low.other -> app.mid.service -> app.high.api  (2 imports)\n"
        "  app.top -> app.low.other -> app.mid.service -> app.high.api  (3 imports)\n"
    )
    assert project.cli("explain", "--importers", "app.top").out == (
        "nothing imports app.top, directly or through a chain\n")


def test_explain_asks_for_the_right_arguments(project):
    project.settings(["app"]).files(FILES).contracts(NO_CONTRACTS)
    assert project.cli("explain", "app.low").err == (
        "archlint: error: explain takes IMPORTER IMPORTED, or --importers MODULE\n")
    assert project.cli("explain", "--importers", "app.low", "app.high").err == (
        "archlint: error: explain --importers takes one MODULE\n")


def test_a_module_outside_the_root_packages_points_at_include_external_packages(project):
    project.settings(["app"]).files({**FILES, "app/cli.py": "import rich.console\n"})
    project.contracts(NO_CONTRACTS)
    result = project.cli("explain", "app", "rich")
    assert (result.code, result.err) == (
        2, "archlint: error: no module 'rich' in the graph: it is outside the root packages "
           "(app); imports of other packages are in the graph with include_external_packages "
           "= true in [tool.archlint]\n")
    project.settings(["app"], include_external_packages=True)
    assert project.cli("explain", "--importers", "rich.console").err == (
        "archlint: error: no module 'rich.console' in the graph: a package outside the root "
        "packages is one module, 'rich'\n")
    assert project.cli("explain", "app", "rich").out == (
        "1 chain from app to rich\n"
        "1. app.cli -> rich  (1 import)\n"
        "   app.cli -> rich  app/cli.py:1  import rich.console\n")
    assert project.cli("explain", "app", "click").err == (
        "archlint: error: no module 'click' in the graph: no module of app imports it\n")
