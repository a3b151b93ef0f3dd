"""Module expressions (`a.*.b`, `a.**`) and path globs (`**/backups/**`).

`*` stands for exactly one segment of a dotted name, `**` for any number of segments, zero
included. Expressions are compiled to regular expressions once and matched in plain Python,
so their meaning does not depend on the graph library's own wildcard rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .model import is_module_name


class InvalidExpression(ValueError):
    pass


@dataclass(frozen=True)
class ModuleExpression:
    """A dotted module name in which whole segments may be `*` or `**`."""

    text: str
    _match: Callable[[str], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        segments = _segments(self.text)
        match: Callable[[str], bool]
        if segments.count("**") <= 1:
            regex = re.compile(_regex(segments))

            def match(module: str) -> bool:
                return regex.fullmatch(module) is not None
        else:  # repeated `**` in a regular expression backtracks exponentially
            def match(module: str) -> bool:
                return _segments_match(segments, module.split("."))
        object.__setattr__(self, "_match", match)

    @property
    def has_wildcard(self) -> bool:
        return "*" in self.text

    def names(self, module: str) -> bool:
        """Whether this expression names `module`."""
        return bool(self._match(module))

    def modules_in(self, modules: Iterable[str]) -> set[str]:
        """The modules of `modules` this expression names."""
        if not self.has_wildcard:
            return {self.text} if self.text in modules else set()
        return {m for m in modules if self._match(m)}

    def __str__(self) -> str:
        return self.text


def _segments(text: str) -> list[str]:
    """The expression's segments, validated, with each run of `**` as one (any number of
    segments twice over is any number)."""
    segments = text.split(".")
    if not text or any(not s for s in segments):
        raise InvalidExpression(f"'{text}' is not a module expression (empty segment)")
    for segment in segments:
        if segment not in ("*", "**") and not is_module_name(segment):
            raise InvalidExpression(
                f"'{text}' is not a module expression: '{segment}' must be a name, '*' or '**'"
            )
    return [s for i, s in enumerate(segments) if not (s == "**" and segments[i - 1:i] == ["**"])]


def _regex(segments: list[str]) -> str:
    """A regular expression for segments holding at most one `**`."""
    parts: list[str] = []
    # Each part carries its own leading separator; `**` absorbs it so that it can match
    # zero segments (`a.**.b` matches `a.b`).
    for index, segment in enumerate(segments):
        sep = r"\." if index else ""
        if segment == "**":
            parts.append(r"(?:\.[^.]+)*" if index else r"(?:[^.]+(?:\.[^.]+)*)?")
        elif segment == "*":
            parts.append(sep + r"[^.]+")
        else:
            parts.append(sep + re.escape(segment))
    regex = "".join(parts)
    if segments[0] == "**" and len(segments) > 1:
        # `**.b`: the first real segment's separator is optional when `**` matched nothing.
        regex = regex.replace(r"(?:[^.]+(?:\.[^.]+)*)?\.", r"(?:[^.]+\.)*", 1)
    return regex


def _segments_match(pattern: list[str], parts: list[str]) -> bool:
    """Whether the segments match: `**` any run of segments, `*` one, a name itself. Greedy
    with one point to return to (the last `**`), so time grows with the product of the two
    lengths, never exponentially."""
    p = s = 0
    star, resume = -1, 0
    while s < len(parts):
        if p < len(pattern) and pattern[p] == "**":
            star, resume = p, s
            p += 1
        elif p < len(pattern) and pattern[p] in ("*", parts[s]):
            p += 1
            s += 1
        elif star >= 0:
            p, resume = star + 1, resume + 1
            s = resume
        else:
            return False
    return all(segment == "**" for segment in pattern[p:])


def compile_path_glob(glob: str) -> re.Pattern[str]:
    """A gitignore-like glob over forward-slash relative paths: `*` stays within one folder,
    `**` spans folders, `?` is one character, `[abc]`, `[a-z]` and `[!abc]` one character of
    a set (never `/`); a `[` without its `]` is itself."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append(r"(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(r".*")
            i += 2
        elif glob[i] == "*":
            out.append(r"[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append(r"[^/]")
            i += 1
        elif glob[i] == "[" and (end := _class_end(glob, i)) > 0:
            out.append(_character_class(glob[i + 1:end]))
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


def _class_end(glob: str, start: int) -> int:
    """Where the `]` closing the set opened at `start` is (a `]` first in the set, after an
    optional `!`, is a member), or -1."""
    i = start + 1
    if i < len(glob) and glob[i] in "!^":
        i += 1
    if i < len(glob) and glob[i] == "]":
        i += 1
    return glob.find("]", i)


def _character_class(members: str) -> str:
    negated = members[:1] in ("!", "^")
    if negated:
        members = members[1:]
    escaped = "".join(f"\\{c}" if c in "\\[]^" else c for c in members)
    return f"[^/{escaped}]" if negated else f"(?!/)[{escaped}]"
