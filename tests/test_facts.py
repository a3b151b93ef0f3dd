"""The fact layer reads every import statement as Python's own parser does.

Generated files mix import statements written every way the grammar allows (aliases, dots,
parentheses over several lines, backslashes, comments, semicolons, one-line blocks, CR line
endings, form feeds) with code around them (docstrings that look like imports, functions,
classes, `if TYPE_CHECKING:`, `try`/`except ImportError`). What archlint reads (the scanner's
lines, then each statement from its text) must equal an oracle written here with `ast` alone.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest
from generated_projects import project_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint.discovery import discover_all
from archlint.facts import FactStore, read_project
from archlint.facts.store import SHARDS
from archlint.facts.structure import read_top_level
from archlint.settings import load_settings

NAMES = ("a", "b", "_c", "dd", "é")
EXAMPLES = int(os.environ.get("ARCHLINT_FACTS_EXAMPLES", "80"))


@st.composite
def import_statements(draw) -> str:
    """One import statement, formatted in one of many ways."""
    dotted = ".".join(draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3)))
    alias = draw(st.sampled_from(["", " as x", " as  y2"]))
    names = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["", " as z"])),
                          min_size=1, max_size=3))
    listed = ", ".join(n + a for n, a in names)
    dots = "." * draw(st.integers(0, 3))
    module = dotted if not dots or draw(st.booleans()) else ""
    comment = draw(st.sampled_from(["", "  # note", "  # archlint: ignore[one, two]",
                                    "  # archlint: ignore"]))
    form = draw(st.integers(0, 7))
    if form == 0:
        return f"import {dotted}{alias}{comment}"
    if form == 1:
        return f"import {dotted}{alias}, {dotted}{comment}"
    if form == 2:
        return f"from {dots}{module} import {listed}{comment}"
    if form == 3:
        return f"from {dots}{module} import ({listed},){comment}"
    if form == 4:
        inner = ",\n    ".join(n + a for n, a in names)
        return f"from {dots}{module} import (  {comment.strip()}\n    {inner},\n){comment}"
    if form == 5:
        return f"from {dots}{module} import \\\n    {listed}{comment}"
    if form == 6:
        return f"from {dots or '.'} {module.replace('.', ' . ')} import *{comment}"
    return f"import {dotted} ; import {dotted.split('.')[0]}{comment}"


@st.composite
def sources(draw) -> str:
    """A module body: import statements in blocks of several kinds, and lookalikes."""
    chunks = []
    for _ in range(draw(st.integers(0, 6))):
        statement = draw(import_statements())
        indented = "\n".join("    " + line for line in statement.split("\n"))
        kind = draw(st.integers(0, 9))
        chunks.append([
            statement,
            f"if TYPE_CHECKING:\n{indented}",
            f"if TYPE_CHECKING:\n    pass\nelse:\n{indented}",
            f"def f():\n{indented}\n    return 1",
            f"try:\n{indented}\nexcept ImportError:\n    pass",
            f"try:\n    pass\nexcept (ValueError, ModuleNotFoundError):\n{indented}",
            f"try:\n{indented}\nexcept (\n    ValueError,  # a note\n    ImportError,\n):\n"
            "    pass",
            f"class K:\n{indented}",
            f'"""Docs:\n{statement}\n"""',
            f"x = 1; {statement}" if "\n" not in statement else statement,
        ][kind])
    separator = draw(st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\n\x0c\n"]))
    return separator.join(chunks) + separator


def oracle(source: str, module: str, is_package: bool) -> list[tuple]:
    """Each statement as (line, is_from, level, module, names, type_checking, in_function,
    guarded, suppressed), read with `ast` alone."""
    tree = ast.parse(source)
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = []

    def visit(body, type_checking, in_function, guarded):
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                ids: set[str] = set()
                for text in lines[node.lineno - 1:node.end_lineno]:
                    if "# archlint: ignore[" in text:
                        ids |= {i.strip() for i in
                                text.split("# archlint: ignore[", 1)[1].split("]")[0].split(",")}
                    elif "# archlint: ignore" in text:
                        ids.add("*")
                found.append((
                    node.lineno, isinstance(node, ast.ImportFrom),
                    getattr(node, "level", 0) or 0, getattr(node, "module", None) or "",
                    tuple((a.name, a.asname) for a in node.names), type_checking,
                    in_function, guarded, tuple(sorted(ids))))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(node.body, type_checking, True, False)
            elif isinstance(node, ast.If):
                is_tc = isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                visit(node.body, type_checking or is_tc, in_function, guarded)
                visit(node.orelse, type_checking, in_function, guarded)
            elif isinstance(node, ast.Try):
                catches = any((isinstance(h.type, ast.Name) and h.type.id in
                              ("ImportError", "ModuleNotFoundError")) or
                              (isinstance(h.type, ast.Tuple) and any(
                                  getattr(e, "id", None) in ("ImportError", "ModuleNotFoundError")
                                  for e in h.type.elts)) for h in node.handlers)
                visit(node.body, type_checking, in_function, guarded or catches)
                for handler in node.handlers:
                    visit(handler.body, type_checking, in_function, guarded)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, type_checking, in_function, guarded)

    visit(tree.body, False, False, False)
    return sorted(found)


def facts_of(root: Path, source: str) -> list[tuple]:
    """The statements archlint reads from `pkg/sub/mod.py` holding `source`."""
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "__init__.py").write_text("")
    (root / "pkg" / "sub" / "mod.py").write_bytes(source.encode("utf-8"))
    (root / "pyproject.toml").write_text('[tool.archlint]\nroot_packages = ["pkg"]\n')
    settings_ = load_settings(root / "pyproject.toml")
    facts = read_project(root, discover_all(settings_), FactStore(None, "test"))
    read = facts.files["pkg.sub.mod"]
    assert read.problems == ()
    return sorted((s.line, s.is_from, s.level, s.module,
                   tuple(s.names), s.type_checking_only,
                   s.in_function, s.guarded, s.suppressed) for s in read.statements)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_statements_are_read_as_python_reads_them(source):
    with project_folder() as root:
        assert facts_of(root, source) == oracle(source, "pkg.sub.mod", False)


@pytest.mark.parametrize("source", [
    "from a import (\n    b,\n    \uff43)\n",  # a fullwidth c on the closing line is c
    "from a import (\n    \uff42,\n    c,\n)\n",
    "from a import (b,\n    \uff43)  # note\n",
])
def test_names_of_a_list_over_several_lines_are_read_as_python_reads_them(tmp_path, source):
    assert facts_of(tmp_path, source) == oracle(source, "pkg.sub.mod", False)


# -- top-level names ---------------------------------------------------------------------------


def test_top_level_names_of_a_file_with_newer_syntax_are_read_statement_by_statement():
    source = ('settings = {"a": 1}\nlabel = f"{settings.get("a")}"\n'
              "type Alias = int\n\n\nclass Generic[T]:\n    pass\n\n\n"
              "@decorated\ndef run[T](x: T) -> T:\n    return x\n\n\n"
              "if True:\n    hidden = f\"{'x'}\"\n    other = f\"{settings[\"a\"]}\"\n"
              "__all__ = [\"label\"]\n")
    top = read_top_level(source)
    assert [(d.name, d.kind, d.line) for d in top.definitions] == [
        ("settings", "assignment", 1), ("label", "assignment", 2), ("Alias", "assignment", 3),
        ("Generic", "class", 6), ("run", "function", 11), ("__all__", "assignment", 18)]
    assert top.all == ("label",)
    if top.unread:  # only a Python older than 3.12 cannot parse the `if` block
        assert [(u.kind, u.line) for u in top.unread] == [("unsupported-syntax", 15)]


# -- the search that decides which files `unique` parses -----------------------------------------

DEFINITION_FORMS = (
    "class {n}:\n    pass\n", "class {n}(Base):\n    x = 1\n", "def {n}():\n    pass\n",
    "async def {n}():\n    pass\n", "@decorator\ndef {n}():\n    pass\n", "{n} = 1\n",
    "{n}: int = 1\n", "a, {n} = 1, 2\n", "({n},\n b) = 1, 2\n", "x = {n} = 3\n",
    "if True:\n    {n} = 1\n", "try:\n    class {n}: ...\nexcept Exception:\n    pass\n",
    "class \\\n    {n}:\n    pass\n", "[{n}, *rest] = [1, 2]\n",
    "if True:\n    pass\nelse:\n    {n} = 4\n",
    "try:\n    pass\nexcept ImportError:\n    pass\nfinally:\n    def {n}(): ...\n",
    "import os; {n} = 1\n",
)
DEFINED = ("Manager", "WebSocketX", "get_thing", "helper2", "ＭanagerWide")
QUERIED_NAMES = st.lists(
    st.sampled_from(["Manager", "*Socket*", "get_?????", "help*[0-9]", "[A-M]*"]),
    min_size=1, max_size=2)
QUERIED_KINDS = st.sets(st.sampled_from(["class", "function", "assignment"]), min_size=1)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DEFINITION_FORMS), st.sampled_from(DEFINED)),
                max_size=4),
       QUERIED_NAMES, QUERIED_KINDS)
def test_the_definition_search_never_misses_a_file_that_defines_a_wanted_name(forms, names,
                                                                             kinds):
    from archlint.facts import DefinitionQuery

    source = "".join(form.format(n=name) for form, name in forms)
    query = DefinitionQuery(tuple(names), tuple(sorted(kinds)))
    wanted = [d for d in read_top_level(source).definitions if query.wants(d)]
    if wanted:
        assert query.may_define(source)


# Text that names a definition without making one: it must not count, though its lines look
# like top-level statements to anything that does not follow strings and brackets.
DECOYS = (
    '"""\nclass {n}:\n    pass\n"""\n', "x = '''\ndef {n}():\n'''\n", "# class {n}:\n",
    "def use():\n    {n} = 1\n    return {n}\n", "class Holder:\n    {n} = 1\n",
    "call(\n{n}\n)\n", "label = f\"{{1}}class {n}\"\n", "y = {n}\n",
    "s = 'a\\\\'\nz = 2\n", "u = '''\n{n} = 1\n''' % (2,)\n",
    "'''\nclass {n}: ...\n'''; z = 1\n", "v = 1 + \\\n{n}\n",
    "from os import path as {n}\n", "from os import (\n    sep as {n},\n)\n",
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DEFINITION_FORMS + DECOYS), st.sampled_from(DEFINED)),
                max_size=6),
       QUERIED_NAMES, QUERIED_KINDS)
def test_definitions_read_statement_by_statement_are_those_of_the_whole_file(forms, names,
                                                                             kinds):
    """`unique` parses only the top-level statements whose text may hold a wanted definition;
    it must find exactly what reading the whole file finds."""
    from archlint.facts import DefinitionQuery
    from archlint.facts.structure import read_definitions

    source = "".join(form.format(n=name) for form, name in forms)
    query = DefinitionQuery(tuple(names), tuple(sorted(kinds)))
    ast.parse(source)  # every example is a valid module
    wanted = tuple(d for d in read_top_level(source).definitions if query.wants(d))
    assert read_definitions(source, query) == (wanted, ())


def test_statements_swallowed_by_a_misread_string_are_named_not_dropped():
    """A 3.12 f-string reusing its quotes inside (`f"{d["("]}"`) reads, to the search for where
    statements start, as two strings with an open bracket between: the classes after it look
    like part of one statement. Python 3.12 parses that statement and finds them; an older
    Python cannot, and must say so rather than take its first line for all it defines."""
    from archlint.facts import DefinitionQuery
    from archlint.facts.structure import read_definitions

    source = ('x = f"{d["("]}"\n\n\nclass Manager:\n    pass\n\n\n'
              "class ManagerTwo:\n    pass\n")
    found, unread = read_definitions(source, DefinitionQuery(("Manager*",), ("class",)))
    if sys.version_info >= (3, 12):
        assert ([(d.name, d.line) for d in found], unread) == (
            [("Manager", 4), ("ManagerTwo", 8)], ())
    else:
        assert (found, [(u.kind, u.line) for u in unread]) == ((), [("unsupported-syntax", 1)])
        top = read_top_level(source)  # what canonical and internal read: the same warning
        assert ("Manager" in top.names, [(u.kind, u.line) for u in top.unread]) == (
            False, [("unsupported-syntax", 1)])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_python_reads_an_edited_file_as_the_scanner_does(source):
    """A cache lookup reads a few edited files with Python's parser; a build reads them with
    grimp's scanner. Their facts must be equal, or the cache would answer for a change."""
    from archlint.facts.project import read_edited

    with project_folder() as root:
        scanned = facts_of(root, source)
        settings_ = load_settings(root / "pyproject.toml")
        trees = discover_all(settings_)
        edited = [f for tree in trees for f in tree.files if f.module == "pkg.sub.mod"]
        parsed = read_edited(root, edited, FactStore(None, "test"), lambda: trees)
        statements = parsed.files["pkg.sub.mod"].statements
        assert sorted((s.line, s.is_from, s.level, s.module,
                       tuple(s.names), s.type_checking_only,
                       s.in_function, s.guarded, s.suppressed) for s in statements) == scanned


def test_a_name_list_written_in_many_files_is_held_once(tmp_path):
    """A large project writes a few thousand name lists tens of thousands of times. Every
    statement of one text holds the same tuple of names and the same module name, when read
    and when taken from the fact cache (which keeps them once per shard): a copy each took
    a quarter of the memory of a check of an 8,000-file project."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    for number in range(40):
        (tmp_path / "pkg" / f"m{number}.py").write_text(
            "from pkg.core import Thing, other as o\nimport os\n")
    (tmp_path / "pyproject.toml").write_text('[tool.archlint]\nroot_packages = ["pkg"]\n')
    trees = discover_all(load_settings(tmp_path / "pyproject.toml"))
    cache = tmp_path / ".archlint_cache"
    read = read_project(tmp_path, trees, FactStore(cache, "test"))
    read.save()
    cached = read_project(tmp_path, trees, FactStore(cache, "test"))
    assert cached.files == read.files
    for facts, copies in ((read, 1), (cached, SHARDS)):
        first = [facts.files[f"pkg.m{number}"].statements[0] for number in range(40)]
        assert first[0][4:6] == ("pkg.core", (("Thing", None), ("other", "o")))
        assert len({id(s.names) for s in first}) <= copies
        assert len({id(s.module) for s in first}) <= copies
        assert len({id(s.contents) for s in first}) <= copies


def test_a_line_read_once_still_sits_where_each_copy_sits(tmp_path):
    """An import line is read once per text; where each copy sits (under TYPE_CHECKING, in a
    function) and what its comments suppress are still read from its place."""
    line = "    from pkg.core import Thing"
    source = (f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n{line}\n"
              f"def f():\n{line}  # archlint: ignore[layers]\n{line}\n")
    read = facts_of(tmp_path, source)
    assert [s[0] for s in read] == [1, 3, 5, 6]
    assert [(s[5], s[6], s[8]) for s in read[1:]] == [
        (True, False, ()), (False, True, ("layers",)), (False, True, ())]
