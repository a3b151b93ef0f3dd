"""`archlint migrate`: turn an import-linter configuration into archlint's, with its meaning.

Reads the configuration lint-imports itself would read (`setup.cfg`, then `.importlinter`,
with an `[importlinter]` section; then `pyproject.toml` with `[tool.importlinter]`) or a
given file, and writes `[tool.archlint]` (appended to `pyproject.toml`, or `archlint.toml`
when the project has none) plus one `contracts/<id>.toml` per contract. Each built-in type of
import-linter 2.17 maps onto an archlint type that gives the same verdict on the same
violating imports:

- forbidden -> forbidden (`allow_indirect_imports` -> `allow_indirect`; `as_packages`)
- layers -> layers (`|`, `:` and optional `(name)` layers, `containers`, `exhaustive`,
  `exhaustive_ignores` as they are)
- independence -> independence
- protected -> one canonical contract per protected module, with `canonical = []` and the
  allowed importers as `allow`: only they may import the module from outside
  (`as_packages = false`: `package = "<module>.__init__"`, the module without descendants)
- private_modules -> internal with `private_names = false` (`packages_with_private_modules`,
  or else the root packages, as `packages`)
- acyclic_siblings -> acyclic (`ancestors` -> `packages`, `skip_descendants`; import-linter's
  `depth` counts the levels below the first, so archlint's is one more)

Module expressions are rewritten where the wildcards differ: import-linter's `**` stands for
one or more segments, archlint's for any number, zero included, so `a.**` becomes `a.*.**`.
`ignore_imports` becomes `ignore` (both name exact modules), `broken_contract_guidance` the
`description`, names are kept, and ids come from the contract keys (or names, where the keys
are numbers). Each root package is looked for where lint-imports finds it, run in the
configuration's folder (that folder, PYTHONPATH, the installed packages); a folder of the
project other than its root and `src/` becomes `source_roots`. What keeps a different meaning
is listed per contract, never silently dropped. Nothing is overwritten: if a file to write
exists (or pyproject.toml already has [tool.archlint]), nothing is written at all.
"""

from __future__ import annotations

import configparser
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ArchlintError, UsageError
from .files import write_atomic
from .model import DIAGNOSTIC_KINDS
from .settings import pyproject_with_archlint, read_toml, toml_string, tool_table
from .tables import toml_type

# Where lint-imports looks, in its order: its INI reader (setup.cfg, then .importlinter), then
# its TOML reader.
SOURCES = ("setup.cfg", ".importlinter", "pyproject.toml")
_CONTRACT_SECTION = "importlinter:"
_LIST_KEYS = {
    "root_packages", "source_modules", "forbidden_modules", "ignore_imports", "layers",
    "containers", "modules", "protected_modules", "allowed_importers", "ancestors",
    "skip_descendants", "exhaustive_ignores", "packages_with_private_modules",
    "contract_types",
}
_BOOL_KEYS = {"include_external_packages", "exclude_type_checking_imports",
              "allow_indirect_imports", "as_packages", "exhaustive"}
_COMMON = {"id", "name", "type", "ignore_imports", "unmatched_ignore_imports_alerting",
           "broken_contract_guidance"}
_TEXT_KEYS = {"root_package", "id", "name", "type", "broken_contract_guidance",
              "unmatched_ignore_imports_alerting"}
_SETTINGS = ("include_external_packages", "exclude_type_checking_imports")
_DEFAULT_SIBLING_DEPTH = 10  # import-linter's default for acyclic_siblings
_DEFAULT_SOURCE_ROOTS = (".", "src")  # where archlint looks without `source_roots`
_ID_LENGTH = 48  # ids derived from long contract names are cut at a word near this


@dataclass
class Migration:
    """What will be written: the settings, the contracts (each a table, in order), and what
    keeps a different meaning in archlint, one line each."""

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
                     "[importlinter] in setup.cfg and .importlinter, "
                     "[tool.importlinter] in pyproject.toml); name the file: archlint migrate PATH")


def read_source(path: Path) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """The top-level options and the (key, options) of every contract, values normalised:
    lists are lists, booleans booleans. A contract's key is its INI section's last part, or
    its TOML `id` ("" when it has none)."""
    if path.suffix == ".toml":
        data = tool_table(read_toml(path, path.name), "importlinter", path.name)
        if not isinstance(data, dict):
            raise UsageError(f"{path.name} has no [tool.importlinter] table")
        top = {k: v for k, v in data.items() if k != "contracts"}
        contracts = data.get("contracts", [])
        if not isinstance(contracts, list) or not all(isinstance(c, dict) for c in contracts):
            raise UsageError(f"{path.name}: [tool.importlinter] contracts must be tables "
                             "([[tool.importlinter.contracts]])")
        contracts = [(c.get("id", ""), c) for c in contracts]
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
            (section.split(":")[-1],
             {k: _ini_value(k, v) for k, v in parser.items(section)})
            for section in parser.sections() if section.startswith(_CONTRACT_SECTION)
        ]
    return (_normalised(top, "[importlinter]"),
            [(key, _normalised(options, _named(key, options, number)))
             for number, (key, options) in enumerate(contracts, 1)])


def convert(path: Path) -> Migration:
    """The archlint configuration equivalent to the import-linter one in `path`."""
    top, contracts = read_source(path)
    roots = top.get("root_packages") or (
        [top["root_package"]] if isinstance(top.get("root_package"), str) else [])
    if not roots:
        raise UsageError(f"{path.name}: no root_package or root_packages to migrate")
    for root in roots:  # looked up as folders below: a name must be one Python can import
        if not all(part.isidentifier() for part in root.split(".")):
            raise UsageError(f"[importlinter]: root package {root!r} is not a package name")
    settings: dict[str, Any] = {"root_packages": roots}
    migration = Migration(path, settings)
    source_roots = _source_roots(_folder_of(path), roots, migration.not_carried)
    if source_roots:
        settings["source_roots"] = source_roots
    settings["contracts"] = ["contracts"]
    for key in _SETTINGS:
        if key in top:
            settings[key] = top[key]
    for key in sorted(set(top) - {"root_package", "root_packages", *_SETTINGS}):
        why = ("custom contract types are Python classes archlint does not run"
               if key == "contract_types" else "archlint has no such setting")
        migration.not_carried.append(f"[importlinter] {key}: {why}")
    taken = set(DIAGNOSTIC_KINDS)
    for key, options in contracts:
        for table in _contract(key, options, roots, migration.not_carried):
            table["id"] = _unique_id(table["id"], taken)
            migration.contracts.append(table)
    return migration


def _folder_of(source: Path) -> Path:
    """The project's folder: the one the configuration file is in, a symbolic link too."""
    return Path(os.path.abspath(source)).parent


def migrate(path: Path | None = None, *, start: Path) -> tuple[Migration, list[Path]]:
    """Convert and write; returns the migration and the files written (in order)."""
    source = path if path is not None else find_source(start)
    if not source.is_file():
        raise UsageError(f"{source} does not exist")
    migration = convert(source)
    root = _folder_of(source)
    contract_files = [root / "contracts" / f"{c['id']}.toml" for c in migration.contracts]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        if tool_table(read_toml(pyproject), "archlint", pyproject.name) is not None:
            raise ArchlintError(f"{pyproject.name} already has [tool.archlint]; nothing written")
        settings_file = pyproject
        settings_text = pyproject_with_archlint(pyproject,
                                                _toml_table(migration.settings).splitlines())
    else:
        settings_file = root / "archlint.toml"
        settings_text = _toml_table(migration.settings)
    present = [p for p in [*contract_files, settings_file]
               if p.exists() and p != pyproject]
    if present:
        names = ", ".join(p.relative_to(root).as_posix() for p in present)
        raise ArchlintError(f"{names} already exist{'s' if len(present) == 1 else ''}; "
                            "nothing written")
    written: list[Path] = []
    try:
        for table, target in zip(migration.contracts, contract_files, strict=True):
            write_atomic(target, "[[contracts]]\n" + _toml_table(table), root=root)
            written.append(target)
        write_atomic(settings_file, settings_text, root=root)
    except OSError as exc:  # all or nothing: a rerun must not find half a migration
        for done in written:
            done.unlink(missing_ok=True)
        raise ArchlintError(f"cannot write {exc.filename or settings_file}: "
                            f"{exc.strerror or exc}; nothing written") from None
    written.append(settings_file)
    return migration, written


# -- contracts ----------------------------------------------------------------------------

def _contract(key: str, options: dict[str, Any], roots: list[str],
              notes: list[str]) -> list[dict[str, Any]]:
    """The archlint contracts (one, or one per protected module) of an import-linter
    contract; none, with a note, for a type archlint has no equivalent of."""
    kind = options.get("type")
    name = str(options.get("name") or key)
    where = f"contract '{name}'"
    if kind not in _TYPES:
        notes.append(f"{where}: type '{kind}' has no archlint equivalent; contract left out")
        return []
    for extra in sorted(set(options) - _COMMON - _TYPES[kind].keys):
        notes.append(f"{where}: {extra}: not an option of import-linter's {kind}; left out")
    common: dict[str, Any] = {"id": _id_for(key, name), "name": name}
    if options.get("broken_contract_guidance"):
        common["description"] = str(options["broken_contract_guidance"]).strip()
    _note_alerting(options, where, notes)
    ignore = [_ignore_entry(entry) for entry in options.get("ignore_imports", [])]
    return _TYPES[kind].convert(_Conversion(options, common, name, where, roots, notes, ignore))


def _note_alerting(options: dict[str, Any], where: str, notes: list[str]) -> None:
    """archlint always fails on an ignore entry that matches nothing; say so where
    import-linter was told to be quieter."""
    alerting = str(options.get("unmatched_ignore_imports_alerting", "error")).lower()
    if alerting != "error" and options.get("ignore_imports"):
        lint_imports = "only warns" if alerting == "warn" else "says nothing"
        notes.append(f"{where}: unmatched_ignore_imports_alerting = {alerting}: an ignore entry "
                     "that matches no import fails archlint's run (an unmatched-ignore "
                     "diagnostic, or a configuration error when a side names no module); "
                     f"lint-imports {lint_imports}")


@dataclass(frozen=True)
class _Conversion:
    """One import-linter contract being converted: its options, the keys every archlint
    contract made of it starts with (id, name, description), its `ignore` entries, and the
    notes to add what keeps a different meaning to."""

    options: dict[str, Any]
    common: dict[str, Any]
    name: str
    where: str  # how notes name the contract
    roots: list[str]
    notes: list[str]
    ignore: list[str]

    @property
    def as_packages(self) -> bool:
        return bool(self.options.get("as_packages", True))

    def expressions(self, option: str) -> list[str]:
        """An option's module expressions in archlint's notation."""
        return [_expression(text) for text in self.options.get(option, [])]

    def table(self, **keys: Any) -> dict[str, Any]:
        """A contract table: the common keys, then the type's own."""
        return dict(self.common, **keys)

    def finished(self, table: dict[str, Any]) -> list[dict[str, Any]]:
        """The contract with its `ignore` entries, last, as the only contract made."""
        return [_with_ignore(table, self.ignore)]


def _forbidden(c: _Conversion) -> list[dict[str, Any]]:
    table = c.table(type="forbidden", source_modules=c.expressions("source_modules"),
                    forbidden_modules=c.expressions("forbidden_modules"))
    if c.options.get("allow_indirect_imports"):
        table["allow_indirect"] = True
    if not c.as_packages:
        table["as_packages"] = False
    return c.finished(table)


def _layers(c: _Conversion) -> list[dict[str, Any]]:
    table = c.table(type="layers", layers=list(c.options.get("layers", [])))
    if c.options.get("containers"):
        table["containers"] = c.expressions("containers")
    if c.options.get("exhaustive"):
        table["exhaustive"] = True
        if c.options.get("exhaustive_ignores"):
            table["exhaustive_ignores"] = list(c.options["exhaustive_ignores"])
    return c.finished(table)


def _independence(c: _Conversion) -> list[dict[str, Any]]:
    return c.finished(c.table(type="independence", modules=c.expressions("modules")))


def _private_modules(c: _Conversion) -> list[dict[str, Any]]:
    packages = c.expressions("packages_with_private_modules") or list(c.roots)
    return c.finished(c.table(type="internal", packages=packages, private_names=False))


def _acyclic_siblings(c: _Conversion) -> list[dict[str, Any]]:
    depth = c.options.get("depth", _DEFAULT_SIBLING_DEPTH)
    table = c.table(type="acyclic", packages=c.expressions("ancestors"), depth=depth + 1)
    if c.options.get("skip_descendants"):
        table["skip_descendants"] = c.expressions("skip_descendants")
    return c.finished(table)


def _protected(c: _Conversion) -> list[dict[str, Any]]:
    """One canonical contract per protected module."""
    protected = c.expressions("protected_modules")
    allowed = c.expressions("allowed_importers")
    if not c.as_packages and allowed:
        c.notes.append(f"{c.where}: as_packages = false: the allowed importers' descendants "
                       "may import the protected modules too (import-linter allows the "
                       "listed modules alone)")
    tables = []
    for number, module in enumerate(protected, 1):
        package = module if c.as_packages else f"{module}.__init__"
        one = c.table(type="canonical", package=package, canonical=[], allow=allowed)
        if len(protected) > 1:
            one.update(id=f"{c.common['id']}-{number}", name=f"{c.name} ({module})")
        tables.append(_with_ignore(one, c.ignore))
    return tables


@dataclass(frozen=True)
class _ContractType:
    """An import-linter contract type: its own options, and how it becomes archlint's."""

    keys: frozenset[str]
    convert: Callable[[_Conversion], list[dict[str, Any]]]


_TYPES = {
    "forbidden": _ContractType(frozenset({"source_modules", "forbidden_modules",
                                          "allow_indirect_imports", "as_packages"}), _forbidden),
    "layers": _ContractType(frozenset({"layers", "containers", "exhaustive",
                                       "exhaustive_ignores"}), _layers),
    "independence": _ContractType(frozenset({"modules"}), _independence),
    "protected": _ContractType(frozenset({"protected_modules", "allowed_importers",
                                          "as_packages"}), _protected),
    "private_modules": _ContractType(frozenset({"packages_with_private_modules"}),
                                     _private_modules),
    "acyclic_siblings": _ContractType(frozenset({"ancestors", "depth", "skip_descendants"}),
                                      _acyclic_siblings),
}


def _expression(text: str) -> str:
    """An import-linter module expression in archlint's notation: its `**` is one or more
    segments, archlint's any number, so `**` becomes `*.**`."""
    return ".".join("*.**" if part == "**" else part for part in str(text).strip().split("."))


def _ignore_entry(entry: str) -> str:
    importer, _, imported = str(entry).partition("->")
    return f"{_expression(importer)} -> {_expression(imported)}"


def _with_ignore(table: dict[str, Any], ignore: list[str]) -> dict[str, Any]:
    if ignore:
        table["ignore"] = ignore
    return table


def _id_for(key: str, name: str) -> str:
    """The contract's key, unless it is a bare number (`[importlinter:contract:1]`), then its
    name; reduced to [a-z0-9-], long names cut at a word."""
    wanted = key if key.strip() and not key.strip().isdigit() else name
    slug = re.sub(r"[^a-z0-9]+", "-", str(wanted).lower()).strip("-")
    if len(slug) > _ID_LENGTH:
        slug = slug[:_ID_LENGTH].rsplit("-", 1)[0]
    return slug or "contract"


def _unique_id(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    taken.add(candidate)
    return candidate


# -- where the packages are ---------------------------------------------------------------

def _source_roots(root: Path, packages: list[str], notes: list[str]) -> list[str] | None:
    """The folders of the project that hold the root packages, in order, when archlint's
    default (the project root, then `src/`) would not find them there; else None."""
    found_in: dict[str, str] = {}
    for package in packages:
        found = _where_lint_imports_finds(root, package) or _in_a_project_folder(root, package)
        if found is None:
            notes.append(f"[importlinter] root package '{package}': no folder found, neither "
                         "where lint-imports looks when run here (this folder, PYTHONPATH, the "
                         "installed packages) nor in a folder of the project; set "
                         "source_roots by hand")
            continue
        try:
            folder = found.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            notes.append(f"[importlinter] root package '{package}': lint-imports reads it in "
                         f"{found}, outside the project; archlint reads the project's folders "
                         "only")
            continue
        found_in[package] = folder
    if all(_first_holding(root, _DEFAULT_SOURCE_ROOTS, package) == folder
           for package, folder in found_in.items()):
        return None
    return list(dict.fromkeys(found_in.values()))


def _where_lint_imports_finds(root: Path, package: str) -> Path | None:
    """The folder holding the top-level package of `package`, as Python finds it for
    lint-imports run in `root`: first `root` (lint-imports puts the working folder first),
    then the PYTHONPATH entries, then the installed packages. Nothing is imported."""
    top = package.split(".")[0]
    relative = Path(*package.split("."))
    bases = [root] + [root / entry for entry in
                      os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    for base in bases:
        if (base / top / "__init__.py").is_file() and (base / relative).is_dir():
            return base
    for location in _installed_locations(top):
        base = Path(location).parent
        if (base / relative).is_dir():
            return base
    return None


def _installed_locations(top: str) -> list[str]:
    """The folders of the top-level package `top` as the import system finds it on sys.path
    and through the finders of editable installs: importlib.util.find_spec without its
    answer from sys.modules (archlint's own imports say nothing of the project). Finding a
    top-level name runs no code of the package."""
    for finder in sys.meta_path:
        try:
            spec = finder.find_spec(top, None)
        except (ImportError, ValueError, AttributeError, TypeError):
            continue
        if spec is not None:
            return list(spec.submodule_search_locations or [])
    return []


def _in_a_project_folder(root: Path, package: str) -> Path | None:
    """The first folder of the project, one level down, that holds the package."""
    relative = Path(*package.split("."))
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for base in [root, *folders]:
        if (base / relative).is_dir():
            return base
    return None


def _first_holding(root: Path, folders: tuple[str, ...], package: str) -> str | None:
    """The first of `folders` in which archlint would find the package."""
    relative = Path(*package.split("."))
    return next((f for f in folders if (root / f / relative).is_dir()), None)


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


def _named(key: Any, options: dict[str, Any], number: int) -> str:
    """How messages name a contract: by its name, else its key, else its position."""
    label = next((text for text in (options.get("name"), key) if isinstance(text, str) and text),
                 None)
    return f"contract '{label}'" if label else f"contract {number}"


def _normalised(options: dict[str, Any], where: str) -> dict[str, Any]:
    """Lists as lists (a single value is a list of one, as import-linter reads it), booleans
    as booleans (`true` or `false` in any case, as import-linter reads them), depth as a
    number; a value of another type (TOML allows any) is a UsageError naming it."""
    result = {}
    for key, value in options.items():
        if key in _LIST_KEYS:
            value = _as_list(key, value, where)
        elif key in _BOOL_KEYS:
            value = _as_bool(key, value, where)
        elif key == "depth":
            value = _as_depth(value, where)
        elif key in _TEXT_KEYS and not isinstance(value, str):
            raise UsageError(f"{where}: {key} must be a string, got {toml_type(value)}")
        result[key] = value
    return result


def _as_list(key: str, value: Any, where: str) -> list[str]:
    """A list of strings; one string (an INI value on one line) is a list of one."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {key} must be a list of strings, got {toml_type(value)}")
    return value


def _as_bool(key: str, value: Any, where: str) -> bool:
    """A boolean, or (from INI) `true` or `false` in any case."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise UsageError(f"{where}: {key} must be true or false, got {toml_type(value)}")
    text = value.strip().lower()
    if text not in ("true", "false"):
        raise UsageError(f"{where}: {key} must be true or false, not {value!r}")
    return text == "true"


def _as_depth(value: Any, where: str) -> int:
    """A whole number of 0 or more, or (from INI) its digits."""
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise UsageError(f"{where}: depth must be a whole number, not {value!r}")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{where}: depth must be a whole number of 0 or more, got "
                         f"{toml_type(value)}")
    return value


def _toml_table(table: dict[str, Any]) -> str:
    return "".join(f"{key} = {_toml_value(value)}\n" for key, value in table.items())


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return toml_string(str(value))
