"""archlint beside import-linter on real and synthetic code: `python3 benchmarks/run.py`.

Installs what it needs into benchmarks/corpora/ (ignored by git): a virtualenv with this
checkout of archlint and import-linter, the homeassistant 2024.3.3 and Django 5.0.3 wheels
(unpacked), synthetic trees of 5,000 and 50,000 modules and a messy synthetic backend of 8,000
files (benchmarks/messy.py). Each corpus gets the same forbidden, layers and independence
contracts for both tools, plus canonical, internal and unique contracts that only archlint has.

Every case runs the tools interleaved (A B A B ...) and the table shows medians, the ratio
archlint / import-linter and peak RSS from the OS (wait4). archlint runs twice per case: with
the graph contracts import-linter also has, and with all six (the symbol-level contracts are
the reason to choose archlint, so they must cost about what the graph costs). The table is
printed and replaces the measured part of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPORA = HERE / "corpora"
VENV = CORPORA / "venv"
BIN = VENV / "bin"
IMPORT_LINTER = "import-linter==2.17"
sys.path.insert(0, str(ROOT))

from benchmarks import messy  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402

SHARED_IDS = ("forbidden", "layers", "independence")


@dataclass
class Corpus:
    """A project to check, and the contracts both tools get."""

    name: str
    packages: tuple[str, ...]
    forbidden: tuple[str, tuple[str, ...]]  # source, forbidden modules
    layers: tuple[str, ...]
    independent: tuple[str, ...]
    canonical: tuple[str, str, str]  # package, canonical module, symbol defined there
    internal: tuple[str, str]  # importers, protected package
    unique: tuple[str, str, str]  # package, name pattern, kind
    touched: str  # the file edited in the one-file cases, relative to the corpus folder
    repeat: int = 5
    folder: Path = field(init=False)

    def __post_init__(self) -> None:
        self.folder = CORPORA / self.name


CORPUS_LIST = [
    Corpus("homeassistant", ("homeassistant",),
           ("homeassistant.util", ("homeassistant.helpers", "homeassistant.components")),
           ("homeassistant.components", "homeassistant.helpers", "homeassistant.util"),
           ("homeassistant.components.hue", "homeassistant.components.zha",
            "homeassistant.components.mqtt", "homeassistant.components.http"),
           ("homeassistant.util.dt", "homeassistant.util.dt", "utcnow"),
           ("homeassistant.components", "homeassistant.helpers"),
           ("homeassistant.components", "CannotConnect", "class"),
           "homeassistant/helpers/entity.py"),
    Corpus("django", ("django",),
           ("django.utils", ("django.db", "django.contrib")),
           ("django.contrib", "django.db", "django.core", "django.utils"),
           ("django.contrib.sessions", "django.contrib.messages", "django.contrib.sitemaps"),
           ("django.utils.timezone", "django.utils.timezone", "now"),
           ("django.contrib", "django.db"),
           ("django", "*Error", "class"),
           "django/db/models/query.py"),
    Corpus("synthetic-5000", ("synth",),
           ("synth.util", ("synth.services", "synth.app")),
           ("synth.app", "synth.services", "synth.domain", "synth.util"),
           ("synth.domain.p00", "synth.domain.p01", "synth.domain.p02"),
           ("synth.util.clock", "synth.util.clock.api", "now"),
           ("synth.app", "synth.domain"),
           ("synth", "M0*Service", "class"),
           "synth/domain/p00/s00/m01.py"),
    Corpus("synthetic-50000", ("synth",),
           ("synth.util", ("synth.services", "synth.app")),
           ("synth.app", "synth.services", "synth.domain", "synth.util"),
           ("synth.domain.p00", "synth.domain.p01", "synth.domain.p02"),
           ("synth.util.clock", "synth.util.clock.api", "now"),
           ("synth.app", "synth.domain"),
           ("synth", "M0*Service", "class"),
           "synth/domain/p00/s00/m01.py", repeat=3),
    Corpus("messy-8000", ("backend", "tests"),
           ("backend.core", ("backend.services", "backend.routes")),
           tuple(f"backend.{layer}" for layer in messy.LAYERS),
           messy.INDEPENDENT,
           ("backend.websocket_core", messy.CANONICAL, "WebSocketManager"),
           ("tests", "backend"),
           ("backend", "*WebSocket*", "class"),
           "backend/services/p00/s00/m01.py"),
]
CORPORA_BY_NAME = {c.name: c for c in CORPUS_LIST}


# -- installation -----------------------------------------------------------------------------


def install() -> None:
    """The benchmark virtualenv: this checkout of archlint and import-linter 2.17.

    The stamp records the virtualenv's own path: a virtualenv copied from another checkout
    keeps console scripts whose first line names the other checkout's interpreter (and so
    its installed archlint), so it is made afresh."""
    stamp = VENV / ".benchmark-installed"
    if stamp.exists() and stamp.read_text().strip() == str(VENV):
        return
    if VENV.exists():
        say(f"{VENV} was made for another path: making it afresh")
        shutil.rmtree(VENV)
    CORPORA.mkdir(parents=True, exist_ok=True)
    say("creating the benchmark virtualenv")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip("install", str(ROOT), IMPORT_LINTER)
    stamp.write_text(f"{VENV}\n")


def reinstall_archlint() -> None:
    """The checkout as it is now (a non-editable install, like a user's); then make sure
    both commands run this virtualenv's interpreter and archlint comes from this checkout."""
    pip("install", "--no-deps", "--force-reinstall", str(ROOT))
    for script in ("archlint", "lint-imports"):
        first = (BIN / script).read_text(encoding="utf-8").splitlines()[0]
        if first != f"#!{BIN / 'python'}":
            raise SystemExit(f"{BIN / script} runs {first[2:]}, not {BIN / 'python'}")
    code = ("import archlint, importlib.metadata as m, json; print(json.dumps([archlint.__file__, "
            "json.loads(m.distribution('archlint').read_text('direct_url.json'))['url']]))")
    where, origin = json.loads(subprocess.run([BIN / "python", "-c", code], capture_output=True,
                                              text=True, check=True, cwd=CORPORA).stdout)
    if not Path(where).is_relative_to(VENV) or origin != ROOT.as_uri():
        raise SystemExit(f"the benchmark virtualenv's archlint is {where} from {origin}, "
                         f"not a copy of {ROOT}")


def pip(*args: str) -> None:
    """Run the benchmark virtualenv's pip quietly; show its output only when it fails."""
    done = subprocess.run([BIN / "python", "-m", "pip", *args, "--quiet",
                           "--disable-pip-version-check"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pip {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def fetch_wheel(requirement: str, package: str, target: Path) -> None:
    """`pip download --no-deps` a wheel and unpack its top-level package into `target`."""
    if (target / package).is_dir():
        return
    downloads = CORPORA / "downloads"
    say(f"downloading {requirement}")
    pip("download", "--no-deps", "--only-binary", ":all:", "-d", str(downloads), requirement)
    name = requirement.split("==")[0].lower()
    wheel = next(p for p in downloads.glob("*.whl") if p.name.lower().startswith(name))
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(f"{package}/")]
        archive.extractall(target, members)


def prepare(corpus: Corpus) -> None:
    if corpus.name == "homeassistant":
        fetch_wheel("homeassistant==2024.3.3", "homeassistant", corpus.folder)
    elif corpus.name == "django":
        fetch_wheel("django==5.0.3", "django", corpus.folder)
    elif corpus.name.startswith("messy") and not (corpus.folder / "backend").is_dir():
        files = int(corpus.name.rsplit("-", 1)[1])
        say(f"generating a messy backend of {files:,} files")
        messy.generate(corpus.folder, files, seed=6)
    elif corpus.name.startswith("synthetic") and not (corpus.folder / "synth").is_dir():
        modules = int(corpus.name.rsplit("-", 1)[1])
        say(f"generating {modules:,} synthetic modules")
        generate(corpus.folder, modules, seed=6)
    write_contracts(corpus)


def write_contracts(corpus: Corpus) -> None:
    """The same three contracts for both tools; canonical, internal and unique for archlint
    alone."""
    source, forbidden = corpus.forbidden
    package, canonical, symbol = corpus.canonical
    importers, protected = corpus.internal
    unique_package, pattern, kind = corpus.unique
    (corpus.folder / "pyproject.toml").write_text(
        f'[tool.archlint]\nroot_packages = {toml_list(corpus.packages)}\n')
    contracts = corpus.folder / "contracts"
    contracts.mkdir(exist_ok=True)
    (contracts / "shared.toml").write_text(textwrap.dedent(f"""\
        [[contracts]]
        id = "forbidden"
        type = "forbidden"
        source_modules = ["{source}"]
        forbidden_modules = {toml_list(forbidden)}

        [[contracts]]
        id = "layers"
        type = "layers"
        layers = {toml_list(corpus.layers)}

        [[contracts]]
        id = "independence"
        type = "independence"
        modules = {toml_list(corpus.independent)}
        """))
    (contracts / "archlint-only.toml").write_text(textwrap.dedent(f"""\
        [[contracts]]
        id = "canonical"
        type = "canonical"
        package = "{package}"
        canonical = ["{canonical}"]
        symbols = {{ {symbol} = "{canonical}" }}

        [[contracts]]
        id = "internal"
        type = "internal"
        importers = ["{importers}"]
        packages = ["{protected}"]

        [[contracts]]
        id = "unique"
        type = "unique"
        packages = ["{unique_package}"]
        names = ["{pattern}"]
        kinds = ["{kind}"]
        """))
    indent = "\n    "
    roots = f"root_packages ={indent}{indent.join(corpus.packages)}"
    (corpus.folder / ".importlinter").write_text(
        f"[importlinter]\n{roots}\n\n"
        f"[importlinter:contract:forbidden]\nname = forbidden\ntype = forbidden\n"
        f"source_modules = {source}\nforbidden_modules ={indent}{indent.join(forbidden)}\n\n"
        f"[importlinter:contract:layers]\nname = layers\ntype = layers\n"
        f"layers ={indent}{indent.join(corpus.layers)}\n\n"
        f"[importlinter:contract:independence]\nname = independence\ntype = independence\n"
        f"modules ={indent}{indent.join(corpus.independent)}\n")


def toml_list(items) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_kb: int


def measure(command: list[str], cwd: Path) -> Run:
    """Wall time and peak RSS (from wait4) of one run; exit 0 or 1 (contracts broken)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(command)} in {cwd} exited {code}: "
                         f"{process.stderr.read().decode()[-2000:]}")
    process.stderr.close()
    return Run(seconds, usage.ru_maxrss)


def archlint_command(*ids: str) -> list[str]:
    return [str(BIN / "archlint"), "check", *(a for i in ids for a in ("--contract", i))]


LINT_IMPORTS = [str(BIN / "lint-imports")]


def clear_caches(folder: Path) -> None:
    for name in (".archlint_cache", ".import_linter_cache"):
        shutil.rmtree(folder / name, ignore_errors=True)


def touch(folder: Path, relative: str, counter: list[int]) -> None:
    """Edit one file without changing its imports: append a comment line."""
    counter[0] += 1
    with open(folder / relative, "a", encoding="utf-8") as handle:
        handle.write(f"# edited {counter[0]}\n")


def toggle_import(folder: Path, relative: str, line: str) -> None:
    """Edit one file so that its imports change: add `line` at its end, or take it away."""
    path = folder / relative
    text = path.read_text(encoding="utf-8")
    text = text[: -len(line)] if text.endswith(line) else text + line
    path.write_text(text, encoding="utf-8")


@dataclass
class Row:
    corpus: str
    case: str
    contracts: str  # "graph" (what import-linter checks too) or "all" (six types)
    archlint: list[Run]
    other: list[Run]  # import-linter's runs the ratio is taken against
    target: float
    against: str  # which of import-linter's cases `other` is

    @staticmethod
    def median(runs: list[Run]) -> tuple[float, float]:
        return (statistics.median(r.seconds for r in runs),
                statistics.median(r.peak_kb for r in runs) / 1024)


# Targets of archlint / import-linter: with the graph contracts alone, and with all six
# (where a touched file is held to import-linter's warm run).
GRAPH_TARGETS = {"cold": 1.1, "warm": 0.3, "one file touched": 0.5,
                 "one import changed": 0.5}
ALL_TARGETS = {"cold": 1.3, "warm": 0.3, "one file touched": 0.3, "one import changed": 0.3}
MEMORY_TARGET = 1.2


def compare(corpus: Corpus) -> list[Row]:
    """Each case for archlint with the graph contracts, archlint with all six and
    import-linter, interleaved run by run."""
    folder, repeat = corpus.folder, corpus.repeat
    commands = {"graph": archlint_command(*SHARED_IDS), "all": archlint_command(),
                "import-linter": LINT_IMPORTS}
    runs: dict[tuple[str, str], list[Run]] = {}
    counter = [0]
    neighbour = f"import {corpus.packages[0]}\n"

    def series(case: str, before=None, clear: bool = False) -> None:
        say(f"{corpus.name}: {case}")
        for _ in range(repeat):
            for name, command in commands.items():
                if clear:
                    clear_caches(folder)
                if before is not None:
                    before()
                runs.setdefault((case, name), []).append(measure(command, folder))

    series("cold", clear=True)
    for command in commands.values():  # every cache filled with the tree as it is
        measure(command, folder)
    series("warm")
    series("one file touched", before=lambda: touch(folder, corpus.touched, counter))
    series("one import changed",
           before=lambda: toggle_import(folder, corpus.touched, neighbour))
    _restore(corpus, neighbour)
    rows = []
    for contracts, targets in (("graph", GRAPH_TARGETS), ("all", ALL_TARGETS)):
        for case, target in targets.items():
            against = case if contracts == "graph" or case in ("cold", "warm") else "warm"
            rows.append(Row(corpus.name, case, contracts, runs[case, contracts],
                            runs[against, "import-linter"], target, against))
    return rows


def _restore(corpus: Corpus, added: str) -> None:
    """Drop the appended comment lines and the toggled import, so reruns start from the
    same tree."""
    path = corpus.folder / corpus.touched
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and (lines[-1].startswith("# edited ") or lines[-1] == added):
        lines.pop()
    path.write_text("".join(lines), encoding="utf-8")


# -- reporting --------------------------------------------------------------------------------


def table(rows: list[Row], files: dict[str, int]) -> str:
    lines = [
        "| corpus | contracts | case | archlint s | import-linter s (case) | ratio | target "
        "| archlint MB | import-linter MB | RSS ratio |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds, megabytes = Row.median(row.archlint)
        other_seconds, other_megabytes = Row.median(row.other)
        ratio = seconds / other_seconds
        memory = megabytes / other_megabytes
        mark = "met" if ratio <= row.target else "NOT met"
        memory_mark = "met" if memory <= MEMORY_TARGET else "NOT met"
        label = f"{row.corpus} ({files[row.corpus]:,} files)"
        lines.append(
            f"| {label} | {row.contracts} | {row.case} | {seconds:.2f} | {other_seconds:.2f} "
            f"({row.against}) | {ratio:.2f} | <= {row.target} {mark} | {megabytes:.0f} "
            f"| {other_megabytes:.0f} | {memory:.2f} (<= {MEMORY_TARGET} {memory_mark}) |")
    return "\n".join(lines)


def growth(rows: list[Row]) -> str:
    """archlint's times at 50,000 modules over those at 5,000 (linear: about 10)."""
    by = {(r.corpus, r.contracts, r.case): Row.median(r.archlint)[0] for r in rows}
    lines = []
    for contracts in ("graph", "all"):
        for case in GRAPH_TARGETS:
            small = by.get(("synthetic-5000", contracts, case))
            large = by.get(("synthetic-50000", contracts, case))
            if small and large:
                lines.append(f"- {contracts} contracts, {case}: {small:.2f} s -> {large:.2f} s, "
                             f"x{large / small:.1f} for x10 modules")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        memory = f"{kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        memory = "unknown RAM"
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, {memory}"


def versions() -> str:
    code = ("import importlib.metadata as m, sys; print(sys.version.split()[0], "
            "m.version('archlint'), m.version('import-linter'), m.version('grimp'))")
    python, archlint, import_linter, grimp = subprocess.run(
        [BIN / "python", "-c", code], capture_output=True, text=True, check=True).stdout.split()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return (f"Python {python}; archlint {archlint} (commit {commit}); "
            f"import-linter {import_linter}; grimp {grimp}")


BEGIN, END = "<!-- measured: begin -->", "<!-- measured: end -->"


def write_results(measured: str) -> None:
    """Replace the measured part of RESULTS.md (between its markers), keeping the analysis."""
    path = HERE / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else (
        f"# Benchmark results\n\n{BEGIN}\n{END}\n")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    path.write_text(f"{head}{BEGIN}\n{measured}{END}{tail}", encoding="utf-8")
    say(f"written to {path}")


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=list(CORPORA_BY_NAME),
                        help="only this corpus (repeatable; default: all)")
    parser.add_argument("--repeat", type=int, help="runs per tool and case (default 5; 3 at "
                                                   "50,000 modules)")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    install()
    reinstall_archlint()
    chosen = [CORPORA_BY_NAME[n] for n in args.corpus] if args.corpus else CORPUS_LIST
    rows, files = [], {}
    for corpus in chosen:
        if args.repeat:
            corpus.repeat = args.repeat
        prepare(corpus)
        files[corpus.name] = sum(1 for package in corpus.packages
                                 for _ in (corpus.folder / package).rglob("*.py"))
        rows += compare(corpus)
    command = "python3 benchmarks/run.py" + "".join(
        f" {a}" for a in sys.argv[1:])
    report = (
        f"Measured {datetime.date.today().isoformat()} on {machine()}.\n\n"
        f"{versions()}.\n\nCommand: `{command}`\n\n{table(rows, files)}\n"
    )
    lines = growth(rows)
    if lines:
        report += f"\nGrowth from 5,000 to 50,000 synthetic modules (archlint):\n\n{lines}\n"
    print(report)
    if not args.no_write:
        write_results(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
