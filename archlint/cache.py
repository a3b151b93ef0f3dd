"""The result cache: an unchanged project answers `check` without assembling its graph.

An entry holds the Report the checks produced (before any baseline is applied) under a key
made of everything else a report depends on: archlint's version, the installed grimp, the
settings, the contract ids asked for and the text of every contract file. With it, the stamp
(mtime_ns, size) of every file archlint checks, a fingerprint of what the checks read from
that file (grimp's imports: module, line, line text; the modules its import lines name; and,
for the files the contracts read further (symbol facts, top-level names, source text), the
whole text), and the mtime of every folder the walk of the root packages read.

A lookup compares:
- every folder mtime and every file stamp equal (and each root package still found in the
  same folder): no file can have been added, removed or changed, so the cached report is
  the answer, without walking the tree again;
- otherwise it walks the tree (the same discovery the build does): any file added or
  removed, or a different key, and the entry is stale; every stamp equal, and the cached
  report is the answer (the entry takes the new folder mtimes);
- a few files with new stamps: they are scanned afresh, and when every one of them still
  has the fingerprint it had, the graph and every fact the checks read are the same, so the
  cached report is still the answer (the entry takes the new stamps). Editing a function body
  is the common case; it costs one file's scan instead of a whole build.

A file changed less than SETTLED_NS before its stamp is recorded gets no mtime in the entry,
as a folder does: on a file system with a coarse clock a second edit in the same tick, of the
same size, would leave its stamp as it was. Such a file counts as changed on the next lookup
and is scanned and compared again.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
import zlib
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .discovery import (
    SETTLED_NS,
    PackageTree,
    SourceFile,
    contract_files,
    discover_all,
    locate_package,
)
from .files import write_atomic
from .model import Hop, Report
from .serialize import from_data, to_data
from .settings import Settings

if TYPE_CHECKING:
    from .graph import ProjectGraph

FORMAT = 3
# Beyond this many changed files a fresh build is as quick as re-checking their fingerprints.
MAX_RESCANNED = 200


class ResultCache:
    """The cache entry for one configuration file and one selection of contracts."""

    def __init__(self, settings: Settings, contract_ids: Iterable[str], version: str, *,
                 with_context: bool = False) -> None:
        """`contract_ids` as asked for (none: every contract). The contract files' bytes are
        part of the key, so the ids need not be resolved: an entry exists only for a
        selection that was valid against exactly these files."""
        self._settings = settings
        # The walk of the root packages, once `lookup` needed one (a build reuses it).
        self.trees: list[PackageTree] | None = None
        ids = sorted(set(contract_ids))
        selection = [*ids, "+context"] if with_context else ids  # pictures cache apart
        self._key = _key(settings, selection, version)
        # Selections sharing a slot replace each other's entry; the key tells them apart.
        slot = zlib.crc32("\n".join([str(settings.config_file), *selection]).encode())
        self._path = settings.root / settings.cache_dir / "results" / f"{slot:08x}.json"

    def lookup(self) -> Report | None:
        """The cached report when it is still the project's report, else None."""
        try:
            entry = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != self._key:
            return None
        if self._nothing_changed(entry):
            return from_data(Report, entry["report"], Hop)
        self.trees = trees = discover_all(self._settings)
        files = _files_of(trees)
        recorded: dict[str, list] = entry["files"]
        if recorded.keys() != files.keys():
            return None
        changed = [relative for relative, source in files.items()
                   if list(source.stamp) != recorded[relative][:2]]
        if len(changed) > MAX_RESCANNED:
            return None
        if changed and not self._same_fingerprints(trees, files, changed, recorded):
            return None
        settled = time.time_ns() - SETTLED_NS
        for relative in changed:
            recorded[relative][:2] = _settled_stamp(files[relative].stamp, settled)
        walk = _walk_record(self._settings, trees)
        if changed or any(entry[name] != value for name, value in walk.items()):
            entry.update(walk)
            write_atomic(self._path, json.dumps(entry, separators=(",", ":")))
        return from_data(Report, entry["report"], Hop)

    def store(self, report: Report, graph: ProjectGraph, trees: list[PackageTree]) -> None:
        """Remember a freshly built report with the stamp and fingerprint of every file."""
        consulted = graph.symbols.consulted
        with_references = self._settings.unresolved_imports != "off"
        files = {}
        settled = time.time_ns() - SETTLED_NS
        for relative, source in _files_of(trees).items():
            module = source.module
            read = module in consulted
            scanned = graph.scanned.get(module)
            fingerprint = ""  # a file grimp could not scan: any change means a fresh build
            if scanned is not None:
                try:
                    text = Path(source.path).read_bytes() if read else None
                except OSError:
                    text = None
                references = graph.symbols.referenced_modules(module) if with_references else ()
                fingerprint = _fingerprint(scanned, references, text)
            files[relative] = [*_settled_stamp(source.stamp, settled), fingerprint, read]
        entry = {"key": self._key, **_walk_record(self._settings, trees), "files": files,
                 "report": to_data(report, Hop)}
        write_atomic(self._path, json.dumps(entry, separators=(",", ":")))

    def _nothing_changed(self, entry: dict) -> bool:
        """Every root package where it was, every folder the walk read and every file with
        the mtime (and size) it had: the walk would find the same files, unchanged."""
        root = self._settings.root
        located = [locate_package(root, name) for name in self._settings.root_packages]
        if None in located or entry["packages"] != [
                directory.relative_to(root).as_posix() for directory in located]:
            return False
        prefix = f"{root}{os.sep}"
        try:
            for relative, mtime in entry["listed"]:
                if mtime is None or os.stat(prefix + relative).st_mtime_ns != mtime:
                    return False
            for relative, (mtime, size, *_) in entry["files"].items():
                stat = os.stat(prefix + relative)
                if stat.st_mtime_ns != mtime or stat.st_size != size:
                    return False
        except OSError:
            return False
        return True

    def _same_fingerprints(self, trees: list[PackageTree], files: dict[str, SourceFile],
                           changed: list[str], recorded: dict[str, list]) -> bool:
        from .graph import scan_modules  # grimp loads only when a file must be scanned
        from .symbols import scan_module_references

        modules = {files[relative].module: relative for relative in changed}
        scanned = scan_modules(self._settings, trees, modules)
        if scanned is None:
            return False
        with_references = self._settings.unresolved_imports != "off"
        for module, relative in modules.items():
            _, _, fingerprint, read = recorded[relative]
            if not fingerprint or module not in scanned:
                return False
            try:
                text = Path(files[relative].path).read_bytes()
            except OSError:
                return False
            references = scan_module_references(
                text, module, relative.endswith("/__init__.py")) if with_references else ()
            fresh = _fingerprint(scanned[module], references, text if read else None)
            if fresh != fingerprint:
                return False
        return True


def _files_of(trees: list[PackageTree]) -> dict[str, SourceFile]:
    return {f.relative: f for tree in trees for f in tree.files}


def _walk_record(settings: Settings, trees: list[PackageTree]) -> dict[str, list]:
    """Where the walk found each root package, and the folders it read with their mtimes."""
    return {
        "packages": [tree.directory.relative_to(settings.root).as_posix() for tree in trees],
        "listed": [[relative, mtime] for tree in trees for relative, mtime in tree.listed],
    }


def _fingerprint(imports: Iterable, references: Iterable, text: bytes | None) -> str:
    """What the checks read from one file, hashed (see the module docstring)."""
    import hashlib  # only builds and edited files need it, not an unchanged tree

    digest = hashlib.sha256()
    for direct in sorted((d.imported.name, d.line_number, d.line_contents) for d in imports):
        digest.update(repr(direct).encode())
    digest.update(b"\0references")
    for line, name in references:
        digest.update(f"{line}:{name};".encode())
    if text is not None:
        digest.update(b"\0text" + text)
    return digest.hexdigest()


def _key(settings: Settings, contract_ids: list[str], version: str) -> dict:
    """Everything besides the files that a report depends on, kept as it is (compared whole:
    a hash would cost loading hashlib on every check)."""
    contracts = {}
    for path in contract_files(settings):
        try:
            contracts[settings.relative(path)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):  # loading the contracts reports it
            contracts[settings.relative(path)] = None
    return {
        "format": FORMAT, "archlint": version, "grimp": _grimp_stamps(),
        "settings": {k: str(v) for k, v in asdict(settings).items()},
        "contracts": contract_ids, "contract_files": contracts,
    }


def _settled_stamp(stamp: tuple[int, int], settled: int) -> list:
    """The stamp to record: without its mtime when the file changed too recently to trust."""
    mtime, size = stamp
    return [mtime if mtime < settled else None, size]


def _grimp_stamps() -> list[list]:
    """The installed grimp, which scans the files, told apart without importing it (its
    import alone costs more than a whole check answered from this cache): the name, mtime
    and size of each file in its package folder. Installing any other grimp changes them."""
    spec = importlib.util.find_spec("grimp")
    if spec is None or spec.origin is None:
        return []
    with os.scandir(Path(spec.origin).parent) as entries:
        return sorted([e.name, e.stat().st_mtime_ns, e.stat().st_size]
                      for e in entries if e.is_file())
