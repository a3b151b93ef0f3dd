"""Fixture projects built in tmp_path: real files on disk, scanned by the real grimp."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from archlint import Report, Violation, check
from archlint.cli import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str


class Project:
    """A throwaway project: `files()` writes sources, `contracts()` a contract file."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
        self.root = root
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def files(self, files: dict[str, str]) -> Project:
        """Write files (relative path -> text, dedented). A package folder needs its own
        `__init__.py` listed; folders without one stay namespace folders."""
        for relative, text in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return self

    def settings(self, root_packages: list[str], **extra: object) -> Project:
        lines = ["[tool.archlint]", f"root_packages = {_toml(root_packages)}"]
        lines += [f"{key} = {_toml(value)}" for key, value in extra.items()]
        (self.root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return self

    def contracts(self, toml: str, name: str = "contracts.toml") -> Project:
        path = self.root / "contracts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(toml).lstrip("\n"), encoding="utf-8")
        return self

    def check(self, **kwargs: object) -> Report:
        kwargs.setdefault("use_cache", False)
        return check(self.root / "pyproject.toml", **kwargs)

    def cli(self, *args: str) -> CliResult:
        """Run `archlint ARGS` in the project folder through `main()`, the real entry point."""
        self._monkeypatch.chdir(self.root)
        self._capsys.readouterr()
        code = main(list(args))
        captured = self._capsys.readouterr()
        return CliResult(code, captured.out, captured.err)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture,
            monkeypatch: pytest.MonkeyPatch) -> Project:
    return Project(tmp_path, capsys, monkeypatch)


def rows(report: Report, contract_id: str | None = None) -> list[tuple]:
    """Violations as (importer, imported, path, line) rows, for exact assertions (a module no
    layer lists: module, container; a duplicate definition: copy, original)."""
    return [
        (*v.identity[1:3], v.path, v.line)
        for result in report.results if contract_id in (None, result.id)
        for v in result.violations
    ]


def chains(report: Report, contract_id: str | None = None) -> list[list[tuple]]:
    """Each violation's chain as (importer, imported, path, line) hops; none for a finding
    without imports."""
    return [
        [(h.importer, h.imported, h.path, h.line) for h in getattr(v, "chain", ())]
        for result in report.results if contract_id in (None, result.id)
        for v in result.violations
    ]


def replacement(violation: Violation) -> str | None:
    """The import statement a violation's replacement writes (its `fix:` line), or None."""
    found = getattr(violation, "replacement", None)
    return found.statement if found is not None else None
