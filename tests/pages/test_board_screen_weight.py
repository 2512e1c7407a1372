"""The board screen is where everyone lands: the first one a server process draws
must not pull in the dataframe libraries (seconds of CPU on a busy machine, with
every other page run of the process waiting on the import)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter: another test of this run may have imported them already.
DRAW_THE_BOARD = """
import json, sys
from streamlit.testing.v1 import AppTest
from tests.pages.conftest import ROOT, create_board, join, live_data
board_id = create_board(AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30))
ann = join(board_id, "Ann")
assert live_data(ann)["view"]["me"]["name"] == "Ann"
print(json.dumps(sorted(m for m in ("pandas", "numpy", "pyarrow") if m in sys.modules)))
"""


def test_drawing_the_board_screen_loads_no_dataframe_library(db_file):
    env = {**os.environ, "POSTMORTEM_CANVAS_DB": str(db_file)}
    done = subprocess.run([sys.executable, "-c", DRAW_THE_BOARD], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
