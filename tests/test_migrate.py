"""`archlint migrate`: an import-linter configuration becomes archlint's, with the same
verdicts. The verdict tests run import-linter's own `lint-imports` on the same fixture."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# The contract types of import-linter's documentation, one of each (layers twice: plain with
# independent siblings, and with containers), on one package.
INI = """
[importlinter]
root_package = mypackage

[importlinter:contract:my-forbidden-contract]
name = My forbidden contract
type = forbidden
source_modules =
    mypackage.one
    mypackage.two
    mypackage.three.blue
forbidden_modules =
    mypackage.four
    mypackage.five.green
ignore_imports =
    mypackage.one.green -> mypackage.utils
    mypackage.two -> mypackage.four

[importlinter:contract:my-layers-contract]
name = My layers contract
type = layers
layers =
    mypackage.high
    mypackage.medium | mypackage.side
    mypackage.low

[importlinter:contract:my-plugin-layers]
name = Plugins are layered
type = layers
containers =
    mypackage.plugins.alpha
    mypackage.plugins.beta
layers =
    views
    models
exhaustive = True

[importlinter:contract:my-independence-contract]
name = My independence contract
type = independence
modules =
    mypackage.red
    mypackage.yellow

[importlinter:contract:my-protected-contract]
name = My protected contract
type = protected
protected_modules = mypackage.data
allowed_importers = mypackage.services

[importlinter:contract:my-acyclic-contract]
name = My acyclic siblings contract
type = acyclic_siblings
ancestors = mypackage.cyc
"""

TOML = """
[tool.importlinter]
root_package = "mypackage"

[[tool.importlinter.contracts]]
id = "my-forbidden-contract"
name = "My forbidden contract"
type = "forbidden"
source_modules = ["mypackage.one", "mypackage.two", "mypackage.three.blue"]
forbidden_modules = ["mypackage.four", "mypackage.five.green"]
ignore_imports = ["mypackage.one.green -> mypackage.utils", "mypackage.two -> mypackage.four"]

[[tool.importlinter.contracts]]
name = "My layers contract"
type = "layers"
layers = ["mypackage.high", "mypackage.medium | mypackage.side", "mypackage.low"]

[[tool.importlinter.contracts]]
name = "Plugins are layered"
type = "layers"
containers = ["mypackage.plugins.alpha", "mypackage.plugins.beta"]
layers = ["views", "models"]
exhaustive = true

[[tool.importlinter.contracts]]
name = "My independence contract"
type = "independence"
modules = ["mypackage.red", "mypackage.yellow"]

[[tool.importlinter.contracts]]
name = "My protected contract"
type = "protected"
protected_modules = ["mypackage.data"]
allowed_importers = ["mypackage.services"]

[[tool.importlinter.contracts]]
name = "My acyclic siblings contract"
type = "acyclic_siblings"
ancestors = ["mypackage.cyc"]
"""

PACKAGE = {
    "mypackage/__init__.py": "",
    "mypackage/one/__init__.py": "",
    "mypackage/one/green.py": "import mypackage.utils\n",
    "mypackage/two.py": "import mypackage.four\n",
    "mypackage/three/__init__.py": "",
    "mypackage/three/blue.py": "",
    "mypackage/four.py": "",
    "mypackage/five/__init__.py": "",
    "mypackage/five/green.py": "",
    "mypackage/utils.py": "",
    "mypackage/high.py": "import mypackage.medium\n",
    "mypackage/medium.py": "import mypackage.low\n",
    "mypackage/side.py": "import mypackage.low\n",
    "mypackage/low.py": "",
    "mypackage/plugins/__init__.py": "",
    "mypackage/plugins/alpha/__init__.py": "",
    "mypackage/plugins/alpha/views.py": "from . import models\n",
    "mypackage/plugins/alpha/models.py": "",
    "mypackage/plugins/beta/__init__.py": "",
    "mypackage/plugins/beta/views.py": "",
    "mypackage/plugins/beta/models.py": "",
    "mypackage/red.py": "import mypackage.utils\n",
    "mypackage/yellow.py": "",
    "mypackage/data/__init__.py": "from . import store\n",
    "mypackage/data/store.py": "",
    "mypackage/services.py": "from mypackage.data.store import *\n",
    "mypackage/cyc/__init__.py": "",
    "mypackage/cyc/a.py": "from mypackage.cyc import b\n",
    "mypackage/cyc/b.py": "",
}

# Each contract broken once: an indirect forbidden import, a lower layer importing a higher
# one and two independent siblings importing each other, a model importing its view, a
# chain between independent modules, an importer that is not allowed, a cycle.
BREAKING = {
    "mypackage/three/blue.py": "import mypackage.utils\n",
    "mypackage/utils.py": "import mypackage.five.green\n",
    "mypackage/low.py": "def late():\n    import mypackage.high\n",
    "mypackage/side.py": "import mypackage.medium\n",
    "mypackage/plugins/beta/models.py": "from .views import *\n",
    "mypackage/yellow.py": "import mypackage.red\n",
    "mypackage/high.py": "import mypackage.medium\nimport mypackage.data.store\n",
    "mypackage/cyc/b.py": "from mypackage.cyc import a\n",
}

NAMES = ["My forbidden contract", "My layers contract", "Plugins are layered",
         "My independence contract", "My protected contract", "My acyclic siblings contract"]


def write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def lint_imports_verdicts(root: Path, config: str) -> dict[str, str]:
    """Each contract's verdict from `lint-imports` itself: "kept" or "broken"."""
    completed = subprocess.run(
        [str(LINT_IMPORTS), "--config", config, "--no-cache"], cwd=root,
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})
    verdicts = {m.group(1): m.group(2).lower()
                for m in re.finditer(r"^(.+?) (KEPT|BROKEN)\b", completed.stdout, re.M)}
    assert set(verdicts) == set(NAMES), completed.stdout + completed.stderr
    return verdicts


def archlint_verdicts(project) -> dict[str, str]:
    outcome = project.cli("check", "--no-cache", "--format", "json")
    assert outcome.code in (0, 1), outcome.err
    report = json.loads(outcome.out)
    assert report["diagnostics"] == []
    return {c["name"]: c["status"] for c in report["contracts"]}


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")
@pytest.mark.parametrize("config_file, text", [(".importlinter", INI), ("pyproject.toml", TOML)],
                         ids=["ini", "toml"])
@pytest.mark.parametrize("breaking", [{}, BREAKING], ids=["kept", "broken"])
def test_migrated_contracts_give_the_verdicts_of_lint_imports(project, config_file, text,
                                                              breaking):
    write(project.root, {**PACKAGE, **breaking, config_file: text})
    expected = lint_imports_verdicts(project.root, config_file)
    assert set(expected.values()) == {"broken" if breaking else "kept"}
    outcome = project.cli("migrate")
    assert outcome.code == 0, outcome.err
    assert archlint_verdicts(project) == expected


def test_ini_configuration_becomes_settings_and_one_file_per_contract(project):
    write(project.root, {**PACKAGE, ".importlinter": INI})
    outcome = project.cli("migrate")
    assert (outcome.code, outcome.out) == (0, """\
read .importlinter: 6 contracts
wrote contracts/my-forbidden-contract.toml
wrote contracts/my-layers-contract.toml
wrote contracts/my-plugin-layers.toml
wrote contracts/my-independence-contract.toml
wrote contracts/my-protected-contract.toml
wrote contracts/my-acyclic-contract.toml
wrote archlint.toml
next: archlint check
""")
    root = project.root
    assert (root / "archlint.toml").read_text() == (
        'root_packages = ["mypackage"]\ncontracts = ["contracts"]\n')
    assert (root / "contracts/my-forbidden-contract.toml").read_text() == """\
[[contracts]]
id = "my-forbidden-contract"
name = "My forbidden contract"
type = "forbidden"
source_modules = ["mypackage.one", "mypackage.two", "mypackage.three.blue"]
forbidden_modules = ["mypackage.four", "mypackage.five.green"]
ignore = ["mypackage.one.green -> mypackage.utils", "mypackage.two -> mypackage.four"]
"""
    assert (root / "contracts/my-protected-contract.toml").read_text() == """\
[[contracts]]
id = "my-protected-contract"
name = "My protected contract"
type = "canonical"
package = "mypackage.data"
canonical = []
allow = ["mypackage.services"]
"""
    assert (root / "contracts/my-acyclic-contract.toml").read_text() == """\
[[contracts]]
id = "my-acyclic-contract"
name = "My acyclic siblings contract"
type = "acyclic"
packages = ["mypackage.cyc"]
depth = 11
"""


def test_toml_configuration_is_appended_to_pyproject_and_ids_come_from_names(project):
    original = '[project]\nname = "mypackage"\n\n' + TOML.lstrip("\n")
    write(project.root, {**PACKAGE, "pyproject.toml": original})
    outcome = project.cli("migrate")
    assert outcome.code == 0
    assert outcome.out.splitlines()[1:4] == [
        "wrote contracts/my-forbidden-contract.toml", "wrote contracts/my-layers-contract.toml",
        "wrote contracts/plugins-are-layered.toml"]
    text = (project.root / "pyproject.toml").read_text()
    assert text == original + '\n[tool.archlint]\nroot_packages = ["mypackage"]\n' \
                              'contracts = ["contracts"]\n'
    assert (project.root / "contracts/plugins-are-layered.toml").read_text() == """\
[[contracts]]
id = "plugins-are-layered"
name = "Plugins are layered"
type = "layers"
layers = ["views", "models"]
containers = ["mypackage.plugins.alpha", "mypackage.plugins.beta"]
exhaustive = true
"""


def test_options_without_an_equivalent_are_reported(project):
    write(project.root, {**PACKAGE, "setup.cfg": """
        [metadata]
        name = mypackage

        [importlinter]
        root_packages =
            mypackage
        contract_types =
            conditional: mypackage.contracts.Conditional
        include_external_packages = True

        [importlinter:contract:one]
        name = Guarded
        type = forbidden
        source_modules = mypackage.one
        forbidden_modules = mypackage.four
        as_packages = False
        unmatched_ignore_imports_alerting = warn
        ignore_imports = mypackage.one.** -> mypackage.four
        broken_contract_guidance = Move the shared code to mypackage.utils.

        [importlinter:contract:two]
        name = Data and cyc are protected
        type = protected
        protected_modules =
            mypackage.data
            mypackage.cyc
        allowed_importers = mypackage.services
        as_packages = false

        [importlinter:contract:three]
        name = Custom
        type = conditional

        [importlinter:contract:four]
        name = Layers with an optional layer
        type = layers
        layers =
            mypackage.high
            (mypackage.middle)
            mypackage.low
        containers = mypackage
        exhaustive = true
        exhaustive_ignores = x
    """})
    outcome = project.cli("migrate")
    assert outcome.code == 0
    assert outcome.out == """\
read setup.cfg: 4 contracts
wrote contracts/one.toml
wrote contracts/two-1.toml
wrote contracts/two-2.toml
wrote contracts/four.toml
wrote archlint.toml
not carried over:
  [importlinter] contract_types: custom contract types are Python classes archlint does not run
  contract 'Guarded': unmatched_ignore_imports_alerting = warn: an ignore entry that matches \
no import fails archlint's run (an unmatched-ignore diagnostic, or a configuration error when a \
side names no module); lint-imports only warns
  contract 'Data and cyc are protected': as_packages = false: the allowed importers' \
descendants may import the protected modules too (import-linter allows the listed modules alone)
  contract 'Custom': type 'conditional' has no archlint equivalent; contract left out
next: archlint check
"""
    assert (project.root / "contracts/one.toml").read_text() == """\
[[contracts]]
id = "one"
name = "Guarded"
description = "Move the shared code to mypackage.utils."
type = "forbidden"
source_modules = ["mypackage.one"]
forbidden_modules = ["mypackage.four"]
as_packages = false
ignore = ["mypackage.one.*.** -> mypackage.four"]
"""
    assert (project.root / "contracts/two-2.toml").read_text() == """\
[[contracts]]
id = "two-2"
name = "Data and cyc are protected (mypackage.cyc)"
type = "canonical"
package = "mypackage.cyc.__init__"
canonical = []
allow = ["mypackage.services"]
"""
    assert (project.root / "contracts/four.toml").read_text() == """\
[[contracts]]
id = "four"
name = "Layers with an optional layer"
type = "layers"
layers = ["mypackage.high", "(mypackage.middle)", "mypackage.low"]
containers = ["mypackage"]
exhaustive = true
exhaustive_ignores = ["x"]
"""
    assert (project.root / "archlint.toml").read_text() == (
        'root_packages = ["mypackage"]\ncontracts = ["contracts"]\n'
        "include_external_packages = true\n")


def test_existing_files_are_never_overwritten(project):
    write(project.root, {**PACKAGE, ".importlinter": INI,
                         "contracts/my-layers-contract.toml": "# mine\n"})
    outcome = project.cli("migrate")
    assert (outcome.code, outcome.err) == (
        2, "archlint: error: contracts/my-layers-contract.toml already exists; "
           "nothing written\n")
    assert not (project.root / "archlint.toml").exists()
    assert not (project.root / "contracts/my-forbidden-contract.toml").exists()
    assert (project.root / "contracts/my-layers-contract.toml").read_text() == "# mine\n"


def test_a_pyproject_with_archlint_settings_is_left_alone(project):
    text = '[tool.archlint]\nroot_packages = ["mypackage"]\n'
    write(project.root, {**PACKAGE, ".importlinter": INI, "pyproject.toml": text})
    outcome = project.cli("migrate")
    assert (outcome.code, outcome.err) == (
        2, "archlint: error: pyproject.toml already has [tool.archlint]; nothing written\n")
    assert (project.root / "pyproject.toml").read_text() == text
    assert not (project.root / "contracts").exists()


def test_no_configuration_is_a_usage_error(project):
    write(project.root, {"setup.cfg": "[metadata]\nname = x\n"})
    outcome = project.cli("migrate")
    assert outcome.code == 2
    assert outcome.err == (
        f"archlint: error: no import-linter configuration in {project.root} (looked for "
        "[importlinter] in setup.cfg and .importlinter, [tool.importlinter] in "
        "pyproject.toml); name the file: archlint migrate PATH\n")


def test_a_given_file_is_read_and_the_output_goes_beside_it(project):
    write(project.root, {**PACKAGE, "config/linting.ini": INI})
    outcome = project.cli("migrate", "config/linting.ini")
    assert outcome.code == 0
    assert (project.root / "config/archlint.toml").exists()
    assert (project.root / "config/contracts/my-layers-contract.toml").exists()


def test_a_guidance_over_several_lines_stays_text(project):
    write(project.root, {**PACKAGE, ".importlinter": textwrap.dedent("""
        [importlinter]
        root_package = mypackage

        [importlinter:contract:pure]
        name = Pure
        type = forbidden
        source_modules = mypackage.high
        forbidden_modules = mypackage.low
        broken_contract_guidance =
            Keep high pure.
            See the wiki.
    """)})
    assert project.cli("migrate").code == 0
    text = (project.root / "contracts/pure.toml").read_text()
    assert 'description = "Keep high pure.\\nSee the wiki."\n' in text
    assert 'source_modules = ["mypackage.high"]\n' in text


def test_bad_values_are_usage_errors_and_nothing_is_written(project):
    write(project.root, {**PACKAGE, ".importlinter": textwrap.dedent("""
        [importlinter]
        root_package = mypackage

        [importlinter:contract:siblings]
        name = Siblings
        type = acyclic_siblings
        ancestors = mypackage
        depth = deep
    """)})
    outcome = project.cli("migrate")
    assert (outcome.code, outcome.err) == (
        2, "archlint: error: contract 'Siblings': depth must be a whole number, not 'deep'\n")
    assert not (project.root / "contracts").exists()
    write(project.root, {".importlinter": "", "pyproject.toml": textwrap.dedent("""
        [tool.importlinter]
        root_package = "mypackage"
        contracts = ["not a table"]
    """)})
    outcome = project.cli("migrate", "pyproject.toml")
    assert (outcome.code, outcome.err) == (
        2, "archlint: error: pyproject.toml: [tool.importlinter] contracts must be tables "
           "([[tool.importlinter.contracts]])\n")


def test_a_write_that_fails_leaves_no_contract_file(project, monkeypatch):
    import archlint.migrate

    def full_disk(path, content, **options):
        if path.name == "archlint.toml":
            raise OSError(28, "No space left on device", str(path))
        write_atomic(path, content, **options)

    write_atomic = archlint.migrate.write_atomic
    monkeypatch.setattr(archlint.migrate, "write_atomic", full_disk)
    write(project.root, {**PACKAGE, ".importlinter": INI})
    outcome = project.cli("migrate")
    assert (outcome.code, outcome.err) == (
        2, f"archlint: error: cannot write {project.root / 'archlint.toml'}: No space left on "
           "device; nothing written\n")
    assert list((project.root / "contracts").iterdir()) == []
    assert not (project.root / "archlint.toml").exists()


def test_numeric_section_names_give_ids_from_the_contract_names(project):
    write(project.root, {**PACKAGE, ".importlinter": textwrap.dedent("""
        [importlinter]
        root_package = mypackage

        [importlinter:contract:1]
        name = High stays pure
        type = forbidden
        source_modules = mypackage.high
        forbidden_modules = mypackage.cyc

        [importlinter:contract:2]
        name = High stays pure
        type = independence
        modules =
            mypackage.red
            mypackage.yellow

        [importlinter:contract:3]
        name = Unresolved import
        type = independence
        modules =
            mypackage.red
            mypackage.yellow

        [importlinter:contract:4]
        name = The plugins, the data package, the services and the cycles are each kept \
apart from one another
        type = independence
        modules =
            mypackage.red
            mypackage.yellow
    """)})
    outcome = project.cli("migrate")
    assert outcome.out.splitlines()[1:5] == [
        "wrote contracts/high-stays-pure.toml",
        "wrote contracts/high-stays-pure-2.toml",
        "wrote contracts/unresolved-import-2.toml",
        "wrote contracts/the-plugins-the-data-package-the-services-and.toml",
    ]
    assert project.cli("check", "--no-cache").code == 0


def test_setup_cfg_comes_before_importlinter_as_lint_imports_reads_them(project):
    write(project.root, {**PACKAGE, ".importlinter": INI, "setup.cfg": textwrap.dedent("""
        [importlinter]
        root_package = mypackage

        [importlinter:contract:pure]
        name = Pure
        type = forbidden
        source_modules = mypackage.high
        forbidden_modules = mypackage.cyc
    """)})
    outcome = project.cli("migrate")
    assert outcome.out.splitlines()[:2] == ["read setup.cfg: 1 contract",
                                            "wrote contracts/pure.toml"]


def test_private_modules_become_an_internal_contract_on_module_names(project):
    write(project.root, {**PACKAGE, "pyproject.toml": textwrap.dedent("""
        [tool.importlinter]
        root_packages = ["mypackage"]

        [[tool.importlinter.contracts]]
        name = "Private modules"
        type = "private_modules"

        [[tool.importlinter.contracts]]
        name = "Private modules of data"
        type = "private_modules"
        packages_with_private_modules = ["mypackage.data", "mypackage.**.plugins"]
    """)})
    assert project.cli("migrate").code == 0
    assert (project.root / "contracts/private-modules.toml").read_text() == """\
[[contracts]]
id = "private-modules"
name = "Private modules"
type = "internal"
packages = ["mypackage"]
private_names = false
"""
    assert (project.root / "contracts/private-modules-of-data.toml").read_text().endswith(
        'packages = ["mypackage.data", "mypackage.*.**.plugins"]\nprivate_names = false\n')


def test_a_boolean_that_import_linter_would_reject_is_a_usage_error(project):
    write(project.root, {**PACKAGE, ".importlinter": textwrap.dedent("""
        [importlinter]
        root_package = mypackage

        [importlinter:contract:pure]
        name = Pure
        type = forbidden
        source_modules = mypackage.high
        forbidden_modules = mypackage.low
        allow_indirect_imports = yes
    """)})
    outcome = project.cli("migrate")
    assert (outcome.code, outcome.err) == (
        2, "archlint: error: contract 'Pure': allow_indirect_imports must be true or false, "
           "not 'yes'\n")
    assert not (project.root / "contracts").exists()
