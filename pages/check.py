"""Completeness: how finished this postmortem is, and what to fix where."""

import streamlit as st

from canvas.review.completeness import MET, PARTLY, check_completeness, score_rubric
from canvas.review.language import count_flags_by_step
from canvas.dates import today_in
from pages.shared import board_page, navigation

page = board_page.open_board_page()
# Scored on what this person may see: while people write, another person's
# notes must not show through a check (open questions list their text).
snapshot = page.view
today = today_in(snapshot.board.timezone)
result = check_completeness(snapshot, today)
rubric = score_rubric(snapshot, today)

st.title("Is the postmortem done?", anchor=False)
verdict = "passes the quality gate" if rubric.passes else "does not pass the quality gate yet"
st.progress(rubric.score, text=f"{rubric.points} of {rubric.max_points} points · {verdict} "
                              f"(pass mark {round(rubric.pass_mark * 100)}%, and no dimension "
                              "missing)")
MARKS = {MET: ":green[:material/check_circle:]", PARTLY: ":orange[:material/timelapse:]"}


def scored_row(key: str, mark: str, title: str, missing: str, details: list[str],
               fix_page: str | None) -> None:
    """One rubric dimension or checklist item: its mark, what is missing, and
    a link to the page that fixes it (`missing` is empty when nothing is)."""
    with st.container(border=True, key=key):
        mark_col, text, link = st.columns([1, 12, 3], vertical_alignment="center")
        mark_col.markdown(mark)
        text.markdown(title)
        if missing:
            text.caption(missing)
            for detail in details:
                text.text(f"• {detail}")
            if fix_page and (target := navigation.page_for(fix_page)) is not None:
                link.page_link(target, label="Fix it here", icon=":material/arrow_forward:")


def not_asked(rows) -> None:
    """What this template does not ask for, and why, in one line."""
    skipped = [row for row in rows if not row.applies]
    if skipped:
        st.caption("Not asked by this template: " + "; ".join(
            f"{row.label} ({row.not_applicable_because})" for row in skipped))


for dimension in rubric.dimensions:
    if dimension.applies:
        scored_row(f"check_rubric_{dimension.id}",
                   MARKS.get(dimension.score, ":red[:material/cancel:]"),
                   f"**{dimension.label}** · {dimension.state}", dimension.missing,
                   dimension.details, dimension.fix_page)
not_asked(rubric.dimensions)

st.subheader("Checklist", anchor=False)
done, applicable = result.done_count, len(result.applicable)
st.progress(result.score, text=f"{done} of {applicable} checks done")
for item in result.items:
    if item.applies:
        scored_row(f"check_{item.id}",
                   ":green[:material/check_circle:]" if item.done else
                   ":orange[:material/radio_button_unchecked:]",
                   f"**{item.label}**", item.missing if item.is_open else "", item.details,
                   item.fix_page)
not_asked(result.items)

if page.is_facilitator:
    st.subheader("Blame and hindsight nudges per step", anchor=False)
    st.caption("How many notes in each step carry a flagged phrase. Who wrote them is not shown.")
    names = [person.display_name for person in snapshot.participants]
    counts = count_flags_by_step(
        {step.key: [n.text for n in snapshot.notes_of(step.key)] for step in page.template.note_steps},
        names=names,
        name_steps={step.key for step in page.template.steps if step.names_as_subjects},
    )
    st.dataframe([{"Step": step.title, "Flagged notes": counts.get(step.key, 0)}
                  for step in page.template.note_steps], hide_index=True)
