"""`archlint fix`: rewrite each `canonical` violation that has a fix to its fix statement.

The work list is the Report's violations (path, line, symbol and the `fix` statement); the
graph is never consulted again. Each file is rewritten with libcst, which keeps every byte
it is not asked to change: comments, parentheses, blank lines. For one import statement:

- when every name it imports moves to the same canonical module, and the same block has no
  import from that module yet, only its module changes (layout and comments kept);
- otherwise the moving names leave it (the statement goes when none is left) and join the
  block's existing import from the canonical module, or a new statement in the old one's
  place. Aliases are kept; relative imports are resolved before they are compared.

A file libcst cannot parse, or whose statement is no longer where the report says, is left
untouched and reported. The rewritten text must parse before it is written. A second run
finds nothing to change: the fixed imports no longer break the contract.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
import libcst.matchers as matchers
from libcst.metadata import MetadataWrapper, PositionProvider

from .checking import check
from .errors import ArchlintError
from .files import write_atomic
from .model import Report, Violation
from .settings import load_settings
from .timing import Timings, step
from .graph import resolve_relative

FIXED_TYPES = ("canonical",)


@dataclass(frozen=True)
class Move:
    """One imported name that moves to its canonical module (`from target import name`)."""

    line: int
    module: str  # where the name is imported from now (absolute)
    name: str
    alias: str | None
    target: str


@dataclass(frozen=True)
class FileFix:
    path: str
    before: str
    after: str
    fixed: int  # violations fixed in this file

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}"))


@dataclass(frozen=True)
class NotFixed:
    path: str
    line: int
    symbol: str
    reason: str


@dataclass(frozen=True)
class FixPlan:
    files: tuple[FileFix, ...]
    not_fixed: tuple[NotFixed, ...]
    without_fix: int  # violations of the fixed contract types that carry no fix


@dataclass(frozen=True)
class FixOutcome:
    plan: FixPlan
    written: bool
    after: Report | None = None  # with write: the check after the rewrite


def fix(config: Path | None = None, *, contract_ids: Iterable[str] = (), write: bool = False,
        use_cache: bool = True, start: Path | None = None,
        timings: Timings | None = None) -> FixOutcome:
    """Plan the fixes of the project's violations; with `write`, apply them and check again."""
    settings = load_settings(config, start=start)
    selected = tuple(contract_ids)
    report = check(settings.config_file, contract_ids=selected, use_cache=use_cache,
                   timings=timings)
    plan = plan_fixes(report, settings.root)
    if not write or not plan.files:
        return FixOutcome(plan, written=False, after=report if write else None)
    for file_fix in plan.files:
        try:
            write_atomic(settings.root / file_fix.path, file_fix.after)
        except OSError as exc:
            raise ArchlintError(f"cannot write {file_fix.path}: {exc.strerror}") from None
    with step(timings, "check again"):
        after = check(settings.config_file, contract_ids=selected, use_cache=use_cache)
    return FixOutcome(plan, written=True, after=after)


def plan_fixes(report: Report, root: Path) -> FixPlan:
    """The rewritten text of every file with a fixable violation; nothing is written."""
    by_path: dict[str, list[Violation]] = {}
    without_fix = 0
    for result in report.results:
        if result.type not in FIXED_TYPES:
            continue
        for violation in result.violations:
            if violation.fix is None or violation.symbol is None:
                without_fix += 1
            else:
                by_path.setdefault(violation.path, []).append(violation)
    files, not_fixed = [], []
    for path, violations in sorted(by_path.items()):
        file_fix, missed = _fix_file(root, path, violations)
        not_fixed += missed
        if file_fix is not None:
            files.append(file_fix)
    return FixPlan(tuple(files), tuple(not_fixed), without_fix)


def _fix_file(root: Path, path: str, violations: list[Violation]):
    moves = sorted({_move(v) for v in violations}, key=lambda m: (m.line, m.name, m.target))

    def missed(reason: str, chosen: Iterable[Move] = moves) -> list[NotFixed]:
        return [NotFixed(path, m.line, m.name, reason) for m in chosen]

    try:
        before = (root / path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, missed(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}")
    try:
        module = cst.parse_module(before)
    except cst.ParserSyntaxError as exc:
        return None, missed(f"the file does not parse (line {exc.raw_line}); left untouched")
    importer = violations[0].importer
    package = importer if path.endswith("/__init__.py") else importer.rpartition(".")[0]
    rewriter = _Rewriter(moves, package)
    after = MetadataWrapper(module).visit(rewriter).code
    unmatched = [m for m in moves if m not in rewriter.done]
    reasons = missed("no such import at this line any more; run archlint check again",
                     unmatched)
    if after == before:
        return None, reasons
    try:
        ast.parse(after)
    except SyntaxError:
        return None, missed("the rewritten file would not parse; left untouched")
    return FileFix(path, before, after, len(rewriter.done)), reasons


def _move(violation: Violation) -> Move:
    (statement,) = ast.parse(violation.fix).body
    assert isinstance(statement, ast.ImportFrom) and statement.module is not None
    (alias,) = statement.names
    return Move(violation.line, violation.imported, alias.name, alias.asname, statement.module)


# -- the rewrite -------------------------------------------------------------------------------

@dataclass
class _NewImport:
    """An import statement to add: its target module and names, in order."""

    target: str
    aliases: list[tuple[str, str | None]]
    leading: tuple = ()
    trailing: object = None


class _Rewriter(cst.CSTTransformer):
    """Applies the moves of one file, one block (module body or indented block) at a time."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, moves: list[Move], package: str) -> None:
        super().__init__()
        self.by_line: dict[int, list[Move]] = {}
        for move in moves:
            self.by_line.setdefault(move.line, []).append(move)
        self.package = package
        self.done: set[Move] = set()

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._block(original.body, updated.body))

    def leave_IndentedBlock(self, original: cst.IndentedBlock,
                            updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated.with_changes(body=self._block(original.body, updated.body))

    # -- one block ------------------------------------------------------------------------

    def _block(self, originals, updateds) -> list:
        existing: dict[str, object] = {}  # target -> index of its import, or a _NewImport
        for index, statement in enumerate(originals):
            target = self._sole_import(statement)
            if target is not None:
                existing.setdefault(target, index)
        replaced: dict[int, cst.SimpleStatementLine | None] = {}
        inserted: dict[int, list[_NewImport]] = {}
        appended: dict[int, list[tuple[str, str | None]]] = {}

        def merge_target(target: str, index: int) -> object:
            """Where names moving to `target` from line `index` go: an import above, or one
            below with only imports in between (code in between may use the names)."""
            place = existing.get(target)
            if isinstance(place, int) and place > index and not all(
                    _imports_only(s) for s in originals[index + 1:place]):
                return None
            return place

        for index, statement in enumerate(originals):
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            moves = self.by_line.get(self._line(statement), [])
            if not moves:
                continue
            small = list(statement.body)
            for position, node in enumerate(statement.body):
                if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
                    continue
                module = self._resolved(node)
                mine = {id(a): m for a in node.names for m in moves
                        if m.module == module and _alias_of(a) == (m.name, m.alias)}
                if not mine:
                    continue
                self.done.update(mine.values())
                targets = {m.target for m in mine.values()}
                only = next(iter(targets))
                if (len(mine) == len(node.names) and len(targets) == 1
                        and merge_target(only, index) in (None, index)):
                    small[position] = node.with_changes(
                        module=_dotted(only), relative=[])
                    if len(statement.body) == 1:  # names are only ever merged into such lines
                        existing[only] = index
                    continue
                kept = [a for a in node.names if id(a) not in mine]
                small[position] = _without(node, kept) if kept else None
                for alias in node.names:
                    move = mine.get(id(alias))
                    if move is None:
                        continue
                    place = merge_target(move.target, index)
                    pair = (move.name, move.alias)
                    if isinstance(place, _NewImport):
                        if pair not in place.aliases:
                            place.aliases.append(pair)
                    elif place is not None:
                        appended.setdefault(place, []).append(pair)
                    else:
                        new = _NewImport(move.target, [pair])
                        inserted.setdefault(index, []).append(new)
                        existing[move.target] = new
            remaining = [s for s in small if s is not None]
            if remaining:
                if small[-1] is None:  # the line's last statement went: so does its `;`
                    remaining[-1] = remaining[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                replaced[index] = updateds[index].with_changes(body=remaining)
            else:
                replaced[index] = None
                for new in inserted.get(index, [])[:1]:
                    new.leading, new.trailing = statement.leading_lines, statement.trailing_whitespace
        body = []
        for index, statement in enumerate(updateds):
            statement = replaced.get(index, statement)
            if index in appended and statement is not None:
                statement = _with_names(statement, appended[index])
            if statement is not None:
                body.append(statement)
            body += [_statement(new) for new in inserted.get(index, [])]
        return body

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def _resolved(self, node: cst.ImportFrom) -> str | None:
        written = _name_of(node.module) if node.module is not None else None
        return resolve_relative(self.package, written, len(node.relative))

    def _sole_import(self, statement) -> str | None:
        """The module of a line that holds one `from module import names` and nothing else."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        node = statement.body[0]
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            return None
        return self._resolved(node)


def _imports_only(statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(node, (cst.Import, cst.ImportFrom)) for node in statement.body)


def _alias_of(alias: cst.ImportAlias) -> tuple[str, str | None]:
    asname = alias.asname.name.value if alias.asname is not None else None
    return _name_of(alias.name), asname


def _name_of(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    return f"{_name_of(node.value)}.{node.attr.value}"


def _dotted(module: str):
    parts = module.split(".")
    node = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _new_alias(name: str, alias: str | None) -> cst.ImportAlias:
    return cst.ImportAlias(name=cst.Name(name),
                           asname=cst.AsName(name=cst.Name(alias)) if alias else None)


def _statement(new: _NewImport) -> cst.SimpleStatementLine:
    names = [_new_alias(n, a) for n, a in sorted(new.aliases, key=_name_order)]
    names = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
             for a in names[:-1]] + names[-1:]
    node = cst.ImportFrom(module=_dotted(new.target), names=names)
    line = cst.SimpleStatementLine(body=[node], leading_lines=list(new.leading))
    if new.trailing is not None:
        line = line.with_changes(trailing_whitespace=new.trailing)
    return line


def _without(node: cst.ImportFrom, kept: list[cst.ImportAlias]) -> cst.ImportFrom:
    """The statement with only the `kept` names, its layout and their comments kept."""
    names = list(kept)
    last_original = node.names[-1]
    if names[-1] is not last_original:  # the last name left: it takes the end of the list
        end = names[-1]
        if node.lpar is None:
            names[-1] = end.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        elif isinstance(last_original.comma, cst.Comma):
            names[-1] = end.with_changes(comma=cst.Comma(
                whitespace_before=_comma(end).whitespace_before,
                whitespace_after=_joined(_comma(end).whitespace_after,
                                         last_original.comma.whitespace_after)))
        elif isinstance(_comma(end).whitespace_after, cst.ParenthesizedWhitespace):
            names[-1] = end.with_changes(comma=cst.Comma(
                whitespace_after=_joined(_comma(end).whitespace_after,
                                         node.rpar.whitespace_before)))
            return node.with_changes(names=names, rpar=node.rpar.with_changes(
                whitespace_before=cst.SimpleWhitespace("")))
        else:
            names[-1] = end.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=names)


def _comma(alias: cst.ImportAlias) -> cst.Comma:
    return alias.comma if isinstance(alias.comma, cst.Comma) else cst.Comma()


def _joined(head, tail):
    """Whitespace that keeps the comment of `head`'s line and ends as `tail` does."""
    if isinstance(head, cst.ParenthesizedWhitespace) and isinstance(
            tail, cst.ParenthesizedWhitespace):
        return tail.with_changes(first_line=head.first_line)
    if isinstance(head, cst.ParenthesizedWhitespace):
        return head.with_changes(last_line=cst.SimpleWhitespace(""))
    return tail


def _uncommented(whitespace):
    """The same line break and indentation, without the comment a line may end with."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace())
    return whitespace


def _name_order(pair: tuple[str, str | None]) -> tuple:
    """The order isort and ruff give imported names by default: constants (`TIMEOUT`), then
    classes (`Manager`), then the rest, each alphabetically ignoring case."""
    name, alias = pair
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name, alias or ""


def _with_names(line: cst.SimpleStatementLine,
                pairs: list[tuple[str, str | None]]) -> cst.SimpleStatementLine:
    """Add names to the line's `from module import ...`, in its layout: in sorted order when
    its names are sorted and carry no comments (a comment stays with its name), else at the
    end."""
    node = line.body[0]
    present = {_alias_of(a) for a in node.names}
    keys = [_name_order(_alias_of(a)) for a in node.names]
    keep_sorted = keys == sorted(keys) and not matchers.findall(node, matchers.Comment())
    names = list(node.names)
    for pair in pairs:
        if pair in present:
            continue
        present.add(pair)
        last = names[-1]
        if node.lpar is not None and len(names) > 1:
            separator = _uncommented(_comma(names[0]).whitespace_after)
        elif node.lpar is not None:
            separator = _uncommented(node.lpar.whitespace_after)
        else:
            separator = cst.SimpleWhitespace(" ")
        names[-1] = last.with_changes(comma=cst.Comma(
            whitespace_before=_comma(last).whitespace_before, whitespace_after=separator))
        names.append(_new_alias(*pair).with_changes(comma=last.comma))
    if keep_sorted:  # each place keeps its comma and line break; the names move
        ordered = sorted(names, key=lambda a: _name_order(_alias_of(a)))
        names = [place.with_changes(name=name.name, asname=name.asname)
                 for place, name in zip(names, ordered)]
    return line.with_changes(body=[node.with_changes(names=names), *line.body[1:]])
