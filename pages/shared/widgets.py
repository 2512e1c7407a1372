"""How things are shown: sticky notes, literal titles, nudges, prompts and the sidebar.
Nothing a person typed is ever passed to `unsafe_allow_html`: user text is
shown with `st.text` or escaped for Markdown with `canvas.text.escape_markdown`."""

from __future__ import annotations

import streamlit as st

from canvas.dates import EARLIEST_DAY, LATEST_DAY
from canvas.models import GROUND_RULES, NOTE_HEX, Board, Note
from canvas.templates import Step
from canvas.text import escape_markdown
from pages.shared.navigation import share_url

_CSS = """
<style>
[class*="st-key-note-"] {
  border-radius: 4px; padding: 0.7rem 0.8rem 0.4rem 0.8rem; gap: 0.2rem;
  box-shadow: 0 1px 2px rgba(60, 50, 20, 0.18), 0 3px 8px rgba(60, 50, 20, 0.08);
}
[class*="st-key-note-"] .stText, [class*="st-key-note-"] .stText * {
  font-family: inherit; white-space: pre-wrap; overflow-wrap: anywhere;
  word-break: break-word; font-size: 0.95rem; line-height: 1.35;
}
%(colours)s
.st-key-identity_hidden, [class*="st-key-identity_"] { display: none; }
/* Streamlit draws captions at 0.6 opacity (3.7-3.9:1 on this paper) and a
   selected segment in the theme's colour, both below 4.5:1: solid and darker
   (captions at least 6:1 on the page and the sidebar, 5.6:1 on a pink note). */
.stApp [data-testid="stCaptionContainer"] { color: #57534e; opacity: 1; }
.stApp [data-testid="stButtonGroup"] button[data-selected="true"],
.stApp [data-testid="stButtonGroup"] button[data-selected="true"] * { color: #9a3412; }
/* The live top bar sits at the top of every board page, above the fold. */
[data-testid="stMainBlockContainer"] { padding-top: 3.9rem; }
</style>
"""


def inject_css() -> None:
    colours = "\n".join(
        f'[class*="st-key-note-{colour.value}-"] {{ background: {hex_} }}'
        for colour, hex_ in NOTE_HEX.items()
    )
    st.html(_CSS % {"colours": colours})


def literal_title(text: str) -> None:
    st.title(escape_markdown(text), anchor=False)


def date_picker(where, label: str, *, key: str, **options):
    """A date input on `where` (the page, a column, a form) that offers only
    the days a board supports (`canvas.dates`), written YYYY-MM-DD."""
    return where.date_input(label, key=key, format="YYYY-MM-DD", min_value=EARLIEST_DAY,
                            max_value=LATEST_DAY, **options)


def sticky(note: Note, *, key_suffix: str = "", author: str | None = None):
    """A note as a sticky: a coloured container whose text is shown literally.

    Returns the container so a page can add its own controls inside.
    """
    box = st.container(key=f"note-{note.colour.value}-{note.id}{key_suffix}")
    box.text(note.text)
    box.caption(f"#{note.number}" + (f" · {author}" if author else ""))
    return box


def show_sidebar(board: Board) -> None:
    with st.sidebar:
        with st.container(key="share_link"):
            st.caption("Share link: everyone joins with their own name")
            st.code(share_url(board.id), language=None, wrap_lines=True)
        st.caption("Ground rules")
        st.markdown("\n".join(f"- {rule}" for rule in GROUND_RULES))
        if st.button("Show full screen", key="ground_rules_full", icon=":material/fullscreen:"):
            _ground_rules_dialog()


@st.dialog("Before we start", width="large")
def _ground_rules_dialog() -> None:
    """The meeting's purpose and ground rules, large, to open the session."""
    with st.container(key="ground_rules_dialog"):
        st.markdown("## We are here to learn how our systems failed, not who to blame.")
        for rule in GROUND_RULES:
            st.markdown(f"### {rule}")


def show_nudges(flags, key: str) -> None:
    """Blame or hindsight language the writer may want to reword. A nudge,
    never a block: the text is already saved as written."""
    if not flags:
        return
    with st.container(key=key):
        for flag in flags:
            heading = "Outside a blameless review" if flag.is_boundary else "Nudge"
            st.caption(
                f":orange[**{heading}** · “{escape_markdown(flag.phrase)}”] — "
                f"{escape_markdown(flag.explanation)} "
                f"*Try:* {escape_markdown(flag.suggestion)}"
                + (f" {escape_markdown(flag.referral)}" if flag.referral else "")
            )


def step_prompt(step: Step) -> None:
    """The step's question, and on demand the facilitator's follow-up questions."""
    st.info(step.prompt, icon=":material/help:")
    if step.follow_ups:
        with st.expander("Questions to go deeper"):
            st.markdown("\n".join(f"- {escape_markdown(q)}" for q in step.follow_ups))
