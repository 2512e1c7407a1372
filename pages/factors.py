"""The contributing-factors step: a sticky-note step, plus a category for each
factor and the facilitator's 5 Whys on the top factors."""

from pages import factor_views, note_step

# The notes themselves work exactly as on every other sticky-note step.
page, step = note_step.show()
factor_views.factor_section(page, step)
