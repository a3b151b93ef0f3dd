"""Progress while scanning a large tree: on a terminal's stderr only, never in the report."""

from __future__ import annotations

import io
import json
import sys

import archlint.progress

FILES = {
    "app/__init__.py": "",
    "app/core.py": "import app.web\n",
    "app/web.py": "",
}
CONTRACT = """
    [[contracts]]
    id = "core-no-web"
    type = "forbidden"
    source_modules = ["app.core"]
    forbidden_modules = ["app.web"]
"""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(project, monkeypatch, stderr: io.StringIO, *args: str) -> tuple[int, str]:
    """`archlint check ARGS --no-cache` with stderr replaced; (exit code, stdout)."""
    project.settings(["app"]).files(FILES).contracts(CONTRACT)
    monkeypatch.setattr(archlint.progress, "MIN_FILES", 1)
    monkeypatch.setattr(sys, "stderr", stderr)
    result = project.cli("check", "--no-cache", *args)
    return result.code, result.out


def test_terminal_shows_scan_progress_and_erases_it(project, monkeypatch):
    stderr = Terminal()
    code, out = run(project, monkeypatch, stderr)
    assert code == 1
    assert stderr.getvalue() == "\rscanning 3 files: 0%\r\033[K"
    assert "scanning" not in out


def test_json_output_stays_clean_on_a_terminal(project, monkeypatch):
    code, out = run(project, monkeypatch, Terminal(), "--format", "json")
    assert code == 1
    assert json.loads(out)["summary"]["violations"] == 1


def test_no_progress_when_stderr_is_not_a_terminal(project, monkeypatch):
    stderr = io.StringIO()
    code, _ = run(project, monkeypatch, stderr)
    assert code == 1
    assert stderr.getvalue() == ""


def test_small_trees_show_no_progress(project, monkeypatch):
    stderr = Terminal()
    project.settings(["app"]).files(FILES).contracts(CONTRACT)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert project.cli("check", "--no-cache").code == 1
    assert stderr.getvalue() == ""
