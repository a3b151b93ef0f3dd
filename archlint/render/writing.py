"""Write the pictures: per drawn contract `<id>.dot|.svg|.png|.mmd` as asked, plus
`index.html`. The render package (networkx, pydot) is imported only when pictures are drawn,
so checking never loads it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArchlintError
from ..files import destination, write_atomic
from ..model import Report
from . import DEFAULT_FORMATS
from .dot import (
    GRAPHVIZ_MISSING,
    INSTALL_GRAPHVIZ,
    GraphvizFailed,
    dot_source,
    graphviz_available,
    render_with_graphviz,
)
from .html import index_page
from .mermaid import mermaid_source
from .picture import Picture, picture_of
from .project_map import MAP_ID, map_picture

_SUFFIX = {"dot": ".dot", "svg": ".svg", "png": ".png", "mermaid": ".mmd"}


@dataclass
class Written:
    """What a rendering run produced: the files, and one line per thing it could not do."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def write_graphs(report: Report, out: Path, formats: tuple[str, ...] = DEFAULT_FORMATS, *,
                 depth: int | None = None, draw_kept: bool = False,
                 root: Path | None = None, project_map: bool = False) -> Written:
    """Draw every broken contract (every contract with `draw_kept`) into `out`.

    Files of contracts no longer drawn (now kept, renamed, deleted) are removed, so a folder
    of pictures checked into a repository never shows a violation that is gone: the folder
    lists what archlint drew in it (DRAWN), and whatever of that is not drawn again goes;
    no other file is touched. Every file is written atomically.
    `root`, the project's folder, lets index.html link each violation to its source file.
    With `project_map`, the map of the whole project is drawn too (`project_map.*`, and at
    the top of index.html).
    """
    written = Written()
    _make_folder(out, root)
    graphviz = graphviz_available()
    wanted = set(formats)
    if not graphviz and wanted & {"svg", "png", "html"}:  # the page shows SVG pictures
        written.warnings.append(INSTALL_GRAPHVIZ)
        wanted = (wanted - {"svg", "png"}) | {"dot"}
    svgs: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    targets: dict[str, tuple[str, ...]] = {}
    for picture in _pictures(report, out, depth, draw_kept, project_map):
        drawn_id = picture.result.id
        targets[drawn_id] = picture.targets
        rendered = _rendered(picture, wanted, graphviz)
        if "svg" in rendered:
            svgs[drawn_id] = rendered["svg"].decode("utf-8")
        outputs = {fmt: data for fmt, data in rendered.items() if fmt in wanted}
        names[drawn_id] = _write_picture(out, drawn_id, outputs, root, written)
    if "html" in wanted:
        path = out / "index.html"
        missing = "" if graphviz else f"No picture: {GRAPHVIZ_MISSING}."
        sources = _relative(root, out) if root is not None else None
        _write(path, index_page(report, svgs, names, targets, sources, missing).encode(), root)
        written.files.append(path)
    _forget_what_is_not_drawn_again(out, {path.name for path in written.files}, root)
    return written


def _make_folder(out: Path, root: Path | None) -> None:
    """Create the output folder; no picture is written, nor one removed, out of the
    project."""
    try:
        if root is not None:
            destination(out, root)
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchlintError(f"cannot write to {out}: {exc.strerror}") from None


def _pictures(report: Report, out: Path, depth: int | None, draw_kept: bool,
              project_map: bool) -> list[Picture]:
    """The pictures to draw, the map first; the files of the map and of the kept contracts,
    when they are not drawn, are removed."""
    drawn = [picture_of(result, depth) for result in report.results
             if draw_kept or not result.kept]
    if project_map and report.project is not None:
        drawn.insert(0, map_picture(report, report.project))
    else:
        for suffix in _SUFFIX.values():
            (out / f"{MAP_ID}{suffix}").unlink(missing_ok=True)
    for result in report.results:
        if result.kept and not draw_kept:
            for suffix in _SUFFIX.values():
                (out / f"{result.id}{suffix}").unlink(missing_ok=True)
    return drawn


def _rendered(picture: Picture, wanted: set[str], graphviz: bool) -> dict[str, bytes]:
    """The picture in each wanted format, and as SVG for index.html when the page is wanted
    and Graphviz can draw it."""
    source = dot_source(picture)
    rendered: dict[str, bytes] = {}
    if "dot" in wanted:
        rendered["dot"] = source.encode()
    if "mermaid" in wanted:
        rendered["mermaid"] = mermaid_source(picture).encode()
    for fmt in ("svg", "png"):
        if fmt in wanted or (fmt == "svg" and "html" in wanted and graphviz):
            rendered[fmt] = _graphviz(source, fmt, picture.result.id)
    return rendered


def _write_picture(out: Path, picture_id: str, outputs: dict[str, bytes], root: Path | None,
                   written: Written) -> list[str]:
    """Write a picture's files; a file of a format not asked for this time was drawn
    before and is now out of date, so it is removed. Returns the names written."""
    names = []
    for fmt, suffix in _SUFFIX.items():
        path = out / f"{picture_id}{suffix}"
        if fmt not in outputs:
            path.unlink(missing_ok=True)
            continue
        _write(path, outputs[fmt], root)
        written.files.append(path)
        names.append(path.name)
    return names


def _forget_what_is_not_drawn_again(out: Path, now: set[str], root: Path | None) -> None:
    """Remove the files an earlier drawing wrote that this one did not, then list this one's
    (only plain names of this folder are ever removed: the list is a file anyone can edit)."""
    try:
        before = (out / DRAWN).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        before = []
    for name in before:
        if name not in now and _is_drawn_name(name):
            (out / name).unlink(missing_ok=True)
    listing = "".join(f"{name}\n" for name in sorted(now))
    _write(out / DRAWN, f"{_DRAWN_HEADER}\n{listing}".encode(), root)


DRAWN = ".archlint-drawn"
_DRAWN_HEADER = "# archlint drew these files; it removes those it does not draw again"


def _is_drawn_name(name: str) -> bool:
    """A name archlint may have drawn: `index.html`, or a contract id (or the map) with one
    of the picture suffixes; never a path, never a hidden file."""
    stem, dot, suffix = name.rpartition(".")
    return name == "index.html" or (bool(dot) and f".{suffix}" in _SUFFIX.values()
                                     and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", stem) is not None)


def _relative(root: Path, out: Path) -> str | None:
    """The project's folder as seen from the output folder, with forward slashes ("" when
    they are the same); None when no relative path joins them (another drive)."""
    try:
        relative = Path(os.path.relpath(root.resolve(), out.resolve())).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def _graphviz(source: str, fmt: str, contract_id: str) -> bytes:
    try:
        return render_with_graphviz(source, fmt)
    except GraphvizFailed as exc:
        raise ArchlintError(f"Graphviz's dot failed to draw '{contract_id}': {exc}") from None


def _write(path: Path, data: bytes, root: Path | None) -> None:
    try:
        write_atomic(path, data, root=root)
    except OSError as exc:
        raise ArchlintError(f"cannot write {path}: {exc.strerror}") from None
