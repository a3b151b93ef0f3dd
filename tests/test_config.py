"""Configuration errors: every one located (file:line, contract, key), all at once, exit 2."""

from __future__ import annotations

import pytest

from archlint.errors import ConfigError
from archlint.settings import load_settings

PACKAGE = {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": ""}


def problems(project) -> list[str]:
    with pytest.raises(ConfigError) as error:
        project.check()
    return [str(p) for p in error.value.problems]


def test_no_configuration_found(project, tmp_path):
    with pytest.raises(ConfigError) as error:
        load_settings(start=tmp_path)
    assert str(error.value) == (
        "no configuration found (searched for archlint.toml, and pyproject.toml with "
        f"[tool.archlint], from {tmp_path} upwards): run `archlint init` in the project root "
        "to set archlint up, or pass --config FILE")


def test_configuration_is_found_from_a_subfolder_and_archlint_toml_works(project):
    project.files(PACKAGE)
    (project.root / "archlint.toml").write_text('root_packages = ["app"]\n')
    settings = load_settings(start=project.root / "app")
    assert settings.root_packages == ("app",)
    assert settings.root == project.root


def test_malformed_toml_names_file_line_and_column(project):
    project.files(PACKAGE)
    (project.root / "pyproject.toml").write_text(
        '[tool.archlint]\nroot_packages = ["app"]\nexclude = [\n"x",,\n]\n')
    result = project.cli("check")
    assert (result.code, result.err) == (
        2, "archlint: error: pyproject.toml: invalid TOML: Invalid value (at line 4, column 5)\n")


def test_unknown_and_mistyped_settings_keys(project):
    project.files(PACKAGE)
    (project.root / "pyproject.toml").write_text(
        '[tool.archlint]\nroot_package = ["app"]\nexclude = "**/x/**"\n')
    config = project.root / "pyproject.toml"
    assert problems(project) == [
        f"{config}: key 'root_package': unknown key (did you mean 'root_packages'?)",
        f"{config}: key 'exclude': expected a list of strings, got a string "
        '(write ["**/x/**"])',
        f"{config}: key 'root_packages': required key is missing",
    ]


def test_missing_contracts_folder(project):
    project.settings(["app"]).files(PACKAGE)
    assert problems(project) == [
        f"pyproject.toml: key 'contracts': 'contracts' does not exist "
        f"(resolved to {project.root / 'contracts'})"]


def test_contract_file_errors_are_all_reported_with_file_line_contract_and_key(project):
    project.settings(["app"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "one"
        type = "forbiden"

        [[contracts]]
        id = "two"
        type = "forbidden"
        source_module = ["app.a"]
        forbidden_modules = ["app.b"]
        allow_indirect = "yes"

        [[contracts]]
        id = "Three_"
        type = "layers"
        layers = ["app.a | app.b : app.c"]

        [[contracts]]
        id = "four"
        type = "acyclic"
        packages = ["app.*x"]
        severity = "fatal"
        ignore = ["app.a app.b"]
    """)
    assert problems(project) == [
        "contracts/contracts.toml:1: contract 'one', key 'type': unknown contract type "
        "'forbiden' (did you mean 'forbidden'?); known types: acyclic, canonical, forbidden, "
        "independence, internal, layers, unique",
        "contracts/contracts.toml:5: contract 'two', key 'source_module': unknown key "
        "(did you mean 'source_modules'?)",
        "contracts/contracts.toml:5: contract 'two', key 'allow_indirect': expected a boolean "
        '(true or false), got a string ("yes")',
        "contracts/contracts.toml:5: contract 'two', key 'source_modules': required key is missing",
        "contracts/contracts.toml:12: contract 'Three_', key 'id': 'Three_' must start with "
        "a-z or 0-9 and use only a-z, 0-9 and '-'",
        "contracts/contracts.toml:17: contract 'four', key 'severity': must be 'error' or "
        "'warning', got 'fatal'",
        "contracts/contracts.toml:17: contract 'four', key 'packages': 'app.*x' is not a module "
        "expression: '*x' must be a name, '*' or '**'",
        "contracts/contracts.toml:17: contract 'four', key 'ignore': 'app.a app.b' is not an "
        "ignore entry: write 'importer -> imported'",
    ]


def test_layer_syntax_errors(project):
    project.settings(["app"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "mixed"
        type = "layers"
        layers = ["app.a | app.b : app.c", "app.a"]
    """)
    assert problems(project) == [
        "contracts/contracts.toml:1: contract 'mixed', key 'layers': 'app.a | app.b : app.c' "
        "mixes '|' and ':'; a layer's siblings are either independent ('|') or not (':')",
    ]


def test_duplicate_ids_across_files(project):
    contract = """
        [[contracts]]
        id = "same"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """
    project.settings(["app"]).files(PACKAGE).contracts(contract, "a.toml").contracts(
        contract, "b.toml")
    assert problems(project) == [
        "contracts/b.toml:1: contract 'same', key 'id': duplicate id, first defined at "
        "contracts/a.toml:1"]


def test_a_diagnostic_kind_is_not_a_contract_id(project):
    project.settings(["app"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "syntax-error"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """)
    assert problems(project) == [
        "contracts/contracts.toml:1: contract 'syntax-error', key 'id': 'syntax-error' is the "
        "name of one of archlint's diagnostics; choose another id"]


def test_expressions_that_match_nothing_are_errors(project):
    project.settings(["app"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "stale"
        type = "forbidden"
        source_modules = ["app.gone", "app.*.deeper"]
        forbidden_modules = ["app.b"]
        ignore = ["app.a -> app.removed"]
    """)
    assert problems(project) == [
        "contracts/contracts.toml:1: contract 'stale', key 'source_modules': 'app.gone' "
        "matches no module",
        "contracts/contracts.toml:1: contract 'stale', key 'source_modules': 'app.*.deeper' "
        "matches no module",
        "contracts/contracts.toml:1: contract 'stale', key 'ignore': 'app.a -> app.removed': "
        "'app.removed' matches no module",
    ]


def test_a_near_miss_module_name_gets_a_suggestion(project):
    project.settings(["app"]).files({**PACKAGE, "app/domain.py": ""}).contracts("""
        [[contracts]]
        id = "typo"
        type = "forbidden"
        source_modules = ["app.domian"]
        forbidden_modules = ["app.b"]
    """)
    assert problems(project) == [
        "contracts/contracts.toml:1: contract 'typo', key 'source_modules': 'app.domian' "
        "matches no module (did you mean 'app.domain'?)"]


def test_every_missing_root_package_is_reported(project):
    project.settings(["app", "nothere", "gone"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "x"
        type = "acyclic"
        packages = ["app"]
    """)
    assert problems(project) == [
        f"key 'root_packages': root package '{name}' not found: no folder {name} in "
        f"{project.root} or {project.root / 'src'}" for name in ("nothere", "gone")]


# -- source_roots -----------------------------------------------------------------------------

LIB_LAYOUT = {
    "lib/app/__init__.py": "",
    "lib/app/web.py": "",
    "lib/app/core.py": "import app.web\n",
    "python/tools/__init__.py": "import app.core\n",
}

FORBIDDEN_WEB = """
    [[contracts]]
    id = "core-without-web"
    type = "forbidden"
    source_modules = ["app.core", "tools"]
    forbidden_modules = ["app.web"]
"""


def test_root_packages_are_found_in_the_source_roots_with_paths_from_the_project_root(project):
    project.settings(["app", "tools"], source_roots=["lib", "python"]).files(LIB_LAYOUT)
    project.contracts(FORBIDDEN_WEB)
    outcome = project.cli("check", "--no-cache", "--format", "github")
    assert outcome.out.splitlines() == [
        "::error file=lib/app/core.py,line=1,title=core-without-web::app.core imports app.web, "
        "which it is forbidden to use",
        "::error file=python/tools/__init__.py,line=1,title=core-without-web::tools depends on "
        "app.web through a chain of imports; it is forbidden to use it",
        "1 contract: 0 kept, 1 broken · 2 violations (2 new, 0 baselined)",
    ]


def test_source_roots_are_searched_in_order(project):
    project.settings(["app"], source_roots=["./python/", "lib"]).files({
        **LIB_LAYOUT, "python/app/__init__.py": "", "python/app/core.py": "",
        "python/app/web.py": ""})
    project.contracts(FORBIDDEN_WEB.replace(', "tools"', ""))
    report = project.check()
    assert [r.status for r in report.results] == ["kept"]


def test_a_root_package_in_no_source_root_names_the_folders_searched(project):
    project.settings(["app", "tools"], source_roots=["lib"]).files(LIB_LAYOUT)
    project.contracts(FORBIDDEN_WEB)
    assert problems(project) == [
        f"key 'root_packages': root package 'tools' not found: no folder tools in "
        f"{project.root / 'lib'}"]


@pytest.mark.parametrize("entry", ["../lib", "/opt/lib", "lib/../..", ""])
def test_a_source_root_outside_the_project_is_a_config_error(project, entry):
    project.settings(["app"], source_roots=[entry]).files(LIB_LAYOUT)
    outcome = project.cli("check")
    assert (outcome.code, outcome.err) == (2, (
        f"archlint: error: pyproject.toml: key 'source_roots': '{entry}' must be a folder "
        "inside the project root, written relative to it with forward slashes ('.' for the "
        "root itself)\n"))


def test_malformed_contract_toml(project):
    project.settings(["app"]).files(PACKAGE)
    (project.root / "contracts").mkdir()
    (project.root / "contracts" / "bad.toml").write_text('[[contracts]]\nid = "x\n')
    assert problems(project) == [
        "contracts/bad.toml: invalid TOML: Illegal character '\\n' (at line 2, column 8)"]


def test_cli_reports_configuration_errors_with_exit_code_2_and_no_traceback(project):
    project.settings(["app"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "x"
        type = "independance"
        modules = ["app.a", "app.b"]
    """)
    result = project.cli("check")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        "archlint: error: contracts/contracts.toml:1: contract 'x', key 'type': unknown "
        "contract type 'independance' (did you mean 'independence'?); known types: acyclic, "
        "canonical, forbidden, independence, internal, layers, unique\n")


def test_unknown_contract_id_on_the_command_line(project):
    project.settings(["app"]).files(PACKAGE).contracts("""
        [[contracts]]
        id = "a-not-b"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """)
    result = project.cli("check", "--contract", "a-not-c")
    assert (result.code, result.err) == (
        2, "archlint: error: key '--contract': no contract with id 'a-not-c' "
           "(did you mean 'a-not-b'?); the contracts are: a-not-b\n")


def test_unknown_option_is_a_usage_error(project):
    result = project.cli("check", "--formt", "json")
    assert result.code == 2
    assert "--formt" in result.err.splitlines()[-1]


def test_a_near_miss_in_an_ignore_entry_gets_a_suggestion(project):
    project.settings(["app"]).files({**PACKAGE, "app/domain.py": ""}).contracts("""
        [[contracts]]
        id = "typo"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
        ignore = ["app.a -> app.domian"]
    """)
    assert problems(project) == [
        "contracts/contracts.toml:1: contract 'typo', key 'ignore': 'app.a -> app.domian': "
        "'app.domian' matches no module (did you mean 'app.domain'?)"]
