"""What a module binds at its top level: definitions, imported names and `__all__`.

Read only for the modules a contract asks about (`internal` a module's `__all__`, `canonical`
what a canonical module offers, `unique` the definitions of its packages, from the statements
whose text may hold one), and cached with the file's other facts. The file is parsed with
Python's `ast`; when the running Python cannot parse it (a 3.12 `type X = int` on 3.11), each
top-level statement is parsed on its own, and a statement that still does not parse is named
in `unread` rather than skipped in silence (its name is read from its first line when it is a
`class`, `def` or `type`).
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterator
from typing import cast

from .model import DefinedName, DefinitionQuery, Definitions, TopLevel, Unreadable
from .statements import TRY_STATEMENTS, split_lines

_ALL = "__all__"
# A string (a backslash escapes any character, a line break included) or a comment.
_STRING_OR_COMMENT = re.compile(
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|\Z)'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*(?:"|$)'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*(?:'|$)"
    r"|#[^\n]*", re.DOTALL | re.MULTILINE)
_CODE_AT_COLUMN_ZERO = re.compile(r"^\S", re.MULTILINE)
_NAMED_HEADER = re.compile(r"(?:async[ \t]+)?(class|def|type)[ \t]+([^\W\d]\w*)")
# `name = ...` or `name: T = ...` (group 2 holds what follows an annotation's colon).
_ASSIGNED = re.compile(r"([^\W\d]\w*)[ \t]*(?:=(?!=)|(:[^=]*(?:=(?!=))?))")
# An import statement, not followed by another statement on its line.
_IMPORTS_ONLY = re.compile(r"(?:import|from)\b[^;]*\Z")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")
_HEADER_KIND = {"class": "class", "def": "function", "type": "assignment"}
# What a class or def statement defines is its name alone: its first line says it all.
_KNOWN_BY_ITS_LINE = ("class", "function")


def read_top_level(text: str) -> TopLevel:
    """The top-level bindings, definitions and literal `__all__` of a module's source."""
    lines = split_lines(text)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return _read_by_statement(lines)
    return _from_body(tree.body, lines, offset=0)


def read_definitions(text: str, query: DefinitionQuery) -> Definitions:
    """The top-level definitions `query` wants, and the statements that may hold one but that
    the running Python cannot parse. Only the top-level statements whose text may hold a
    wanted definition are parsed, each on its own (the rest of the file cannot define one),
    and a class or function is known from its first line."""
    lines = split_lines(text)
    code = _code_of(lines)
    quick = _headers_at_column_zero(text, lines, code, query)
    if quick is not None:
        return quick, ()
    found: list[DefinedName] = []
    unread: list[Unreadable] = []
    code_lines = code.split("\n")
    for start, stop in _top_level_chunks(lines, code):
        header = _header_definition(lines, start, stop)
        # One statement, unless the search for where statements start lost its way (a
        # string it misread): then no first line tells what the chunk defines.
        alone = _one_statement(code_lines, header.line if header else start + 1, stop)
        if (header is not None and alone and header.kind in _KNOWN_BY_ITS_LINE
                and header.line_contents.isascii()):
            # a class or function defines its own name only: what the parser would say (or,
            # when it cannot parse it, what is read from this line anyway)
            if query.wants(header):
                found.append(header)
            continue
        chunk = "\n".join(lines[start:stop])
        if (alone and _IMPORTS_ONLY.match(chunk)) or not query.may_define(chunk):
            continue  # an import binds names, but defines none
        try:
            body = ast.parse(chunk).body
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            if header is None or not alone:
                unread.append(_unparsed(start))
            elif query.wants(header):
                found.append(header)
            continue
        found += (d for d in _from_body(body, lines, offset=start).definitions
                  if query.wants(d))
    return tuple(found), tuple(unread)


def _one_statement(code_lines: list[str], first: int, stop: int) -> bool:
    """Whether no line from index `first` to `stop` starts with code at column 0 (the lines
    of a statement's body are indented)."""
    return _CODE_AT_COLUMN_ZERO.search("\n".join(code_lines[first:stop])) is None


def _headers_at_column_zero(text: str, lines: list[str], code: str, query: DefinitionQuery
                            ) -> tuple[DefinedName, ...] | None:
    """The wanted classes and functions, when every place in the code that may define one is
    a `class` or `def` line that starts a top-level statement: then each is known from its
    line, without finding where the file's other statements start. None when the quick
    answer cannot be given (an assignment is wanted, or a candidate is indented or inside a
    bracket)."""
    if "assignment" in query.kinds or not text.isascii():
        return None
    found = []
    for candidate in query.candidates(code):
        at = candidate.start()
        starts_a_line = at == 0 or code[at - 1] == "\n"
        if not starts_a_line or _depth(code, 0, at) or code.endswith("\\\n", 0, at):
            return None
        line = code.count("\n", 0, at)
        header = _header_definition(lines, line, line + 1)
        if header is None or header.kind not in _KNOWN_BY_ITS_LINE:
            return None
        if query.wants(header):
            found.append(header)
    return tuple(found)


def _from_body(body: list[ast.stmt], lines: list[str], offset: int,
               unread: tuple[Unreadable, ...] = ()) -> TopLevel:
    names: set[str] = set()
    imported: set[str] = set()
    defined: set[str] = set()
    definitions: list[DefinedName] = []
    dunder_all = _DunderAll()
    for node in _top_level_statements(body):
        line = node.lineno + offset
        contents = lines[line - 1].strip() if line <= len(lines) else ""
        bound, defines = _bindings(node, line, contents)
        definitions += defines
        dunder_all.follow(node, bound)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported |= bound
        else:
            defined |= bound
        names |= bound
    return TopLevel(frozenset(names), frozenset(imported - defined), dunder_all.names(),
                    tuple(definitions), unread)


def _bindings(node: ast.stmt, line: int, contents: str
              ) -> tuple[set[str], list[DefinedName]]:
    """The names a top-level statement binds, and the definitions among them (what
    `unique` compares: classes, functions and assigned values, not imports)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        kind = "class" if isinstance(node, ast.ClassDef) else "function"
        return {node.name}, [DefinedName(node.name, kind, line, contents)]
    if isinstance(node, ast.Import):
        return {a.asname or a.name.split(".")[0] for a in node.names}, []
    if isinstance(node, ast.ImportFrom):
        return {a.asname or a.name for a in node.names if a.name != "*"}, []
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = _assignment_targets(node)
        bound = {n for t in targets for n in _bound_names(t)}
        if isinstance(node, ast.AugAssign) or node.value is None:
            return bound, []
        return bound, [DefinedName(n, "assignment", line, contents)
                       for t in targets for n in _bound_names(t)]
    if type(node).__name__ == "TypeAlias":  # `type X = ...` (Python 3.12)
        name = node.name.id  # type: ignore[attr-defined]
        return {name}, [DefinedName(name, "assignment", line, contents)]
    return set(), []


def _assignment_targets(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Assign) else [node.target]


class _DunderAll:
    """`__all__` as the top-level statements so far build it; unknown once a change to it
    is made with anything but literals (or it is imported), since archlint does not run the
    module."""

    def __init__(self) -> None:
        self.exported: list[str] | None = None
        self.readable = True

    def names(self) -> tuple[str, ...] | None:
        return tuple(self.exported) if self.readable and self.exported is not None else None

    def follow(self, node: ast.stmt, bound: set[str]) -> None:
        """Take one statement into account: an assignment to `__all__`, a call of its
        `extend` or `append`, or an import of it."""
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if _ALL in bound:
                self._assigned(node)
        elif isinstance(node, ast.Expr) and (method := _all_mutation(node.value)):
            call = cast(ast.Call, node.value)
            argument = call.args[0] if len(call.args) == 1 and not call.keywords else None
            if method == "append" and argument is not None:
                argument = ast.List(elts=[argument], ctx=ast.Load())
            strings = _literal_strings(argument)
            self.readable = self.readable and strings is not None and self.exported is not None
            self.exported = (self.exported or []) + (strings or [])
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and _ALL in bound:
            self.readable = False  # `from x import __all__`: not a literal

    def _assigned(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        """`__all__ = [...]` sets it, `__all__ += [...]` extends what was set."""
        targets = _assignment_targets(node)
        strings = _literal_strings(node.value)
        plain = len(targets) == 1 and isinstance(targets[0], ast.Name)
        if strings is None or not plain:
            self.readable = False
        elif isinstance(node, ast.AugAssign):
            self.readable = self.readable and self.exported is not None
            self.exported = (self.exported or []) + strings
        else:
            self.exported = strings


def _read_by_statement(lines: list[str]) -> TopLevel:
    """For a file the running Python cannot parse as a whole: each top-level statement parsed
    on its own. One that still does not parse is read from its first line when that says all
    it defines (`class X`, `def f`, `type X`, `x = ...`); any other is named in `unread`."""
    body: list[ast.stmt] = []
    unread: list[Unreadable] = []
    headers: list[DefinedName] = []
    names: set[str] = set()
    code = _code_of(lines)
    code_lines = code.split("\n")
    for start, stop in _top_level_chunks(lines, code):
        chunk = "\n".join(lines[start:stop])
        try:
            parsed = ast.parse(chunk).body
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            header = _header_definition(lines, start, stop)
            if header is None or not _one_statement(code_lines, header.line, stop):
                unread.append(_unparsed(start))
            else:
                names.add(header.name)
                if header.kind:
                    headers.append(header)
            continue
        for node in parsed:
            ast.increment_lineno(node, start)
        body += parsed
    found = _from_body(body, lines, offset=0, unread=tuple(unread))
    if not names:
        return found
    definitions = tuple(sorted((*found.definitions, *headers), key=lambda d: d.line))
    return TopLevel(found.names | names, found.imported - names, found.all, definitions,
                    found.unread)


def _unparsed(start: int) -> Unreadable:
    return Unreadable("unsupported-syntax", start + 1,
                      "the running Python cannot parse this statement, so the names it defines "
                      "are not known; run archlint with a newer Python")


def _header_definition(lines: list[str], start: int, stop: int) -> DefinedName | None:
    """What a statement defines, read from its first line (after its decorators) when that line
    says it all; its kind is "" for an annotation without a value (a name, no definition)."""
    for index in range(start, stop):
        first = lines[index].strip()
        if not first.startswith("@"):
            break
    else:
        return None
    header = _NAMED_HEADER.match(first)
    if header is not None:
        return DefinedName(header.group(2), _HEADER_KIND[header.group(1)], index + 1, first)
    if index != start:
        return None  # decorators on something that is not a def or class
    assigned = _ASSIGNED.match(first)
    if assigned is None or assigned.group(1) == _ALL or keyword.iskeyword(assigned.group(1)):
        return None  # an __all__ that cannot be read is no literal __all__
    kind = "assignment" if assigned.group(2) is None or "=" in assigned.group(2) else ""
    return DefinedName(assigned.group(1), kind, index + 1, first)


def _top_level_chunks(lines: list[str], code: str) -> Iterator[tuple[int, int]]:
    """(first, end) line indices of each top-level statement with its indented body,
    decorators joined to what they decorate; `code` is `_code_of(lines)`, so that a line
    inside a string or bracket never starts a statement."""
    merged: list[int] = []
    decorated = False
    for index in _top_level_starts(code):
        # a decorated statement belongs to its first decorator's chunk, and an `else`,
        # `elif`, `except` or `finally` clause to its statement's
        if not decorated and not (merged and _CLAUSE.match(lines[index])):
            merged.append(index)
        decorated = lines[index].startswith("@")
    if merged:  # none in a blank file
        yield from zip(merged, [*merged[1:], len(lines)], strict=True)


def _code_of(lines: list[str]) -> str:
    """The text with its strings and comments taken out, line for line."""
    return _STRING_OR_COMMENT.sub(_without_text, "\n".join(lines))


def _top_level_starts(code: str) -> Iterator[int]:
    """Indices of the lines where a logical line starts at column 0: a line of `code` that
    starts with code, outside any bracket, after a line not continued by a backslash."""
    depth = 0
    line = 0
    previous = 0
    for start in _CODE_AT_COLUMN_ZERO.finditer(code):
        at = start.start()
        depth += _depth(code, previous, at)
        line += code.count("\n", previous, at)
        previous = at
        if not depth and not code.endswith("\\\n", 0, at):
            yield line


def _depth(code: str, start: int, end: int) -> int:
    """How many more brackets `code[start:end]` opens than it closes."""
    count = code.count
    return (count("(", start, end) + count("[", start, end) + count("{", start, end)
            - count(")", start, end) - count("]", start, end) - count("}", start, end))


def _without_text(found: re.Match[str]) -> str:
    """A comment goes; a string keeps its first character and line breaks, and code after
    it on its last line is indented (it does not start a statement)."""
    text = found.group()
    breaks = text.count("\n")
    return "" if text[0] == "#" else text[0] + "\n" * breaks + " " * (breaks > 0)


def _top_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a module body, descending into `if`, `try` and `with` blocks
    (which run at import time) but not into functions or classes."""
    for node in body:
        yield node
        if isinstance(node, ast.If):
            yield from _top_level_statements(node.body)
            yield from _top_level_statements(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            yield from _top_level_statements(node.body)
        elif isinstance(node, TRY_STATEMENTS):
            statement = cast(ast.Try, node)
            yield from _top_level_statements(statement.body)
            for handler in statement.handlers:
                yield from _top_level_statements(handler.body)
            yield from _top_level_statements(statement.orelse)
            yield from _top_level_statements(statement.finalbody)


def _bound_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _bound_names(element)]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    return []


def _literal_strings(value: ast.expr | None) -> list[str] | None:
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    strings = [e.value for e in value.elts
               if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return strings if len(strings) == len(value.elts) else None


def _all_mutation(value: ast.expr) -> str | None:
    """The method of `__all__.extend(...)` or `__all__.append(...)`; None for any other
    expression."""
    if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name) and value.func.value.id == _ALL
            and value.func.attr in ("extend", "append")):
        return value.func.attr
    return None
