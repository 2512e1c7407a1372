"""Completeness: how finished this postmortem is, and what to fix where."""

import streamlit as st

from canvas.review.completeness import MET, PARTLY, check_completeness, score_rubric
from canvas.review.language import count_flags_by_step
from canvas.incident.timerange import today_in
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
for dimension in rubric.dimensions:
    if not dimension.applies:
        continue
    with st.container(border=True, key=f"check_rubric_{dimension.id}"):
        mark, text, link = st.columns([1, 12, 3], vertical_alignment="center")
        mark.markdown(MARKS.get(dimension.score, ":red[:material/cancel:]"))
        text.markdown(f"**{dimension.label}** · {dimension.state}")
        if dimension.missing:
            text.caption(dimension.missing)
            for detail in dimension.details:
                text.text(f"• {detail}")
            if dimension.fix_page and (target := navigation.page_for(dimension.fix_page)) is not None:
                link.page_link(target, label="Fix it here", icon=":material/arrow_forward:")
not_asked = [dimension for dimension in rubric.dimensions if not dimension.applies]
if not_asked:
    st.caption("Not asked by this template: " + "; ".join(
        f"{dimension.label} ({dimension.not_applicable_because})" for dimension in not_asked))

st.subheader("Checklist", anchor=False)
done, applicable = result.done_count, len(result.applicable)
st.progress(result.score, text=f"{done} of {applicable} checks done")
for item in result.items:
    if not item.applies:
        continue
    with st.container(border=True, key=f"check_{item.id}"):
        mark, text, link = st.columns([1, 12, 3], vertical_alignment="center")
        mark.markdown(":green[:material/check_circle:]" if item.done else
                      ":orange[:material/radio_button_unchecked:]")
        text.markdown(f"**{item.label}**")
        if item.is_open:
            text.caption(item.missing)
            for detail in item.details:
                text.text(f"• {detail}")
            if item.fix_page and (target := navigation.page_for(item.fix_page)) is not None:
                link.page_link(target, label="Fix it here", icon=":material/arrow_forward:")
skipped = [item for item in result.items if not item.applies]
if skipped:
    st.caption("Not asked by this template: " + "; ".join(
        f"{item.label} ({item.not_applicable_because})" for item in skipped))

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
