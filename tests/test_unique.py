"""`unique`: each matching name is defined in one module only."""

from __future__ import annotations

import json

import pytest

from archlint.errors import ConfigError
from archlint.facts.structure import read_top_level
from archlint.model import DuplicateDefinition

CONTRACT = """
    [[contracts]]
    id = "one-definition"
    type = "unique"
    packages = ["chatapp"]
    names = ["*WebSocket*", "*websocket*", "WEBSOCKET_*"]
    {extra}
"""

CHATAPP = {
    "chatapp/__init__.py": "",
    "chatapp/core/__init__.py": "",
    "chatapp/core/manager.py": """
        class WebSocketManager:
            pass


        def get_websocket_manager():
            return WebSocketManager()


        WEBSOCKET_TIMEOUT = 30
    """,
    "chatapp/services/__init__.py": "",
    "chatapp/services/legacy.py": """
        import os

        WEBSOCKET_TIMEOUT: int = 60


        class WebSocketManager:
            def get_websocket_manager(self):  # a method: not top level
                pass


        if os.environ.get("ASYNC"):
            async def get_websocket_manager():
                pass
    """,
    "chatapp/other.py": "class Unrelated:\n    pass\n",
}


def setup(project, files: dict[str, str] | None = None, extra: str = ""):
    return project.settings(["chatapp", "tests"]).files(
        {**CHATAPP, "tests/__init__.py": "", **(files or {})}).contracts(
        CONTRACT.format(extra=extra))


def found(report) -> list[tuple]:
    """Violations as (symbol, copy, original, path, line) and their definitions as
    (module, path, line, kind)."""
    (result,) = report.results
    return [((v.symbol, v.copy, v.original, v.path, v.line),
             [(d.module, d.path, d.line, d.kind) for d in v.definitions])
            for v in result.violations]


def test_classes_functions_and_assignments_defined_twice_are_violations(project):
    report = setup(project).check()
    assert found(report) == [
        (("WEBSOCKET_TIMEOUT", "chatapp.services.legacy", "chatapp.core.manager",
          "chatapp/services/legacy.py", 3),
         [("chatapp.core.manager", "chatapp/core/manager.py", 9, "assignment"),
          ("chatapp.services.legacy", "chatapp/services/legacy.py", 3, "assignment")]),
        (("WebSocketManager", "chatapp.services.legacy", "chatapp.core.manager",
          "chatapp/services/legacy.py", 6),
         [("chatapp.core.manager", "chatapp/core/manager.py", 1, "class"),
          ("chatapp.services.legacy", "chatapp/services/legacy.py", 6, "class")]),
        (("get_websocket_manager", "chatapp.services.legacy", "chatapp.core.manager",
          "chatapp/services/legacy.py", 12),
         [("chatapp.core.manager", "chatapp/core/manager.py", 5, "function"),
          ("chatapp.services.legacy", "chatapp/services/legacy.py", 12, "function")]),
    ]
    assert [v.message for v in report.results[0].violations][1] == (
        "WebSocketManager is defined in 2 modules; keep the original in chatapp.core.manager "
        "and import it from there")
    assert [type(v) for v in report.results[0].violations] == [DuplicateDefinition] * 3
    assert report.exit_code == 1


def test_a_name_defined_twice_in_one_module_keeps_the_contract(project):
    report = setup(project, {
        "chatapp/services/legacy.py": """
            try:
                from fastws import WebSocketClient
            except ImportError:
                class WebSocketClient:
                    pass
            else:
                WebSocketClient = WebSocketClient
        """,
    }).check()
    assert found(report) == []
    assert report.results[0].kept


def test_imports_and_annotations_without_a_value_define_nothing(project):
    report = setup(project, {
        "chatapp/services/legacy.py": """
            from chatapp.core.manager import WebSocketManager, get_websocket_manager
            import chatapp.core.manager as websocket_module

            WEBSOCKET_TIMEOUT: int
        """,
    }).check()
    assert found(report) == []


def test_kinds_limits_the_definitions_compared(project):
    report = setup(project, extra='kinds = ["class"]').check()
    assert [v.symbol for v in report.results[0].violations] == ["WebSocketManager"]


def test_names_are_case_sensitive_shell_patterns(project):
    report = setup(project, extra="").check()
    assert "Unrelated" not in [v.symbol for v in report.results[0].violations]
    project.contracts(CONTRACT.replace('["*WebSocket*", "*websocket*", "WEBSOCKET_*"]',
                                       '["WebSocket?anager"]')
                      .format(extra=""))
    assert [v.symbol for v in project.check().results[0].violations] == ["WebSocketManager"]


def test_the_first_canonical_module_holds_the_original(project):
    report = setup(project, extra='canonical = ["chatapp.services.legacy"]').check()
    assert found(report)[0] == (
        ("WebSocketManager", "chatapp.core.manager", "chatapp.services.legacy",
         "chatapp/core/manager.py", 1),
        [("chatapp.services.legacy", "chatapp/services/legacy.py", 6, "class"),
         ("chatapp.core.manager", "chatapp/core/manager.py", 1, "class")],
    )


def test_a_third_definition_is_listed_and_the_first_duplicate_reported(project):
    report = setup(project, {
        "chatapp/routes.py": "WebSocketManager = None\n",
        "chatapp/services/legacy.py": "",
        "chatapp/core/manager.py": "class WebSocketManager:\n    pass\n",
        "chatapp/zz.py": "class WebSocketManager:\n    pass\n",
    }).check()
    assert found(report) == [
        (("WebSocketManager", "chatapp.routes", "chatapp.core.manager", "chatapp/routes.py", 1),
         [("chatapp.core.manager", "chatapp/core/manager.py", 1, "class"),
          ("chatapp.routes", "chatapp/routes.py", 1, "assignment"),
          ("chatapp.zz", "chatapp/zz.py", 1, "class")]),
    ]
    assert report.results[0].violations[0].message.startswith(
        "WebSocketManager is defined in 3 modules;")


def test_allow_leaves_modules_out(project):
    report = setup(project, extra='allow = ["chatapp.services"]').check()
    assert found(report) == []


@pytest.mark.parametrize(("kinds", "symbols", "parsed"), [
    ('["class"]', ["WebSocketManager"], []),  # a class is known from its line
    ('["assignment"]', ["WEBSOCKET_TIMEOUT"], ["WEBSOCKET_TIMEOUT = 30", "WEBSOCKET_TIMEOUT = 5"]),
])
def test_only_statements_that_may_define_a_name_are_parsed(project, monkeypatch, kinds, symbols,
                                                           parsed):
    import ast

    setup(project, {"tests/fakes.py": "import os\n\nclass WebSocketManager:\n    pass\n\n\n"
                                      "WEBSOCKET_TIMEOUT = 5\n",
                    "tests/uses.py": "from chatapp.core.manager import WebSocketManager\n"},
          extra="").contracts(CONTRACT.replace('["chatapp"]', '["chatapp.core", "tests"]')
                              .format(extra=f"kinds = {kinds}"))
    parse = ast.parse
    texts: list[str] = []

    def recorded(source, *args, **kwargs):
        texts.append(source if isinstance(source, str) else source.decode())
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", recorded)
    report = project.check(use_cache=True)
    assert [v.symbol for v in report.results[0].violations] == symbols
    # nothing of tests/uses.py, which names WebSocketManager only in an import
    assert [text.strip() for text in texts] == parsed


def test_cached_definitions_follow_changes_to_the_file(project):
    setup(project)
    assert len(project.check(use_cache=True).results[0].violations) == 3
    assert len(project.check(use_cache=True).results[0].violations) == 3
    project.files({"chatapp/services/legacy.py":
                   "import os\n\nclass WebSocketManager:\n    pass\n"})
    assert found(project.check(use_cache=True))[0][0] == (
        "WebSocketManager", "chatapp.services.legacy", "chatapp.core.manager",
        "chatapp/services/legacy.py", 3)


def test_a_file_that_does_not_parse_defines_nothing(project):
    report = setup(project, {"chatapp/services/legacy.py": "class WebSocketManager(:\n"}).check()
    assert found(report) == []
    assert [d.kind for d in report.diagnostics] == ["syntax-error"]
    assert read_top_level("def (:\n").definitions == ()


def test_text_report_lists_every_definition_the_original_first(project):
    setup(project, extra='kinds = ["class", "function"]')
    outcome = project.cli("check", "--no-cache")
    assert outcome.code == 1
    assert outcome.out == """\
✗ one-definition  one-definition
  chatapp/services/legacy.py:6  chatapp.services.legacy  [WebSocketManager]
      WebSocketManager is defined in 2 modules; keep the original in chatapp.core.manager \
and import it from there
      chatapp/core/manager.py:1     class  class WebSocketManager:  (original)
      chatapp/services/legacy.py:6  class  class WebSocketManager:
  chatapp/services/legacy.py:12  chatapp.services.legacy  [get_websocket_manager]
      get_websocket_manager is defined in 2 modules; keep the original in chatapp.core.manager \
and import it from there
      chatapp/core/manager.py:5      function  def get_websocket_manager():  (original)
      chatapp/services/legacy.py:12  function  async def get_websocket_manager():
1 contract: 0 kept, 1 broken · 2 violations (2 new, 0 baselined)
"""


def test_json_report_carries_the_definitions(project):
    setup(project, extra='kinds = ["function"]')
    outcome = project.cli("check", "--no-cache", "--format", "json")
    (violation,) = json.loads(outcome.out)["contracts"][0]["violations"]
    assert violation["chain"] == [] and violation["fix"] is None
    assert violation["definitions"] == [
        {"module": "chatapp.core.manager", "name": "get_websocket_manager", "kind": "function",
         "path": "chatapp/core/manager.py", "line": 5,
         "line_contents": "def get_websocket_manager():"},
        {"module": "chatapp.services.legacy", "name": "get_websocket_manager",
         "kind": "function", "path": "chatapp/services/legacy.py", "line": 12,
         "line_contents": "async def get_websocket_manager():"},
    ]


def test_unknown_kind_missing_names_and_bad_canonical_are_config_errors(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts("""
        [[contracts]]
        id = "one-definition"
        type = "unique"
        packages = ["chatapp.core"]
        names = []
        kinds = ["classes"]
        canonical = ["chatapp.services.legacy", "chatapp.core.managre"]
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'one-definition', key 'names': list at least one "
        "name or pattern",
        "contracts/contracts.toml:1: contract 'one-definition', key 'kinds': 'classes' is not a "
        "kind of definition; expected one of class, function, assignment (did you mean "
        "'class'?)",
    ]
    project.contracts("""
        [[contracts]]
        id = "one-definition"
        type = "unique"
        packages = ["chatapp.core"]
        names = ["*"]
        canonical = ["chatapp.services.legacy", "chatapp.core.managre"]
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'one-definition', key 'canonical': "
        "'chatapp.services.legacy' is not inside packages (chatapp.core)",
        "contracts/contracts.toml:1: contract 'one-definition', key 'canonical': module "
        "'chatapp.core.managre' does not exist (did you mean 'chatapp.core.manager'?)",
    ]


def test_a_new_copy_of_a_baselined_name_is_new_and_a_removed_one_is_fixed(project):
    two = {"chatapp/services/legacy.py": "", "chatapp/routes.py": "WebSocketManager = None\n"}
    setup(project, two)
    assert project.cli("baseline", "--no-cache").code == 0
    (entry,) = [e for e in json.loads((project.root / "contracts/baseline.json").read_text())
                ["violations"] if e["symbol"] == "WebSocketManager"]
    assert entry["count"] == 1
    project.files({"chatapp/zz.py": "class WebSocketManager:\n    pass\n"})  # a third copy
    outcome = project.cli("check", "--no-cache")
    assert outcome.code == 1
    assert outcome.out.splitlines()[-1] == (
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined)")
    (project.root / "chatapp/zz.py").unlink()
    (project.root / "chatapp/routes.py").write_text("")
    outcome = project.cli("check", "--no-cache", "--strict-baseline")
    assert outcome.code == 1
    assert outcome.out.splitlines()[1:3] == [
        "fixed — run `archlint baseline --update`",
        "  one-definition  chatapp.routes -> chatapp.core.manager  [WebSocketManager]"]
