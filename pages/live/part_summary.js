/* The summary part of the board. */
// --- the summary part ---------------------------------------------------------

// The summary card: every field of the Summary page, *Unknown* where nothing
// is answered. Whoever view.me.may_edit_summary allows (the facilitator, and
// everyone or the people they chose) clicks a field to edit it
// in place: Enter or leaving the field saves, Escape cancels. The open editor
// lives in s.summaryEdit, so views arriving meanwhile keep what is typed.
PART_RENDERERS.summary = function (s, part, title) {
  const section = el("section", "pc-part-body pc-summary");
  section.setAttribute("aria-label", title);
  const head = el("div", "pc-summary-head");
  head.appendChild(el("h3", "pc-part-title", title));
  head.appendChild(el("span", "pc-summary-type", part.review_type));
  const open = part.unanswered.length;
  head.appendChild(el("span", "pc-summary-unanswered",
    open ? `${open} of ${part.intake_questions} intake questions unknown` : "Every intake question answered"));
  section.appendChild(head);
  if (part.title_nudge.length) {
    const nudge = renderNudge(s, { nudge: part.title_nudge }, "On the board's title; everyone sees this.");
    nudge.dataset.key = "summary-title-nudge";
    section.appendChild(nudge);
  }
  const edit = s.summaryEdit;
  if (edit && !part.fields.some((field) => field.key === edit.key)) s.summaryEdit = null;
  // What happened, its impact, dates and severity always show; the roles
  // and the intake fold away so the notes stay in reach, and open by
  // themselves while one of their fields is being edited.
  const editingMore = s.summaryEdit && FOLDED_GROUPS.includes(fieldOf(part, s.summaryEdit.key).group);
  const more = Boolean(s.summaryMore || editingMore);
  // The headline fields share a row as they fit; the folded ones line up in a grid.
  const headline = el("dl", "pc-summary-headline");
  headline.dataset.key = "summary-headline";
  const grid = el("dl", "pc-summary-grid");
  grid.dataset.key = "summary-more-fields";
  for (const field of part.fields) {
    if (!FOLDED_GROUPS.includes(field.group)) headline.appendChild(renderSummaryField(s, part, field));
    else if (more) grid.appendChild(renderSummaryField(s, part, field));
  }
  section.appendChild(headline);
  if (more) section.appendChild(grid);
  const roles = part.fields.filter((field) => field.group === "roles" && field.value)
    // "Decision owner" reads as "decision owner"; a template's "SAL" stays "SAL".
    .map((field) => `${field.value} (${/^[A-Z][^A-Z]/.test(field.label) ? field.label.toLowerCase() : field.label})`);
  const toggle = button((more ? "▾ Hide roles and intake" : "▸ Roles and intake") + (more ? "" : " · "
      + (roles.length ? roles.join(", ") : "no roles named")), "pc-link pc-summary-more", () => {
    s.summaryMore = !more;
    if (!s.summaryMore && editingMore) s.summaryEdit = null;
    s.focusAfter = "summary-more";
    render(s);
  }, { "aria-expanded": String(more), "data-focus": "summary-more" });
  if (editingMore) toggle.disabled = true;
  section.appendChild(toggle);
  section.appendChild(renderSummaryEditors(s, part));
  return section;
};

// Who edits the card: said to everyone; the facilitator chooses, everyone
// or the people they tick (the server checks it on every save).
function renderSummaryEditors(s, part) {
  const box = el("div", "pc-summary-editors");
  box.dataset.key = "summary-editors";
  const editors = part.editors;
  const chosen = editors.people.filter((person) => person.chosen).map((person) => person.name);
  if (!s.view.can.choose_summary_editors) {
    box.appendChild(el("p", "pc-summary-editors-said", editors.everyone
      ? "Everyone on the board edits this card."
      : "The facilitator" + (chosen.length ? " and " + chosen.join(", ") : "") + " edit this card."));
    return box;
  }
  const choose = el("select", "pc-select");
  choose.setAttribute("aria-label", "Who edits this card");
  choose.dataset.focus = "summary-editors";
  choose.appendChild(new Option("Everyone on the board edits this card", "everyone"));
  choose.appendChild(new Option("Only you and the people ticked edit it", "chosen"));
  choose.value = editors.everyone ? "everyone" : "chosen";
  choose.onchange = (event) => {
    const everyone = event.currentTarget.value === "everyone";
    s.focusAfter = "summary-editors";
    act(s, "choose_summary_editors", { everyone, participant_ids: [] });
  };
  box.appendChild(choose);
  if (!editors.everyone) {
    const list = el("div", "pc-summary-editor-list");
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", "People who may edit this card");
    for (const person of editors.people) {
      const label = el("label", "pc-summary-editor");
      const tick = el("input");
      tick.type = "checkbox";
      tick.checked = person.chosen;
      tick.dataset.focus = "summary-editor:" + person.id;
      tick.onchange = () => {
        const ids = editors.people.filter((p) => (p.id === person.id ? !person.chosen : p.chosen)).map((p) => p.id);
        s.focusAfter = "summary-editor:" + person.id;
        act(s, "choose_summary_editors", { everyone: false, participant_ids: ids });
      };
      label.appendChild(tick);
      label.appendChild(document.createTextNode(" " + person.name));
      list.appendChild(label);
    }
    if (!editors.people.length) list.appendChild(el("span", "pc-unknown", "Nobody has joined yet."));
    box.appendChild(list);
  }
  return box;
}

const FOLDED_GROUPS = ["roles", "intake"];

function fieldOf(part, key) {
  return part.fields.find((field) => field.key === key) || {};
}

function summaryShown(part, field, value) {
  if (!value) return null;
  if (field.kind === "select") {
    const found = part.severities.find((severity) => severity.key === value);
    return found ? found.label : value;
  }
  return value;
}

function renderSummaryField(s, part, field) {
  const box = el("div", "pc-summary-field pc-summary-" + field.group + " pc-summary-kind-" + field.kind);
  box.dataset.key = "summary:" + field.key;
  box.appendChild(el("dt", "pc-summary-label", field.label));
  const value = el("dd", "pc-summary-cell");
  const edit = s.summaryEdit;
  if (edit && edit.key === field.key) {
    value.appendChild(renderSummaryEditor(s, part, field, edit));
  } else {
    const shown = summaryShown(part, field, field.value);
    if (s.view.me.may_edit_summary) {
      const open = button(shown || "Unknown", "pc-summary-value", () => {
        // A refused edit stays open until it is saved or cancelled.
        if (s.summaryEdit && s.summaryEdit.error) {
          s.focusAfter = "summary-edit:" + s.summaryEdit.key;
          render(s);
          return;
        }
        s.summaryEdit = { key: field.key, value: field.value, original: field.value,
                          version: part.version, error: null, refused: false, saving: false };
        s.focusAfter = "summary-edit:" + field.key;
        render(s);
      }, { "aria-label": `${field.label}: ${shown || "unknown"}. Edit`,
           "data-focus": "summary:" + field.key, title: "Click to edit" });
      if (!shown) open.classList.add("pc-unknown");
      value.appendChild(open);
    } else {
      value.appendChild(el("p", "pc-summary-value" + (shown ? "" : " pc-unknown"), shown || "Unknown"));
    }
  }
  box.appendChild(value);
  if (field.nudge && field.nudge.length && !(edit && edit.key === field.key)) {
    box.appendChild(renderNudge(s, field, "On the summary card; everyone sees this."));
  }
  return box;
}

function renderSummaryEditor(s, part, field, edit) {
  const box = el("div", "pc-summary-editor");
  box.dataset.key = "summary-editor:" + field.key;
  let input;
  if (field.kind === "text") {
    input = el("textarea", "pc-input pc-summary-input");
    input.rows = 3;
  } else if (field.kind === "select") {
    input = el("select", "pc-select pc-summary-input");
    for (const severity of part.severities) input.appendChild(new Option(severity.label, severity.key));
  } else {
    input = el("input", "pc-input pc-summary-input");
    input.type = field.kind === "date" ? "date" : "text";
  }
  input.value = edit.value;
  if (field.placeholder) input.placeholder = field.placeholder;
  input.dataset.focus = "summary-edit:" + field.key;
  input.setAttribute("aria-label", field.label);
  input.oninput = (event) => { edit.value = event.currentTarget.value; };
  input.onchange = (event) => {
    edit.value = event.currentTarget.value;
    if (field.kind === "select") saveSummaryField(s, field.key);
  };
  input.onkeydown = (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      edit.value = event.currentTarget.value;
      saveSummaryField(s, field.key);
    } else if (event.key === "Escape") {
      event.preventDefault();
      closeSummaryEditor(s, field.key);
    }
  };
  // Leaving the field saves; a click on the editor's own buttons does not leave it.
  input.onblur = () => { if (s.summaryEdit === edit) saveSummaryField(s, field.key); };
  box.appendChild(input);

  const theirs = part.fields.find((f) => f.key === field.key);
  if (theirs && theirs.value !== edit.original) {
    // Someone saved this field since the editor opened: theirs, beside the kept text.
    edit.shownTheirs = part.version;
    const note = el("div", "pc-summary-theirs");
    note.appendChild(el("span", "pc-summary-theirs-label", "Theirs now: "));
    note.appendChild(el("span", "pc-summary-theirs-text", summaryShown(part, field, theirs.value) || "Unknown"));
    const keep = button("Keep theirs", "pc-link", () => closeSummaryEditor(s, field.key),
      { "aria-label": `Keep theirs: their ${field.label.toLowerCase()} replaces your edit` });
    keep.onmousedown = (event) => event.preventDefault();
    note.appendChild(keep);
    box.appendChild(note);
  }
  if (edit.error) {
    const error = el("p", "pc-error", edit.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  box.appendChild(el("p", "pc-summary-hint",
    field.kind === "text" ? "Enter saves · Shift+Enter new line · Esc cancels" : "Enter saves · Esc cancels"));
  return box;
}

function closeSummaryEditor(s, key) {
  s.summaryEdit = null;
  s.focusAfter = "summary:" + key;
  render(s);
}

async function saveSummaryField(s, key) {
  const edit = s.summaryEdit;
  if (!edit || edit.key !== key || edit.saving) return;
  const part = s.view.parts.summary;
  const current = part.fields.find((field) => field.key === key);
  const untouched = current && current.value === edit.original;
  if (untouched && edit.value === edit.original) { closeSummaryEditor(s, key); return; }
  // The version this save claims to have seen: the newest view's when nobody
  // changed this field meanwhile, or once the person was told and shown
  // theirs; otherwise the one the editor opened at, which the server refuses.
  const seen = untouched ? part.version
    : edit.refused && edit.shownTheirs !== undefined ? edit.shownTheirs : edit.version;
  edit.saving = true;
  const reply = await act(s, "edit_summary_field", { field: key, value: edit.value, version: seen },
                          { quiet: true });
  edit.saving = false;
  if (reply.ok) {
    if (s.summaryEdit === edit) closeSummaryEditor(s, key);
    return;
  }
  // A refused text is never lost, even if another field was opened meanwhile
  // (it had nothing typed yet).
  s.summaryEdit = edit;
  edit.error = reply.message || "The summary was not saved.";
  edit.refused = true;
  s.focusAfter = "summary-edit:" + key;
  render(s);
}
