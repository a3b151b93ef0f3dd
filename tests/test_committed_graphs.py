"""The pictures checked into graphs/ are what archlint draws today.

They are redrawn with `python3 tasks.py graphs`. The DOT is compared byte for byte (it is
deterministic and needs no Graphviz); SVG and the HTML that embeds it depend on the Graphviz
version, so for those only their presence is checked.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_committed_graphs_are_up_to_date(tmp_path):
    load_tasks().draw_committed_graphs([sys.executable, "-m", "archlint"], tmp_path)
    for folder in ("websocket_ssot", "archlint"):
        committed = ROOT / "graphs" / folder
        fresh = tmp_path / folder
        names = sorted(p.name for p in fresh.iterdir() if p.suffix == ".dot")
        assert names == sorted(p.name for p in committed.iterdir()
                               if p.suffix == ".dot"), folder
        stale = [name for name in names
                 if (fresh / name).read_bytes() != (committed / name).read_bytes()]
        assert not stale, (f"graphs/{folder} is stale ({', '.join(stale)}): "
                           "run python3 tasks.py graphs")
        for name in names:
            assert (committed / name).with_suffix(".svg").exists()
        assert (committed / "index.html").exists()
