"""The result cache: an unchanged project answers `check` without assembling its graph.

An entry holds the Report the checks produced (before any baseline is applied) under a key
made of everything else a report depends on: archlint's version, the installed grimp, the
settings, the contract ids asked for and the text of every contract file. With it: the walk
(where each root package was found, every folder it listed with its mtime, the modules that
exist without a readable source), and for every file its stamp (see discovery.Stamp) and the
fingerprint of its facts: what its import statements say, and, for the modules whose top-level
names a contract read, those too.

A lookup compares:
- every folder mtime and every file stamp equal: the walk would find the same files,
  unchanged, so the cached report is the answer, without walking the tree again;
- otherwise it walks the tree: any file or module added or removed, and the entry is stale;
- some files with new stamps: their facts are read (the fact cache reads a file only when its
  bytes changed), and when every one has the fingerprint it had, every input of every check is
  the same, so the cached report is still the answer (the entry takes the new stamps). Editing
  a function body is the common case; it costs reading one file instead of a whole build.

A stamp taken less than SETTLED_NS after the file changed is not recorded (a second edit in
the same clock tick would leave it as it was): such a file counts as changed next time.
"""

from __future__ import annotations

import importlib.util
import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .discovery import PackageTree, contract_files, discover_all, locate_package
from .files import write_cache_file
from .model import Hop, Report
from .serialize import from_data, to_data
from .settings import Settings

if TYPE_CHECKING:
    from .facts import FactStore, ProjectFacts

FORMAT = 6


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
        ids = sorted(set(contract_ids))
        selection = [*ids, "+context"] if with_context else ids  # pictures cache apart
        self._key = _key(settings, selection, version)
        # Selections sharing a slot replace each other's entry; the key tells them apart.
        slot = zlib.crc32("\n".join([str(settings.config_file), *selection]).encode())
        self._cache_dir = settings.root / settings.cache_dir
        self._name = f"results/{slot:08x}.json"
        self._path = self._cache_dir / self._name

    def lookup(self) -> Report | None:
        """The cached report when it is still the project's report, else None."""
        try:
            entry = json.loads(self._path.read_text(encoding="utf-8"))
            if not isinstance(entry, dict) or entry.get("key") != self._key:
                return None
            if self._nothing_changed(entry):
                return from_data(Report, entry["report"], Hop)
            return self._after_walking(entry)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError):
            return None  # an entry this archlint cannot read is a miss, never an error

    def _after_walking(self, entry: dict) -> Report | None:
        from .facts import FactStore
        from .facts.project import read_sources

        self.trees = trees = discover_all(self._settings)
        walk = _walk_record(self._settings, trees)
        if entry["without_source"] != walk["without_source"]:
            return None
        sources = {f.relative: f for tree in trees for f in tree.files}
        recorded: dict[str, list] = entry["files"]
        if recorded.keys() != sources.keys():
            return None
        changed = [source for relative, source in sources.items()
                   if source.stamp is None or recorded[relative][0] != list(source.stamp)]
        if changed:
            self.store = FactStore(self._cache_dir, self._version)
            fresh = read_sources(self._settings.root, trees, changed, self.store)
            for source in changed:
                _, fingerprint, consulted = recorded[source.relative]
                if fresh.fingerprint(source.module, consulted) != fingerprint:
                    return None
            fresh.save()
        for source in changed:
            recorded[source.relative][0] = list(source.stamp) if source.stamp else None
        if changed or any(entry[name] != value for name, value in walk.items()):
            entry.update(walk)
            self._write(entry)
        return from_data(Report, entry["report"], Hop)

    def store_report(self, report: Report, facts: ProjectFacts,
                     trees: list[PackageTree]) -> None:
        """Remember a freshly built report with the stamp and fingerprint of every file."""
        files = {}
        for tree in trees:
            for source in tree.files:
                consulted = source.module in facts.consulted
                fingerprint = facts.fingerprint(source.module, consulted)
                stamp = list(source.stamp) if source.stamp is not None else None
                files[source.relative] = [stamp, fingerprint, consulted]
        entry = {"key": self._key, **_walk_record(self._settings, trees), "files": files,
                 "report": to_data(report, Hop)}
        self._write(entry)

    def facts_store(self) -> FactStore:
        """The fact store a build should use: the one this lookup loaded, or a new one."""
        from .facts import FactStore

        return self.store or FactStore(self._cache_dir, self._version)

    def _write(self, entry: dict) -> None:
        """Write the entry; a cache folder that cannot be written costs speed, not the run."""
        try:
            write_cache_file(self._cache_dir, self._name, json.dumps(entry, separators=(",", ":")))
        except OSError:
            pass

    def _nothing_changed(self, entry: dict) -> bool:
        """Every root package where it was, every folder the walk read and every file with
        the stamp it had: the walk would find the same files, unchanged."""
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
            for relative, (stamp, *_) in entry["files"].items():
                if stamp is None:
                    return False
                status = os.stat(prefix + relative)
                if [status.st_mtime_ns, status.st_size, status.st_ctime_ns,
                        status.st_ino] != stamp:
                    return False
        except OSError:
            return False
        return True


def _walk_record(settings: Settings, trees: list[PackageTree]) -> dict[str, list]:
    """Where the walk found each root package, the folders it read with their mtimes, and the
    modules that exist without a file archlint reads."""
    return {
        "packages": [tree.directory.relative_to(settings.root).as_posix() for tree in trees],
        "listed": [[relative, mtime] for tree in trees for relative, mtime in tree.listed],
        "without_source": [[*tree.without_source, *(r for r, _ in tree.unlisted)]
                           for tree in trees],
    }


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


def _grimp_stamps() -> list[list]:
    """The installed grimp (its scanner finds the import lines, its graph the cycle
    breakers), told apart without importing it (its import alone costs more than a whole
    check answered from this cache): the name, mtime and size of each file in its package
    folder. Installing any other grimp changes them."""
    spec = importlib.util.find_spec("grimp")
    if spec is None or spec.origin is None:
        return []
    with os.scandir(Path(spec.origin).parent) as entries:
        return sorted([e.name, e.stat().st_mtime_ns, e.stat().st_size]
                      for e in entries if e.is_file())
