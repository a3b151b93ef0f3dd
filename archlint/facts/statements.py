"""Reading import statements one at a time, from the lines the scanner found them on.

The scanner (scan.py) parses every file and says on which lines its import statements start.
Each statement is then read here from its own text alone: an import statement's grammar is the
same in every Python from 3.10 on, so a file that uses syntax the running Python cannot parse
(a PEP 701 f-string on 3.11) still has every import read exactly. Most statements are read by a
small tokenizer; a line it does not fully understand (`if TYPE_CHECKING: import x`, two
statements joined by `;` with other code between) is read from Python's own parse of the file,
or, when the running Python cannot parse the file, of the smallest window of lines around it
that parses.

Where a statement sits (under `if TYPE_CHECKING:`, in a function, in a `try` that catches
ImportError) is read from the headers of the blocks around it: the nearest less indented lines
above it that open a block. Lines inside triple-quoted strings are passed over.
"""

from __future__ import annotations

import ast
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import cast

from .model import (
    GUARDED,
    IN_FUNCTION,
    TYPE_CHECKING_ONLY,
    ImportStatement,
    Unreadable,
)

# `try` and `try`/`except*` (Python 3.11 on): the same parts, read alike.
TRY_STATEMENTS: tuple[type[ast.stmt], ...] = tuple(
    getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))

Names = tuple[tuple[str, str | None], ...]  # (name, alias) pairs of a statement
# Distinct name lists read once and shared (homeassistant writes 13,441 in 63,183 statements).
SHARED_NAME_LISTS = 1 << 15
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what Python counts as the end of a line
# Lines a window may grow to when the running Python cannot parse the whole file.
MAX_WINDOW = 400

_TOKEN = re.compile(
    r"(?P<space>[ \t\f]+|\\(?:\r\n|\r|\n))"
    r"|(?P<comment>#[^\r\n]*)"
    r"|(?P<newline>\r\n|\r|\n)"
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<op>\.\.\.|[.,()*;])"
)
_COMMON_FORM = re.compile(
    r"[ \t\f]*(?:"
    r"import[ \t]+(?P<imported>[\w. \t,]+?)"
    r"|from[ \t]+(?P<dots>\.*)[ \t]*(?P<module>[^\W\d]\w*(?:\.[^\W\d]\w*)*)?[ \t]+import"
    r"(?:[ \t]+(?P<listed>[\w \t,]+?)|[ \t]*\((?P<inline>[\w \t,]*)\)"
    r"|[ \t]*\((?P<opened>[\w \t,]*)(?=[ \t]*(?:#.*)?$))"
    r")[ \t]*(?:#.*)?$")
# A line of a parenthesized name list: names, then the closing `)` (group 2) if it ends there.
_LISTING = re.compile(r"([\w \t\f,]*)(\)[ \t\f]*)?(?:#.*)?$")
_SUPPRESSION = re.compile(r"#[ \t]*archlint:[ \t]*ignore\b(?:\[([^\]]*)\])?")
_REST_OF_LINE = re.compile(r"[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n|$)")
_STARTS_IMPORT = re.compile(r"[ \t\f]*(?:lazy[ \t]+)?(?:import|from)(?![\w])")
_HEADER = re.compile(
    r"(?:async[ \t]+)?(def|class|if|elif|else|try|except|finally|with|for|while|match|case)"
    r"(?![\w])")
_TYPE_CHECKING_TEST = re.compile(r"(?:el)?if[ \t(]+(?:[A-Za-z_]\w*[ \t]*\.[ \t]*)*"
                                 r"TYPE_CHECKING[ \t)]*:")
_IMPORT_ERRORS = re.compile(r"\b(?:ImportError|ModuleNotFoundError|Exception|BaseException)\b")
_BARE_EXCEPT = re.compile(r"except[ \t]*:")
_SUPPRESS = re.compile(r"with[ \t(]+(?:contextlib[ \t]*\.[ \t]*)?suppress[ \t]*\([^)]*\b"
                       r"(?:ImportError|ModuleNotFoundError)\b")
_SETS_TYPE_CHECKING = re.compile(r"^TYPE_CHECKING[ \t]*(?::[^=\r\n]*)?=[ \t]*True\b", re.MULTILINE)


class _NotSimple(Exception):
    """The tokenizer met something outside the plain forms of an import statement."""


def split_lines(text: str) -> list[str]:
    """The lines of a source text: Python ends a line at CR, LF or CR LF only (a form feed
    or U+2028 inside a line does not end it, as `str.splitlines` would have it)."""
    if "\r" not in text:
        return text.split("\n")  # the usual case: only LF ends a line
    lines = text.splitlines()
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    if len(lines) != breaks + (not text.endswith(("\n", "\r"))):
        return LINE_BREAK.split(text)  # other characters ended lines too
    if not text or text.endswith(("\n", "\r")):
        lines.append("")
    return lines


def read_statements(text: str, lines: list[str], import_lines: Iterable[int]
                    ) -> tuple[list[ImportStatement], list[Unreadable]]:
    """The import statements starting on `import_lines` (1-based), in source order, and the
    lines whose statements could not be read."""
    statements: list[ImportStatement] = []
    hard: list[int] = []
    for number in sorted(set(import_lines)):
        found = _read_simple_line(lines, number)
        if found is None:
            hard.append(number)
        else:
            statements += found
    problems: list[Unreadable] = []
    tree: ast.Module | bool | None = False  # the whole file's parse, when a window fails
    for number in hard:
        found = _from_window(lines, number)
        if not found:
            if tree is False:
                tree = _parse(text)
            if isinstance(tree, ast.Module):
                found = _from_tree(tree, lines, number)
        if found:
            statements += found
        else:
            problems.append(Unreadable(
                "syntax-error", number, "archlint could not read the import statement "
                "on this line; its imports are not checked"))
    if "TYPE_CHECKING" in text and _SETS_TYPE_CHECKING.search(text):
        # the module runs its TYPE_CHECKING blocks itself
        statements = [_without(s, TYPE_CHECKING_ONLY) for s in statements]
    statements.sort(key=lambda s: s.line)
    return statements, problems


def statements_from_tree(tree: ast.Module, lines: list[str]) -> list[ImportStatement]:
    """Every import statement of a file Python itself parsed (when the scanner could not)."""
    found = [_from_node(node, context, lines, node.lineno)
             for node, context in _imports_with_context(tree.body, 0)]
    found.sort(key=lambda s: (s.line, s.level, s.module))
    return found


# -- the tokenizer ----------------------------------------------------------------------------


def _read_simple_line(lines: list[str], number: int) -> list[ImportStatement] | None:
    """The statements of a line that holds nothing but import statements (joined by `;`,
    spanning lines in parentheses or after backslashes); None for any other line."""
    line = lines[number - 1]
    form = _one_line_form(line)
    if form is not None and form is not _CONTINUED:
        contents, is_from, level, module, names, column, suppressed = form
        context = _context(lines, number, column) if column else 0
        return [ImportStatement(number, contents, is_from, level, module, names, context,
                                suppressed)]
    if not _STARTS_IMPORT.match(line):
        return None
    column = _column(line)
    context = _context(lines, number, column) if column else 0
    if form is _CONTINUED:
        continued = _read_continued_list(lines, number, line, context)
        if continued is not None:
            return [continued]
    found: list[ImportStatement] = []
    end = number
    text = line
    start = len(line) - len(line.lstrip(" \t\f"))
    while True:
        try:
            statement, position, more = _tokens(text, start)
        except _NotSimple:
            return None
        if statement is None:  # runs past the lines joined so far
            if end >= len(lines):
                return None
            grown = min(len(lines), end + max(1, end - number + 1))
            text = "\n".join([text, *lines[end:grown]])
            end = grown
            continue
        try:
            read = _statement(statement, number, line.strip(), context)
        except _NotSimple:
            return None
        last = number + text.count("\n", 0, position)
        found.append(_with_suppressions(read, suppressions(lines, number, last)))
        if not more or _REST_OF_LINE.match(text, position):
            return found
        if not _STARTS_IMPORT.match(text, position):
            return None  # other code follows the `;`: a later import would be missed
        start = position


# A line that is a whole import statement in one of the forms nearly every import takes:
# (contents, is_from, level, module, names, its column, what its comment suppresses).
OneLine = tuple[str, bool, int, str, Names, int, tuple[str, ...]]
# What `_one_line_form` answers for `from a import (` with its names on the following lines.
_CONTINUED: OneLine = ("", False, 0, "", (), 0, ())
# Distinct import lines read once (messy's 67,982 statements are 16,556 lines).
SHARED_LINES = 1 << 15


@lru_cache(maxsize=SHARED_LINES)
def _one_line_form(line: str) -> OneLine | None:
    """What a line says that is a whole import statement in a common form (`import a.b as c,
    d`, `from .a import b as c, d`, the same in parentheses), read with one pattern and once
    per text: a project repeats most of its import lines. `_CONTINUED` for `from a import (`
    with one name list over the following lines; None for anything else."""
    match = _COMMON_FORM.match(line)
    if match is None:
        return None
    plain = line.isascii()
    imported = match.group("imported")
    if imported is not None:
        names = _name_list(imported, True, plain)
        if names is None:
            return None
        return (line.strip(), False, 0, "", names, _column(line), suppressions([line], 1, 1))
    listed = match.group("listed") or match.group("inline")
    if listed is None:
        return _CONTINUED if match.group("opened") is not None else None
    source = _source_of(match, plain)
    names = _name_list(listed, False, plain)
    if source is None or names is None:
        return None
    return (line.strip(), True, *source, names, _column(line), suppressions([line], 1, 1))


def _source_of(match: re.Match[str], plain: bool) -> tuple[int, str] | None:
    """The level and module of a `from` statement matched by `_COMMON_FORM`; None when it
    names neither (`from import x`)."""
    dots, module = match.group("dots"), match.group("module") or ""
    if not dots and not module:
        return None
    return len(dots), sys.intern(module if plain else _normalized(module))


def _read_continued_list(lines: list[str], number: int, line: str,
                         context: int) -> ImportStatement | None:
    """`from a import (` with one name list over the following lines, up to the `)`."""
    match = _COMMON_FORM.match(line)
    if match is None:
        return None
    plain = line.isascii()
    parts = [match.group("opened")]
    last = number
    for following in lines[number:]:
        last += 1
        listing = _LISTING.match(following)
        if listing is None:
            return None
        parts.append(listing.group(1))
        plain = plain and following.isascii()
        if listing.group(2) is not None:
            break
    else:
        return None
    source = _source_of(match, plain)
    names = _name_list(",".join(parts), False, plain)
    if source is None or names is None:
        return None
    return ImportStatement(number, line.strip(), True, *source, names, context,
                           suppressions(lines, number, last))


def suppressions(lines: list[str], first: int, last: int) -> tuple[str, ...]:
    """The contract ids of `# archlint: ignore[a, b]` comments on lines `first`..`last`
    ("*" for a bare `# archlint: ignore`), sorted."""
    found: set[str] = set()
    for line in lines[first - 1:last]:
        if "archlint" not in line:
            continue
        for match in _SUPPRESSION.finditer(line):
            listed = match.group(1)
            if listed is None:
                found.add("*")
            else:
                found.update(part.strip() for part in listed.split(",") if part.strip())
    return tuple(sorted(found))


@lru_cache(maxsize=SHARED_NAME_LISTS)
def _name_list(text: str, dotted: bool, plain: bool) -> Names | None:
    """`a as b, c` as (name, alias) pairs (a trailing comma allowed); None when it is not one.
    Names are NFKC-normalized unless the text is `plain` ASCII.

    Kept per text: a project writes the same few thousand name lists tens of thousands of
    times, and every statement of one text then holds one tuple (which the fact cache
    stores once per shard), not a copy each."""
    names = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) == 1:
            name, alias = words[0], None
        elif len(words) == 3 and words[1] == "as":
            name, alias = words[0], words[2]
        else:
            return None
        if not dotted and "." in name:
            return None
        if not plain:
            name = _normalized(name)
            alias = alias if alias is None else _normalized(alias)
        names.append((name, alias))
    return tuple(names) or None


def _normalized(name: str) -> str:
    """An identifier as Python reads it (NFKC: a fullwidth letter is the plain letter)."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _tokens(text: str, position: int) -> tuple[list[str] | None, int, bool]:
    """The tokens of one statement from `position`: (tokens, where it ended, whether a `;`
    ended it). Tokens is None when the text ends inside the statement."""
    tokens: list[str] = []
    depth = 0
    size = len(text)
    while position < size:
        match = _TOKEN.match(text, position)
        if match is None:
            if text.startswith("\\", position) and position == size - 1:
                return None, position, False  # a continuation whose next line is not joined yet
            raise _NotSimple
        position = match.end()
        kind = match.lastgroup
        if kind in ("space", "comment"):
            continue
        if kind == "newline":
            if depth:
                continue
            return tokens, position, False
        value = match.group()
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
            if depth < 0:
                raise _NotSimple
        elif value == ";" and not depth:
            return tokens, position, True
        tokens.append(value)
    if depth:
        return None, position, False
    return tokens, position, False


def _statement(tokens: list[str], line: int, contents: str, context: int) -> ImportStatement:
    """An ImportStatement from the tokens of `import ...` or `from ... import ...`."""
    stream = _Stream(tokens)
    if stream.peek() == "lazy":
        stream.take()
    keyword = stream.take()
    names: Names
    if keyword == "import":
        names = tuple(_dotted_as_names(stream))
        stream.end()
        return ImportStatement(line, contents, False, 0, "", names, context)
    if keyword != "from":
        raise _NotSimple
    level = 0
    while stream.peek() in (".", "..."):
        level += len(stream.take())
    module = _dotted(stream) if stream.peek() != "import" else ""
    if stream.take() != "import":
        raise _NotSimple
    if stream.peek() == "*":
        stream.take()
        names = (("*", None),)
    elif stream.peek() == "(":
        stream.take()
        names = tuple(_as_names(stream, closing=True))
        if stream.take() != ")":
            raise _NotSimple
    else:
        names = tuple(_as_names(stream, closing=False))
    stream.end()
    if not names or (not module and not level):
        raise _NotSimple
    return ImportStatement(line, contents, True, level, module, names, context)


class _Stream:
    def __init__(self, tokens: list[str]) -> None:
        self._tokens = tokens
        self._index = 0

    def peek(self) -> str | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _NotSimple
        self._index += 1
        return token

    def end(self) -> None:
        if self._index != len(self._tokens):
            raise _NotSimple


def _identifier(stream: _Stream) -> str:
    token = stream.take()
    if not (token[0].isalpha() or token[0] == "_"):
        raise _NotSimple
    return token if token.isascii() else unicodedata.normalize("NFKC", token)


def _dotted(stream: _Stream) -> str:
    parts = [_identifier(stream)]
    while stream.peek() == ".":
        stream.take()
        parts.append(_identifier(stream))
    return ".".join(parts)


def _alias(stream: _Stream) -> str | None:
    if stream.peek() != "as":
        return None
    stream.take()
    return _identifier(stream)


def _dotted_as_names(stream: _Stream) -> Iterator[tuple[str, str | None]]:
    while True:
        yield _dotted(stream), _alias(stream)
        if stream.peek() != ",":
            return
        stream.take()


def _as_names(stream: _Stream, closing: bool) -> Iterator[tuple[str, str | None]]:
    while True:
        yield _identifier(stream), _alias(stream)
        if stream.peek() != ",":
            return
        stream.take()
        if closing and stream.peek() == ")":
            return  # a trailing comma


# -- Python's own parse, for the lines the tokenizer leaves --------------------------------------


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None


def _from_tree(tree: ast.Module, lines: list[str], number: int,
               offset: int = 0, outer: int = 0) -> list[ImportStatement]:
    """The statements of a parsed tree that start on line `number` (of the file; the tree's
    lines are `offset` lines further down), with `outer` context from outside the tree."""
    found = [_from_node(node, context, lines, number, offset)
             for node, context in _imports_with_context(tree.body, outer)
             if node.lineno + offset == number]
    found.sort(key=lambda s: (s.line, s.level, s.module))
    return found


def _from_node(node: ast.Import | ast.ImportFrom, context: int, lines: list[str], number: int,
               offset: int = 0) -> ImportStatement:
    """The statement of an import node that starts on line `number` of the file."""
    contents = lines[number - 1].strip()
    last = (node.end_lineno or node.lineno) + offset
    names = tuple((a.name, a.asname) for a in node.names)
    if isinstance(node, ast.Import):
        return ImportStatement(number, contents, False, 0, "", names, context,
                               suppressions(lines, number, last))
    return ImportStatement(number, contents, True, node.level, node.module or "", names,
                           context, suppressions(lines, number, last))


def _imports_with_context(body: list[ast.stmt], context: int
                          ) -> Iterator[tuple[ast.Import | ast.ImportFrom, int]]:
    """Every import statement in `body` with the context flags of the blocks around it."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, context
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # a `try` around a function does not guard the imports it runs when called
            yield from _imports_with_context(node.body, context & ~GUARDED | IN_FUNCTION)
        elif isinstance(node, ast.If):
            inner = context | TYPE_CHECKING_ONLY if _is_type_checking(node.test) else context
            yield from _imports_with_context(node.body, inner)
            yield from _imports_with_context(node.orelse, context)
        elif isinstance(node, TRY_STATEMENTS):
            statement = cast(ast.Try, node)
            catches = any(_catches_import_error(h.type) for h in statement.handlers)
            guarded = context | GUARDED if catches else context
            yield from _imports_with_context(statement.body, guarded)
            for handler in statement.handlers:
                yield from _imports_with_context(handler.body, context)
            yield from _imports_with_context(statement.orelse, context)
            yield from _imports_with_context(statement.finalbody, context)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            suppresses = any(_suppresses_import_error(item.context_expr) for item in node.items)
            inner = context | GUARDED if suppresses else context
            yield from _imports_with_context(node.body, inner)
        else:
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                for child in getattr(node, field, ()) or ():
                    if isinstance(child, ast.stmt):
                        yield from _imports_with_context([child], context)
                    elif hasattr(child, "body"):  # except handlers, match cases
                        yield from _imports_with_context(child.body, context)


def _is_type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _catches_import_error(caught: ast.expr | None) -> bool:
    if caught is None:
        return True
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(_name_of(n) in ("ImportError", "ModuleNotFoundError", "Exception", "BaseException")
               for n in names)


def _suppresses_import_error(expression: ast.expr) -> bool:
    return (isinstance(expression, ast.Call) and _name_of(expression.func) == "suppress"
            and any(_catches_import_error(a) for a in expression.args if a is not None))


def _name_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _from_window(lines: list[str], number: int) -> list[ImportStatement]:
    """The statements on line `number`, read from the smallest window of lines around it that
    parses on its own (quicker than parsing a large file, and possible where the running
    Python cannot parse the whole file); where they sit is read as for the other lines."""
    column = _column(lines[number - 1])
    outer = _context(lines, number, column) if column else 0
    for start in range(number - 1, max(-1, number - 9), -1):
        indent = _column(lines[start])
        for stop in _window_ends(number, min(len(lines), start + MAX_WINDOW)):
            chunk = "\n".join(lines[start:stop])
            source = f"if 1:\n{chunk}" if indent else chunk
            tree = _parse(source)
            if tree is None:
                continue
            found = _from_tree(tree, lines, number, offset=start - (1 if indent else 0),
                               outer=outer)
            if found:
                return found
    return []


def _window_ends(first: int, last: int) -> Iterator[int]:
    """Every end line for the first 50, then in doubling steps: most statements are short."""
    stop = first
    while stop < last:
        yield stop
        stop += 1 if stop - first < 50 else stop - first
    yield last


# -- where a statement sits --------------------------------------------------------------------


def _context(lines: list[str], number: int, column: int) -> int:
    """The context flags of a statement starting at `column` of line `number`, from the
    headers of the blocks around it."""
    context = 0
    in_function = False
    for keyword, header, index in _enclosing(lines, number - 1, column):
        if keyword == "def":
            in_function = True
            context |= IN_FUNCTION
        elif keyword in ("if", "elif") and _TYPE_CHECKING_TEST.match(header):
            context |= TYPE_CHECKING_ONLY
        elif not in_function and (
                (keyword == "try" and _handles_import_error(lines, index))
                or (keyword == "with" and _SUPPRESS.match(header))):
            context |= GUARDED
    return context


def _enclosing(lines: list[str], index: int, column: int) -> Iterator[tuple[str, str, int]]:
    """(keyword, header text, line index) of each block header around the statement on line
    `index` (0-based), innermost first."""
    threshold = column
    quote: str | None = None  # the triple quote of a string the walk is inside of
    for j in range(index - 1, -1, -1):
        if threshold == 0:
            return
        line = lines[j]
        toggled = False
        for delimiter in ('"""', "'''"):
            if quote in (None, delimiter) and line.count(delimiter) % 2:
                quote = None if quote else delimiter
                toggled = True
        if toggled or quote is not None:
            continue
        stripped = line.lstrip(" \t\f")
        if not stripped or stripped[0] == "#":
            continue
        indent = _column(line)
        if indent >= threshold:
            continue
        match = _HEADER.match(stripped)
        if match is None:
            continue  # a continuation line, or text of a string
        yield match.group(1), stripped, j
        threshold = indent


def _handles_import_error(lines: list[str], index: int) -> bool:
    """Whether the `try` on line `index` has a handler that catches ImportError (its clause
    may go on over lines in parentheses)."""
    column = _column(lines[index])
    for number, line in enumerate(lines[index + 1:], index + 1):
        stripped = line.lstrip(" \t\f")
        if not stripped or stripped[0] == "#":
            continue
        indent = _column(line)
        if indent > column:
            continue
        if indent < column:
            return False
        if stripped.startswith("except"):
            clause = _clause(lines, number)
            if _BARE_EXCEPT.match(clause) or _IMPORT_ERRORS.search(clause):
                return True
            continue
        if not stripped.startswith(("else", "finally")):
            return False
    return False


def _clause(lines: list[str], index: int) -> str:
    """The header starting on line `index`, with the lines its open parentheses go on over
    (comments left out)."""
    parts = []
    depth = 0
    for line in lines[index:index + MAX_WINDOW]:
        code = line.partition("#")[0]
        parts.append(code.strip())
        depth += code.count("(") - code.count(")")
        if depth <= 0:
            break
    return " ".join(parts)


def _column(line: str) -> int:
    """The indentation of a line as Python counts it: tabs to the next multiple of 8, and a
    form feed starting the count again."""
    spaces = len(line) - len(line.lstrip(" "))
    if line[spaces:spaces + 1] not in ("\t", "\f"):
        return spaces  # indented with spaces alone, as nearly every line is
    column = 0
    for character in line:
        if character == " ":
            column += 1
        elif character == "\t":
            column = (column // 8 + 1) * 8
        elif character == "\f":
            column = 0
        else:
            break
    return column


def _without(statement: ImportStatement, flag: int) -> ImportStatement:
    if not statement.context & flag:
        return statement
    return statement._replace(context=statement.context & ~flag)


def _with_suppressions(statement: ImportStatement, suppressed: tuple[str, ...]
                       ) -> ImportStatement:
    return statement._replace(suppressed=suppressed) if suppressed else statement
