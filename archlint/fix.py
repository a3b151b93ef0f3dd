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
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
import libcst.matchers as matchers
from libcst.metadata import MetadataWrapper, PositionProvider

from .checking import check
from .errors import ArchlintError
from .facts.statements import LINE_BREAK
from .files import write_atomic
from .graph import resolve_relative
from .model import ImportViolation, Report, printable
from .settings import load_settings
from .timing import Timings, step

REWRITTEN_TYPES = ("canonical",)  # the contract types whose violations carry a replacement


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
    encoding: str  # the file's, as Python reads it (`utf-8-sig` keeps a BOM)
    rewritten: int  # violations whose import this file's rewrite replaces

    def diff(self) -> str:
        """The unified diff, control characters of the file shown as escapes: it goes to a
        terminal."""
        lines = difflib.unified_diff(
            _lines(self.before), _lines(self.after), fromfile=f"a/{self.path}",
            tofile=f"b/{self.path}", lineterm="")
        return "".join(printable(line) + "\n" for line in lines)


def _lines(text: str) -> list[str]:
    """The lines as Python sees them: ended by LF, CRLF or a lone CR, and nothing else."""
    lines = LINE_BREAK.split(text)
    return lines[:-1] if lines[-1] == "" else lines


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
    without_replacement: int  # violations of REWRITTEN_TYPES that carry no replacement


@dataclass(frozen=True)
class FixOutcome:
    plan: FixPlan
    written: bool
    after: Report | None = None  # with write: the check after the rewrite


def fix(config: Path | None = None, *, contract_ids: Iterable[str] = (), write: bool = False,
        use_cache: bool = True, start: Path | None = None,
        timings: Timings | None = None,
        warn: Callable[[str], None] | None = None) -> FixOutcome:
    """Plan the fixes of the project's violations; with `write`, apply them and check again.
    `warn` is passed to each check."""
    settings = load_settings(config, start=start)
    selected = tuple(contract_ids)
    report = check(settings.config_file, contract_ids=selected, use_cache=use_cache,
                   timings=timings, warn=warn)
    plan = plan_fixes(report, settings.root)
    if not write or not plan.files:
        return FixOutcome(plan, written=False, after=report if write else None)
    for file_fix in plan.files:
        try:
            write_atomic(settings.root / file_fix.path, file_fix.after.encode(file_fix.encoding),
                         root=settings.root)
        except OSError as exc:
            raise ArchlintError(f"cannot write {file_fix.path}: {exc.strerror}") from None
    with step(timings, "check again"):
        after = check(settings.config_file, contract_ids=selected, use_cache=use_cache,
                      warn=warn)
    return FixOutcome(plan, written=True, after=after)


def plan_fixes(report: Report, root: Path) -> FixPlan:
    """The rewritten text of every file with a fixable violation; nothing is written."""
    by_path: dict[str, list[ImportViolation]] = {}
    without_replacement = 0
    for result in report.results:
        if result.type not in REWRITTEN_TYPES:
            continue
        for violation in result.violations:
            if isinstance(violation, ImportViolation) and violation.replacement is not None:
                by_path.setdefault(violation.path, []).append(violation)
            else:
                without_replacement += 1
    files, not_fixed = [], []
    for path, violations in sorted(by_path.items()):
        file_fix, missed = _fix_file(root, path, violations)
        not_fixed += missed
        if file_fix is not None:
            files.append(file_fix)
    return FixPlan(tuple(files), tuple(not_fixed), without_replacement)


def _fix_file(root: Path, path: str,
              violations: list[ImportViolation]) -> tuple[FileFix | None, list[NotFixed]]:
    moves = sorted({_move(v) for v in violations}, key=lambda m: (m.line, m.name, m.target))

    def missed(reason: str, chosen: Iterable[Move] = moves) -> list[NotFixed]:
        return [NotFixed(path, m.line, m.name, reason) for m in chosen]

    try:
        # From bytes, libcst finds the encoding as Python does (BOM, coding cookie) and keeps it.
        data = (root / path).read_bytes()
        module = cst.parse_module(data)
        before = data.decode(module.encoding)
    except OSError as exc:
        return None, missed(f"cannot read the file: {exc.strerror}")
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return None, missed(f"cannot read the file: {exc}")
    except cst.ParserSyntaxError as exc:
        return None, missed(f"the file does not parse (line {exc.raw_line}); left untouched")
    importer = violations[0].importer
    package = importer if path.endswith("/__init__.py") else importer.rpartition(".")[0]
    rewriter = _Rewriter(moves, package)
    after = _with_final_newline(MetadataWrapper(module).visit(rewriter).code, before)
    unmatched = [m for m in moves if m not in rewriter.done]
    reasons = missed("no such import at this line any more; run archlint check again",
                     unmatched)
    if after == before:
        return None, reasons
    try:
        ast.parse(after)
    except SyntaxError:
        return None, missed("the rewritten file would not parse; left untouched")
    return FileFix(path, before, after, module.encoding, len(rewriter.done)), reasons


def _with_final_newline(after: str, before: str) -> str:
    """libcst loses the last line ending of a file whose lines end in a lone CR."""
    ending = before[len(before.rstrip("\r\n")):]
    return after if after.endswith(ending) else after.rstrip("\r\n") + ending


def _move(violation: ImportViolation) -> Move:
    replacement = violation.replacement
    assert replacement is not None, "plan_fixes passes only violations with a replacement"
    return Move(violation.line, violation.imported, replacement.name, replacement.alias,
                replacement.module)


# -- the rewrite -------------------------------------------------------------------------------

Pair = tuple[str, "str | None"]  # an imported name and its alias


@dataclass
class _NewImport:
    """An import statement to add after the block's statement `index`."""

    target: str
    index: int
    comment: str | None  # the linter directive the names carry, such as noqa
    aliases: list[Pair]
    leading: Sequence[cst.EmptyLine] = ()
    trailing: cst.TrailingWhitespace | None = None

    def statement(self) -> cst.SimpleStatementLine:
        names = [_new_alias(n, a) for n, a in sorted(self.aliases, key=_name_order)]
        names = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                 for a in names[:-1]] + names[-1:]
        line = cst.SimpleStatementLine(
            body=[cst.ImportFrom(module=_dotted(self.target), names=names)],
            leading_lines=list(self.leading))
        if self.trailing is not None:
            line = line.with_changes(trailing_whitespace=self.trailing)
        elif self.comment is not None:
            line = line.with_changes(trailing_whitespace=cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(self.comment)))
        return line


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

    def _block(self, originals: Sequence[cst.BaseStatement],
               updateds: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
        block = _Block(originals, updateds, self)
        for index, statement in enumerate(originals):
            if isinstance(statement, cst.SimpleStatementLine):
                moves = self.by_line.get(self.get_metadata(PositionProvider, statement).start.line)
                if moves:
                    block.rewrite_line(index, statement, moves)
        return block.body()

    def resolved(self, node: cst.ImportFrom) -> str | None:
        written = _name_of(node.module) if node.module is not None else ""
        return resolve_relative(self.package, written, len(node.relative))


class _Block:
    """The rewrite of one block: lines replaced or removed, names appended to an import of
    the block, new imports inserted."""

    def __init__(self, originals: Sequence[cst.BaseStatement],
                 updateds: Sequence[cst.BaseStatement], rewriter: _Rewriter) -> None:
        self.originals, self.updateds, self.rewriter = originals, updateds, rewriter
        # the import each canonical module's names may join: a line of the block that holds
        # one `from target import ...` and no linter directive, or a new import
        self.joinable: dict[str, int | _NewImport] = {}
        for index, statement in enumerate(originals):
            target = self._sole_import(statement)
            if target is not None and not _directives(statement):
                self.joinable.setdefault(target, index)
        self.replaced: dict[int, cst.SimpleStatementLine | None] = {}
        self.inserted: dict[int, list[_NewImport]] = {}
        self.appended: dict[int, list[Pair]] = {}

    def rewrite_line(self, index: int, statement: cst.SimpleStatementLine,
                     moves: list[Move]) -> None:
        small: list[cst.BaseSmallStatement | None] = list(statement.body)
        for position, node in enumerate(statement.body):
            if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
                small[position] = self._rewrite_import(index, statement, node, moves)
        if small == list(statement.body):
            return
        remaining = [s for s in small if s is not None]
        if remaining:
            if small[-1] is None:  # the line's last statement went: so does its `;`
                remaining[-1] = remaining[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            updated = self.updateds[index]
            assert isinstance(updated, cst.SimpleStatementLine)
            self.replaced[index] = updated.with_changes(body=remaining)
        else:
            self.replaced[index] = None
            for new in self.inserted.get(index, [])[:1]:  # takes the place of the line
                new.leading, new.trailing = statement.leading_lines, statement.trailing_whitespace

    def _rewrite_import(self, index: int, statement: cst.SimpleStatementLine,
                        node: cst.ImportFrom, moves: list[Move]) -> cst.ImportFrom | None:
        """The statement once its moving names have left: the same, its module changed, with
        fewer names, or None when every name went elsewhere."""
        assert not isinstance(node.names, cst.ImportStar)
        module = self.rewriter.resolved(node)
        mine = {id(a): m for a in node.names for m in moves
                if m.module == module and _alias_of(a) == (m.name, m.alias)}
        if not mine:
            return node
        self.rewriter.done.update(mine.values())
        targets = {m.target for m in mine.values()}
        only = next(iter(targets))
        if len(mine) == len(node.names) and len(targets) == 1 and (_directives(statement) or all(
                self._joins(index, only, _alias_of(a)) in (None, index) for a in node.names)):
            if len(statement.body) == 1 and not _directives(statement):
                self.joinable[only] = index  # names are only ever joined to such lines
            return node.with_changes(module=_dotted(only), relative=[])
        line_comment = _line_directive(statement, node)
        for alias in node.names:
            move = mine.get(id(alias))
            if move is not None:
                self._place(index, move, _own_directive(node, alias) or line_comment)
        kept = [a for a in node.names if id(a) not in mine]
        return _without(node, kept) if kept else None

    def _place(self, index: int, move: Move, comment: str | None) -> None:
        """Send the name to an import of its canonical module: the one it may join, else a
        new one after its line (with the linter directive it carried, if any)."""
        pair = (move.name, move.alias)
        place = None if comment is not None else self._joins(index, move.target, pair)
        if isinstance(place, _NewImport):
            if pair not in place.aliases:
                place.aliases.append(pair)
        elif place is not None:
            self.appended.setdefault(place, []).append(pair)
        else:
            for new in self.inserted.get(index, []):
                if (new.target, new.comment) == (move.target, comment):
                    if pair not in new.aliases:
                        new.aliases.append(pair)
                    return
            new = _NewImport(move.target, index, comment, [pair])
            self.inserted.setdefault(index, []).append(new)
            if comment is None:
                self.joinable.setdefault(move.target, new)

    def _joins(self, index: int, target: str, pair: Pair) -> int | _NewImport | None:
        """The import a name moving from line `index` to `target` may join without changing
        what the name, or any code, is bound to: none of the lines in between mentions the
        name (an import above would otherwise be rebound, or used before its time), and one
        below has only imports in between (code there may use the name)."""
        place = self.joinable.get(target)
        if place is None:
            return None
        at = place.index if isinstance(place, _NewImport) else place
        between = self.originals[min(at, index) + 1:max(at, index)]
        if at > index and not all(_imports_only(s) for s in between):
            return None
        bound = pair[1] or pair[0]
        if any(_mentions(s, bound) for s in between):
            return None
        return place

    def _sole_import(self, statement: cst.BaseStatement) -> str | None:
        """The module of a line that holds one `from module import names` and nothing else."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        node = statement.body[0]
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            return None
        return self.rewriter.resolved(node)

    def body(self) -> list[cst.BaseStatement]:
        body: list[cst.BaseStatement] = []
        for index, original in enumerate(self.updateds):
            statement = self.replaced.get(index, original)
            if index in self.appended and isinstance(statement, cst.SimpleStatementLine):
                statement = _with_names(statement, self.appended[index])
            if statement is not None:
                body.append(statement)
            body += [new.statement() for new in self.inserted.get(index, [])]
        return body


# Comments that tell a linter or type checker about the names of their line; a name that
# moves keeps its directive, and no other name is moved under one.
_DIRECTIVE = re.compile(
    r"#\s*(noqa\b|type:\s*ignore|pyright:|mypy:|pylint:|nosec\b|pragma\b|archlint:|isort:)",
    re.IGNORECASE)


def _directive(comment: cst.Comment | None) -> str | None:
    return comment.value if comment is not None and _DIRECTIVE.match(comment.value) else None


def _directives(statement: cst.BaseStatement) -> bool:
    """Whether any comment of the line is a linter directive."""
    return any(isinstance(comment, cst.Comment) and _directive(comment)
               for comment in matchers.findall(statement, matchers.Comment()))


def _own_directive(node: cst.ImportFrom, alias: cst.ImportAlias) -> str | None:
    """The directive at the end of the alias's own line inside parentheses (`Name,  # noqa`)."""
    after = alias.comma.whitespace_after if isinstance(alias.comma, cst.Comma) else (
        node.rpar.whitespace_before if node.rpar is not None else None)
    if isinstance(after, cst.ParenthesizedWhitespace):
        return _directive(after.first_line.comment)
    return None


def _line_directive(statement: cst.SimpleStatementLine, node: cst.ImportFrom) -> str | None:
    """The directive ending a statement written on one line, which covers all its names."""
    if matchers.findall(node, matchers.ParenthesizedWhitespace()):
        return None
    return _directive(statement.trailing_whitespace.comment)


def _mentions(statement: cst.BaseStatement, name: str) -> bool:
    """Whether the statement may bind or use `name` (any identifier spelt so, or a `*`)."""
    return bool(matchers.findall(statement, matchers.Name(value=name) | matchers.ImportStar()))


def _imports_only(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(node, (cst.Import, cst.ImportFrom)) for node in statement.body)


def _alias_of(alias: cst.ImportAlias) -> Pair:
    asname = _name_of(alias.asname.name) if alias.asname is not None else None
    return _name_of(alias.name), asname


def _name_of(node: cst.BaseExpression) -> str:
    """The dotted name an import writes (`a.b.c`)."""
    if isinstance(node, cst.Name):
        return node.value
    assert isinstance(node, cst.Attribute)
    return f"{_name_of(node.value)}.{node.attr.value}"


def _dotted(module: str) -> cst.Name | cst.Attribute:
    parts = module.split(".")
    node: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def _new_alias(name: str, alias: str | None) -> cst.ImportAlias:
    return cst.ImportAlias(name=cst.Name(name),
                           asname=cst.AsName(name=cst.Name(alias)) if alias else None)


def _without(node: cst.ImportFrom, kept: list[cst.ImportAlias]) -> cst.ImportFrom:
    """The statement with only the `kept` names, its layout and their comments kept."""
    assert not isinstance(node.names, cst.ImportStar)
    names = list(kept)
    last_original = node.names[-1]
    if names[-1] is not last_original:  # the last name left: it takes the end of the list
        end, rpar = names[-1], node.rpar
        if node.lpar is None or rpar is None:
            names[-1] = end.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        elif isinstance(last_original.comma, cst.Comma):
            names[-1] = end.with_changes(comma=cst.Comma(
                whitespace_before=_comma(end).whitespace_before,
                whitespace_after=_joined(_comma(end).whitespace_after,
                                         last_original.comma.whitespace_after)))
        elif isinstance(_comma(end).whitespace_after, cst.ParenthesizedWhitespace):
            names[-1] = end.with_changes(comma=cst.Comma(
                whitespace_after=_joined(_comma(end).whitespace_after,
                                         rpar.whitespace_before)))
            return node.with_changes(names=names, rpar=rpar.with_changes(
                whitespace_before=cst.SimpleWhitespace("")))
        else:
            names[-1] = end.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=names)


def _comma(alias: cst.ImportAlias) -> cst.Comma:
    return alias.comma if isinstance(alias.comma, cst.Comma) else cst.Comma()


def _joined(head: cst.BaseParenthesizableWhitespace,
            tail: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """Whitespace that keeps the comment of `head`'s line and ends as `tail` does."""
    if isinstance(head, cst.ParenthesizedWhitespace) and isinstance(
            tail, cst.ParenthesizedWhitespace):
        return tail.with_changes(first_line=head.first_line)
    if isinstance(head, cst.ParenthesizedWhitespace):
        return head.with_changes(last_line=cst.SimpleWhitespace(""))
    return tail


def _uncommented(
        whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation, without the comment a line may end with."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace())
    return whitespace


def _name_order(pair: Pair) -> tuple[int, str, str, str]:
    """The order isort and ruff give imported names by default: constants (`TIMEOUT`), then
    classes (`Manager`), then the rest, each alphabetically ignoring case."""
    name, alias = pair
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name, alias or ""


def _with_names(line: cst.SimpleStatementLine, pairs: list[Pair]) -> cst.SimpleStatementLine:
    """Add names to the line's `from module import ...`, in its layout: in sorted order when
    its names are sorted and carry no comments (a comment stays with its name), else at the
    end."""
    node = line.body[0]
    assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
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
                 for place, name in zip(names, ordered, strict=True)]
    return line.with_changes(body=[node.with_changes(names=names), *line.body[1:]])
