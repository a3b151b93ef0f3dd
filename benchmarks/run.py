"""archlint beside import-linter 2.16 on real and synthetic code: `python3 benchmarks/run.py`.

Installs what it needs into benchmarks/corpora/ (ignored by git): a virtualenv with this
checkout of archlint and import-linter 2.16, the homeassistant 2024.3.3 and Django 5.0.3
wheels (unpacked), and synthetic trees of 5,000 and 50,000 modules. Each corpus gets the same
forbidden, layers and independence contracts for both tools, plus canonical and internal
contracts that only archlint has. Every case runs the two tools interleaved (A B A B ...);
the table shows medians, the ratio archlint / import-linter and peak RSS from the OS
(wait4). The table is printed and replaces the measured part of benchmarks/RESULTS.md.
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
IMPORT_LINTER = "import-linter==2.16"
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import generate  # noqa: E402

SHARED_IDS = ("forbidden", "layers", "independence")


@dataclass
class Corpus:
    """A project to check, and the contracts both tools get."""

    name: str
    package: str
    forbidden: tuple[str, tuple[str, ...]]  # source, forbidden modules
    layers: tuple[str, ...]
    independent: tuple[str, ...]
    canonical: tuple[str, str, str]  # package, canonical module, symbol defined there
    internal: tuple[str, str]  # importers, protected package
    touched: str  # the file edited in the one-file case, relative to the corpus folder
    repeat: int = 5
    folder: Path = field(init=False)

    def __post_init__(self) -> None:
        self.folder = CORPORA / self.name


CORPUS_LIST = [
    Corpus("homeassistant", "homeassistant",
           ("homeassistant.util", ("homeassistant.helpers", "homeassistant.components")),
           ("homeassistant.components", "homeassistant.helpers", "homeassistant.util"),
           ("homeassistant.components.hue", "homeassistant.components.zha",
            "homeassistant.components.mqtt", "homeassistant.components.http"),
           ("homeassistant.util.dt", "homeassistant.util.dt", "utcnow"),
           ("homeassistant.components", "homeassistant.helpers"),
           "homeassistant/helpers/entity.py"),
    Corpus("django", "django",
           ("django.utils", ("django.db", "django.contrib")),
           ("django.contrib", "django.db", "django.core", "django.utils"),
           ("django.contrib.sessions", "django.contrib.messages", "django.contrib.sitemaps"),
           ("django.utils.timezone", "django.utils.timezone", "now"),
           ("django.contrib", "django.db"),
           "django/db/models/query.py"),
    Corpus("synthetic-5000", "synth",
           ("synth.util", ("synth.services", "synth.app")),
           ("synth.app", "synth.services", "synth.domain", "synth.util"),
           ("synth.domain.p00", "synth.domain.p01", "synth.domain.p02"),
           ("synth.util.clock", "synth.util.clock.api", "now"),
           ("synth.app", "synth.domain"),
           "synth/domain/p00/s00/m01.py"),
    Corpus("synthetic-50000", "synth",
           ("synth.util", ("synth.services", "synth.app")),
           ("synth.app", "synth.services", "synth.domain", "synth.util"),
           ("synth.domain.p00", "synth.domain.p01", "synth.domain.p02"),
           ("synth.util.clock", "synth.util.clock.api", "now"),
           ("synth.app", "synth.domain"),
           "synth/domain/p00/s00/m01.py", repeat=3),
]
CORPORA_BY_NAME = {c.name: c for c in CORPUS_LIST}


# -- installation -----------------------------------------------------------------------------


def install() -> None:
    """The benchmark virtualenv: this checkout of archlint and import-linter 2.16.

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
    elif not (corpus.folder / "synth").is_dir():
        modules = int(corpus.name.rsplit("-", 1)[1])
        say(f"generating {modules:,} synthetic modules")
        generate(corpus.folder, modules, seed=6)
    write_contracts(corpus)


def write_contracts(corpus: Corpus) -> None:
    """The same three contracts for both tools; canonical and internal for archlint alone."""
    source, forbidden = corpus.forbidden
    package, canonical, symbol = corpus.canonical
    importers, protected = corpus.internal
    (corpus.folder / "pyproject.toml").write_text(
        f'[tool.archlint]\nroot_packages = ["{corpus.package}"]\n')
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
        """))
    indent = "\n    "
    (corpus.folder / ".importlinter").write_text(
        f"[importlinter]\nroot_package = {corpus.package}\n\n"
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


@dataclass
class Row:
    corpus: str
    case: str
    archlint: list[Run]
    other: list[Run] | None  # None: archlint alone

    @staticmethod
    def median(runs: list[Run]) -> tuple[float, float]:
        return (statistics.median(r.seconds for r in runs),
                statistics.median(r.peak_kb for r in runs) / 1024)


def compare(corpus: Corpus) -> list[Row]:
    """Cold, warm and one-file-touched, interleaved; then archlint alone with all contracts."""
    folder, repeat = corpus.folder, corpus.repeat
    shared = archlint_command(*SHARED_IDS)
    everything = archlint_command()
    counter = [0]
    rows = []
    pairs = {"cold": ([], []), "warm": ([], []), "one file touched": ([], [])}
    say(f"{corpus.name}: cold")
    for _ in range(repeat):
        clear_caches(folder)
        pairs["cold"][0].append(measure(shared, folder))
        clear_caches(folder)
        pairs["cold"][1].append(measure(LINT_IMPORTS, folder))
    say(f"{corpus.name}: warm")
    measure(shared, folder)
    measure(LINT_IMPORTS, folder)
    for _ in range(repeat):
        pairs["warm"][0].append(measure(shared, folder))
        pairs["warm"][1].append(measure(LINT_IMPORTS, folder))
    say(f"{corpus.name}: one file touched")
    for _ in range(repeat):
        touch(folder, corpus.touched, counter)
        pairs["one file touched"][0].append(measure(shared, folder))
        touch(folder, corpus.touched, counter)
        pairs["one file touched"][1].append(measure(LINT_IMPORTS, folder))
    rows += [Row(corpus.name, case, a, b) for case, (a, b) in pairs.items()]
    say(f"{corpus.name}: archlint with canonical and internal too")
    alone = {"cold": [], "warm": [], "one file touched": []}
    for _ in range(max(1, repeat // 2)):
        clear_caches(folder)
        alone["cold"].append(measure(everything, folder))
    for _ in range(repeat):
        alone["warm"].append(measure(everything, folder))
    for _ in range(repeat):
        touch(folder, corpus.touched, counter)
        alone["one file touched"].append(measure(everything, folder))
    rows += [Row(corpus.name, f"{case}, + canonical, internal", runs, None)
             for case, runs in alone.items()]
    _restore(corpus)
    return rows


def _restore(corpus: Corpus) -> None:
    """Drop the appended comment lines, so reruns start from the same tree."""
    path = corpus.folder / corpus.touched
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[-1].startswith("# edited "):
        lines.pop()
    path.write_text("".join(lines), encoding="utf-8")


# -- reporting --------------------------------------------------------------------------------

TARGETS = {"cold": 1.1, "warm": 0.3, "one file touched": 0.5}


def table(rows: list[Row], files: dict[str, int]) -> str:
    lines = [
        "| corpus | case | archlint s | import-linter s | ratio | target | archlint MB "
        "| import-linter MB | RSS ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        seconds, megabytes = Row.median(row.archlint)
        label = f"{row.corpus} ({files[row.corpus]:,} files)"
        if row.other is None:
            lines.append(f"| {label} | {row.case} | {seconds:.2f} | | | | {megabytes:.0f} | | |")
            continue
        other_seconds, other_megabytes = Row.median(row.other)
        ratio = seconds / other_seconds
        target = TARGETS[row.case]
        memory = megabytes / other_megabytes
        mark = "met" if ratio <= target else "NOT met"
        memory_mark = "met" if memory <= 1.2 else "NOT met"
        lines.append(
            f"| {label} | {row.case} | {seconds:.2f} | {other_seconds:.2f} | {ratio:.2f} "
            f"| <= {target} {mark} | {megabytes:.0f} | {other_megabytes:.0f} "
            f"| {memory:.2f} (<= 1.2 {memory_mark}) |")
    return "\n".join(lines)


def growth(rows: list[Row]) -> str:
    """archlint's times at 50,000 modules over those at 5,000 (linear: about 10)."""
    by = {(r.corpus, r.case): Row.median(r.archlint)[0] for r in rows}
    lines = []
    for case in ("cold", "warm", "one file touched", "cold, + canonical, internal",
                 "warm, + canonical, internal"):
        small, large = by.get(("synthetic-5000", case)), by.get(("synthetic-50000", case))
        if small and large:
            lines.append(f"- {case}: {small:.2f} s -> {large:.2f} s, x{large / small:.1f} "
                         "for x10 modules")
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
        files[corpus.name] = sum(1 for _ in (corpus.folder / corpus.package).rglob("*.py"))
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
