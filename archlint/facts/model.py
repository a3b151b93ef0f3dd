"""What a file says, as plain data: its import statements as written, its top-level
definitions, its `__all__`, and whether it could be read at all.

Nothing here depends on any other file: which module an import means is decided on every run
(graph.py), so these facts can be cached by the file's content alone.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import NamedTuple

# Where an import statement sits, as bit flags of ImportStatement.context.
TYPE_CHECKING_ONLY = 1  # in the body of `if TYPE_CHECKING:`: never runs
IN_FUNCTION = 2  # inside a function: runs when the function is called, not on import
GUARDED = 4  # in a `try` whose handler catches ImportError: the module may be missing


class ImportStatement(NamedTuple):
    """An import statement as written: `from ..pkg.mod import x as y` is level 2, module
    "pkg.mod", names (("x", "y"),); `import a.b` is level 0, module "", names (("a.b", None),);
    a star import has the name "*".

    `line` is where the statement starts, `contents` that line as the reports show it. (A
    named tuple of plain values: tens of thousands are read from the fact cache on every
    build, and stored into it, as they are.)"""

    line: int
    contents: str
    is_from: bool
    level: int
    module: str
    names: tuple[tuple[str, str | None], ...]  # (name, alias) pairs
    context: int = 0
    # Contract ids of an `# archlint: ignore[...]` comment on the statement's lines ("*" for a
    # bare `# archlint: ignore`): the statement's violations of those contracts are suppressed.
    suppressed: tuple[str, ...] = ()

    @property
    def type_checking_only(self) -> bool:
        return bool(self.context & TYPE_CHECKING_ONLY)

    @property
    def in_function(self) -> bool:
        return bool(self.context & IN_FUNCTION)

    @property
    def guarded(self) -> bool:
        return bool(self.context & GUARDED)


class Unreadable(NamedTuple):
    """Why a file, or part of it, was not read: `kind` is a diagnostic kind
    (`syntax-error`, `unreadable-file`), `line` where (1 when it is the whole file)."""

    kind: str
    line: int
    message: str


class FileFacts(NamedTuple):
    """Everything archlint knows about one file's imports. `problems` says what could not be
    read: the whole file (it does not parse or cannot be read; `statements` is then empty) or
    single statements."""

    module: str
    relative: str
    is_package: bool
    digest: str
    statements: tuple[ImportStatement, ...]
    problems: tuple[Unreadable, ...] = ()


class DefinedName(NamedTuple):
    """A name a module defines at its top level: `kind` is class, function or assignment."""

    name: str
    kind: str
    line: int
    line_contents: str


# A definition query's answer for one file: the wanted definitions, and the statements that
# may hold one but that the running Python cannot parse.
Definitions = tuple[tuple[DefinedName, ...], tuple[Unreadable, ...]]
# What `ProjectFacts.asked` records when a contract read a module's top-level names.
TOP_LEVEL = "top-level"
# What the checks read of one file (see ProjectFacts.reading): its statements, what could not
# be read, and (question, answer) for each thing a contract asked of it.
Reading = tuple[tuple[ImportStatement, ...], tuple[Unreadable, ...], tuple[tuple[str, object], ...]]


@dataclass(frozen=True)
class TopLevel:
    """What a module binds at its top level, read on demand (see structure.py).

    `names`: every name bound by a top-level `def`, `class`, assignment or import, including
    those inside top-level `if`, `try` and `with` blocks. `imported`: the names bound only by
    import statements. `all`: the strings of a literal `__all__` (None without one, or when it
    is built any other way). `definitions`: classes, functions and assignments in source order.
    `unread`: statements the running Python could not parse, so their names are not known."""

    names: frozenset[str]
    imported: frozenset[str]
    all: tuple[str, ...] | None
    definitions: tuple[DefinedName, ...]
    unread: tuple[Unreadable, ...] = ()

    def exports(self, name: str) -> bool:
        """Whether the module offers `name` on purpose: it defines it, or lists it in
        `__all__` (a name it merely imports for its own use does not count)."""
        if self.all is not None and name in self.all:
            return True
        return name in self.names and name not in self.imported


@dataclass(frozen=True)
class DefinitionQuery:
    """Which top-level definitions a contract wants: names matching any of `names`
    (shell-style patterns, case-sensitive) whose kind is in `kinds`."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]

    @functools.cached_property
    def key(self) -> str:
        """What the query asks, as text: recorded with the answers it got (see cache.py)."""
        return _QUERY + json.dumps([list(self.names), sorted(self.kinds)])

    @classmethod
    def from_key(cls, key: str) -> DefinitionQuery | None:
        if not key.startswith(_QUERY):
            return None
        names, kinds = json.loads(key[len(_QUERY):])
        return cls(tuple(names), tuple(kinds))

    def wants(self, definition: DefinedName) -> bool:
        return definition.kind in self.kinds and any(
            fnmatchcase(definition.name, pattern) for pattern in self.names)

    def may_define(self, source: str) -> bool:
        """Whether source text could hold a wanted definition: a cheap search that never says
        no to text that has one, so only the statements it says yes to are parsed. Python reads
        identifiers in NFKC form (`Ｍanager` is `Manager`), so text with non-ASCII characters is
        searched in that form, and for the names alone."""
        if not source.isascii():
            return self._names().search(unicodedata.normalize("NFKC", source)) is not None
        literals = self._literals()
        if literals is not None and not any(literal in source for literal in literals):
            return False  # the quick test: none of the patterns' fixed parts occurs
        return self._candidates().search(source) is not None

    def candidates(self, code: str) -> Iterator[re.Match[str]]:
        """Where ASCII code may define a wanted name: each `class` or `def` keyword followed by
        one, or (when assignments are wanted) each occurrence of one."""
        return self._candidates().finditer(code)

    @functools.cache  # noqa: B019 - a frozen value with few instances
    def _literals(self) -> tuple[str, ...] | None:
        """The longest fixed part of each pattern (None when a pattern has none)."""
        found = []
        for pattern in self.names:
            parts = [p for p in re.split(r"[*?]|\[[^\]]*\]", pattern) if p]
            if not parts:
                return None
            found.append(max(parts, key=len))
        return tuple(found)

    @functools.cache  # noqa: B019 - a frozen value with few instances
    def _names(self) -> re.Pattern[str]:
        return re.compile("|".join(_identifier_pattern(p) for p in self.names))

    @functools.cache  # noqa: B019 - a frozen value with few instances
    def _candidates(self) -> re.Pattern[str]:
        names = self._names().pattern
        if "assignment" in self.kinds:  # an assigned name can be anywhere on any line
            return re.compile(f"(?<![\\w])(?:{names})(?![\\w])", re.ASCII)
        # a class or function name follows its keyword (a backslash may continue the line)
        keywords = "|".join(k for k, kind in (("class", "class"), ("def", "function"))
                            if kind in self.kinds) or "(?!)"
        return re.compile(f"(?:{keywords})[\\s\\\\]+(?:{names})(?![\\w])", re.ASCII)


_QUERY = "definitions "


def _identifier_pattern(pattern: str) -> str:
    """A shell-style name pattern as a regular expression over identifiers."""
    parts = []
    index = 0
    while index < len(pattern):
        character = pattern[index]
        if character == "*":
            parts.append("\\w*")
        elif character == "?":
            parts.append("\\w")
        elif character == "[":
            end = pattern.find("]", index + 1)
            if end < 0:
                parts.append(re.escape(character))
            else:
                body = pattern[index + 1:end]
                negated = body.startswith("!")
                body = re.escape(body[1:] if negated else body).replace("\\-", "-")
                parts.append(f"[{'^' if negated else ''}{body}]")
                index = end
        else:
            parts.append(re.escape(character))
        index += 1
    return "".join(parts)
