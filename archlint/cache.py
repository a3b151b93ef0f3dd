"""The result cache: an unchanged project answers `check` without assembling its graph.

An entry holds the Report the checks produced (before any baseline is applied; pickled apart,
so a lookup that finds the entry stale does not load it) under a key
made of everything else a report depends on: archlint's version, the installed grimp, the
running Python's version, the settings, the contract ids asked for and the text of every
contract file. With it: the walk
(where each root package was found, every folder it listed with its mtime, the modules that
exist without a readable source, the files it could not read and why), and for every file its
stamp (see discovery.Stamp), the digest of its bytes and what else a contract asked of it
(its top-level names, its definitions of some names).

A lookup compares:
- every folder mtime and every file stamp equal: the walk would find the same files,
  unchanged, so the cached report is the answer, without walking the tree again;
- otherwise it walks the tree: any file or module added or removed, and the entry is stale;
- some files with new stamps: a file with the recorded digest is unchanged; one whose bytes
  changed is read again, and what the checks read of it (its import statements, the answers
  to what was asked of it) is compared with what the fact cache holds for the recorded bytes.
  When every one reads the same, every input of every check is the same, so the cached
  report is still the answer (the entry takes the new stamps). Editing a function body is
  the common case; it costs reading one file (and one sixteenth of the fact cache) instead
  of a whole build. What the fact cache no longer holds counts as changed.

A stamp taken less than SETTLED_NS after the file changed is not recorded (a second edit in
the same clock tick would leave it as it was): such a file counts as changed next time.
"""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import sys
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import model
from .discovery import (
    PackageTree,
    SourceFile,
    contract_files,
    discover_all,
    locate_package,
    settled_before,
    stamp_of,
)
from .files import write_cache_file
from .model import DIAGNOSTIC_KINDS, Report
from .settings import Settings
from .version import installed_grimp

if TYPE_CHECKING:
    from .facts import FactStore, ProjectFacts

FORMAT = 15
# An entry, and its records of files, folders and trees: plain data, as the pickle holds it.
Entry = dict[str, Any]
Record = list[Any]


class ResultCache:
    """The cache entry for one configuration file and one selection of contracts."""

    def __init__(self, settings: Settings, contract_ids: Iterable[str], version: str, *,
                 with_context: bool = False) -> None:
        """`contract_ids` as asked for (none: every contract). The contract files' bytes are
        part of the key, so the ids need not be resolved: an entry exists only for a
        selection that was valid against exactly these files."""
        self._settings = settings
        self._version = version
        # The walk of the root packages and the fact store, once `lookup` needed them (a
        # build goes on with them).
        self.trees: list[PackageTree] | None = None
        self.store: FactStore | None = None
        # Why the entry could not be written, once a write failed (the check goes on).
        self.write_failure: OSError | None = None
        ids = sorted(set(contract_ids))
        selection = [*ids, "+context"] if with_context else ids  # pictures cache apart
        self._key = _key(settings, selection, version)
        # Selections sharing a slot replace each other's entry; the key tells them apart.
        slot = zlib.crc32("\n".join([str(settings.config_file), *selection]).encode())
        self._cache_dir = settings.root / settings.cache_dir
        self._name = f"results/{slot:08x}.pickle"
        self._path = self._cache_dir / self._name

    def lookup(self) -> Report | None:
        """The cached report when it is still the project's report, else None."""
        try:
            entry = read_entry(self._path.read_bytes(), with_report=False)
            if not isinstance(entry, dict) or entry.get("key") != self._key:
                return None
            return self._still_valid(entry)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError,
                RecursionError, MemoryError):
            self.trees = None  # nothing of an entry that cannot be read is used for the build
            return None  # an entry this archlint cannot read is a miss, never an error

    def _still_valid(self, entry: Entry) -> Report | None:
        recorded: dict[str, Record] = entry["files"]
        walked = not self._folders_unchanged(entry)
        if walked:
            self.trees = trees = discover_all(self._settings)
            walk = _walk_record(self._settings, trees)
            sources = {f.relative: f for tree in trees for f in tree.files}
            if entry["trees"] != walk["trees"] or recorded.keys() != sources.keys():
                return None
            edited = [source for relative, source in sources.items()
                      if source.stamp is None or recorded[relative][0] != list(source.stamp)]
        else:
            unreadable = _unreadable_from(entry)
            # No file was added or removed: no walk needed.
            edited = self._edited(recorded, unreadable)
            if edited:  # the trees serve reading the edited files, and a build if they differ
                self.trees = _trees_from(self._settings, entry, edited, unreadable)
        if edited and not self._same_facts(edited, recorded):
            return None
        report = report_of(entry)
        if not isinstance(report, Report) or any(
                d.kind not in DIAGNOSTIC_KINDS for d in report.diagnostics):
            return None  # every later stage looks a diagnostic's kind up in the catalogue
        for source in edited:
            recorded[source.relative][0] = list(source.stamp) if source.stamp else None
        if edited or (walked and entry["listed"] != walk["listed"]):
            if walked:
                entry.update(walk)
            self._write(entry)  # the report as it was read, not pickled again
        return report

    def _same_facts(self, edited: list[SourceFile], recorded: dict[str, Record]) -> bool:
        """Whether every edited file still says what the checks read of it: the same bytes,
        or the same reading of new bytes (the edit kept every import, and every answer to
        what a contract asked of it)."""
        from .facts import FactStore
        from .facts.project import read_edited

        changed = []
        for source in edited:
            if source.unreadable is not None:  # said the same by the walk or its record:
                continue  # never opened (a FIFO would block, a link leaves the project)
            try:
                with open(source.path, "rb") as handle:
                    digest = _digest(handle.read())
            except OSError:
                return False
            if digest != recorded[source.relative][3]:
                changed.append(source)
        if not changed:
            return True
        # Only the shards holding the changed files: what they said when the report was built.
        held = FactStore(self._cache_dir, self._version,
                         holding=[source.relative for source in changed])
        before = {}
        for source in changed:
            _, asked, module, digest, _ = recorded[source.relative]
            before[source.module] = held.reading(source.relative, module, digest, asked)
            if before[source.module] is None:
                return False
        self.store = FactStore(None, self._version)  # the new reading, for a build
        fresh = read_edited(self._settings.root, changed, self.store, self._walked_trees)
        return all(fresh.reading(source.module, recorded[source.relative][1])
                   == before[source.module] for source in changed)

    def _walked_trees(self) -> list[PackageTree]:
        assert self.trees is not None, "set by the lookup before any file is read"
        return self.trees

    def _edited(self, recorded: dict[str, Record], unreadable: dict[str, str]
                ) -> list[SourceFile]:
        """The recorded files whose stamp is not the one recorded (none may be added or
        removed: every folder kept its mtime), each with the reason it cannot be read, if
        the walk recorded one."""
        prefix = f"{self._settings.root}{os.sep}"
        settled = settled_before()
        edited = []
        for relative, (stamp, _, module, _, _) in recorded.items():
            status = os.stat(prefix + relative)
            if stamp is None or [status.st_mtime_ns, status.st_size, status.st_ctime_ns,
                                 status.st_ino] != stamp:
                edited.append(SourceFile(module, prefix + relative, relative,
                                         stamp_of(status, settled), unreadable.get(relative)))
        return edited

    def store_report(self, report: Report, facts: ProjectFacts,
                     trees: list[PackageTree]) -> None:
        """Remember a freshly built report with the stamp and digest of every file, and what
        contracts asked of it."""
        files = {}
        for tree in trees:
            for source in tree.files:
                stamp = list(source.stamp) if source.stamp is not None else None
                files[source.relative] = [stamp, sorted(facts.asked.get(source.module, ())),
                                          source.module, facts.files[source.module].digest,
                                          tree.name]
        entry = {"key": self._key, **_walk_record(self._settings, trees), "files": files,
                 "report": report}
        self._write(entry)

    def facts_store(self) -> FactStore:
        """The fact store a build should use, with what the lookup read already."""
        from .facts import FactStore

        store = FactStore(self._cache_dir, self._version)
        if self.store is not None:
            store.absorb(self.store)
        return store

    def _write(self, entry: Entry) -> None:
        """Write the entry; a cache folder that cannot be written costs speed, not the run."""
        try:
            write_cache_file(self._cache_dir, self._name,
                             entry_bytes(entry),
                             root=self._settings.root)
        except OSError as exc:
            self.write_failure = exc

    def _folders_unchanged(self, entry: Entry) -> bool:
        """Every root package where it was, and every folder the walk read with the mtime it
        had: no file was added, removed or renamed since."""
        root = self._settings.root
        located = [locate_package(root, name, self._settings.source_roots)
                   for name in self._settings.root_packages]
        found = [directory.relative_to(root).as_posix() for directory in located
                 if directory is not None]
        if len(found) != len(located) or [tree[1] for tree in entry["trees"]] != found:
            return False
        prefix = f"{root}{os.sep}"
        try:
            return all(mtime is not None and os.stat(prefix + relative).st_mtime_ns == mtime
                       for relative, mtime in entry["listed"])
        except OSError:
            return False


def _walk_record(settings: Settings, trees: list[PackageTree]) -> dict[str, Record]:
    """What the walk found besides the files: each root package (where, its folders without
    `__init__.py`, what it could not list, what exists without a readable source, what is
    shadowed, which of its files cannot be read and why), and every folder it read with its
    mtime."""
    return {
        "trees": [[tree.name, tree.directory.relative_to(settings.root).as_posix(),
                   list(tree.folders), [list(u) for u in tree.unlisted],
                   list(tree.without_source), [list(s) for s in tree.shadowed],
                   [[f.relative, f.unreadable] for f in tree.files if f.unreadable is not None]]
                  for tree in trees],
        "listed": [[relative, mtime] for tree in trees for relative, mtime in tree.listed],
    }


def _unreadable_from(entry: Entry) -> dict[str, str]:
    """The files the recorded walk could not read, with the reason."""
    found = {}
    for tree in entry["trees"]:
        if not _text_pairs(tree[6]):
            raise ValueError("unreadable files of another shape")
        found.update(tree[6])
    return found


def _trees_from(settings: Settings, entry: Entry, edited: list[SourceFile],
                unreadable: dict[str, str]) -> list[PackageTree]:
    """The walk's trees rebuilt from an entry whose folders are all unchanged (so the walk
    would find the same files), with the new stamps of the edited files, and every file the
    walk could not read still unread (a link out of the project, a FIFO)."""
    stamps = {source.relative: source.stamp for source in edited}
    files_of: dict[str, list[SourceFile]] = {}
    root = settings.root
    if not all(type(name) is str and type(directory) is str and _texts(folders)
               and _text_pairs(unlisted) and _texts(without) and _text_pairs(shadowed)
               for name, directory, folders, unlisted, without, shadowed, _ in entry["trees"]):
        raise ValueError("trees of another shape")  # the build would take them as they are
    if not all(type(relative) is str and (mtime is None or type(mtime) is int)
               for relative, mtime in entry["listed"]):
        raise ValueError("folders of another shape")
    for relative, (stamp, _, module, _, tree) in entry["files"].items():
        if type(module) is not str or type(tree) is not str or not _is_stamp(stamp):
            raise ValueError(f"the record of {relative} has another shape")
        stamp = stamps[relative] if relative in stamps else tuple(stamp) if stamp else None
        files_of.setdefault(tree, []).append(
            SourceFile(module, f"{root}{os.sep}{relative}", relative, stamp,
                       unreadable.get(relative)))
    return [
        PackageTree(name=name, directory=root / directory,
                    files=tuple(sorted(files_of.get(name, ()), key=lambda f: f.relative)),
                    folders=tuple(folders),
                    listed=tuple((relative, mtime) for relative, mtime in entry["listed"]
                                 if relative == directory
                                 or relative.startswith(f"{directory}/")),
                    unlisted=tuple(tuple(u) for u in unlisted), without_source=tuple(without),
                    shadowed=tuple(tuple(s) for s in shadowed))
        for name, directory, folders, unlisted, without, shadowed, _ in entry["trees"]
    ]


def _texts(value: object) -> bool:
    return type(value) is list and all(type(item) is str for item in value)


def _text_pairs(value: object) -> bool:
    return type(value) is list and all(_texts(item) and len(item) == 2 for item in value)


def _is_stamp(value: object) -> bool:
    return value is None or (type(value) is list and len(value) == 4
                             and all(type(item) is int for item in value))


def _digest(data: bytes) -> str:
    from .facts.project import content_digest  # hashlib loads only when a file is hashed

    return content_digest(data)


# The classes a cached entry may hold besides plain data: the report's own.
_REPORT_CLASSES = {name: value for name, value in vars(model).items()
                   if isinstance(value, type) and value.__module__ == model.__name__}


class _EntryUnpickler(pickle.Unpickler):
    """Unpickles plain data and the report's classes, nothing else: a cache folder is a
    project's file like any other, and loading one must never run code."""

    def find_class(self, module: str, name: str) -> Any:
        if module == model.__name__ and name in _REPORT_CLASSES:
            return _REPORT_CLASSES[name]
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a cached entry")


def entry_bytes(entry: Entry) -> bytes:
    """An entry as the bytes of its file: a checksum, then the pickle it covers. The report
    is pickled on its own inside it (or kept as the pickle it was read as), so that a lookup
    that finds the entry stale never loads it."""
    if isinstance(entry, dict) and "report" in entry and not isinstance(entry["report"], bytes):
        entry = {**entry, "report": pickle.dumps(entry["report"],
                                                 protocol=pickle.HIGHEST_PROTOCOL)}
    buffer = io.BytesIO()
    buffer.write(bytes(4))  # the checksum's place: the file is built once, not copied
    pickle.dump(entry, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    with buffer.getbuffer() as pickled:
        pickled[:4] = zlib.crc32(pickled[4:]).to_bytes(4, "big")
    return buffer.getvalue()


def read_entry(data: bytes, *, with_report: bool = True) -> Any:
    """A cached entry from its bytes; ValueError for anything else (a damaged or planted
    file), which is a miss. The checksum catches damage that still unpickles, such as a
    flipped byte inside a module name. Without `with_report`, the report is left as its
    pickle, for `report_of`."""
    with memoryview(data) as view:
        if view[:4] != zlib.crc32(view[4:]).to_bytes(4, "big"):
            raise ValueError("not a cached entry: its checksum does not match")
    stream = io.BytesIO(data)
    stream.seek(4)
    entry = _unpickled(stream)
    if with_report and isinstance(entry, dict) and "report" in entry:
        entry["report"] = report_of(entry)
    return entry


def report_of(entry: Entry) -> Any:
    """The report of an entry read without it."""
    report = entry["report"]
    return _unpickled(io.BytesIO(report)) if isinstance(report, bytes) else report


def _unpickled(stream: io.BytesIO) -> Any:
    try:
        return _EntryUnpickler(stream).load()
    except Exception as exc:
        raise ValueError(f"not a cached entry: {exc}") from None


def _key(settings: Settings, contract_ids: list[str], version: str) -> Entry:
    """Everything besides the files that a report depends on, kept as it is (compared whole:
    a hash would cost loading hashlib on every check)."""
    contracts: dict[str, str | None] = {}
    for path in contract_files(settings):
        try:
            contracts[settings.relative(path)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # loading the contracts reports it
            contracts[settings.relative(path)] = None
    return {
        "format": FORMAT, "archlint": version, "grimp": installed_grimp(),
        "python": list(sys.version_info[:2]),  # it parses what the scanner cannot
        "settings": {k: str(v) for k, v in dataclasses.asdict(settings).items()},
        "contracts": contract_ids, "contract_files": contracts,
    }


