"""The result cache: an unchanged project answers `check` without assembling its graph.

An entry holds the Report the checks produced (before any baseline is applied) under a key
made of everything else a report depends on: archlint's and grimp's versions, the settings,
the selected contract ids and the bytes of every contract file. With it, the stamp
(mtime_ns, size) of every file archlint checks, and a fingerprint of what the checks read
from that file: grimp's imports (module, line, line text), the modules its import lines name
and, for the files the contracts read further (symbol facts, top-level names, source text),
the whole text.

A lookup walks the tree (the same discovery the build does) and compares:
- any file added or removed, or a different key: the entry is stale;
- every stamp equal: the cached report is the answer;
- a few files with new stamps: they are scanned afresh, and when every one of them still
  has the fingerprint it had, the graph and every fact the checks read are the same, so the
  cached report is still the answer (the entry takes the new stamps). Editing a function body
  is the common case; it costs one file's scan instead of a whole build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

import grimp

from .contracts import Contract
from .files import write_atomic
from .graph import PackageTree, ProjectGraph, scan_modules
from .loading import contract_files
from .model import Report
from .serialize import from_data, to_data
from .settings import Settings
from .symbols import scan_module_references

FORMAT = 1
# Beyond this many changed files a fresh build is as quick as re-checking their fingerprints.
MAX_RESCANNED = 200


class ResultCache:
    """The cache entry for one configuration file and one selection of contracts."""

    def __init__(self, settings: Settings, contracts: Iterable[Contract],
                 trees: list[PackageTree], version: str, *, with_context: bool = False) -> None:
        self._settings = settings
        self._trees = trees
        self._files = {f.relative: f for tree in trees for f in tree.files}
        ids = sorted(c.id for c in contracts)
        selection = [*ids, "+context"] if with_context else ids  # pictures cache apart
        self._key = _key(settings, selection, version)
        slot = hashlib.sha256("\n".join([str(settings.config_file), *selection]).encode()).hexdigest()
        self._path = settings.root / settings.cache_dir / "results" / f"{slot[:20]}.json"

    def lookup(self) -> Report | None:
        """The cached report when it is still the project's report, else None."""
        try:
            entry = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != self._key:
            return None
        recorded: dict[str, list] = entry["files"]
        if recorded.keys() != self._files.keys():
            return None
        changed = [relative for relative, source in self._files.items()
                   if list(source.stamp) != recorded[relative][:2]]
        if len(changed) > MAX_RESCANNED:
            return None
        if changed:
            if not self._same_fingerprints(changed, recorded):
                return None
            for relative in changed:
                recorded[relative][:2] = self._files[relative].stamp
            write_atomic(self._path, json.dumps(entry, separators=(",", ":")))
        return from_data(Report, entry["report"])

    def store(self, report: Report, graph: ProjectGraph) -> None:
        """Remember a freshly built report with the stamp and fingerprint of every file."""
        consulted = graph.symbols.consulted
        with_references = self._settings.unresolved_imports != "off"
        files = {}
        for relative, source in self._files.items():
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
            files[relative] = [*source.stamp, fingerprint, read]
        entry = {"key": self._key, "files": files, "report": to_data(report)}
        write_atomic(self._path, json.dumps(entry, separators=(",", ":")))

    def _same_fingerprints(self, changed: list[str], recorded: dict[str, list]) -> bool:
        modules = {self._files[relative].module: relative for relative in changed}
        scanned = scan_modules(self._settings, self._trees, modules)
        if scanned is None:
            return False
        with_references = self._settings.unresolved_imports != "off"
        for module, relative in modules.items():
            _, _, fingerprint, read = recorded[relative]
            if not fingerprint or module not in scanned:
                return False
            try:
                text = Path(self._files[relative].path).read_bytes()
            except OSError:
                return False
            references = scan_module_references(
                text, module, relative.endswith("/__init__.py")) if with_references else ()
            fresh = _fingerprint(scanned[module], references, text if read else None)
            if fresh != fingerprint:
                return False
        return True


def _fingerprint(imports: Iterable, references: Iterable, text: bytes | None) -> str:
    """What the checks read from one file, hashed (see the module docstring)."""
    digest = hashlib.sha256()
    for direct in sorted((d.imported.name, d.line_number, d.line_contents) for d in imports):
        digest.update(repr(direct).encode())
    digest.update(b"\0references")
    for line, name in references:
        digest.update(f"{line}:{name};".encode())
    if text is not None:
        digest.update(b"\0text" + text)
    return digest.hexdigest()


def _key(settings: Settings, contract_ids: list[str], version: str) -> str:
    """Everything besides the files that a report depends on, hashed."""
    digest = hashlib.sha256()
    fixed = {
        "format": FORMAT, "archlint": version, "grimp": grimp.__version__,
        "settings": {k: str(v) for k, v in asdict(settings).items()},
        "contracts": contract_ids,
    }
    digest.update(json.dumps(fixed, sort_keys=True).encode())
    for path in contract_files(settings):
        digest.update(f"\0{settings.relative(path)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
