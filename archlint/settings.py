"""Find and read `[tool.archlint]` in `pyproject.toml`, or the same keys in `archlint.toml`."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem, UsageError
from .model import is_module_name
from .tables import read_table, toml_type

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILES = ("archlint.toml", "pyproject.toml")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Project-wide options; paths in it are relative to `root`, the config file's folder."""

    root_packages: tuple[str, ...]
    source_roots: tuple[str, ...] = (".", "src")
    contracts: tuple[str, ...] = ("contracts",)
    exclude: tuple[str, ...] = ()
    exclude_type_checking_imports: bool = False
    include_external_packages: bool = False
    cache_dir: str = ".archlint_cache"
    unresolved_imports: str = "error"
    baseline: str = "contracts/baseline.json"
    graphs: str = "graphs"
    root: Path = field(default=Path("."), metadata={"config": False})
    config_file: Path = field(default=Path("pyproject.toml"), metadata={"config": False})

    def relative(self, path: Path) -> str:
        """A path as reports show it: relative to the project root, forward slashes."""
        for candidate, root in ((Path(os.path.abspath(path)), self.root),
                                (path.resolve(), self.root.resolve())):
            try:
                return candidate.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it, as the
    user wrote it (a symbolic link is named, not where it leads)."""
    cwd = Path.cwd()
    for candidate, base in ((Path(os.path.abspath(path)), cwd), (path.resolve(), cwd.resolve())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def read_toml(path: Path, name: str | None = None) -> dict[str, Any]:
    """Parse a TOML file; a syntax error becomes a ConfigError naming file, line and column."""
    name = name or display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Problem(f"cannot read: {exc.strerror}", file=name)]) from None
    except UnicodeDecodeError:
        raise ConfigError([Problem("not valid UTF-8 text", file=name)]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([Problem(f"invalid TOML: {exc}", file=name)]) from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise ConfigError([Problem("invalid TOML: values are nested too deeply to read",
                                   file=name)]) from None


def tool_table(data: dict[str, Any], tool: str, name: str) -> dict[str, Any] | None:
    """`[tool.<tool>]` of a parsed pyproject.toml (file `name`), None when there is none; a
    ConfigError when `tool` or that table is some other kind of value."""
    tables = data.get("tool", {})
    if not isinstance(tables, dict):
        raise ConfigError([Problem(f"expected a table ([tool.{tool}]), got {toml_type(tables)}",
                                   file=name, key="tool")])
    table = tables.get(tool)
    if table is not None and not isinstance(table, dict):
        raise ConfigError([Problem(f"expected a table ([tool.{tool}]), got {toml_type(table)}",
                                   file=name, key=f"tool.{tool}")])
    return table


_TOML_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f]')
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                 "\r": "\\r"}


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, the one way archlint writes one: quotes, backslashes
    and every control character escaped (TOML allows none of them raw, DEL included)."""
    return '"' + _TOML_ESCAPED.sub(
        lambda m: _TOML_ESCAPES.get(m.group()) or f"\\u{ord(m.group()):04x}", text) + '"'


def find_config(start: Path) -> Path | None:
    """The nearest `archlint.toml`, or `pyproject.toml` with `[tool.archlint]`, from `start` up."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "archlint.toml":
                return candidate
            if tool_table(read_toml(candidate), "archlint", display_path(candidate)) is not None:
                return candidate
    return None


def load_settings(config: Path | None = None, start: Path | None = None) -> Settings:
    """Read the settings from `config`, or from the file found upwards from `start`."""
    config = _config_file(config, start)
    file = display_path(config)
    kwargs, problems = read_table(Settings, _settings_table(config), where=Problem("", file=file))
    problems += _value_problems(kwargs, file)
    if problems:
        raise ConfigError(problems)
    if "source_roots" in kwargs:
        kwargs["source_roots"] = tuple(_normal_folder(e) for e in kwargs["source_roots"])
    return Settings(**kwargs, root=config.parent, config_file=config)


def _config_file(config: Path | None, start: Path | None) -> Path:
    """The configuration file given, or found upwards from `start`, as an absolute path:
    the project is where it is, a symbolic link to a shared one too."""
    if config is None:
        config = find_config((start or Path.cwd()).resolve())
        if config is None:
            raise ConfigError([Problem(
                "no configuration found (searched for archlint.toml, and pyproject.toml with "
                f"[tool.archlint], from {(start or Path.cwd()).resolve()} upwards): run "
                "`archlint init` in the project root to set archlint up, or pass --config FILE"
            )])
    elif not config.is_file():
        raise ConfigError([Problem("configuration file not found", file=display_path(config))])
    return Path(os.path.abspath(config))


def _settings_table(config: Path) -> dict[str, Any]:
    """archlint.toml's top level, or pyproject.toml's [tool.archlint]."""
    data = read_toml(config)
    table: dict[str, Any] | None = data
    if config.name != "archlint.toml":
        table = tool_table(data, "archlint", display_path(config))
    if table is None:
        raise ConfigError([Problem("no [tool.archlint] table", file=display_path(config))])
    return table


def _value_problems(kwargs: dict[str, Any], file: str) -> list[Problem]:
    """What the types of the settings do not say: package names, the choices of
    `unresolved_imports`, paths that stay inside the project, lists that may not be empty."""
    problems = []
    for package in kwargs.get("root_packages", ()):
        if not is_module_name(package):
            problems.append(Problem(f"'{package}' is not a package name", file=file,
                                    key="root_packages"))
    if kwargs.get("unresolved_imports", "error") not in ("error", "warning", "off"):
        problems.append(Problem(
            f"must be 'error', 'warning' or 'off', got '{kwargs['unresolved_imports']}'",
            file=file, key="unresolved_imports"))
    for key, what in _INSIDE_THE_PROJECT.items():
        if key in kwargs and not is_inside_project(kwargs[key], root_allowed=key == "graphs"):
            problems.append(Problem(f"'{kwargs[key]}' must be {what}, written relative to "
                                    "it with forward slashes", file=file, key=key))
    for entry in kwargs.get("source_roots", ()):
        if not is_inside_project(entry):
            problems.append(Problem(
                f"'{entry}' must be a folder inside the project root, written relative to it "
                "with forward slashes ('.' for the root itself)", file=file, key="source_roots"))
    if "source_roots" in kwargs and not kwargs["source_roots"]:
        problems.append(Problem("must name at least one folder", file=file, key="source_roots"))
    if "root_packages" in kwargs and not kwargs["root_packages"]:
        problems.append(Problem("must name at least one package", file=file,
                                key="root_packages"))
    return problems


# Paths archlint writes to: never outside the project (a cache folder's `.gitignore` of `*` in a
# parent folder hides every new file of a repository), and the cache never in the root itself.
_INSIDE_THE_PROJECT = {"cache_dir": "a folder inside the project root (not the root itself)",
                       "baseline": "a file inside the project root",
                       "graphs": "a folder inside the project root"}


def is_inside_project(entry: str, *, root_allowed: bool = True) -> bool:
    """A relative path that stays inside the project root: no absolute path, no `..` (and,
    unless `root_allowed`, not the root itself)."""
    if not entry or entry.startswith("/") or "\\" in entry:
        return False
    normal = _normal_folder(entry)
    parts = normal.split("/")
    return ".." not in parts and ":" not in parts[0] and (root_allowed or normal != ".")


def _normal_folder(entry: str) -> str:
    """`./lib/` and `lib` are one folder; `.` and `./` the project root."""
    parts = [part for part in entry.split("/") if part not in ("", ".")]
    return "/".join(parts) or "."


def pyproject_with_archlint(pyproject: Path, lines: list[str]) -> str:
    """pyproject.toml's text with `[tool.archlint]` and `lines` appended, every existing byte
    kept (its line endings too); a UsageError when the file would not take the table."""
    existing = pyproject.read_bytes().decode("utf-8")
    newline = "\r\n" if "\r\n" in existing else "\n"
    separator = "" if not existing or existing.endswith("\n") else newline
    text = existing + separator + newline.join(["", "[tool.archlint]", *lines, ""])
    try:
        table = tool_table(tomllib.loads(text), "archlint", pyproject.name)
    except tomllib.TOMLDecodeError as exc:
        table, reason = None, str(exc)
    except (ConfigError, RecursionError):
        table, reason = None, "its 'tool' key is not a table, or its values nest too deeply"
    else:
        reason = "its tables do not allow one more"
    if table is None:
        raise UsageError(f"cannot add [tool.archlint] to pyproject.toml ({reason}): create "
                         "archlint.toml with the same keys instead (see docs/configuration.md)")
    return text
