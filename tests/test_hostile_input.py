"""Hostile input beyond the bad-input catalogue: text that could drive a terminal or mislead a
reader, output streams that cannot encode the report, configuration values of the wrong shape
or size, caches archlint cannot write or read back, writes that a symbolic link or a setting
would carry out of the project. Every case goes through `main(argv)` or the library's entry
points and asserts the exact outcome. docs/reliability.md lists them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata

import pytest

from archlint.cli import main
from archlint.model import printable

FORBID_B = """
[[contracts]]
id = "no-b"
type = "forbidden"
source_modules = ["app.*"]
forbidden_modules = ["app.b"]
"""


def app(project, files: dict[str, str] | None = None, contracts: str = FORBID_B):
    return project.settings(["app"]).files(
        {"app/__init__.py": "", "app/b.py": "", **(files or {})}).contracts(contracts)


# -- text that drives terminals or hides what it says ------------------------------------------

def test_printable_escapes_control_format_and_separator_characters():
    """Every control character but tab and newline, every format character (bidi overrides
    and isolates, zero-width characters), line and paragraph separators and lone
    surrogates are shown as escapes; every other character stays as it is."""
    hidden = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        escaped = unicodedata.category(char) in hidden and char not in "\t\n"
        assert (printable(char) != char) == escaped, hex(code)
    assert printable("a\u202eb\x1bc\u2066d\udce9") == "a\\u202eb\\x1bc\\u2066d\\udce9"
    assert printable("\U000e0001 é ✓ 中 😀") == "\\U000e0001 é ✓ 中 😀"


BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the text after it is shown reversed


def test_bidi_controls_from_source_lines_are_escaped_in_the_text_report(project):
    app(project, {"app/a.py": f"import app.b  # {BIDI}gnp.exe\n"})
    result = project.cli("check", "--no-cache")
    assert BIDI not in result.out
    assert "      import app.b  # \\u202egnp.exe" in result.out.splitlines()


def test_explain_escapes_control_codes_in_chain_headers(project):
    """Module names come from file names, which may hold any character but '/'."""
    app(project, {"app/c\x08\u202e.py": "import app.b\n"})
    result = project.cli("explain", "app", "app.b")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "1 chain from app to app.b",
        "1. app.c\\x08\\u202e -> app.b  (1 import)",
        "   app.c\\x08\\u202e -> app.b  app/c\\x08\\u202e.py:1  import app.b",
    ]


def test_github_format_escapes_control_codes_in_file_names(project):
    app(project, {"app/c\x07\u202e.py": "import app.b\n"})
    result = project.cli("check", "--format", "github", "--no-cache")
    assert result.out.splitlines()[0] == (
        "::error file=app/c\\x07\\u202e.py,line=1,title=no-b::app.c\\x07\\u202e imports app.b, "
        "which it is forbidden to use")


def test_bidi_controls_are_escaped_in_the_review_page(project):
    app(project, {"app/a.py": f"import app.b  # {BIDI}gnp.exe\n"})
    project.cli("graph", "--format", "html", "--out", "pictures", "--no-cache")
    page = (project.root / "pictures" / "index.html").read_text(encoding="utf-8")
    assert BIDI not in page
    assert "<code>import app.b  # \\u202egnp.exe</code>" in page


def test_configuration_errors_escape_control_codes(project):
    app(project, contracts=FORBID_B.replace('["app.b"]', '["app.\\u001b[2J"]'))
    result = project.cli("check", "--no-cache")
    assert result.code == 2
    assert "\x1b" not in result.err and "'app.\\x1b[2J'" in result.err
