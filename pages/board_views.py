"""Views of clusters shared by the step, overview, vote and discuss pages."""

from __future__ import annotations

import streamlit as st
from pydantic import TypeAdapter, ValidationError
from streamlit_sortables import sort_items

from canvas.grouping import moves_from_drop, sortable_layout
from canvas.models import ClusterName, Note
from canvas.templates import Step
from pages import common
from storage import clusters

# The draggable items look like the sticky notes elsewhere on the board.
SORTABLE_STYLE = """
.sortable-component { gap: 0.6rem; }
.sortable-container { background: #f3ecdc; border-radius: 6px; min-width: 220px; }
.sortable-container-header { font-weight: 600; padding: 0.4rem 0.6rem; }
.sortable-item { text-align: left; padding: 0.5rem 0.6rem; background: #fff1a8; color: #2b2a27; border-radius: 3px;
  box-shadow: 0 1px 2px rgba(60,50,20,.18); white-space: normal; overflow-wrap: anywhere; }
"""


def grouping_board(page: common.BoardPage, step: Step, step_notes: list[Note]) -> None:
    """Drag notes into clusters; create, rename, merge and dissolve clusters."""
    step_clusters = page.view.clusters_of(step.key)
    layout = sortable_layout(step_notes, step_clusters)
    st.caption("Drag notes between columns to group them; release a note over a column's title "
               "or over another note. Everyone sees a drop within seconds.")
    # The board revision in the key remounts the widget when anyone changes the
    # board; with a fixed key it would keep showing its first items.
    dropped = sort_items(layout.containers, multi_containers=True, direction="vertical",
                         custom_style=SORTABLE_STYLE,
                         key=f"group_{step.key}_{page.board.revision}")
    moves = moves_from_drop(layout, dropped)
    if moves:
        common.run_action(clusters.move_notes, page.board.id, step.key, moves,
                          page.credentials)
        st.rerun()

    new_col, _ = st.columns([2, 3])
    with new_col.form("group_new_cluster", border=False, enter_to_submit=True):
        st.text_input("New cluster", key="group_new_name", max_chars=60,
                      placeholder="Name the idea these notes share")
        st.form_submit_button("Create cluster", on_click=_create, args=(page, step.key))
    for cluster in step_clusters:
        with st.popover(f"▣ {cluster.name}", key=f"group_tools_{cluster.id}"):
            st.text_input("Name", value=cluster.name, key=f"group_rename_{cluster.id}", max_chars=60)
            st.button("Rename", key=f"group_rename_btn_{cluster.id}", on_click=_rename,
                      args=(page, cluster.id))
            others = [c for c in step_clusters if c.id != cluster.id]
            if others:
                st.selectbox("Merge into", others, key=f"group_merge_into_{cluster.id}",
                             format_func=lambda c: c.name)
                st.button("Merge", key=f"group_merge_btn_{cluster.id}", on_click=_merge,
                          args=(page, cluster.id))
            st.button("Dissolve (notes go back to ungrouped)", key=f"group_dissolve_{cluster.id}",
                      on_click=common.run_action,
                      args=(clusters.dissolve_cluster, page.board.id, cluster.id,
                            page.credentials))


def _create(page: common.BoardPage, step_key: str) -> None:
    name = _valid_name(st.session_state.get("group_new_name", ""))
    if name is not None and common.run_action(clusters.create_cluster, page.board.id, step_key,
                                              name, page.credentials):
        st.session_state["group_new_name"] = ""


def _rename(page: common.BoardPage, cluster_id: str) -> None:
    name = _valid_name(st.session_state.get(f"group_rename_{cluster_id}", ""))
    if name is not None:
        common.run_action(clusters.rename_cluster, page.board.id, cluster_id, name,
                          page.credentials)


def _merge(page: common.BoardPage, cluster_id: str) -> None:
    target = st.session_state.get(f"group_merge_into_{cluster_id}")
    if target is not None:
        common.run_action(clusters.merge_clusters, page.board.id, cluster_id, target.id,
                          page.credentials)


def _valid_name(name: str) -> str | None:
    try:
        return TypeAdapter(ClusterName).validate_python(name)
    except ValidationError as error:
        st.session_state["action_error"] = common.first_message(error)
        return None


def clustered_view(page: common.BoardPage, step: Step, step_notes: list[Note],
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
                count = totals.get(cluster.id, 0) + sum(totals.get(n.id, 0) for n in members)
                dots = f" · {count} vote{'s' if count != 1 else ''}"
            st.markdown(f"**▣ {common.escape_markdown(cluster.name)}**{dots}")
            columns = st.columns(3)
            for index, note in enumerate(members):
                with columns[index % 3]:
                    common.sticky(note, author=names.get(note.author_id))
    loose = [n for n in step_notes if n.cluster_id is None]
    if loose:
        st.caption("Not grouped")
        columns = st.columns(3)
        for index, note in enumerate(loose):
            with columns[index % 3]:
                box = common.sticky(note, author=names.get(note.author_id))
                if totals is not None:
                    count = totals.get(note.id, 0)
                    box.caption(f"{count} vote{'s' if count != 1 else ''}")
