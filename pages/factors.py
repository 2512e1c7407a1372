"""The contributing-factors step: a sticky-note step, plus a category for each
factor and the facilitator's 5 Whys on the top factors."""

import runpy
from pathlib import Path

from pages import factor_views

# The notes themselves work exactly as on every other sticky-note step.
step_page = runpy.run_path(str(Path(__file__).with_name("step.py")))
factor_views.factor_section(step_page["page"], step_page["step"])
