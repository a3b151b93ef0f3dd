"""The command line: parse options, call the library, print, return an exit code.

Exit codes: 0 every contract kept; 1 a contract broken or an error diagnostic; 2 usage or
configuration error; 3 internal error. `main(argv)` is the one error boundary.
"""

from __future__ import annotations

import io
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .checking import check as run_check
from .checking import explain as find_chains
from .errors import ArchlintError, ConfigError
from .files import write_atomic
from .report import REPORTERS
from .report.text import hop_lines, summary_line

EXIT_OK, EXIT_BROKEN, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# explain prints each chain in full, so a hub imported by thousands of modules is capped.
MAX_EXPLAINED_CHAINS = 50


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archlint")
def cli() -> None:
    """Import-graph architecture linter: check the contracts in contracts/*.toml."""


@cli.command()
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
              help="pyproject.toml or archlint.toml to use (default: found from here upwards).")
@click.option("--contract", "contract_ids", multiple=True, metavar="ID",
              help="Check only this contract (repeatable).")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text",
              show_default=True, help="Report format.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the import cache.")
@click.option("--verbose", "-v", is_flag=True, help="Timings, and tracebacks on internal errors.")
def check(config: Path | None, contract_ids: tuple[str, ...], output_format: str,
          output: Path | None, no_cache: bool, verbose: bool) -> int:
    """Check every contract; exit 1 if one is broken or a file does not parse."""
    started = time.perf_counter()
    report = run_check(config, contract_ids=contract_ids, use_cache=not no_cache)
    render = REPORTERS[output_format]
    if output is None:
        render(report, sys.stdout)
    else:
        buffer = io.StringIO()
        render(report, buffer)
        try:
            write_atomic(output, buffer.getvalue())
        except OSError as exc:
            raise ArchlintError(f"cannot write {output}: {exc.strerror}") from None
        click.echo(summary_line(report))
        click.echo(f"report written to {output}")
    if verbose:
        click.echo(f"checked in {time.perf_counter() - started:.2f}s", err=True)
    return report.exit_code


@cli.command()
@click.argument("importer")
@click.argument("imported")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False),
              help="pyproject.toml or archlint.toml to use (default: found from here upwards).")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the import cache.")
def explain(importer: str, imported: str, config: Path | None, no_cache: bool) -> int:
    """Show every chain of imports from IMPORTER to IMPORTED (packages included)."""
    chains = find_chains(importer, imported, config, use_cache=not no_cache)
    if not chains:
        click.echo(f"{importer} does not import {imported}, directly or through a chain")
        return EXIT_OK
    noun = "chain" if len(chains) == 1 else "chains"
    shown = ""
    if len(chains) > MAX_EXPLAINED_CHAINS:
        shown = f" (the {MAX_EXPLAINED_CHAINS} shortest shown)"
    click.echo(f"{len(chains)} {noun} from {importer} to {imported}{shown}")
    for number, chain in enumerate(chains[:MAX_EXPLAINED_CHAINS], 1):
        click.echo(f"{number}. {chain[0].importer} -> {chain[-1].imported}"
                   f"  ({len(chain)} {'import' if len(chain) == 1 else 'imports'})")
        for line in hop_lines(chain):
            click.echo(f"   {line}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map every outcome to an exit code; tracebacks only with --verbose."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        result = cli.main(args=args, prog_name="archlint", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("archlint: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"archlint: error: {problem}", err=True)
        return EXIT_USAGE
    except ArchlintError as exc:
        click.echo(f"archlint: error: {exc}", err=True)
        return EXIT_USAGE
    except Exception as exc:  # the one place an unexpected failure becomes exit code 3
        click.echo(f"archlint: internal error: {type(exc).__name__}: {exc}", err=True)
        if "--verbose" in args or "-v" in args:
            traceback.print_exc()
        else:
            click.echo("this is a bug in archlint: please report it with the output of the "
                       "same command run with --verbose", err=True)
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK
