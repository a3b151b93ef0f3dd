"""`archlint init`: one command from an unconfigured project to a green check that fails on
the next new violation; it refuses to touch a project that is configured already."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archlint.scaffold import detect_root_packages

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


def test_init_on_the_example_gives_a_green_check(unconfigured_example):
    project = unconfigured_example
    before = (project.root / "pyproject.toml").read_text(encoding="utf-8")
    result = project.cli("init")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "root packages: chatapp, tests\n"
        "wrote [tool.archlint] to pyproject.toml\n"
        "wrote contracts/architecture.toml: a starter contract, no import cycles\n"
        "wrote contracts/baseline.json: 1 violation and 1 diagnostic recorded\n"
        "`archlint check` passes now, and fails on the next new violation\n")
    after = (project.root / "pyproject.toml").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before):] == (
        "\n[tool.archlint]\n"
        "# Written by `archlint init`; every key is described in archlint's docs/configuration.md.\n"
        'root_packages = ["chatapp", "tests"]\n'
        'contracts = ["contracts"]\n'
        'baseline = "contracts/baseline.json"\n')
    starter = (project.root / "contracts" / "architecture.toml").read_text(encoding="utf-8")
    assert 'packages = ["chatapp", "tests"]' in starter
    assert '# layers = ["chatapp.agents", "chatapp.core", "chatapp.db"]' in starter

    check = project.cli("check", "--strict-baseline")
    assert check.code == 0
    assert check.out.endswith(
        "1 contract: 0 kept, 1 broken · 1 violation (0 new, 1 baselined) · 1 unresolved import\n")

    # protected from the next violation on
    project.files({"chatapp/core/config.py": "from chatapp.db import models\n"})
    broken = project.cli("check")
    assert broken.code == 1
    assert ("  chatapp/core/config.py:1  chatapp.core.config -> chatapp.db.models\n"
            in broken.out)


def test_the_starter_layers_contract_is_valid_once_uncommented(unconfigured_example):
    project = unconfigured_example
    project.cli("init")
    starter = project.root / "contracts" / "architecture.toml"
    lines = starter.read_text(encoding="utf-8").splitlines()
    uncommented = [line[2:] if line.startswith("# [[") or line.startswith("# id") or
                   line.startswith("# name") or line.startswith("# type") or
                   line.startswith("# layers") else line for line in lines]
    starter.write_text("\n".join(uncommented) + "\n", encoding="utf-8")
    result = project.cli("check")
    assert result.err == ""
    assert "chatapp-layers  chatapp is layered, highest first" in result.out


def test_init_on_a_fresh_src_layout_package_writes_archlint_toml(project):
    project.files({
        "src/shop/__init__.py": "",
        "src/shop/cart.py": "from shop import pricing\n",
        "src/shop/pricing.py": "from shop import cart\n",
        "tests/test_cart.py": "import shop.cart\n",
        "setup.py": "",
        "docs/conf.py": "",
        ".venv/lib/site.py": "",
    })
    result = project.cli("init")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[:2] == ["root packages: shop, tests",
                                           "wrote [tool.archlint] to archlint.toml"]
    assert result.out.splitlines()[3] == (
        "wrote contracts/baseline.json: 1 violation and 0 diagnostics recorded")
    assert not (project.root / "pyproject.toml").exists()
    check = project.cli("check")
    assert check.code == 0
    assert "  src/shop/pricing.py:1  shop.pricing -> shop.cart  (baselined)\n" in check.out


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


def test_init_refuses_a_contracts_folder_of_other_toml_files(project):
    project.files({"app/__init__.py": "", "contracts/token.toml": "name = 'erc20'\n"})
    result = project.cli("init")
    assert (result.code, result.err) == (
        2, "archlint: error: contracts/ holds .toml files already, and archlint would read each "
           "of them as contracts: move them, or configure archlint by hand (see "
           "docs/configuration.md)\n")
    assert sorted(p.name for p in (project.root / "contracts").iterdir()) == ["token.toml"]


def test_init_without_packages_is_a_clear_error(project):
    project.files({"setup.py": "", "notes/readme.txt": ""})
    result = project.cli("init")
    assert result.code == 2
    assert result.err == (f"archlint: error: no Python packages found in {project.root} or "
                          f"{project.root / 'src'}: write [tool.archlint] by hand (see "
                          "docs/configuration.md)\n")
    assert sorted(p.name for p in project.root.iterdir()) == ["notes", "setup.py"]


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

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("archlint.baseline.write_atomic", fail)
    result = project.cli("init", "--no-cache")
    assert (result.code, result.err) == (
        2, "archlint: error: cannot write contracts/baseline.json: No space left on device\n")
    assert sorted(p.name for p in project.root.iterdir()) == ["app"]


def test_detected_packages_skip_tooling_folders(tmp_path):
    for folder in ("pkg", "tests", "docs", "build", "venv", "_private", "data", "my-app", "src/lib"):
        (tmp_path / folder).mkdir(parents=True)
    for path in ("pkg/__init__.py", "tests/unit/test_x.py", "docs/conf.py", "build/x.py",
                 "venv/x.py", "_private/x.py", "data/table.csv", "my-app/x.py", "src/lib/x.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    assert detect_root_packages(tmp_path) == ["lib", "pkg", "tests"]
