"""index.html as a reviewer sees it: rendered by headless Chromium, checked by its pixels.

The page is drawn for a project with one baselined and one new violation. Screenshots are
taken with the page's filters (`?show=new`, `?show=baselined`) and with a link to the new
violation's edge (`#<id>`), and the tests count the pixels of the colours that only those
things use. CI installs Chromium and sets ARCHLINT_REQUIRE_CHROMIUM=1, so these tests fail
there instead of skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest
from test_graphs import LAYERED, LAYERS, needs_graphviz

from archlint.render.dot import PALE_RED, RED

pytestmark = pytest.mark.slow

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("ARCHLINT_REQUIRE_CHROMIUM"),
    reason="headless Chromium is not installed (CI installs it and requires these tests)",
)
# Tall enough that the whole page shows without scrolling (headless screenshots of a
# scrolled page come out blank).
WINDOW = (1200, 2600)
FILTER_BLUE = (0x15, 0x65, 0xC0)


def screenshot(page: Path, suffix: str = "") -> tuple[int, int, list[bytes]]:
    """The page as Chromium draws it: width, height and one bytes object of RGB per row."""
    assert CHROMIUM is not None, "Chromium is required here (ARCHLINT_REQUIRE_CHROMIUM)"
    with tempfile.TemporaryDirectory() as profile:
        shot = Path(profile) / "shot.png"
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--hide-scrollbars",
             f"--window-size={WINDOW[0]},{WINDOW[1]}", "--virtual-time-budget=3000",
             f"--screenshot={shot}", page.as_uri() + suffix],
            check=True, capture_output=True, timeout=120)
        return decode_png(shot.read_bytes())


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """An 8-bit RGB or RGBA PNG as rows of RGB bytes (enough for Chromium's screenshots)."""
    position, chunks = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
        elif kind == b"IDAT":
            chunks += body
        position += 12 + length
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(chunks)
    stride = width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up, corner = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up),
                           (abs(guess - corner), 2, corner))
                line[x] = (line[x] + near[2]) & 0xFF
        previous = line
        rows.append(bytes(line) if step == 3 else bytes(
            b for i in range(0, stride, 4) for b in line[i:i + 3]))
    return width, height, rows


def count(shot: tuple[int, int, list[bytes]], colour: str | tuple[int, int, int],
          rows: range | None = None, tolerance: int = 24) -> int:
    """Pixels within `tolerance` of `colour` (on each channel)."""
    width, height, data = shot
    wanted = colour if isinstance(colour, tuple) else tuple(bytes.fromhex(colour[1:]))
    found = 0
    for y in rows or range(height):
        row = data[y]
        for x in range(0, width * 3, 3):
            if (abs(row[x] - wanted[0]) <= tolerance and abs(row[x + 1] - wanted[1]) <= tolerance
                    and abs(row[x + 2] - wanted[2]) <= tolerance):
                found += 1
    return found


def pressed_button_columns(shot) -> range:
    """Where the pressed filter button is: the columns of its blue in the fixed bar on top."""
    width, _, data = shot
    columns = [x // 3 for y in range(4, 30) for x in range(0, width * 3, 3)
               if all(abs(data[y][x + i] - FILTER_BLUE[i]) <= 12 for i in range(3))]
    assert columns, "no pressed filter button"
    return range(min(columns), max(columns) + 1)


@pytest.fixture
def review_page(project) -> tuple[Path, str]:
    """index.html of a project whose layers contract has one baselined upward import and one
    new one; with the id of the new violation's edge, as its table row links to it."""
    project.settings(["app"]).files(LAYERED).contracts(LAYERS)
    assert project.cli("baseline").code == 0
    project.files({"app/low/cache.py": "# a second upward import, new on this branch\n"
                                       "import app.mid.service\n"})
    run = project.cli("graph", "--out", "out")
    assert run.code == 0, run.err
    page = project.root / "out" / "index.html"
    html = page.read_text()
    (new_row,) = re.findall(r'<tr class="new">.*?</tr>', html)
    (target,) = re.findall(r'<a class="drawn" href="#([^"]+)">picture</a>', new_row)
    assert "app/low/cache.py:2" in new_row
    return page, target


@needs_graphviz
@needs_chromium
def test_filters_show_new_or_baselined_violations_in_pictures_and_tables(review_page):
    page, _ = review_page
    everything = screenshot(page)
    only_new = screenshot(page, "?show=new")
    only_baselined = screenshot(page, "?show=baselined")

    # the pressed button moves from "All" to "New" to "Baselined", left to right
    buttons = [pressed_button_columns(s) for s in (everything, only_new, only_baselined)]
    assert buttons[0].stop <= buttons[1].start and buttons[1].stop <= buttons[2].start

    # the baselined edge (pale red) shows, except when only new violations are shown
    pale = [count(s, PALE_RED, tolerance=10) for s in (everything, only_new, only_baselined)]
    assert pale[0] > 150 and pale[2] > 150
    assert pale[1] < pale[0] / 4  # what is left: the legend, and the red edge's soft rim
    # the new edge (red) fades when only baselined violations are shown
    red = [count(s, RED, tolerance=10) for s in (everything, only_new, only_baselined)]
    assert red[1] >= red[0] * 0.8
    assert red[2] < red[0] - 150


@needs_graphviz
@needs_chromium
def test_a_violation_link_zooms_the_picture_onto_its_edge(review_page):
    page, target = review_page
    whole = screenshot(page)
    focused = screenshot(page, f"#{target}")
    # zoomed in and highlighted, the new edge is drawn thicker and longer: more red pixels
    assert count(focused, RED, tolerance=10) > 1.5 * count(whole, RED, tolerance=10)
    # and the page was not scrolled away: the filter bar is still on top
    assert pressed_button_columns(focused) == pressed_button_columns(whole)


def test_the_page_needs_nothing_from_the_network(review_page):
    page, _ = review_page
    html = page.read_text()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html
    assert re.findall(r"<script[^>]*>", html) == ["<script>"]
