"""One sticky-note step of the board (Detect, React, ...): write, group, read."""

from pages import note_step

note_step.show()
