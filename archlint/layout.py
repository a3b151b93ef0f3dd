"""What a project distributes and where its sources are, for `archlint init`.

Read from the packaging metadata first (pyproject.toml `[project]`, setuptools, hatch,
poetry, flit, setup.cfg): those name the packages a project ships and the folder they live
in (the root, `src/`, `lib/`, ...). Without metadata that names them, the regular packages
(folders with `__init__.py`) of the project root and of `src/` are taken. Documentation,
examples and tooling folders are left out, and a `tests` folder at the root is kept apart.
Nothing here imports or runs the project (setup.py is never executed).
"""

from __future__ import annotations

import configparser
import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .settings import read_toml

# Top-level folders that hold Python files but are not the project's packages.
NOT_PACKAGES = frozenset({
    "doc", "docs", "documentation", "example", "examples", "sample", "samples", "demo",
    "demos", "tool", "tools", "tooling", "script", "scripts", "bin", "benchmark",
    "benchmarks", "bench", "build", "dist", "site-packages", "node_modules", "venv", "env",
    "ci", "contrib", "notebooks", "requirements",
})
TEST_FOLDERS = ("tests", "test")


@dataclass(frozen=True)
class FoundPackage:
    """A top-level package: its name, the source folder holding it ("" for the project root,
    "src", "lib", ...) and what said so."""

    name: str
    folder: str
    reason: str

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name


@dataclass(frozen=True)
class Layout:
    """The packages the project distributes, its tests folder (if any), and the top-level
    folders with Python files that are neither."""

    distributed: tuple[FoundPackage, ...]
    tests: FoundPackage | None
    left_out: tuple[str, ...]


def find_layout(root: Path) -> Layout:
    """The project's packages, from its metadata or, lacking that, its folders."""
    pyproject = read_toml(root / "pyproject.toml") if (root / "pyproject.toml").is_file() else {}
    setup_cfg = _read_setup_cfg(root / "setup.cfg")
    named = [p for p in _from_metadata(root, pyproject, setup_cfg) if (root / p.path).is_dir()]
    distributed = named or _from_folders(root)
    taken = {package.name for package in distributed}
    tests = next((FoundPackage(name, "", "a tests folder") for name in TEST_FOLDERS
                  if name not in taken and _holds_python(root / name)), None)
    if tests is not None:
        taken.add(tests.name)
    left_out = tuple(sorted(
        entry.name for entry in _folders(root)
        if entry.name not in taken and entry.name != "src" and not entry.name.startswith(".")
        and _holds_python(Path(entry.path))
        and not any(p.folder == entry.name for p in distributed)))
    return Layout(tuple(distributed), tests, left_out)


# -- metadata ----------------------------------------------------------------------------------


def _lookup(table: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The table at `keys` inside `table`, or {} where a key is missing or not a table."""
    for key in keys:
        found = table.get(key)
        table = found if isinstance(found, dict) else {}
    return table


def _from_metadata(root: Path, pyproject: dict[str, Any],
                   setup_cfg: configparser.ConfigParser) -> list[FoundPackage]:
    """The packages the metadata names, in the order it names them; [] when it names none."""
    tool = _lookup(pyproject, "tool")
    for reader in (_setuptools, _hatch, _poetry, _flit):
        found = reader(root, tool)
        if found:
            return _unique(found)
    found = _setup_cfg(root, setup_cfg)
    if found:
        return _unique(found)
    name = _project_name(pyproject, tool, setup_cfg)
    if name is None:
        return []
    for folder in _default_source_folders(root):
        for entry in _folders(root / folder if folder else root):
            if _normalized(entry.name) == name and _is_package(Path(entry.path)):
                where = f"{folder}/" if folder else "the project root"
                return [FoundPackage(entry.name, folder, f"the project's name, in {where}")]
    return []


def _setuptools(root: Path, tool: dict[str, Any]) -> list[FoundPackage]:
    table = _lookup(tool, "setuptools")
    package_dir = _lookup(table, "package-dir")
    base = str(package_dir.get("", "")).strip("/")
    packages = table.get("packages")
    reason = "pyproject.toml [tool.setuptools]"
    if isinstance(packages, list):
        found = []
        for dotted in packages:
            if isinstance(dotted, str) and "." not in dotted:
                folder = str(package_dir.get(dotted, f"{base}/{dotted}" if base else dotted))
                parent = folder.rpartition("/")[0] if "/" in folder else ""
                found.append(FoundPackage(dotted, parent, reason))
        return found
    find = packages.get("find") if isinstance(packages, dict) else None
    if isinstance(find, dict):
        where = find.get("where", [base or "."])
        return _find_packages(root, where if isinstance(where, list) else [where],
                              find.get("include", ["*"]), find.get("exclude", []),
                              "pyproject.toml [tool.setuptools.packages.find]")
    return []


def _hatch(root: Path, tool: dict[str, Any]) -> list[FoundPackage]:
    packages = _lookup(tool, "hatch", "build", "targets", "wheel").get("packages")
    if not isinstance(packages, list):
        return []
    found = []
    for path in packages:
        if isinstance(path, str):
            folder, _, name = path.strip("/").rpartition("/")
            found.append(FoundPackage(name, folder, "pyproject.toml [tool.hatch.build]"))
    return found


def _poetry(root: Path, tool: dict[str, Any]) -> list[FoundPackage]:
    packages = _lookup(tool, "poetry").get("packages")
    if not isinstance(packages, list):
        return []
    found = []
    for entry in packages:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            name = entry["include"].strip("/")
            if name.isidentifier():
                found.append(FoundPackage(name, str(entry.get("from", "")).strip("/"),
                                          "pyproject.toml [tool.poetry] packages"))
    return found


def _flit(root: Path, tool: dict[str, Any]) -> list[FoundPackage]:
    name = _lookup(tool, "flit", "module").get("name")
    if not isinstance(name, str) or "." in name:
        return []
    for folder in _default_source_folders(root):
        if _is_package(root / folder / name if folder else root / name):
            return [FoundPackage(name, folder, "pyproject.toml [tool.flit.module]")]
    return []


def _read_setup_cfg(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return configparser.ConfigParser(interpolation=None)  # unreadable: ignored
    return parser


def _setup_cfg(root: Path, parser: configparser.ConfigParser) -> list[FoundPackage]:
    if not parser.has_section("options"):
        return []
    mapping = _cfg_mapping(parser.get("options", "package_dir", fallback=""))
    base = mapping.get("", "").strip("/")
    packages = parser.get("options", "packages", fallback="").strip()
    reason = "setup.cfg [options]"
    if packages.startswith("find"):
        section = "options.packages.find"
        where = parser.get(section, "where", fallback=base or ".").strip()
        return _find_packages(root, [where], _cfg_list(parser.get(section, "include",
                                                                  fallback="*")),
                              _cfg_list(parser.get(section, "exclude", fallback="")), reason)
    return [FoundPackage(name, base, reason) for name in _cfg_list(packages)
            if name.isidentifier()]


def _cfg_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def _cfg_mapping(text: str) -> dict[str, str]:
    mapping = {}
    for line in _cfg_list(text):
        key, _, value = line.partition("=")
        mapping[key.strip()] = value.strip()
    return mapping


def _project_name(pyproject: dict[str, Any], tool: dict[str, Any],
                  setup_cfg: configparser.ConfigParser) -> str | None:
    candidates = [_lookup(pyproject, "project").get("name"), _lookup(tool, "poetry").get("name"),
                  setup_cfg.get("metadata", "name", fallback=None)]
    for name in candidates:
        if isinstance(name, str) and name.strip():
            return _normalized(name)
    return None


def _find_packages(root: Path, where: list[Any], include: Any, exclude: Any,
                   reason: str) -> list[FoundPackage]:
    """setuptools' find_packages, top level only: the regular packages in each `where`
    folder whose names match an `include` pattern and no `exclude` pattern."""
    include = include if isinstance(include, list) else [include]
    exclude = exclude if isinstance(exclude, list) else [exclude]
    found = []
    for folder in where:
        if not isinstance(folder, str):
            continue
        folder = folder.strip("/")
        folder = "" if folder in (".", "") else folder
        for entry in sorted(_folders(root / folder if folder else root), key=lambda e: e.name):
            name = entry.name
            if (name.isidentifier() and _is_package(Path(entry.path))
                    and any(fnmatch.fnmatchcase(name, str(p)) for p in include)
                    and not any(fnmatch.fnmatchcase(name, str(p)) for p in exclude)
                    and (folder or name not in NOT_PACKAGES | set(TEST_FOLDERS))):
                found.append(FoundPackage(name, folder, reason))
    return found


# -- folders -----------------------------------------------------------------------------------


def _from_folders(root: Path) -> list[FoundPackage]:
    """No metadata names the packages: the regular packages of the project root and of
    `src/` (there also folders of Python files without `__init__.py`), sorted, without
    documentation, examples, tooling and tests."""
    found = []
    for folder in _default_source_folders(root):
        base = root / folder if folder else root
        for entry in sorted(_folders(base), key=lambda e: e.name):
            name, path = entry.name, Path(entry.path)
            if (not name.isidentifier() or name.startswith("_") or name in NOT_PACKAGES
                    or name in TEST_FOLDERS or (path / "pyvenv.cfg").exists()):
                continue
            if _is_package(path) or (folder and _holds_python(path)):
                where = f"in {folder}/" if folder else "in the project root"
                found.append(FoundPackage(name, folder, f"a package {where}"))
    return found


def _default_source_folders(root: Path) -> list[str]:
    """The project root, and `src/` unless it is a package itself (`src/__init__.py`)."""
    src = root / "src"
    return ["", "src"] if src.is_dir() and not (src / "__init__.py").exists() else [""]


def _folders(base: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(base) as listing:
            return [entry for entry in listing if entry.is_dir() and not entry.is_symlink()
                    and not entry.name.startswith(".")]
    except OSError:
        return []


def _is_package(path: Path) -> bool:
    return (path / "__init__.py").is_file()


def _holds_python(path: Path) -> bool:
    """Whether a folder holds a `.py` file anywhere below it (hidden folders skipped)."""
    for _, subfolders, files in os.walk(path):
        if any(name.endswith(".py") for name in files):
            return True
        subfolders[:] = [s for s in subfolders if not s.startswith(".")
                         and s not in ("node_modules", "site-packages")]
    return False


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _unique(found: list[FoundPackage]) -> list[FoundPackage]:
    seen: dict[str, FoundPackage] = {}
    for package in found:
        seen.setdefault(package.name, package)
    return list(seen.values())
