"""`archlint migrate`: turn an import-linter configuration into archlint's.

Reads `.importlinter` or `setup.cfg` (INI, `[importlinter]` and `[importlinter:contract:KEY]`
sections), `pyproject.toml` (`[tool.importlinter]`) or a given file, and writes
`[tool.archlint]` (appended to `pyproject.toml`, or `archlint.toml` when the project has
none) plus one `contracts/<id>.toml` per contract. Every type maps onto an archlint type
with the same verdicts:

- forbidden -> forbidden (`allow_indirect_imports` -> `allow_indirect`)
- layers -> layers (`|` and `:` siblings, `containers`, `exhaustive` as they are)
- independence -> independence
- protected -> one canonical contract per protected module, with `canonical = []` and the
  allowed importers as `allow`: only they may import the module from outside
- acyclic_siblings -> acyclic (`ancestors` -> `packages`; import-linter's `depth` counts the
  levels below the first, so archlint's is one more)

`ignore_imports` becomes `ignore`, `broken_contract_guidance` the `description`, names are
kept. What has no archlint equivalent is listed, never silently dropped. Nothing is
overwritten: if a file to write exists (or pyproject.toml already has [tool.archlint]),
nothing is written at all.
"""

from __future__ import annotations

import configparser
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ArchlintError, UsageError
from .files import write_atomic
from .settings import pyproject_with_archlint, read_toml

SOURCES = (".importlinter", "setup.cfg", "pyproject.toml")
_CONTRACT_SECTION = "importlinter:contract:"
_LIST_KEYS = {
    "root_packages", "source_modules", "forbidden_modules", "ignore_imports", "layers",
    "containers", "modules", "protected_modules", "allowed_importers", "ancestors",
    "skip_descendants", "exhaustive_ignores",
}
_BOOL_KEYS = {"include_external_packages", "exclude_type_checking_imports",
              "allow_indirect_imports", "as_packages", "exhaustive"}
_COMMON = {"id", "name", "type", "ignore_imports", "unmatched_ignore_imports_alerting",
           "broken_contract_guidance"}
_KEYS = {
    "forbidden": {"source_modules", "forbidden_modules", "allow_indirect_imports",
                  "as_packages"},
    "layers": {"layers", "containers", "exhaustive", "exhaustive_ignores"},
    "independence": {"modules"},
    "protected": {"protected_modules", "allowed_importers", "as_packages"},
    "acyclic_siblings": {"ancestors", "depth", "skip_descendants"},
}
_DEFAULT_SIBLING_DEPTH = 10  # import-linter's default for acyclic_siblings


@dataclass
class Migration:
    """What will be written: the settings, the contracts (each a table, in order), and the
    options that could not be carried over."""

    source: Path
    settings: dict[str, Any]
    contracts: list[dict[str, Any]] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)


def find_source(start: Path) -> Path:
    """The import-linter configuration in `start`: the first of SOURCES that has one."""
    for name in SOURCES:
        path = start / name
        if path.is_file() and _has_importlinter(path):
            return path
    raise UsageError(f"no import-linter configuration in {start} (looked for "
                     "[importlinter] in .importlinter and setup.cfg, "
                     "[tool.importlinter] in pyproject.toml); name the file: archlint migrate PATH")


def read_source(path: Path) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """The top-level options and the (key, options) of every contract, values normalised:
    lists are lists, booleans booleans."""
    if path.suffix == ".toml":
        data = read_toml(path, path.name).get("tool", {}).get("importlinter")
        if not isinstance(data, dict):
            raise UsageError(f"{path.name} has no [tool.importlinter] table")
        top = {k: v for k, v in data.items() if k != "contracts"}
        contracts = data.get("contracts", [])
        if not isinstance(contracts, list) or not all(isinstance(c, dict) for c in contracts):
            raise UsageError(f"{path.name}: [tool.importlinter] contracts must be tables "
                             "([[tool.importlinter.contracts]])")
        contracts = [(str(c.get("id", "")), c) for c in contracts]
    else:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise UsageError(f"{path.name} is not a readable INI file: {exc}") from None
        if not parser.has_section("importlinter"):
            raise UsageError(f"{path.name} has no [importlinter] section")
        top = {k: _ini_value(k, v) for k, v in parser.items("importlinter")}
        contracts = [
            (section[len(_CONTRACT_SECTION):],
             {k: _ini_value(k, v) for k, v in parser.items(section)})
            for section in parser.sections() if section.startswith(_CONTRACT_SECTION)
        ]
    return _normalised(top), [(key, _normalised(options)) for key, options in contracts]


def convert(path: Path) -> Migration:
    """The archlint configuration equivalent to the import-linter one in `path`."""
    top, contracts = read_source(path)
    roots = top.get("root_packages") or (
        [top["root_package"]] if isinstance(top.get("root_package"), str) else [])
    if not roots:
        raise UsageError(f"{path.name}: no root_package or root_packages to migrate")
    settings: dict[str, Any] = {"root_packages": roots, "contracts": ["contracts"]}
    migration = Migration(path, settings)
    for key in ("include_external_packages", "exclude_type_checking_imports"):
        if key in top:
            settings[key] = top[key]
    for key in sorted(set(top) - {"root_package", "root_packages", "include_external_packages",
                                  "exclude_type_checking_imports"}):
        migration.not_carried.append(f"[importlinter] {key}: archlint has no such setting")
    taken: set[str] = set()
    for key, options in contracts:
        for table in _contract(key, options, migration.not_carried):
            table["id"] = _unique_id(table["id"], taken)
            migration.contracts.append(table)
    return migration


def migrate(path: Path | None = None, *, start: Path) -> tuple[Migration, list[Path]]:
    """Convert and write; returns the migration and the files written (in order)."""
    source = path if path is not None else find_source(start)
    if not source.is_file():
        raise UsageError(f"{source} does not exist")
    migration = convert(source)
    root = source.resolve().parent
    contract_files = [root / "contracts" / f"{c['id']}.toml" for c in migration.contracts]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        if "archlint" in read_toml(pyproject).get("tool", {}):
            raise ArchlintError(f"{pyproject.name} already has [tool.archlint]; nothing written")
        settings_file = pyproject
        settings_text = pyproject_with_archlint(pyproject,
                                                _toml_table(migration.settings).splitlines())
    else:
        settings_file = root / "archlint.toml"
        settings_text = _toml_table(migration.settings)
    present = [p for p in contract_files + [settings_file]
               if p.exists() and p != pyproject]
    if present:
        names = ", ".join(p.relative_to(root).as_posix() for p in present)
        raise ArchlintError(f"{names} already exist{'s' if len(present) == 1 else ''}; "
                            "nothing written")
    written: list[Path] = []
    try:
        for table, target in zip(migration.contracts, contract_files):
            write_atomic(target, "[[contracts]]\n" + _toml_table(table))
            written.append(target)
        write_atomic(settings_file, settings_text)
    except OSError as exc:  # all or nothing: a rerun must not find half a migration
        for done in written:
            done.unlink(missing_ok=True)
        raise ArchlintError(f"cannot write {exc.filename or settings_file}: "
                            f"{exc.strerror or exc}; nothing written") from None
    written.append(settings_file)
    return migration, written


# -- contracts ----------------------------------------------------------------------------

def _contract(key: str, options: dict[str, Any], notes: list[str]) -> list[dict[str, Any]]:
    kind = options.get("type")
    name = str(options.get("name") or key)
    where = f"contract '{name}'"
    if kind not in _KEYS:
        notes.append(f"{where}: type '{kind}' has no archlint equivalent; contract left out")
        return []
    for extra in sorted(set(options) - _COMMON - _KEYS[kind]):
        notes.append(f"{where}: {extra}: not an option of import-linter's {kind}; left out")
    table: dict[str, Any] = {"id": _slug(options.get("id") or key or name), "name": name}
    if options.get("broken_contract_guidance"):
        table["description"] = str(options["broken_contract_guidance"]).strip()
    alerting = str(options.get("unmatched_ignore_imports_alerting", "error")).lower()
    if alerting != "error":
        notes.append(f"{where}: unmatched_ignore_imports_alerting = {alerting}: archlint "
                     "always reports an unmatched ignore entry as an error diagnostic")
    ignore = list(options.get("ignore_imports", []))
    if options.get("as_packages") is False:
        notes.append(f"{where}: as_packages = false: archlint always treats modules as "
                     "packages (with their descendants)")
    if kind == "forbidden":
        table.update(type="forbidden", source_modules=options.get("source_modules", []),
                     forbidden_modules=options.get("forbidden_modules", []))
        if options.get("allow_indirect_imports"):
            table["allow_indirect"] = True
    elif kind == "layers":
        layers = []
        for layer in options.get("layers", []):
            parts = re.split(r"(\s*[|:]\s*)", layer)
            if any(p.startswith("(") for p in parts):
                notes.append(f"{where}: optional layer in '{layer}': archlint requires every "
                             "layer to exist (in at least one container)")
            layers.append("".join(p.strip("()") for p in parts))
        table.update(type="layers", layers=layers)
        if options.get("containers"):
            table["containers"] = options["containers"]
        if options.get("exhaustive"):
            table["exhaustive"] = True
        if options.get("exhaustive_ignores"):
            notes.append(f"{where}: exhaustive_ignores: archlint has no exceptions to "
                         "exhaustive; name those modules in a layer")
    elif kind == "independence":
        table.update(type="independence", modules=options.get("modules", []))
    elif kind == "acyclic_siblings":
        try:
            depth = int(options.get("depth", _DEFAULT_SIBLING_DEPTH))
        except (TypeError, ValueError):
            raise UsageError(f"{where}: depth must be a whole number, not "
                             f"{options.get('depth')!r}") from None
        table.update(type="acyclic", packages=options.get("ancestors", []), depth=depth + 1)
        if options.get("skip_descendants"):
            notes.append(f"{where}: skip_descendants: archlint checks every level down to "
                         "depth")
    else:  # protected: one canonical contract per protected module
        protected = options.get("protected_modules", [])
        tables = []
        for number, module in enumerate(protected, 1):
            one = dict(table, type="canonical", package=module, canonical=[],
                       allow=options.get("allowed_importers", []))
            if len(protected) > 1:
                one.update(id=f"{table['id']}-{number}", name=f"{name} ({module})")
            tables.append(_with_ignore(one, ignore))
        return tables
    return [_with_ignore(table, ignore)]


def _with_ignore(table: dict[str, Any], ignore: list[str]) -> dict[str, Any]:
    if ignore:
        table["ignore"] = ignore
    return table


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug or "contract"


def _unique_id(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    taken.add(candidate)
    return candidate


# -- reading and writing ------------------------------------------------------------------

def _has_importlinter(path: Path) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".toml":
        return re.search(r"^\s*\[\[?tool\.importlinter[\].]", text, re.M) is not None
    return re.search(r"^\s*\[importlinter\]", text, re.M) is not None


def _ini_value(key: str, raw: str) -> Any:
    """A list option is the list of its non-empty lines; any other value stays text (a
    guidance message over several lines keeps its lines)."""
    lines = [line.strip() for line in raw.strip().splitlines() if line.strip()]
    return lines if key in _LIST_KEYS else "\n".join(lines)


def _normalised(options: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key, value in options.items():
        if key in _LIST_KEYS and isinstance(value, str):
            value = [value] if value else []
        elif key in _BOOL_KEYS and isinstance(value, str):
            value = value.strip().lower() in ("true", "1", "yes", "on")
        result[key] = value
    return result


def _toml_table(table: dict[str, Any]) -> str:
    return "".join(f"{key} = {_toml_value(value)}\n" for key, value in table.items())


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
