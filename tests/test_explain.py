"""`archlint explain A B`: every chain from A to B, each hop with path, line and source line."""

from __future__ import annotations

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
