"""The plain data every stage after the checks consumes: violations, diagnostics, the report.

Reporters and renderers read only these classes, never the import graph, so a new output
format never has to know how a fact was found.

The findings (a family of classes), the diagnostics and the report are frozen dataclasses.
The records that are values and nothing more (a hop, a definition, a replacement, a group)
are NamedTuples: as immutable, and ordered and hashed by their fields, but defined in a
tenth of the time (every command loads this module, a cached check in about 0.1 s) and made
in a third of the time (a chain search makes many hops).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

ERROR = "error"
WARNING = "warning"


class DiagnosticKind(NamedTuple):
    """What a Diagnostic can be: its name (no contract may take it as its id: SARIF rules
    share ids), what it means, how summaries count it, and whether a baseline may record it
    (errors that are facts about the code may be; a mistake in the contracts is fixed
    instead, and a warning fails nothing)."""

    name: str
    description: str
    noun: str
    nouns: str
    baselined: bool
    severity: str = ERROR  # unresolved imports take theirs from the settings


DIAGNOSTIC_KINDS = {kind.name: kind for kind in (
    DiagnosticKind("syntax-error", "A file under a root package does not parse or cannot be "
                   "decoded; its imports are not checked.", "file did not parse",
                   "files did not parse", True),
    DiagnosticKind("unreadable-file", "A file or folder under a root package cannot be read "
                   "(permissions, not a regular file, a link leaving the project); its imports "
                   "are not checked.", "unreadable file", "unreadable files", True),
    DiagnosticKind("shadowed-file", "A module file beside a package of the same name: "
                   "Python imports the package, never this file, so it is not checked.",
                   "shadowed file", "shadowed files", False, WARNING),
    DiagnosticKind("unresolved-import", "An import of a module under a root package that "
                   "does not exist.", "unresolved import", "unresolved imports", True),
    DiagnosticKind("optional-import", "An import of a module under a root package that does "
                   "not exist, in a try block that handles ImportError.", "optional import",
                   "optional imports", False, WARNING),
    DiagnosticKind("unsupported-syntax", "A statement the running Python cannot parse; the "
                   "names it defines are read from its first line only.",
                   "statement the running Python cannot parse",
                   "statements the running Python cannot parse", False, WARNING),
    DiagnosticKind("unmatched-ignore", "A contract's ignore entry matches no import; remove "
                   "it.", "unmatched ignore entry", "unmatched ignore entries", False),
    DiagnosticKind("unmatched-suppression", "An `# archlint: ignore[...]` comment on an import "
                   "statement suppresses no violation, or names no contract; remove it.",
                   "unmatched suppression", "unmatched suppressions", False),
    DiagnosticKind("unknown-baseline-contract", "The baseline records entries of a contract "
                   "id that no contract has: the contract was deleted, or renamed (then the "
                   "entries count for the renamed one). A warning; an error with "
                   "--strict-baseline.", "unknown contract in the baseline",
                   "unknown contracts in the baseline", False),
    DiagnosticKind("duplicate-baseline-entry", "The baseline holds an entry more than once, as "
                   "a merge of two branches leaves it; it counts once, with its largest count. "
                   "A warning; an error with --strict-baseline.", "duplicate baseline entry",
                   "duplicate baseline entries", False),
)}


class Hop(NamedTuple):
    """One import statement in a chain: `importer` imports `imported` at `path:line`; the
    flags say when it runs: only when a function is called, or never (`if TYPE_CHECKING:`)."""

    importer: str
    imported: str
    path: str
    line: int
    line_contents: str
    in_function: bool = False
    type_checking_only: bool = False


class CycleDependency(NamedTuple):
    """Two children of `package` in an import cycle: `importer` imports `imported` (`hop` is
    the statement that explains it) and `imported` leads back to `importer`. What a baseline
    records of an acyclic contract: removing an import never adds one."""

    package: str
    importer: str
    imported: str
    hop: Hop


class Definition(NamedTuple):
    """One top-level definition of a name: `kind` is class, function or assignment."""

    module: str
    name: str
    kind: str
    path: str
    line: int
    line_contents: str


class Replacement(NamedTuple):
    """The import statement that keeps a contract: `from module import name [as alias]`."""

    module: str
    name: str
    alias: str | None = None

    @property
    def statement(self) -> str:
        alias = f" as {self.alias}" if self.alias else ""
        return f"from {self.module} import {self.name}{alias}"


@dataclass(frozen=True, kw_only=True)
class Violation:
    """What every finding of a contract has: where to look (`path`, `line` and its source),
    what is wrong, and whether the baseline already knows it. Each kind of finding is a
    subclass with the fields it has of its own."""

    contract_id: str
    path: str
    line: int
    line_contents: str
    message: str
    baselined: bool = False

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """Who breaks which contract with what, without line numbers, so moving code does
        not make a violation new (the baseline counts these; the fingerprint hashes them):
        contract id, two modules, and a name or ""."""
        raise NotImplementedError

    @property
    def occurrences(self) -> int:
        """How many offences the violation stands for, as the baseline counts them."""
        return 1

    @property
    def fingerprint(self) -> str:
        return _digest("\x1f".join(self.identity))

    def sort_key(self) -> tuple[str, int, tuple[str, ...], tuple[Hop, ...]]:
        return (self.path, self.line, self.identity[1:], ())


@dataclass(frozen=True, kw_only=True)
class ImportViolation(Violation):
    """`importer` imports `imported` where a contract forbids it: directly (`chain` holds the
    one import statement) or through a chain (`chain` holds every hop, the first at `path`).
    `symbol` is the imported name a symbol-level contract is about; `replacement` the import
    that keeps the contract, where there is one."""

    importer: str
    imported: str
    chain: tuple[Hop, ...]
    symbol: str | None = None
    replacement: Replacement | None = None

    @property
    def is_indirect(self) -> bool:
        return len(self.chain) > 1

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.contract_id, self.importer, self.imported, self.symbol or "")

    def sort_key(self) -> tuple[str, int, tuple[str, ...], tuple[Hop, ...]]:
        return (self.path, self.line, self.identity[1:], self.chain)


@dataclass(frozen=True, kw_only=True)
class CycleImport(ImportViolation):
    """An import that closes an import cycle between `children`, two children of a package
    (`acyclic`). The baseline knows it by that pair, not by the import a heuristic nominates
    to break the cycle today."""

    children: tuple[str, str]


@dataclass(frozen=True, kw_only=True)
class DuplicateDefinition(Violation):
    """`symbol` defined at the top level of several modules (`unique`): every definition in
    `definitions`, the original first; the violation is reported at the first copy."""

    symbol: str
    definitions: tuple[Definition, ...]

    @property
    def original(self) -> str:
        return self.definitions[0].module

    @property
    def copy(self) -> str:
        """The module of the copy the violation is reported at."""
        return next(d.module for d in self.definitions
                    if (d.path, d.line) == (self.path, self.line))

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.contract_id, self.copy, self.original, self.symbol)

    @property
    def occurrences(self) -> int:
        """Every copy beside the original, so that a new copy of a known duplicate is new."""
        return max(1, len({d.module for d in self.definitions}) - 1)


@dataclass(frozen=True, kw_only=True)
class UnlistedModule(Violation):
    """A child of a container that no layer lists, under `exhaustive = true` (`layers`)."""

    module: str
    container: str

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.contract_id, self.module, self.container, "")


@dataclass(frozen=True)
class Diagnostic:
    """A fact about the project that is not a contract's verdict: a file that does not parse,
    an import of a module that does not exist, an `ignore` entry that matches nothing."""

    kind: str
    path: str
    line: int
    message: str
    severity: str = ERROR
    baselined: bool = False

    @property
    def identity(self) -> tuple[str, str, str]:
        """Kind, path and the message with any line number taken out, so code moving within
        the file does not make a known diagnostic new."""
        return (self.kind, self.path, self.message_without_line)

    @property
    def fingerprint(self) -> str:
        return _digest("\x1f".join(self.identity))

    @property
    def message_without_line(self) -> str:
        return _LINE_NUMBER.sub("line", self.message)

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.kind, self.message)


_LINE_NUMBER = re.compile(r"\bline \d+")


def _digest(key: str) -> str:
    import hashlib  # loads with the first fingerprint (baselines), not with every report

    return hashlib.sha256(key.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class GoneViolation:
    """`count` occurrences of a violation the baseline records that no longer occur."""

    contract_id: str
    importer: str
    imported: str
    symbol: str | None
    count: int


@dataclass(frozen=True)
class GoneCycle:
    """An import between two children of a package (`importer`, `imported`) the baseline
    records as closing a cycle, which it no longer does."""

    contract_id: str
    importer: str
    imported: str
    count: int = 1


@dataclass(frozen=True)
class GoneDiagnostic:
    """`count` occurrences of a diagnostic the baseline records that no longer occur."""

    kind: str
    path: str
    message: str
    count: int


GoneEntry = GoneViolation | GoneCycle | GoneDiagnostic


class Group(NamedTuple):
    """Modules a contract names, as its picture draws them: a layer, the source or forbidden
    modules, the canonical modules. `role` says which; `modules` are the named modules
    (each with its descendants), in the contract's order."""

    role: str
    label: str
    modules: tuple[str, ...]


@dataclass(frozen=True, order=True)
class PackageImports:
    """`count` module imports (importer, imported pairs) from modules of the package
    `importer` to modules of the package `imported`: one edge of the project map."""

    importer: str
    imported: str
    count: int


class Package(NamedTuple):
    """A package of the project map and how many modules it holds itself (its `__init__` and
    its plain modules; subpackages are packages of their own)."""

    name: str
    modules: int


class ProjectMap(NamedTuple):
    """The project at package level, for the map picture: every package of the root packages
    (a module with modules below it) and the imports between them, sorted."""

    packages: tuple[Package, ...]
    imports: tuple[PackageImports, ...]


@dataclass(frozen=True)
class ContractResult:
    """The verdict of one contract.

    `suppressed` holds the violations an `# archlint: ignore[...]` comment on their import
    statement accepts: reported as such, never failing, never in `violations`.
    `groups` and `context` are filled only when pictures are asked for: the contract's
    structure and the allowed imports between its groups (at most `CONTEXT_LIMIT`, with the
    number left out in `context_omitted`), so renderers never need the graph.
    """

    id: str
    name: str
    type: str
    description: str
    severity: str
    violations: tuple[Violation, ...]
    suppressed: tuple[Violation, ...] = ()
    # acyclic: every dependency between two children that lies on a cycle (see Violation.cycle)
    cycles: tuple[CycleDependency, ...] = ()
    groups: tuple[Group, ...] = ()
    context: tuple[Hop, ...] = ()
    context_omitted: int = 0

    @property
    def kept(self) -> bool:
        return not self.violations

    @property
    def status(self) -> str:
        return "kept" if self.kept else "broken"

    @property
    def fails(self) -> bool:
        """Whether this result alone makes the run fail."""
        return self.severity == ERROR and any(not v.baselined for v in self.violations)


class Summary(NamedTuple):
    contracts: int
    kept: int
    broken: int
    violations: int
    new: int
    baselined: int
    unparsed_files: int
    gone: int  # baseline entries no longer occurring ("fixed since the baseline")
    suppressed: int = 0


@dataclass(frozen=True)
class Report:
    """Everything one `archlint check` found, in deterministic order."""

    version: str
    results: tuple[ContractResult, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    gone: tuple[GoneEntry, ...] = field(default=())  # what the baseline records that is gone
    gone_fails: bool = False  # a strict baseline: what is gone must leave it (CI)
    # Filled only when pictures are asked for (check with `with_context`).
    project: ProjectMap | None = None

    @property
    def summary(self) -> Summary:
        violations = [v for r in self.results for v in r.violations]
        baselined = sum(1 for v in violations if v.baselined)
        return Summary(
            contracts=len(self.results),
            kept=sum(1 for r in self.results if r.kept),
            broken=sum(1 for r in self.results if not r.kept),
            violations=len(violations),
            new=len(violations) - baselined,
            baselined=baselined,
            unparsed_files=sum(1 for d in self.diagnostics if d.kind == "syntax-error"),
            gone=sum(entry.count for entry in self.gone),
            suppressed=sum(len(r.suppressed) for r in self.results),
        )

    @property
    def failed(self) -> bool:
        """A broken contract, an error diagnostic the baseline does not know, or (with
        `gone_fails`) a baseline that still records what is gone."""
        return (any(r.fails for r in self.results)
                or any(d.severity == ERROR and not d.baselined for d in self.diagnostics)
                or (self.gone_fails and bool(self.gone)))

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def is_module_name(text: str) -> bool:
    """Whether `text` names a module the way an import statement can: dotted segments that are
    each a Python identifier (`app.core`, `café`; not `app..core`, `2fa` or `app-core`)."""
    return bool(text) and all(segment.isidentifier() for segment in text.split("."))


def is_descendant(module: str, package: str) -> bool:
    """Whether `module` is below `package` (`a.b.c` and `a.b` below `a`; `a` is not)."""
    return module.startswith(package + ".")


def is_within(module: str, package: str) -> bool:
    """Whether `module` is `package` or one of its descendants."""
    return module == package or is_descendant(module, package)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Characters that change what a reader sees without being seen: format characters (bidi
# overrides and isolates such as U+202E, zero-width characters), line and paragraph
# separators, and lone surrogates (undecodable bytes of a file name), which no terminal can
# even be sent.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """`text` with control characters, and the characters that hide or reorder text, shown as
    escapes (`\\x1b`, `\\u202e`): never sent to a terminal, and never into SVG, which XML
    forbids them in. Tab and newline stay."""
    text = _CONTROL.sub(_escape, text)
    return text if text.isascii() else _NON_ASCII.sub(_escape_hidden, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _escape_hidden(match: re.Match[str]) -> str:
    import unicodedata  # loads only when a report holds non-ASCII text

    return _escape(match) if unicodedata.category(match.group()) in _HIDDEN else match.group()
