"""The rough timeline step: events in the viewer's zone, the chart, the derived
durations, the notes tied to each moment, imports through a preview, and the
list with edit, delete and undo.

Times are stored in UTC; every time shown carries its date and zone
(`format_at`), and every time typed is read in the zone the viewer picked
(`read_local_time`). A closed board shows the timeline without its controls.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from canvas.review.intake import STABILISATION_NOTE, awaits_stabilisation, shows_durations
from canvas.review.language import check_text
from canvas.errors import EditConflict, InvalidInput, describe_validation_error
from canvas.session.phases import Action, refusal as rule_refusal
from canvas.text import escape_markdown
from canvas.dates import clamp_day, today_in
from canvas.incident.timeline import (
    METRICS,
    OUT_OF_RANGE_WARNING,
    TEXT_MAX_CHARS,
    TIME_EXAMPLES,
    EventKind,
    Metric,
    ParseResult,
    TimelineEvent,
    compute_metrics,
    describe_anchor,
    describe_event,
    describe_metric,
    format_at,
    local_day_and_clock,
    out_of_order,
    out_of_range,
    parse_chat_log,
    parse_csv,
    read_local_time,
    suggested_day,
    zone_options,
)
from canvas.incident.timeline_chart import timeline_figure
from canvas.incident.exports import read_export
from canvas.incident.timeline_import import (
    EDITABLE_COLUMNS,
    EXPORT_PREVIEW_COLUMNS,
    KIND_BY_LABEL,
    PREVIEW_COLUMNS,
    chosen_events,
    decode_upload,
    export_preview,
    incident_file_events,
    preview_rows,
)
from pages.shared import board_page, feedback, navigation, widgets
from storage import boards, events, notes

CHART_CONFIG = {
    "toImageButtonOptions": {"format": "png", "filename": "timeline", "scale": 2},
    "displaylogo": False,
}
BADGE_COLOURS = {
    EventKind.trigger: "gray", EventKind.impact_start: "red", EventKind.detected: "orange",
    EventKind.acknowledged: "yellow", EventKind.escalated: "violet",
    EventKind.communication: "blue", EventKind.action: "primary", EventKind.mitigated: "green",
    EventKind.resolved: "green", EventKind.impact_end: "red", EventKind.other: "gray",
}
FIELD_LABELS = {"at": "Time", "kind": "Kind", "text": "What happened",
                "evidence_url": "Evidence link", "approximate": "Approximate"}
EDITOR_FIELDS = ("date", "time", "kind", "text", "url", "approx", "assumption")

page = board_page.open_board_page()
step = navigation.current_step(page.template)
board = page.board
board_id = board.id
state = st.session_state


def refusal(action: Action) -> str | None:
    """Why this person may not do `action` now (the rule's own message), or None."""
    return rule_refusal(action, page.phase, page.actor)


# --- reading what people typed ---------------------------------------------------


def read_event(values: dict, zone: str, keep_at: datetime | None = None) -> TimelineEvent:
    """An event from the form's values; raises InvalidInput with a field-named message."""
    if keep_at is None:
        if values["date"] is None:
            raise InvalidInput("Date: pick the day it happened.")
        try:
            keep_at = read_local_time(values["date"], values["time"], zone)
        except ValueError as problem:
            raise InvalidInput(f"Time: {problem}") from None
    try:
        return TimelineEvent.model_validate({
            "at": keep_at, "kind": values["kind"], "text": values["text"] or "",
            "evidence_url": values["url"] or None, "approximate": bool(values["approx"]),
            "is_assumption": bool(values["assumption"]),
        })
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error, limit=1, labels=FIELD_LABELS)) from None


def editor_values(event: TimelineEvent, zone: str) -> dict:
    """What the edit form shows for an event, in `zone`."""
    day, clock = local_day_and_clock(event.at, zone)
    return {"date": day, "time": clock, "kind": event.kind, "text": event.text,
            "url": event.evidence_url or "", "approx": event.approximate,
            "assumption": event.is_assumption}


def editor_key(field: str, event_id: str) -> str:
    return f"timeline_edit_{field}_{event_id}"


# --- callbacks: each writes through storage, keeps what was typed on a refusal ----


def add_event(zone: str) -> None:
    values = {field: state[f"timeline_new_{field}"] for field in EDITOR_FIELDS}
    added = []

    def write(db) -> None:
        added.append(read_event(values, zone))
        events.add_event(db, board_id, added[0])

    # The typed values stay in the form: only a successful add clears it.
    if not feedback.run_action(write, error_key="timeline_add_error"):
        return
    event = added[0]
    for field, empty in (("time", ""), ("text", ""), ("url", ""), ("approx", False),
                         ("assumption", False)):
        state[f"timeline_new_{field}"] = empty
    state["timeline_added"] = f"Added: {describe_event(event, zone)}"


def close_editor(event_id: str) -> None:
    """Opening or closing an editor starts it afresh from the stored event."""
    for key in [editor_key(field, event_id) for field in EDITOR_FIELDS] + [
            f"timeline_edit_base_{event_id}", f"timeline_edit_conflict_{event_id}"]:
        state.pop(key, None)


def save_edit(event_id: str, force: bool = False) -> None:
    if f"timeline_edit_base_{event_id}" not in state:
        state["timeline_list_error"] = "That editor was closed; open it again to edit."
        return
    base, zone = state[f"timeline_edit_base_{event_id}"]
    values = {field: state[editor_key(field, event_id)] for field in EDITOR_FIELDS}
    shown = editor_values(base, zone)
    # An untouched time keeps its exact instant: re-reading "02:30" on the
    # night clocks go back would pick the first 02:30, not necessarily this one.
    # A time outside the supported range is never kept: it must be replaced.
    unchanged_time = base.in_range and (values["date"], values["time"]) == (shown["date"], shown["time"])
    new = None

    def write(db) -> None:
        nonlocal new
        new = read_event(values, zone, keep_at=base.at if unchanged_time else None)
        expected = events.get_event(db, board_id, event_id) if force else base
        try:
            events.edit_event(db, board_id, event_id, new, expected=expected)
        except EditConflict:
            state[f"timeline_edit_conflict_{event_id}"] = True
            raise

    if not feedback.run_action(write, error_key=f"timeline_edit_error_{event_id}"):
        return
    close_editor(event_id)
    state[f"timeline_menu_{event_id}"] = False
    state["timeline_notice"] = f"Saved: {describe_event(new, zone)}"


def use_theirs(event_id: str) -> None:
    close_editor(event_id)  # the open editor reloads from the stored event


def delete_event(event_id: str) -> None:
    if feedback.run_action(events.delete_event, board_id, event_id,
                         error_key="timeline_list_error"):
        close_editor(event_id)
        state["timeline_undo"] = event_id


def restore_event(event_id: str) -> None:
    feedback.run_action(events.restore_event, board_id, event_id, error_key="timeline_list_error")
    if state.get("timeline_undo") == event_id:
        state.pop("timeline_undo")


def _uploaded_text(key: str) -> tuple[str, str] | None:
    """(file name, text) of an uploaded file, None if nothing is uploaded."""
    upload = state.get(key)
    return None if upload is None else (upload.name, decode_upload(upload.name, upload.getvalue()))


def start_preview(db, source: str, result: ParseResult, zone: str, rows: list[dict] | None = None,
                  columns: tuple[str, ...] = PREVIEW_COLUMNS) -> None:
    if rows is None:
        rows = preview_rows(result, events.list_events(db, board_id), zone)
    serial = state.get("timeline_preview", {}).get("serial", 0) + 1
    # The table is built once: an editable table whose data changed under it
    # would drop the corrections already made.
    state["timeline_preview"] = {"serial": serial, "source": source, "result": result,
                                 "rows": rows, "table": pd.DataFrame(rows, columns=columns),
                                 "columns": columns, "zone": zone}
    state.pop("timeline_import_error", None)


def preview_incident_file(zone: str) -> None:
    def read(db) -> None:
        uploaded = _uploaded_text("timeline_import_file")
        if uploaded is None:
            raise InvalidInput("Choose an incident file (.json) first.")
        start_preview(db, f"incident file {uploaded[0]}", incident_file_events(*uploaded), zone)

    feedback.run_action(read, error_key="timeline_import_error")


def preview_csv(zone: str) -> None:
    def read(db) -> None:
        uploaded = _uploaded_text("timeline_import_csv_file")
        pasted = state.get("timeline_import_csv_text", "")
        if uploaded is None and not pasted.strip():
            raise InvalidInput("Upload a CSV file or paste CSV text first.")
        source, text = (f"CSV file {uploaded[0]}", uploaded[1]) if uploaded else ("pasted CSV", pasted)
        start_preview(db, source, parse_csv(text, zone), zone)

    feedback.run_action(read, error_key="timeline_import_error")


def preview_export(zone: str) -> None:
    def read(db) -> None:
        uploads = state.get("timeline_import_export_files") or []
        if not uploads:
            raise InvalidInput("Choose the export's files first: a Slack export's zip, or the "
                               "JSON of a Teams chat, a PagerDuty incident's log or an Opsgenie "
                               "alert's log.")
        # Names are read from the board now, not when the page was drawn: the
        # facilitator may have changed the setting meanwhile.
        hide = not boards.get_board(db, board_id).show_authors
        export = read_export({upload.name: upload.getvalue() for upload in uploads},
                             hide_names=hide,
                             slack_workspace=state.get("timeline_import_slack_workspace"),
                             slack_channel=state.get("timeline_import_slack_channel"),
                             link=state.get("timeline_import_export_link"))
        result, rows = export_preview(export, events.list_events(db, board_id), zone)
        start_preview(db, export.source, result, zone, rows, EXPORT_PREVIEW_COLUMNS)
        state["timeline_preview"]["roles"] = hide

    if not feedback.run_action(read, error_key="timeline_import_error"):
        state["timeline_import_error"] = state["timeline_import_error"].rstrip(".") + ". Nothing was imported."


def preview_chat_log(zone: str) -> None:
    text = state.get("timeline_import_chat_text", "")
    if not text.strip():
        state["timeline_import_error"] = "Paste some chat lines first."
        return
    day = state.get("timeline_import_chat_date") or clamp_day(board.incident_date) or today_in(zone)
    feedback.run_action(lambda db: start_preview(db, "pasted chat log",
                                               parse_chat_log(text, day, zone), zone),
                      error_key="timeline_import_error")


def editor_state_key(preview: dict) -> str:
    # A new preview gets a new table, so corrections never carry over.
    return f"timeline_preview_table_{preview['serial']}"


def confirm_import() -> None:
    preview = state.get("timeline_preview")
    if preview is None:
        return
    source = preview["source"]
    # Read the corrections from the table's state now, not from when the
    # button was drawn: an edit made just before the click counts.
    chosen = chosen_events(preview["result"], preview["rows"], state.get(editor_state_key(preview)))
    counted = []
    # One transaction: the whole preview is added, or none of it.
    if not feedback.run_action(lambda db: counted.append(events.add_events(db, board_id, chosen)),
                             error_key="timeline_import_error"):
        state["timeline_import_error"] += " Nothing was imported."
        return
    added = counted[0]
    state.pop("timeline_preview", None)
    if source == "pasted chat log":
        state["timeline_import_chat_text"] = ""
    elif source == "pasted CSV":
        state["timeline_import_csv_text"] = ""
    state["timeline_imported"] = f"Added {added} event{'s' if added != 1 else ''} from the {source}."


def discard_preview() -> None:
    state.pop("timeline_preview", None)


# --- showing -------------------------------------------------------------------


def remember_zone_pick() -> None:
    state["timeline_zone_picked"] = True


def pick_zone() -> str:
    """The viewer's zone: the board's default, until this viewer picks another."""
    if not state.get("timeline_zone_picked") or "timeline_zone" not in state:
        # Follow the board: its default may be changed on the Summary page
        # while this page is open.
        state["timeline_zone"] = board.timezone
    # The viewer's pick stays offered even if it is, say, the board's previous default.
    options = zone_options(board.timezone, state["timeline_zone"])
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    zone = left.selectbox(
        "Show and enter times in", options, key="timeline_zone",
        format_func=lambda name: f"{name} (board default)" if name == board.timezone else name,
        on_change=remember_zone_pick,
        # Each viewer keeps their own zone while moving between steps.
        persist_state="session",
    )
    right.caption(f"The board's default zone is {board.timezone}; it is set on the Summary "
                  "page. Your choice here changes only what you see and type.")
    return zone


def show_chart(live: list[TimelineEvent], metrics: list[Metric], zone: str, may_change: bool) -> None:
    if not live:
        st.info("No events yet. Add the first one below, or import a chat log, a CSV or an "
                "incident file." if may_change else "No events on this timeline.",
                icon=":material/timeline:")
        return
    # theme=None: the figure keeps its own colours, the same as its PNG download.
    st.plotly_chart(timeline_figure(live, zone, metrics), key="timeline_chart",
                    config=CHART_CONFIG, theme=None)
    st.caption("Hover a marker for the whole text. Large diamonds are the events the durations "
               "are measured from; hollow markers are approximate times. Drag to zoom, "
               "double-click to zoom out; the camera icon downloads a PNG.")


def show_durations(live: list[TimelineEvent], metrics: list[Metric], zone: str) -> None:
    st.subheader("Durations", anchor=False)
    st.caption("Measured between the earliest event of each kind, from the stored times: "
               "they change only when the timeline does.")
    definitions = {definition.name: definition for definition in METRICS}
    widths = [1.5, 1.5, 3, 3]
    with st.container(border=True, key="timeline_durations"):
        for title, column in zip(["Duration", "Formula", "From", "To"], st.columns(widths)):
            column.caption(title)
        for metric in metrics:
            definition = definitions[metric.name]
            with st.container(key=f"timeline_metric_{metric.name}"):
                name, formula, start, end = st.columns(widths)
                name.caption(metric.label)
                name.markdown(f"**{escape_markdown(describe_metric(metric))}**")
                formula.caption(escape_markdown(metric.formula))
                for column, kind, event in ((start, definition.start, metric.start),
                                            (end, definition.end, metric.end)):
                    column.text(describe_anchor(kind, event, zone))
    for warning in out_of_order(live):
        st.warning(escape_markdown(warning.message), icon=":material/swap_vert:")
    if outside := out_of_range(live):
        count = len(outside)
        st.warning(escape_markdown(f"{count} event{'s are' if count != 1 else ' is'} "
                                   f"{OUT_OF_RANGE_WARNING} in the list below."),
                   icon=":material/event_busy:")


def event_fields(keys: dict[str, str], zone: str) -> None:
    """The fields of the add and edit forms, bound to `keys`."""
    when, clock, kind = st.columns([1.1, 1, 1.2])
    widgets.date_picker(when, "Date", key=keys["date"])
    clock.text_input(f"Time ({zone})", key=keys["time"], placeholder="13:42",
                     help=f"Read in {zone} unless you add a zone, {TIME_EXAMPLES}.")
    kind.selectbox("Kind", list(EventKind), key=keys["kind"], format_func=lambda k: k.label)
    st.text_area("What happened", key=keys["text"], height=80,
                 placeholder="What was seen or done, by which system or role. No blame.",
                 help=f"Up to {TEXT_MAX_CHARS} characters.")
    link, approx = st.columns([3, 1.2], vertical_alignment="bottom")
    link.text_input("Evidence link (optional)", key=keys["url"], placeholder="https://…")
    approx.checkbox("Approximate time", key=keys["approx"],
                    help="The source says “about” or “around”; durations from it say so too.")
    st.checkbox("Assumption to verify", key=keys["assumption"],
                help="What the team believes happened but has not checked yet; the exports "
                     "label it, so nobody takes it for an established fact.")


def show_add_form(live: list[TimelineEvent], zone: str) -> None:
    st.subheader("Add an event", anchor=False)
    # The date follows the timeline (the day of its last event) until the
    # person picks another date themselves.
    suggested = suggested_day(live, zone, clamp_day(board.incident_date) or today_in(zone))
    if state.get("timeline_new_date") in (None, state.get("timeline_new_date_suggested")):
        state["timeline_new_date"] = suggested
    state["timeline_new_date_suggested"] = suggested
    state.setdefault("timeline_new_kind", EventKind.action)
    with st.form("timeline_add", enter_to_submit=False):
        event_fields({field: f"timeline_new_{field}" for field in EDITOR_FIELDS}, zone)
        st.form_submit_button("Add event", type="primary", on_click=add_event, args=(zone,))
    if error := state.pop("timeline_add_error", None):
        st.error(error)
    if added := state.pop("timeline_added", None):
        st.success(added, icon=":material/check:")


def show_events(live: list[TimelineEvent], zone: str, may_change: bool) -> None:
    st.subheader(f"Events ({len(live)})", anchor=False)
    if error := state.pop("timeline_list_error", None):
        st.error(error)
    if notice := state.pop("timeline_notice", None):
        st.success(notice, icon=":material/check:")
    if may_change and (undo_id := state.get("timeline_undo")) is not None:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.caption("Event deleted.")
        right.button("Undo", key="timeline_undo_button", on_click=restore_event, args=(undo_id,))
    if not live:
        st.caption("Nothing on the timeline yet.")
        return
    linked = notes.list_linked_notes(page.db, board_id)
    widths = [2.2, 1.6, 5.2, 1, 1.2]
    for column, title in zip(st.columns(widths), [f"When ({zone})", "Kind", "What happened",
                                                  "Evidence", ""]):
        column.caption(title)
    for event in live:
        with st.container(key=f"timeline_row_{event.id}", border=False):
            when, kind, text, evidence, actions = st.columns(widths, vertical_alignment="center")
            when.text(format_at(event.at, zone) + ("\n≈ approximate" if event.approximate else ""))
            if not event.in_range:
                when.caption(escape_markdown(f"⚠ {OUT_OF_RANGE_WARNING}"))
            kind.badge(event.kind.label, color=BADGE_COLOURS[event.kind])
            text.text(event.text)
            if event.is_assumption:
                text.caption(":material/help: Assumption to verify")
            with text:
                widgets.show_nudges(check_text(event.text), key=f"nudge_event_{event.id}")
            if event.id in linked:
                with text:
                    show_linked_notes(event.id, linked[event.id])
            if event.evidence_url:
                # A link button puts the URL in an attribute, never into Markdown.
                evidence.link_button("Open", event.evidence_url, icon=":material/open_in_new:")
            if may_change:
                edit, remove = actions.columns(2)
                with edit:
                    show_editor(event, zone)
                remove.button("", icon=":material/delete:", key=f"timeline_delete_{event.id}",
                              help="Delete (you can undo)", on_click=delete_event, args=(event.id,))


def show_linked_notes(event_id: str, linked: list) -> None:
    """How many notes point at this moment and, opened, their texts as typed."""
    # Notes are private while people write: only the ones this viewer may see
    # anywhere else are shown here, the others only counted.
    visible = {note.id for note in page.view.notes}
    shown = [note for note in linked if note.id in visible]
    count = len(linked)
    with st.expander(f"{count} linked note{'s' if count != 1 else ''}",
                     icon=":material/sticky_note_2:", key=f"timeline_notes_{event_id}"):
        for note in shown:
            where = page.template.step(note.step_key)
            st.caption(escape_markdown(f"{where.title if where else note.step_key} · #{note.number}"))
            st.text(note.text)
        if hidden := count - len(shown):
            st.caption(f"{hidden} more by others, shown once the facilitator starts grouping.")


def show_editor(event: TimelineEvent, zone: str) -> None:
    menu = st.popover("", icon=":material/edit:", key=f"timeline_menu_{event.id}",
                      help="Edit", on_change=close_editor, args=(event.id,))
    if not menu.open:
        return  # a closed editor costs nothing: its form is built only when opened
    base_key = f"timeline_edit_base_{event.id}"
    if base_key not in state:
        # What the editor starts from: saving is refused if the stored event
        # no longer says this (someone else saved in between).
        state[base_key] = (event, zone)
        for field, value in editor_values(event, zone).items():
            state[editor_key(field, event.id)] = value
    base, base_zone = state[base_key]
    with menu:
        with st.form(f"timeline_edit_form_{event.id}", border=False, enter_to_submit=False):
            event_fields({field: editor_key(field, event.id) for field in EDITOR_FIELDS}, base_zone)
            st.form_submit_button("Save", type="primary", on_click=save_edit, args=(event.id,))
        if error := state.pop(f"timeline_edit_error_{event.id}", None):
            st.error(error)
        if state.get(f"timeline_edit_conflict_{event.id}"):
            st.caption("Their version:")
            st.text(describe_event(event, base_zone))
            theirs, mine = st.columns(2)
            theirs.button("Use theirs", key=f"timeline_edit_theirs_{event.id}",
                          on_click=use_theirs, args=(event.id,))
            mine.button("Save mine over theirs", key=f"timeline_edit_force_{event.id}",
                        on_click=save_edit, args=(event.id, True))


def show_bin(zone: str, may_change: bool) -> None:
    deleted = events.list_events(page.db, board_id, deleted=True)
    if not deleted:
        return
    with st.expander(f"Deleted events ({len(deleted)})"):
        for event in deleted:
            text, button = st.columns([6, 1], vertical_alignment="center")
            text.text(describe_event(event, zone))
            if may_change:
                button.button("Restore", key=f"timeline_restore_{event.id}",
                              on_click=restore_event, args=(event.id,))


def show_import(zone: str) -> None:
    st.subheader("Import events", anchor=False)
    st.caption("Every import shows a preview first; nothing is added until you confirm it.")
    # Tracked (key + rerun), so the chosen tab stays chosen when the preview
    # or a confirmation redraws the page.
    chat_tab, export_tab, csv_tab, incident_tab = st.tabs(
        ["Chat log", "Chat or pager export", "CSV", "Incident file"],
        key="timeline_import_source", on_change="rerun")
    with export_tab:
        show_export_form(zone)
    with chat_tab:
        widgets.date_picker(st, "Date of lines without one", key="timeline_import_chat_date",
                            value=clamp_day(board.incident_date) or today_in(zone), width=220,
                            help="A log that runs past midnight moves to the next day by itself.")
        st.text_area(f"Chat lines, one event per line (times in {zone} unless a line names a zone)",
                     key="timeline_import_chat_text", height=180,
                     placeholder="13:42 alice: paged for checkout 5xx\n13:45 bob: ack, looking\n"
                                 "14:05 rolled back deploy 4812")
        st.button("Preview", key="timeline_preview_chat", on_click=preview_chat_log, args=(zone,))
    with csv_tab:
        st.file_uploader("CSV file", type=["csv", "txt"], key="timeline_import_csv_file")
        st.text_area(f"…or paste CSV (header time,kind,text; optional evidence_url,approximate; "
                     f"times without a zone are read in {zone})", key="timeline_import_csv_text",
                     height=140, placeholder="time,kind,text\n2019-07-02 13:42,detected,Paged on 5xx")
        st.button("Preview", key="timeline_preview_csv", on_click=preview_csv, args=(zone,))
    with incident_tab:
        st.file_uploader("Incident file (.json, the shared incident format); only its events "
                         "are imported", type=["json"], key="timeline_import_file")
        st.button("Preview", key="timeline_preview_file", on_click=preview_incident_file,
                  args=(zone,))
    if error := state.pop("timeline_import_error", None):
        st.error(error)
    if imported := state.pop("timeline_imported", None):
        st.success(imported, icon=":material/check:")
    if (preview := state.get("timeline_preview")) is not None:
        show_preview(preview)


def show_export_form(zone: str) -> None:
    st.file_uploader(
        "A Slack channel export (its zip, or its JSON files), a Teams chat (Graph messages "
        "JSON), a PagerDuty incident's log entries or an Opsgenie alert's log (API JSON)",
        type=["zip", "json"], accept_multiple_files=True, key="timeline_import_export_files")
    workspace, channel = st.columns(2)
    workspace.text_input("Slack workspace (for links to messages)", key="timeline_import_slack_workspace",
                         placeholder="acme or acme.slack.com")
    channel.text_input("Slack channel (when the export holds several)",
                       key="timeline_import_slack_channel", placeholder="incident-4812")
    st.text_input("Evidence link for messages without one (optional)",
                  key="timeline_import_export_link", placeholder="https://…/alerts/4812")
    st.caption("Times come from the export (UTC) and are shown in "
               f"{zone}. " + ("This board hides authors, so people are shown as roles "
                              "(Responder 1, On-call (PagerDuty))." if not board.show_authors
                              else "This board shows authors, so people keep their names."))
    st.button("Preview", key="timeline_preview_export", on_click=preview_export, args=(zone,))


def show_preview(preview: dict) -> None:
    result: ParseResult = preview["result"]
    with st.container(border=True, key="timeline_preview_box"):
        found = len(result.events)
        if "Looks like" in preview.get("columns", PREVIEW_COLUMNS):
            marked = sum(1 for row in preview["rows"] if row["Looks like"])
            st.markdown(f"**Preview of the {escape_markdown(preview['source'])}**: "
                        f"{found} message{'s' if found != 1 else ''}, {marked} of them look like "
                        "a step of the response.")
        else:
            st.markdown(f"**Preview of the {escape_markdown(preview['source'])}**: "
                        f"{found} event{'s' if found != 1 else ''} found, "
                        f"{len(result.errors)} line{'s' if len(result.errors) != 1 else ''} not usable.")
        if result.errors:
            st.caption("These lines will not be imported; fix them and preview again, or add "
                       "those events by hand:")
            st.dataframe(
                pd.DataFrame([{"Line": error.line, "Problem": error.reason, "Text": error.raw}
                              for error in result.errors]),
                key="timeline_preview_errors", hide_index=True,
            )
        chosen: list[TimelineEvent] = []
        columns = preview.get("columns", PREVIEW_COLUMNS)
        if result.events and "Looks like" in columns:
            st.caption("Ticked: the messages that look like detection, diagnosis, repair or "
                       "communication. Tick the others you want, untick the rest, and check the "
                       "kinds (guessed from the words). Each event keeps its link as evidence.")
        elif result.events:
            st.caption("Check the kinds (guessed from the words) and untick anything you do "
                       "not want.")
        if result.events:
            editor = editor_state_key(preview)
            st.data_editor(
                preview["table"], key=editor, hide_index=True, num_rows="fixed",
                disabled=[name for name in columns if name not in EDITABLE_COLUMNS],
                column_config={
                    "Add": st.column_config.CheckboxColumn("Add", width="small"),
                    "Time": st.column_config.TextColumn(f"Time ({preview['zone']})"),
                    "Kind": st.column_config.SelectboxColumn(
                        "Kind", options=list(KIND_BY_LABEL), required=True),
                    "What happened": st.column_config.TextColumn("What happened", width="large"),
                    "Approximate": st.column_config.CheckboxColumn("Approximate"),
                    # Only an export's links are all web addresses from the source.
                    **({"Evidence link": st.column_config.LinkColumn("Evidence link", display_text="Open"),
                        "Looks like": st.column_config.TextColumn("Looks like")}
                       if "Looks like" in columns else {}),
                },
            )
            chosen = chosen_events(result, preview["rows"], state.get(editor))
        confirm, discard = st.columns([2, 1])
        confirm.button(f"Confirm: add {len(chosen)} event{'s' if len(chosen) != 1 else ''}",
                       key="timeline_import_confirm", type="primary", disabled=not chosen,
                       on_click=confirm_import)
        discard.button("Discard preview", key="timeline_import_discard", on_click=discard_preview)


# --- the page --------------------------------------------------------------------

widgets.literal_title(step.title)
widgets.step_prompt(step)
why_not = refusal(Action.edit_timeline)
if why_not:
    with st.container(key="timeline_read_only"):
        st.warning(f"{why_not} Adding, editing, deleting and importing events are turned off.",
                   icon=":material/lock:")
        # A click made just before the board closed was refused; the form it
        # came from is gone, so its reason is shown here.
        for refused in ("timeline_add_error", "timeline_import_error"):
            if error := state.pop(refused, None):
                st.error(error)
zone = pick_zone()
live = events.list_events(page.db, board_id)
if awaits_stabilisation(board, live):
    st.info(STABILISATION_NOTE, icon=":material/healing:")
metrics = compute_metrics(live)
# The chart and durations sit on top but are drawn last: if one of them
# ever fails, the list below is already there, so the event can be fixed.
chart_area, durations_area = st.container(), st.container()
if not why_not:
    show_add_form(live, zone)
show_events(live, zone, may_change=not why_not)
show_bin(zone, may_change=not why_not)
if not why_not:
    show_import(zone)
with durations_area:
    # A project, OKR or team review shows durations only once it has a timeline.
    if shows_durations(board, live):
        show_durations(live, metrics, zone)
with chart_area:
    show_chart(live, metrics, zone, may_change=not why_not)
