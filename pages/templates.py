"""Templates: a team copies a template, renames, reorders and rewrites its
steps, saves it into the team's templates folder, and downloads the TOML to
propose it like code (a merge request)."""

import logging

import streamlit as st
from streamlit_sortables import sort_items

from canvas.errors import TemplateInvalid
from canvas.text import escape_markdown
from canvas.template_editing import (
    follow_ups_from_text, moved, new_step, reordered, sort_key, step_labels, team_copy,
    team_template,
)
from canvas.templates import (
    ACTION_TYPES, FOLLOW_UP_MAX_CHARS, PROMPT_MAX_CHARS, STEP_TITLE_MAX_CHARS, StepKind,
    Template, all_templates, is_shipped, save_team_template, team_folder, team_problems,
    template_toml,
)

DRAFT = "templates_draft"
KIND_LABELS = {StepKind.summary: "Summary (free text, dates, roles)",
               StepKind.notes: "Sticky notes", StepKind.timeline: "Timeline",
               StepKind.actions: "Actions (owned, dated)",
               StepKind.jira_cards: "Jira cards (refinement or planning)"}
# The list draws in its own frame, outside the app's theme: the theme's
# colours (.streamlit/config.toml), so it reads as a list, not as buttons.
SORT_STYLE = """
.sortable-component { background: #fbf8f1; border: 1px solid #e4dccb; border-radius: 0.5rem; }
.sortable-item, .sortable-item:hover { background: #f3ecdc; color: #2b2a27; font-size: 0.95rem;
  font-family: sans-serif; border: 1px solid #e4dccb; padding: 0.35rem 0.75rem; cursor: grab; }
"""
STEP_FIELDS = ("key", "title", "kind", "action_type", "prompt", "follow_ups")
state = st.session_state
_log = logging.getLogger("postmortem_canvas")

st.title("Templates", anchor=False)
st.caption("Change a template the way the team changes code: copy one, edit its steps, save it "
           "into the team's templates folder and download the file for a merge request. Boards "
           "keep the steps they were made with, so a change here never moves a running board.")
for problem in team_problems():
    st.warning(f"Left out of the list: {problem}", icon=":material/warning:")

templates = all_templates()


def start_copy() -> None:
    copy = team_copy(templates[state["templates_source"]], set(templates))
    steps = []
    for number, step in enumerate(copy.steps, start=1):
        steps.append({"uid": f"s{number}", **step.model_dump(mode="json")})
    state[DRAFT] = {"slug": copy.slug, "name": copy.name, "description": copy.description,
                    "order": copy.order, "steps": steps, "next_uid": len(steps) + 1,
                    # Kept as copied: the roles a template offers, and the Jira meeting it runs.
                    "roles": [role.model_dump(mode="json") for role in copy.roles], "jira": copy.jira}
    # Widgets keep what was typed under their keys: clear those of an earlier copy.
    for key in [key for key in state if str(key).startswith("templates_f_")]:
        del state[key]


left, right = st.columns([3, 1], vertical_alignment="bottom")
left.selectbox("Start from", list(templates), key="templates_source",
               format_func=lambda slug: templates[slug].name
               + ("" if is_shipped(slug) else " — the team's"))
right.button("Copy to edit", key="templates_copy", on_click=start_copy, type="primary",
             icon=":material/content_copy:")

draft = state.get(DRAFT)
if draft is None:
    st.info("Pick a template and copy it to start.", icon=":material/info:")
    st.stop()


def field(name: str, uid: str | None = None) -> str:
    return f"templates_f_{uid}_{name}" if uid else f"templates_f_{name}"


def remember_fields() -> None:
    """What the widgets hold, back into the draft: the draft outlives the
    widgets' own state when the person visits another page."""
    for name in ("slug", "name", "description"):
        if field(name) in state:
            draft[name] = state[field(name)]
    for step in draft["steps"]:
        for name in STEP_FIELDS:
            if field(name, step["uid"]) in state:
                value = state[field(name, step["uid"])]
                step[name] = follow_ups_from_text(value) if name == "follow_ups" else value


def move_step(index: int, offset: int) -> None:
    remember_fields()
    draft["steps"] = moved(draft["steps"], index, offset)


def remove_step(index: int) -> None:
    remember_fields()
    del draft["steps"][index]


def add_step() -> None:
    remember_fields()
    step = new_step([step["key"] for step in draft["steps"]])
    draft["steps"].append({"uid": f"s{draft['next_uid']}", **step.model_dump(mode="json")})
    draft["next_uid"] += 1


def seed(key: str, value) -> None:
    # A widget shows the draft's value the first time (or after another page).
    if key not in state:
        state[key] = value


remember_fields()
st.subheader("The template", anchor=False)
name_column, key_column = st.columns([2, 1])
seed(field("name"), draft["name"])
name_column.text_input("Name", key=field("name"), max_chars=60)
seed(field("slug"), draft["slug"])
key_column.text_input("Key (its file name)", key=field("slug"), max_chars=41,
                      help="Lowercase letters, digits and hyphens; the file is saved as KEY.toml.")
seed(field("description"), draft["description"])
st.text_area("Description", key=field("description"), height=68, max_chars=300)

# Saving sits above the steps, where it is seen without scrolling; it is
# drawn last, once every field below has been read.
proposal = st.container(border=True, key="templates_proposal")

st.subheader("Steps, in board order", anchor=False)
labels = step_labels(draft["steps"])
st.caption("Drag to reorder, or use each step's arrows.")
dropped = sort_items(labels, direction="vertical", key=sort_key(labels), custom_style=SORT_STYLE)
if (order := reordered(draft["steps"], labels, dropped)) != draft["steps"]:
    draft["steps"] = order
    # Run again so that everything above the list (the file to download)
    # follows the new order.
    st.rerun()

count = len(draft["steps"])
for index, (step, label) in enumerate(zip(draft["steps"], step_labels(draft["steps"]))):
    uid = step["uid"]
    with st.expander(f"**{index + 1}.** {escape_markdown(label)}",
                     key=f"templates_step_{uid}"):
        heading, up, down, remove = st.columns([8, 1, 1, 1], vertical_alignment="center")
        heading.caption("Move or remove this step")
        up.button("", key=f"templates_up_{uid}", icon=":material/arrow_upward:",
                  help="Move up", disabled=index == 0, on_click=move_step, args=(index, -1))
        down.button("", key=f"templates_down_{uid}", icon=":material/arrow_downward:",
                    help="Move down", disabled=index == count - 1, on_click=move_step,
                    args=(index, 1))
        remove.button("", key=f"templates_remove_{uid}", icon=":material/delete:",
                      help="Remove this step", disabled=count == 1, on_click=remove_step,
                      args=(index,))
        title, key = st.columns([3, 2])
        kind, action = st.columns(2)
        seed(field("title", uid), step["title"])
        title.text_input("Title", key=field("title", uid), max_chars=STEP_TITLE_MAX_CHARS)
        seed(field("key", uid), step["key"])
        key.text_input("Key (its page's address)", key=field("key", uid), max_chars=31)
        seed(field("kind", uid), step["kind"])
        # Jira cards come only with a refinement or planning template's own step.
        kinds = [value.value for value in StepKind
                 if value is not StepKind.jira_cards or step["kind"] == StepKind.jira_cards.value]
        kind.selectbox("Kind", kinds, key=field("kind", uid),
                       format_func=lambda value: KIND_LABELS[StepKind(value)])
        seed(field("action_type", uid), step["action_type"])
        action.selectbox("Actions from it are of type", ACTION_TYPES,
                         key=field("action_type", uid))
        seed(field("prompt", uid), step["prompt"])
        st.text_area("Prompt", key=field("prompt", uid), height=68, max_chars=PROMPT_MAX_CHARS)
        seed(field("follow_ups", uid), "\n".join(step["follow_ups"]))
        st.text_area("Follow-up questions, one per line", key=field("follow_ups", uid),
                     height=90, help=f"At most {FOLLOW_UP_MAX_CHARS} characters each.")

st.button("Add a step", key="templates_add", on_click=add_step, icon=":material/add:")

remember_fields()
try:
    edited: Template | None = team_template(
        {name: draft[name] for name in ("slug", "name", "description", "order", "roles", "jira")
         if name in draft},
        draft["steps"])
    problem = None
except TemplateInvalid as refusal:
    edited, problem = None, str(refusal)

folder = team_folder()
saved = None
with proposal:
    if problem:
        st.error(problem, icon=":material/error:")
    save, download = st.columns(2)
    if save.button("Save to the team's templates", key="templates_save", type="primary",
                   disabled=edited is None, icon=":material/save:"):
        replacing = edited.slug in templates and not is_shipped(edited.slug)
        try:
            path = save_team_template(edited, folder)
        except OSError as error:
            # The folder's path stays in the server's log: visitors need not see it.
            _log.error("cannot write the team templates folder %s: %s", folder, error)
            st.error("The team's templates folder cannot be written on the server; nothing was "
                     "saved. Tell whoever runs this server.", icon=":material/error:")
        except TemplateInvalid as refusal:
            st.error(str(refusal), icon=":material/error:")
        else:
            saved = (f"Saved as {path.name} in the team's templates folder"
                     + (", replacing the team's earlier file" if replacing else "")
                     + ". New boards can use it now.")
    download.download_button("Download the .toml for a merge request",
                             template_toml(edited) if edited else "",
                             file_name=f"{edited.slug if edited else 'template'}.toml",
                             mime="application/toml", key="templates_download",
                             disabled=edited is None, icon=":material/download:")
    if saved:
        st.success(saved, icon=":material/check_circle:")
    st.caption("Saving writes KEY.toml into the team's templates folder on the server; the "
               "download is the same file, to propose in a merge request.")
