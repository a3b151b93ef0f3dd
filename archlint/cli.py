"""The command line: parse options, call the library, print, return an exit code.

Exit codes: 0 every contract kept; 1 a contract broken or an error diagnostic; 2 usage or
configuration error; 3 internal error. `main(argv)` is the one error boundary.
"""

from __future__ import annotations

import functools
import gc
import io
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import baseline
from .checking import check as run_check
from .checking import explain as find_chains
from .checking import importers as find_importers
from .checking import record_baseline
from .errors import ArchlintError, ConfigError, Terminated, UsageError
from .files import write_atomic
from .model import printable
from .progress import ScanProgress
from .render import DEFAULT_FORMATS, FORMATS
from .report import REPORTERS
from .report.text import hop_lines, plural, summary_line
from .settings import display_path, load_settings
from .timing import Timings, step
from .version import __version__

if TYPE_CHECKING:
    from .checking import Importers
    from .model import Report

EXIT_OK, EXIT_USAGE, EXIT_INTERNAL = 0, 2, 3
# explain prints each chain in full, so a hub imported by thousands of modules is capped.
MAX_EXPLAINED_CHAINS = 50


# Where a command run with --verbose keeps its Timings (click's per-invocation metadata).
TIMINGS = "archlint.timings"

config_option = click.option(
    "--config", type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml or archlint.toml to use (default: found from here upwards).")
no_cache_option = click.option(
    "--no-cache", is_flag=True,
    help="Neither read nor update archlint's caches (the facts of each file, the results).")


def verbose_option(command: Callable[..., int]) -> Callable[..., int]:
    """`--verbose`/`-v` on a command: the time of each phase and contract on stderr when it
    ends, and a traceback should it fail with an internal error (see `main`)."""
    @click.option("--verbose", "-v", is_flag=True,
                  help="Print the time of each phase and contract, and a traceback on an "
                       "internal error.")
    @functools.wraps(command)
    def timed(*args: Any, verbose: bool, **kwargs: Any) -> int:
        timings = click.get_current_context().meta[TIMINGS] = Timings() if verbose else None
        started = time.perf_counter()
        try:
            return command(*args, **kwargs)
        finally:
            if timings is not None:
                for line in timings.lines():
                    click.echo(line, err=True)
                click.echo(f"done in {time.perf_counter() - started:.2f}s", err=True)
    return timed


def _timings() -> Timings | None:
    return click.get_current_context().meta.get(TIMINGS)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archlint")
def cli() -> None:
    """Import-graph architecture linter: check the contracts in contracts/*.toml."""


@cli.command()
@config_option
@click.option("--contract", "contract_ids", multiple=True, metavar="ID",
              help="Check only this contract (repeatable).")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text",
              show_default=True, help="Report format.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Baseline of known violations (default: the `baseline` setting, "
                   "contracts/baseline.json, when it exists).")
@click.option("--no-baseline", is_flag=True, help="Report every violation as new.")
@click.option("--strict-baseline", is_flag=True,
              help="Also fail while the baseline records violations that are gone (for CI).")
@click.option("--show-baselined", is_flag=True,
              help="List baselined violations and diagnostics, and suppressed violations, one "
                   "by one (default: a count per contract).")
@click.option("--graphs", "graphs_folder", type=click.Path(path_type=Path, file_okay=False),
              metavar="DIR", help="Also draw the broken contracts into DIR (dot, svg, html).")
@no_cache_option
@verbose_option
def check(config: Path | None, contract_ids: tuple[str, ...], output_format: str,
          output: Path | None, baseline_file: Path | None, no_baseline: bool,
          strict_baseline: bool, show_baselined: bool, graphs_folder: Path | None,
          no_cache: bool) -> int:
    """Check every contract; exit 1 if one is broken or a file does not parse."""
    settings = load_settings(config)
    progress = ScanProgress.for_terminal(sys.stderr)
    try:
        report = run_check(settings.config_file, contract_ids=contract_ids,
                           baseline=_baseline_choice(baseline_file, no_baseline),
                           strict_baseline=strict_baseline, use_cache=not no_cache,
                           with_context=graphs_folder is not None, progress=progress,
                           timings=_timings(), warn=_warn_once())
    finally:
        if progress is not None:
            progress.clear()
    render = REPORTERS[output_format]
    if output is None:
        render(report, sys.stdout, show_baselined=show_baselined)
    else:
        buffer = io.StringIO()
        render(report, buffer, show_baselined=show_baselined)
        try:
            write_atomic(output, buffer.getvalue(), root=settings.root)
        except OSError as exc:
            raise ArchlintError(f"cannot write {output}: {exc.strerror}") from None
        click.echo(summary_line(report))
        click.echo(f"report written to {output}")
    if graphs_folder is not None:
        with step(_timings(), "draw"):
            _draw(report, graphs_folder, DEFAULT_FORMATS, depth=None, draw_kept=False,
                  err=True, root=settings.root)
    return report.exit_code


def _baseline_choice(given: Path | None, no_baseline: bool) -> Path | bool:
    """`--baseline FILE` / `--no-baseline` as `check()` takes them."""
    if given is not None and no_baseline:
        raise UsageError("--baseline and --no-baseline exclude each other")
    return False if no_baseline else given if given is not None else True


@cli.command()
@config_option
@click.option("--contract", "contract_ids", multiple=True, metavar="ID",
              help="Draw this contract, even when kept (repeatable; default: every broken one).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="Folder for the pictures (default: the 'graphs' setting, graphs/).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help=f"Output format (repeatable; default: {', '.join(DEFAULT_FORMATS)}).")
@click.option("--depth", type=click.IntRange(min=0), metavar="N",
              help="Show N levels below each module a contract names (default: all, "
                   "collapsed automatically when a picture would be unreadable).")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Baseline of known violations, drawn apart from the new ones (default: "
                   "the `baseline` setting, contracts/baseline.json, when it exists).")
@click.option("--no-baseline", is_flag=True, help="Draw every violation as new.")
@click.option("--map", "project_map", is_flag=True,
              help="Also draw the project map: every package and the imports between them, "
                   "with every contract's violations (project_map.*).")
@no_cache_option
@verbose_option
def graph(config: Path | None, contract_ids: tuple[str, ...], out: Path | None,
          formats: tuple[str, ...], depth: int | None, baseline_file: Path | None,
          no_baseline: bool, project_map: bool, no_cache: bool) -> int:
    """Draw what the contracts found: a picture per broken contract, and index.html."""
    settings = load_settings(config)
    if out is None:
        out = settings.root / settings.graphs
    report = run_check(settings.config_file, contract_ids=contract_ids,
                       baseline=_baseline_choice(baseline_file, no_baseline),
                       use_cache=not no_cache, with_context=True, timings=_timings(),
                       warn=_warn_once())
    with step(_timings(), "draw"):
        _draw(report, out, formats or DEFAULT_FORMATS, depth=depth,
              draw_kept=bool(contract_ids), err=False, root=settings.root,
              project_map=project_map)
    return EXIT_OK


def _draw(report: Report, folder: Path, formats: tuple[str, ...], *, depth: int | None,
          draw_kept: bool, err: bool, root: Path, project_map: bool = False) -> None:
    """Write the pictures and say where; networkx and pydot load only now."""
    from .render.project_map import MAP_ID
    from .render.writing import write_graphs

    written = write_graphs(report, folder, formats, depth=depth, draw_kept=draw_kept,
                           root=root, project_map=project_map)
    for warning in written.warnings:
        click.echo(f"archlint: warning: {warning}", err=True)
    stems = {path.stem for path in written.files if path.name != "index.html"}
    drawn = sorted(stems - {MAP_ID})
    what = f"{plural(len(drawn), 'contract')} drawn" if drawn else \
        "nothing to draw (every contract kept; --contract ID draws a kept one)"
    if MAP_ID in stems:
        what = f"the project map and {what}" if drawn else "the project map drawn"
    index = folder / "index.html"
    where = f", open {index}" if index in written.files else ""
    click.echo(f"graphs: {what} in {folder}{where}", err=err)


@cli.command()
@click.argument("modules", nargs=-1, metavar="IMPORTER IMPORTED | --importers MODULE")
@click.option("--importers", is_flag=True,
              help="List every module that imports MODULE, directly or through a chain.")
@config_option
@no_cache_option
@verbose_option
def explain(modules: tuple[str, ...], importers: bool, config: Path | None,
            no_cache: bool) -> int:
    """Show every chain of imports from IMPORTER to IMPORTED (packages included), or with
    --importers, who imports MODULE."""
    if importers:
        if len(modules) != 1:
            raise UsageError("explain --importers takes one MODULE")
        _explain_importers(find_importers(modules[0], config, use_cache=not no_cache,
                                          timings=_timings()))
        return EXIT_OK
    if len(modules) != 2:
        raise UsageError("explain takes IMPORTER IMPORTED, or --importers MODULE")
    importer, imported = modules
    chains = find_chains(importer, imported, config, use_cache=not no_cache,
                         timings=_timings())
    if not chains:
        click.echo(f"{importer} does not import {imported}, directly or through a chain")
        return EXIT_OK
    capped = ""
    if len(chains) > MAX_EXPLAINED_CHAINS:
        capped = f" (the {MAX_EXPLAINED_CHAINS} shortest shown)"
    click.echo(printable(f"{plural(len(chains), 'chain')} from {importer} to {imported}{capped}"))
    for number, chain in enumerate(chains[:MAX_EXPLAINED_CHAINS], 1):
        click.echo(printable(f"{number}. {chain[0].importer} -> {chain[-1].imported}"
                             f"  ({plural(len(chain), 'import')})"))
        for line in hop_lines(chain):
            click.echo(printable(f"   {line}"))
    return EXIT_OK


def _explain_importers(found: Importers) -> None:
    """Direct importers with every statement, then one line per module that imports the
    module through a chain: the chain's modules, nearest first."""
    direct_modules = sorted({hop.importer for hop in found.direct})
    if not direct_modules:
        click.echo(f"nothing imports {found.module}, directly or through a chain")
        return
    chained = (f"{len(found.through_chains)} more through a chain" if found.through_chains
               else "by none through a chain")
    click.echo(f"{found.module} is imported by {plural(len(direct_modules), 'module')} "
               f"directly, and {chained}")
    click.echo(f"directly ({plural(len(found.direct), 'import')}):")
    for line in hop_lines(found.direct):
        click.echo(printable(f"  {line}"))
    if found.through_chains:
        click.echo(f"through a chain (`archlint explain IMPORTER {found.module}` shows "
                   "every hop):")
    for chain in found.through_chains:
        modules = " -> ".join([chain[0].importer, *(hop.imported for hop in chain)])
        click.echo(printable(f"  {modules}  ({plural(len(chain), 'import')})"))


@cli.command()
@config_option
@click.option("--contract", "contract_ids", multiple=True, metavar="ID",
              help="Fix only this contract's violations (repeatable).")
@click.option("--diff", "mode", flag_value="diff", default=True,
              help="Print the changes as a unified diff and change nothing (the default).")
@click.option("--write", "mode", flag_value="write",
              help="Rewrite the files (atomically), then check again.")
@no_cache_option
@verbose_option
def fix(config: Path | None, contract_ids: tuple[str, ...], mode: str, no_cache: bool) -> int:
    """Rewrite every canonical-import violation to its fix statement."""
    from .fix import fix as run_fix  # libcst loads only when fixing

    outcome = run_fix(config, contract_ids=contract_ids, write=mode == "write",
                      use_cache=not no_cache, timings=_timings(),
                      warn=_warn_once())
    plan = outcome.plan
    if not outcome.written:
        for file_fix in plan.files:
            click.echo(file_fix.diff(), nl=False)
    for missed in plan.not_fixed:
        click.echo(f"{missed.path}:{missed.line}  [{missed.symbol}] not fixed: {missed.reason}")
    fixed = sum(f.rewritten for f in plan.files)
    files = plural(len(plan.files), "file")
    if not plan.files:
        click.echo("nothing to fix")
    elif outcome.written:
        click.echo(f"fixed {plural(fixed, 'import')} in {files}")
    else:
        click.echo(f"would fix {plural(fixed, 'import')} in {files} "
                   "(archlint fix --write applies the changes)")
    if plan.without_replacement:
        have = "has" if plan.without_replacement == 1 else "have"
        click.echo(f"{plural(plan.without_replacement, 'violation')} {have} "
                   "no fix and must be changed by hand (archlint check lists them)")
    if outcome.after is not None:
        after = outcome.after
        click.echo(f"check{' after fixing' if outcome.written else ''}: {summary_line(after)}")
        return after.exit_code
    return EXIT_OK


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
@verbose_option
def migrate(path: Path | None) -> int:
    """Convert an import-linter configuration (.importlinter, setup.cfg, pyproject.toml or
    PATH) into [tool.archlint] and contracts/*.toml."""
    from .migrate import migrate as run_migrate

    migration, written = run_migrate(path, start=Path.cwd())
    root = Path(os.path.abspath(migration.source)).parent
    click.echo(f"read {migration.source.name}: {plural(len(migration.contracts), 'contract')}")
    for target in written:
        click.echo(f"wrote {target.relative_to(root).as_posix()}")
    if migration.not_carried:
        click.echo("not carried over:")
        for note in migration.not_carried:
            click.echo(f"  {note}")
    click.echo("next: archlint check")
    return EXIT_OK


@cli.command("baseline")
@config_option
@click.option("--update", is_flag=True,
              help="Shrink the baseline: drop or lower the entries that no longer occur.")
@click.option("--allow-growth", is_flag=True,
              help="Record the current violations as they are, new ones included.")
@no_cache_option
@verbose_option
def baseline_command(config: Path | None, update: bool, allow_growth: bool,
                     no_cache: bool) -> int:
    """Record the current violations so that `check` fails only on new ones."""
    done = record_baseline(config, update=update, allow_growth=allow_growth,
                           use_cache=not no_cache, timings=_timings(),
                           warn=_warn_once())
    for old, new in done.renamed.items():
        click.echo(f"the entries of contract '{old}', which no contract has, are recorded "
                   f"under '{new}'")
    where = display_path(done.path)
    if done.before is None:
        click.echo(f"baseline written to {where}: {_recorded(done.after)}")
    elif not done.written:
        click.echo(f"baseline {where} is up to date: {_recorded(done.after)}")
    else:
        click.echo(f"baseline {where} updated: {_recorded(done.after)} "
                   f"({done.before.total} before)")
    unrecorded = done.report.summary.new
    if unrecorded:
        one = unrecorded == 1
        click.echo(f"{unrecorded} new {'violation is' if one else 'violations are'} not recorded: "
                   f"fix {'it' if one else 'them'}, or add {'it' if one else 'them'} with "
                   "`archlint baseline --update --allow-growth`")
    return done.report.exit_code


def _recorded(known: baseline.Baseline) -> str:
    violations = sum(known.violations.values())
    diagnostics = sum(known.diagnostics.values())
    cycles = (", " + plural(len(known.cycles), "dependency in an import cycle",
                            "dependencies in import cycles") if known.cycles else "")
    return (f"{plural(violations, 'violation')}{cycles} and "
            f"{plural(diagnostics, 'diagnostic')} recorded")


@cli.command()
@no_cache_option
@verbose_option
def init(no_cache: bool) -> int:
    """Set up archlint here: [tool.archlint], a starter contract and a baseline."""
    from .scaffold import init as scaffold  # builds a graph: loads grimp only when run

    done = scaffold(Path.cwd(), use_cache=not no_cache, timings=_timings())
    for package in (*done.layout.distributed, *filter(None, [done.layout.tests])):
        click.echo(f"root package {package.name}: {package.path} ({package.reason})")
    if done.layout.left_out:
        click.echo(f"left out: {', '.join(done.layout.left_out)} (Python files, but no package "
                   "the project distributes)")
    click.echo(f"wrote [tool.archlint] to {display_path(done.config_file)}")
    layers = "" if done.layers is None else (
        f"; {plural(len(done.layers.layers), 'layer')} of {done.layers.package} to review, "
        "commented out")
    click.echo(f"wrote {display_path(done.contract_file)}: no import cycles inside "
               f"{', '.join(done.cycles_in)}{layers}")
    click.echo(f"wrote {display_path(done.baseline_file)}: {_recorded(done.recorded)}")
    click.echo("`archlint check` passes now, and fails on the next new violation")
    return EXIT_OK


def _one_line(message: str) -> str:
    """An error as one line, whatever text from the configuration it quotes."""
    return printable(message).replace("\n", "\\n")


def _warn_once() -> Callable[[str], None]:
    """A warning line on standard error for each distinct message of one command (`fix`
    checks twice, and must not say the same thing twice)."""
    said: set[str] = set()

    def warn(message: str) -> None:
        if message not in said:
            said.add(message)
            click.echo(printable(f"archlint: warning: {message}"), err=True)
    return warn


def _escape_what_cannot_be_encoded(stream: object) -> None:
    """A character the stream's encoding lacks is written as an escape (`\\u2713`) instead of
    ending the run half-way: a pipe on Windows is cp1252, and checked code may hold any
    character."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for one command. A check allocates millions of small
    objects that live to the end (a statement, a name, an edge each) and form no cycles; the
    collector's passes over them took a sixth of a cold check on homeassistant, and found
    nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map every outcome to an exit code; tracebacks only with --verbose."""
    args = sys.argv[1:] if argv is None else list(argv)
    for stream in (sys.stdout, sys.stderr):
        _escape_what_cannot_be_encoded(stream)
    try:
        with _no_cycle_collection():
            result = cli.main(args=args, prog_name="archlint", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("archlint: interrupted", err=True)
        return 130
    except Terminated:
        click.echo("archlint: terminated", err=True)
        return 143
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(_one_line(f"archlint: error: {problem}"), err=True)
        return EXIT_USAGE
    except ArchlintError as exc:
        click.echo(_one_line(f"archlint: error: {exc}"), err=True)
        return EXIT_USAGE
    except Exception as exc:  # the one place an unexpected failure becomes exit code 3
        click.echo(printable(f"archlint: internal error: {type(exc).__name__}: {exc}"),
                   err=True)
        if "--verbose" in args or "-v" in args:
            import traceback  # loads only for the traceback it prints

            traceback.print_exc()
        else:
            click.echo("this is a bug in archlint: please report it with the output of the "
                       "same command run with --verbose", err=True)
        if args[:1] != ["migrate"] and "--no-cache" not in args:
            click.echo("should a damaged cache be the cause, the same command with --no-cache "
                       "runs without archlint's caches", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK
