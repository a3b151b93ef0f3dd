"""The README shows real output: the tour's text block is what `archlint check` prints."""

from __future__ import annotations

import re
from pathlib import Path

from archlint.cli import main

ROOT = Path(__file__).parents[1]


def test_readme_tour_output_is_what_archlint_prints(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"Run `archlint check`:\n\n```text\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(ROOT / "examples" / "tour")
    code = main(["check", "--no-cache"])
    assert (code, capsys.readouterr().out) == (1, shown)


def test_readme_tour_contracts_are_the_example_contracts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    contracts = (ROOT / "examples" / "tour" / "contracts" / "architecture.toml").read_text()
    settings = (ROOT / "examples" / "tour" / "pyproject.toml").read_text()
    assert blocks[1:] == [settings, contracts]


def test_readme_canonical_contract_is_the_examples():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.findall(r"```toml\n(.*?)```", readme, re.S)[0]
    example = (ROOT / "examples" / "websocket_ssot" / "contracts" / "websocket.toml").read_text()
    assert all(line in example.splitlines() for line in block.splitlines())


def test_readme_example_output_is_what_archlint_prints(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"alias kept:\n\n```text\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(ROOT / "examples" / "websocket_ssot")
    code = main(["check", "--no-cache", "--contract", "websocket-canonical"])
    assert (code, capsys.readouterr().out) == (1, shown)


def test_readme_explain_output_is_what_archlint_prints(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"\$ archlint explain app.low app.high\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(ROOT / "examples" / "tour")
    code = main(["explain", "app.low", "app.high", "--no-cache"])
    assert (code, capsys.readouterr().out) == (0, shown)


def test_readme_fix_output_is_what_archlint_prints(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"\$ archlint fix\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(ROOT / "examples" / "websocket_ssot")
    code = main(["fix", "--no-cache"])
    assert (code, capsys.readouterr().out) == (0, shown)
