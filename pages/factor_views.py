"""The contributing-factors step's own section: a category for each factor,
and the facilitator's 5 Whys on the top factors. Drawn under the step's notes."""

from __future__ import annotations

import streamlit as st

from canvas.learnings import WHYS_MAX_LEVELS, FactorCategory, WhyStep
from canvas.session.grouping import votable_items
from canvas.session.parts.factors import CATEGORIES_HINT, WHYS_HINT, WHYS_ON_TOP
from canvas.session.phases import Action
from canvas.templates import Step
from pages.shared import board_page, feedback
from storage import learnings

NO_CATEGORY = "—"


def factor_section(page: board_page.BoardPage, step: Step) -> None:
    """Categories for every visible factor, then the 5 Whys chains."""
    view = page.view
    items = [item for item in votable_items(page.template, view.notes, view.clusters, view.tallies)
             if item.step_key == step.key]
    if not items:
        return
    category = {**{note.id: note.category for note in view.notes},
                **{cluster.id: cluster.category for cluster in view.clusters}}
    st.subheader("Where each factor lives", anchor=False)
    st.caption(CATEGORIES_HINT)
    may_set = page.may(Action.set_category)
    for item in items:
        key = f"step_category_{item.id}"
        # From storage on every run, so the picker follows someone else's change.
        st.session_state[key] = category.get(item.id) or NO_CATEGORY
        text, picker = st.columns([4, 2], vertical_alignment="center")
        text.text(item.title)
        picker.selectbox("Category", [NO_CATEGORY, *FactorCategory], key=key,
                         format_func=lambda value: value if value == NO_CATEGORY else value.label,
                         on_change=_set_category, args=(page, item.id), disabled=not may_set,
                         label_visibility="collapsed")
        if message := st.session_state.pop(f"step_category_error_{item.id}", None):
            st.error(message)
    _whys_section(page, sorted(items, key=lambda item: -item.votes))


def _set_category(page: board_page.BoardPage, item_id: str) -> None:
    picked = st.session_state[f"step_category_{item_id}"]
    feedback.run_action(learnings.set_category, page.board.id, item_id,
                      None if picked == NO_CATEGORY else FactorCategory(picked), page.credentials,
                      error_key=f"step_category_error_{item_id}")


def _whys_section(page: board_page.BoardPage, ranked) -> None:
    st.subheader("5 Whys", anchor=False)
    titles = {item.id: item.title for item in ranked}
    for chain in page.view.whys:
        if chain.item_id not in titles:
            continue
        with st.container(border=True, key=f"step_whys_chain_{chain.item_id}"):
            st.text(titles[chain.item_id])
            for level, why in enumerate(chain.steps, start=1):
                st.text(f"{level}. Why? {why.why}\n   Because: {why.because or '—'}")
    if not page.may(Action.edit_whys):
        if not page.view.whys:
            st.caption(WHYS_HINT)
        return
    top = [item.id for item in ranked[:WHYS_ON_TOP]]
    picked = st.selectbox("Run the 5 Whys on", top, key="step_whys_item",
                          format_func=lambda item_id: titles[item_id],
                          help="The top factors by votes.")
    if picked is None:
        return
    current = page.view.whys_of(picked)
    steps = current.steps if current else []
    with st.form(f"step_whys_{picked}", border=True, enter_to_submit=False):
        for level in range(WHYS_MAX_LEVELS):
            why, because = st.columns(2)
            existing = steps[level] if level < len(steps) else None
            why.text_input(f"Why? ({level + 1})", value=existing.why if existing else "",
                           key=f"step_why_{picked}_{level}")
            because.text_input(f"Because ({level + 1})",
                               value=existing.because if existing else "",
                               key=f"step_because_{picked}_{level}")
        st.form_submit_button("Save the 5 Whys", type="primary", on_click=_save_whys,
                              args=(page, picked))
    if message := st.session_state.pop("step_whys_error", None):
        st.error(message)


def _save_whys(page: board_page.BoardPage, item_id: str) -> None:
    state = st.session_state

    def write(db) -> None:
        steps = []
        for level in range(WHYS_MAX_LEVELS):
            why = state.get(f"step_why_{item_id}_{level}", "")
            because = state.get(f"step_because_{item_id}_{level}", "")
            # The chain stops at the first level left empty.
            if not why.strip():
                break
            steps.append(WhyStep.model_validate({"why": why, "because": because}))
        learnings.save_whys(db, page.board.id, item_id, steps, page.credentials)

    feedback.run_action(write, error_key="step_whys_error")
