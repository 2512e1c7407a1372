"""Views of clusters shared by the step, overview, vote and discuss pages.
Grouping itself happens on the live board (pages/board.py)."""

from __future__ import annotations

import streamlit as st

from canvas.models import Note
from canvas.session.voting import cluster_votes
from canvas.templates import Step
from canvas.text import escape_markdown
from pages.shared import board_page, widgets


def clustered_view(page: board_page.BoardPage, step: Step, step_notes: list[Note],
                   names: dict[str, str]) -> None:
    """Read-only: each cluster with its notes, then the ungrouped notes; totals once revealed."""
    step_clusters = page.view.clusters_of(step.key)
    # The view holds totals only once they are revealed.
    totals = page.view.tallies if page.view.board.votes_revealed else None
    for cluster in step_clusters:
        members = [n for n in step_notes if n.cluster_id == cluster.id]
        with st.container(border=True, key=f"cluster_{cluster.id}"):
            dots = ""
            if totals is not None:
                count = cluster_votes(cluster.id, (n.id for n in members), totals)
                dots = f" · {count} vote{'s' if count != 1 else ''}"
            st.markdown(f"**▣ {escape_markdown(cluster.name)}**{dots}")
            columns = st.columns(3)
            for index, note in enumerate(members):
                with columns[index % 3]:
                    widgets.sticky(note, author=names.get(note.author_id))
    loose = [n for n in step_notes if n.cluster_id is None]
    if loose:
        st.caption("Not grouped")
        columns = st.columns(3)
        for index, note in enumerate(loose):
            with columns[index % 3]:
                box = widgets.sticky(note, author=names.get(note.author_id))
                if totals is not None:
                    count = totals.get(note.id, 0)
                    box.caption(f"{count} vote{'s' if count != 1 else ''}")
