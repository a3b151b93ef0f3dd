"""The fact cache: what each file says, kept by the file's content.

Sixteen files (`.archlint_cache/facts.0` to `facts.f`, in Python's `marshal` format, which
reads back ten times faster than JSON) map each source file's path to its stamp, the digest
of its bytes, its facts and the answers to what contracts asked of it (which the result cache
compares with a new reading of an edited file); which of them holds a path follows from the
path. A file whose stamp is unchanged is not read at all; one
whose stamp changed is read and hashed, and keeps its facts when its bytes are the same. Only
the files holding a changed entry are written again: one file edited rewrites a sixteenth of
the cache. Nothing in it depends on another file, so it can never hold a stale answer about
what an import means.

The whole entry set is versioned by archlint's version, the running Python (which parses what
the scanner cannot) and the installed grimp; a cache that does not match, or that cannot be
read back in the expected shape, is ignored and rewritten.

`marshal` is not meant for data anyone else may have written (a byte changed can crash the
interpreter), so a file is unmarshalled only when it is the one archlint wrote, unchanged
since: `facts.stamp` records the inode, size and times of each right after its write. A file
committed to a repository, copied, or changed in any way has another inode or ctime, which
no one can choose, and is ignored (its source files are read again).
"""

from __future__ import annotations

import functools
import json
import marshal
import os
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..discovery import Stamp
from ..files import write_cache_file
from ..version import installed_grimp
from .model import (
    TOP_LEVEL,
    DefinedName,
    Definitions,
    FileFacts,
    ImportStatement,
    Reading,
    TopLevel,
    Unreadable,
)

FORMAT = 7
SHARDS = 16
FILE_NAME = "facts.{:x}"  # one shard of the entries
STAMP_NAME = "facts.stamp"  # the stat of each shard archlint wrote (see above)


class FactStore:
    """The cached facts of one project; with no cache folder it keeps nothing between runs."""

    def __init__(self, cache_dir: Path | None, version: str, *,
                 holding: Iterable[str] | None = None) -> None:
        """The store of `cache_dir` (None: an empty one that is never written). With
        `holding`, only the shards that hold those paths are read: enough to answer about
        them, never to be saved."""
        self._cache_dir = cache_dir
        self._header = {"format": FORMAT, "archlint": version, "grimp": installed_grimp(),
                        "python": list(sys.version_info[:2])}
        # The stat of each shard as read (or written), by shard number.
        self._stamps: dict[int, list[int]] = {}
        self._complete = holding is None
        shards = range(SHARDS) if holding is None else sorted(set(map(_shard, holding)))
        self._entries: dict[str, list[Any]] = (self._read(shards) if cache_dir is not None
                                               else {})
        self._dirty: set[int] = set()  # the shards holding an entry that changed
        self.write_failure: OSError | None = None  # why `save` could not write, if it could not

    def facts(self, relative: str, module: str, stamp: Stamp | None,
              digest: str | None = None) -> FileFacts | None:
        """The cached facts of a file whose stamp (or, when given, digest) is unchanged."""
        entry = self._entries.get(relative)
        if entry is None or entry[2] != module:
            return None
        if digest is None:
            if stamp is None or entry[0] is None or tuple(entry[0]) != stamp:
                return None
        elif entry[1] != digest:
            return None
        else:
            entry[0] = stamp
            self._dirty.add(_shard(relative))
        try:
            found = _facts(relative, entry)
        except (TypeError, ValueError, IndexError):
            del self._entries[relative]  # not in the shape this archlint writes
            return None
        entry[5] = found.statements  # one copy of the statements, not two
        return found

    def put(self, facts: FileFacts, stamp: Stamp | None,
            defines_none: Iterable[str] = ()) -> None:
        """Keep a file's facts; `defines_none` are keys of DefinitionQueries it answers with
        no definition (known from its bytes, without parsing it)."""
        self._entries[facts.relative] = [
            stamp, facts.digest, facts.module, facts.is_package,
            tuple(_unreadable_data(p) for p in facts.problems), facts.statements, None,
            dict.fromkeys(defines_none, ((), ()))]
        self._dirty.add(_shard(facts.relative))

    def reading(self, relative: str, module: str, digest: str,
                asked: Iterable[str]) -> Reading | None:
        """What the checks read of a file whose content had `digest` (see
        ProjectFacts.reading), as the store holds it; None unless it holds every part."""
        entry = self._entries.get(relative)
        if entry is None or entry[1] != digest or entry[2] != module:
            return None
        try:
            facts = _facts(relative, entry)
        except (TypeError, ValueError, IndexError):
            return None
        answers: list[tuple[str, object]] = []
        for question in sorted(asked):
            answer: object = (self.top_level(relative, digest) if question == TOP_LEVEL
                              else self.definitions(relative, digest, question))
            if answer is None:
                return None
            answers.append((question, answer))
        return facts.statements, facts.problems, tuple(answers)

    def top_level(self, relative: str, digest: str) -> TopLevel | None:
        entry = self._entries.get(relative)
        if entry is None or entry[1] != digest or entry[6] is None:
            return None
        try:
            return _top_level(entry[6])
        except (TypeError, ValueError, IndexError):
            entry[6] = None
            return None

    def put_top_level(self, relative: str, digest: str, top: TopLevel) -> None:
        entry = self._entries.get(relative)
        if entry is not None and entry[1] == digest:
            entry[6] = _top_level_data(top)
            self._dirty.add(_shard(relative))

    def definitions(self, relative: str, digest: str, key: str) -> Definitions | None:
        """The cached answer of a DefinitionQuery (by its key) for this content, if any."""
        entry = self._entries.get(relative)
        if entry is None or entry[1] != digest or key not in entry[7]:
            return None
        try:
            found, unread = entry[7][key]
            return (tuple(DefinedName(str(n), str(k), int(line), str(contents))
                          for n, k, line, contents in found),
                    tuple(Unreadable(str(k), int(line), str(m)) for k, line, m in unread))
        except (TypeError, ValueError):
            del entry[7][key]
            return None

    def put_definitions(self, relative: str, digest: str, key: str, found: Definitions) -> None:
        entry = self._entries.get(relative)
        if entry is not None and entry[1] == digest:
            definitions, unread = found
            entry[7][key] = (tuple((d.name, d.kind, d.line, d.line_contents) for d in definitions),
                             tuple(map(_unreadable_data, unread)))
            self._dirty.add(_shard(relative))

    def absorb(self, other: FactStore) -> None:
        """Take the entries another store read (the files a cache lookup read already)."""
        self._entries.update(other._entries)
        self._dirty.update(map(_shard, other._entries))

    def keep_only(self, relatives: set[str]) -> None:
        """Forget the files that are gone."""
        gone = [r for r in self._entries if r not in relatives]
        for relative in gone:
            del self._entries[relative]
        self._dirty.update(map(_shard, gone))

    def save(self, root: Path) -> None:
        """Write the shards holding a changed entry; a cache that cannot be written is
        skipped (the next run reads the files again) and the reason kept in
        `write_failure`. `root` is the project's folder, which no write may leave through a
        symbolic link."""
        assert self._complete, "a store read in part is never saved"
        if self._cache_dir is None or not self._dirty:
            return
        shards: dict[int, dict[str, list[Any]]] = {number: {} for number in self._dirty}
        for relative, entry in self._entries.items():
            held = shards.get(_shard(relative))
            if held is not None:
                held[relative] = [*entry[:5], _plain(entry[5]), *entry[6:]]
        try:
            for number, entries in sorted(shards.items()):
                name = FILE_NAME.format(number)
                write_cache_file(self._cache_dir, name, marshal.dumps([self._header, entries]),
                                 root=root)
                self._stamps[number] = _stat_key(os.stat(self._cache_dir / name))
            write_cache_file(self._cache_dir, STAMP_NAME,
                             json.dumps({f"{n:x}": key for n, key in sorted(self._stamps.items())}),
                             root=root)
        except OSError as exc:
            self.write_failure = exc
            return
        self._dirty.clear()

    def _read(self, shards: Iterable[int]) -> dict[str, list[Any]]:
        """The entries of those `shards` that are the file archlint wrote, as it wrote it."""
        assert self._cache_dir is not None
        try:
            recorded = json.loads((self._cache_dir / STAMP_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(recorded, dict):
            return {}
        entries: dict[str, list[Any]] = {}
        for number in shards:
            found = self._read_shard(number, recorded.get(f"{number:x}"))
            if found is not None:
                entries.update(found)
        return entries

    def _read_shard(self, number: int, recorded: object) -> dict[str, list[Any]] | None:
        assert self._cache_dir is not None
        if not isinstance(recorded, list):
            return None
        try:
            with open(self._cache_dir / FILE_NAME.format(number), "rb") as handle:
                status = _stat_key(os.fstat(handle.fileno()))
                if status != recorded:
                    return None  # not the file archlint wrote, as it wrote it
                data = marshal.loads(handle.read())
        except (OSError, EOFError, ValueError, TypeError, MemoryError, RecursionError):
            return None
        if (not isinstance(data, list) or len(data) != 2 or data[0] != self._header
                or not isinstance(data[1], dict)):
            return None
        entries = data[1]
        if not all(isinstance(e, list) and len(e) == 8 and isinstance(e[7], dict)
                   and _shard(relative) == number for relative, e in entries.items()):
            return None
        self._stamps[number] = status
        return entries


def _shard(relative: str) -> int:
    """The shard that holds a file's entry."""
    return zlib.crc32(relative.encode("utf-8", "surrogateescape")) % SHARDS


def _stat_key(status: os.stat_result) -> list[int]:
    return [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]



def _plain(statements: tuple[tuple[Any, ...], ...]) -> tuple[tuple[Any, ...], ...]:
    """Statements as marshal takes them: plain tuples. An entry holds its file's
    ImportStatements once they are read or taken from it, which the facts share."""
    return tuple(map(tuple, statements))


def _unreadable_data(u: Unreadable) -> tuple[Any, ...]:
    return (u.kind, u.line, u.message)


def _facts(relative: str, entry: list[Any]) -> FileFacts:
    _, digest, module, is_package, problems, statements, _, _ = entry
    if statements and type(statements[0]) is not ImportStatement:  # as unmarshalled
        # Every statement of every entry has the shape this archlint writes, or none has
        # (the file is the one archlint wrote): the first one tells.
        if not (type(s := statements[0]) is tuple and len(s) == 8 and type(s[0]) is int
                and type(s[1]) is str and type(s[4]) is str and type(s[5]) is tuple):
            raise ValueError("not statements")
        statements = tuple(map(_as_statement, statements))
    return FileFacts(module=str(module), relative=relative, is_package=bool(is_package),
                     digest=str(digest), statements=statements, problems=_problems(problems))


# A plain tuple as an ImportStatement, without a Python frame per statement: the shard is
# the file this archlint wrote (see above), so every tuple has the fields in their order.
_as_statement = functools.partial(tuple.__new__, ImportStatement)


def _problems(problems: tuple[Any, ...]) -> tuple[Unreadable, ...]:
    return tuple(Unreadable(str(kind), int(line), str(message)) for kind, line, message in problems)


def _top_level_data(top: TopLevel) -> list[Any]:
    return [sorted(top.names), sorted(top.imported),
            None if top.all is None else list(top.all),
            [[d.name, d.kind, d.line, d.line_contents] for d in top.definitions],
            [_unreadable_data(u) for u in top.unread]]


def _top_level(data: list[Any]) -> TopLevel:
    names, imported, exported, definitions, unread = data
    return TopLevel(
        names=frozenset(str(n) for n in names), imported=frozenset(str(n) for n in imported),
        all=None if exported is None else tuple(str(n) for n in exported),
        definitions=tuple(DefinedName(str(n), str(k), int(line), str(contents))
                          for n, k, line, contents in definitions),
        unread=tuple(Unreadable(str(k), int(line), str(m)) for k, line, m in unread),
    )
