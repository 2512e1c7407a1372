// --- the timeline part, changed: an event's editor, the add form, Undo, and
// pasting a chat log (the lane itself is drawn in part_timeline.js) -----------

// --- changing an event ----------------------------------------------------------------

function tlFields(s, values, part, prefix, labels) {
  const row = el("div", "pc-tl-fields");
  const day = tlInput("date", "pc-input pc-tl-day", values.day, `Date (${labels.zone})`, prefix + "day");
  day.oninput = (event) => { values.day = event.currentTarget.value; };
  const time = tlInput("text", "pc-input pc-tl-clock", values.time, `Time (${labels.zone})`, prefix + "time");
  time.placeholder = "hh:mm";
  time.oninput = (event) => { values.time = event.currentTarget.value; };
  const kind = el("select", "pc-select pc-tl-kind-select");
  kind.setAttribute("aria-label", labels.kind);
  kind.dataset.focus = prefix + "kind";
  for (const option of part.kinds) kind.appendChild(new Option(option.label, option.key));
  kind.value = values.kind;
  kind.onchange = (event) => { values.kind = event.currentTarget.value; };
  row.append(day, time, kind);
  return row;
}

function tlInput(type, className, value, label, focus) {
  const input = el("input", className);
  input.type = type;
  input.value = value || "";
  input.setAttribute("aria-label", label);
  input.dataset.focus = focus;
  return input;
}

function tlEditor(s, part, event) {
  const t = tlState(s);
  const editing = t.editing;
  const box = el("form", "pc-tl-editor");
  box.dataset.key = "tl-editor:" + event.id;
  box.appendChild(tlFields(s, editing, part, "tl-edit-", { zone: editing.zone, kind: `Kind of event ${event.number}` }));
  const area = el("textarea", "pc-input pc-tl-textarea");
  area.value = editing.text;
  area.rows = 3;
  area.dataset.focus = "tl-edit-text:" + event.id;
  area.setAttribute("aria-label", `What happened, event ${event.number}`);
  area.oninput = (e) => { editing.text = e.currentTarget.value; };
  box.appendChild(area);
  // Someone else saved this event since the editor opened: show theirs
  // beside what this person typed, which stays in the boxes.
  const theirs = event.at !== editing.base.at || event.kind !== editing.base.kind || event.text !== editing.base.text;
  if (editing.error) {
    const error = el("p", "pc-error", editing.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  if (theirs && editing.error) {
    const their = el("p", "pc-tl-theirs");
    their.appendChild(el("strong", "", "Their version: "));
    their.appendChild(document.createTextNode(`${tlWhen(event.at, editing.zone)} · ${event.kind_label} · ${event.text}`));
    box.appendChild(their);
  }
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button(theirs && editing.error ? "Save mine over theirs" : "Save", "pc-button pc-primary",
    (e) => e.target.closest("form").requestSubmit(), { "data-focus": "tl-save:" + event.id }));
  if (theirs && editing.error) {
    buttons.appendChild(button("Use theirs", "pc-button", () => {
      t.editing = null; s.focusAfter = "event:" + event.id; render(s);
    }));
  }
  buttons.appendChild(button("Cancel", "pc-link", () => {
    t.editing = null; s.focusAfter = "tl-edit:" + event.id; render(s);
  }));
  box.appendChild(buttons);
  box.onsubmit = (e) => { e.preventDefault(); tlSaveEdit(s, event, theirs && editing.error); };
  box.onkeydown = (e) => {
    if (e.key === "Escape") { t.editing = null; s.focusAfter = "tl-edit:" + event.id; render(s); }
    tlEnterSubmits(e);
  };
  return box;
}

async function tlSaveEdit(s, event, overTheirs) {
  const t = tlState(s);
  const editing = t.editing;
  if (!editing) return;
  // Saving over someone else's version starts from theirs, as now stored.
  const base = overTheirs ? { at: event.at, kind: event.kind, text: event.text } : editing.base;
  const fields = { event_id: event.id, zone: editing.zone,
                   base_at: base.at, base_kind: base.kind, base_text: base.text };
  // Only what this person changed is sent, so what others changed meanwhile
  // in the other fields stays theirs. A time left as it was keeps its exact
  // instant (an hour that happens twice when clocks go back stays the one it was).
  if (editing.day !== editing.start.day || editing.time !== editing.start.time) {
    fields.day = editing.day;
    fields.time = editing.time;
  }
  if (editing.kind !== editing.start.kind) fields.kind = editing.kind;
  if (editing.text !== editing.start.text) fields.text = editing.text;
  const reply = await act(s, "edit_event", fields, { quiet: true });
  if (t.editing !== editing) return;
  if (reply.ok) {
    t.editing = null;
    s.focusAfter = "tl-edit:" + event.id;
  } else {
    editing.error = reply.message || "The event was not saved.";
    if (overTheirs) editing.base = base;
  }
  render(s);
}

// The event someone was editing was deleted meanwhile: what they typed stays
// on screen, to be added again or let go.
function tlOrphan(s) {
  const t = tlState(s);
  const editing = t.editing;
  const line = el("div", "pc-tl-orphan");
  line.setAttribute("role", "alert");
  line.appendChild(el("p", "pc-error", "Someone deleted the event you were editing. What you typed:"));
  line.appendChild(el("p", "pc-tl-theirs", `${editing.day} ${editing.time} · ${editing.text}`));
  line.appendChild(button("Put it in the new event form", "pc-link", () => {
    t.draft = { ...(t.draft || {}), zone: editing.zone, day: editing.day, suggested: null, time: editing.time,
                kind: editing.kind, text: editing.text, error: null };
    t.editing = null;
    s.focusAfter = "tl-new-text";
    render(s);
  }));
  line.appendChild(button("Dismiss", "pc-link", () => { t.editing = null; render(s); }));
  return line;
}

function tlUndo(s) {
  const t = tlState(s);
  const line = el("p", "pc-tl-undo");
  line.setAttribute("role", "status");
  line.appendChild(document.createTextNode("Event deleted. "));
  line.appendChild(button("Undo", "pc-link", async () => {
    const undo = t.undo;
    const reply = await act(s, "restore_event", { event_id: undo.id });
    if (reply.ok) { t.undo = null; s.focusAfter = "event:" + undo.id; render(s); }
  }, { "data-focus": "tl-undo", "aria-label": `Undo deleting “${t.undo.text}”` }));
  line.appendChild(button("Dismiss", "pc-link", () => { t.undo = null; render(s); }));
  return line;
}

function tlAddForm(s, part, zone) {
  const t = tlState(s);
  const suggested = tlDefaultDay(part, zone);
  if (!t.draft || t.draft.zone !== zone) {
    t.draft = { zone, day: suggested, suggested, time: "", kind: "action", text: "", error: null,
                ...(t.draft ? { time: t.draft.time, kind: t.draft.kind, text: t.draft.text } : {}) };
  }
  const draft = t.draft;
  // The day follows the timeline (the day of its last moment) until the
  // person picks another one.
  if (draft.day === draft.suggested) draft.day = suggested;
  draft.suggested = suggested;
  const form = el("form", "pc-tl-add");
  form.dataset.key = "tl-add";
  form.setAttribute("aria-label", "Add an event");
  form.appendChild(tlFields(s, draft, part, "tl-new-", { zone, kind: "Kind of the new event" }));
  const text = tlInput("text", "pc-input pc-tl-new-text", draft.text, "What happened", "tl-new-text");
  text.placeholder = "What was seen or done, by which system or role";
  text.oninput = (event) => { draft.text = event.currentTarget.value; };
  form.appendChild(text);
  // The form on the page may be an earlier drawing of this one (see morph):
  // submit the one the button is in.
  form.appendChild(button("Add event", "pc-button pc-primary", (event) => event.target.closest("form").requestSubmit(),
                          { "data-focus": "tl-add" }));
  form.onkeydown = tlEnterSubmits;
  form.onsubmit = async (event) => {
    event.preventDefault();
    const sent = { day: draft.day, time: draft.time, zone, kind: draft.kind, text: draft.text };
    const reply = await act(s, "add_event", sent, { quiet: true });
    if (reply.ok) {
      // Only what was sent is cleared: typing may have gone on meanwhile.
      if (draft.text === sent.text) draft.text = "";
      if (draft.time === sent.time) draft.time = "";
      draft.error = null;
      for (const name of ["tl-new-text", "tl-new-time"]) {
        const box = s.root.querySelector(`[data-focus="${name}"]`);
        if (box && box.value === sent[name === "tl-new-text" ? "text" : "time"]) box.value = "";
      }
      s.focusAfter = "tl-new-time";
    } else {
      draft.error = reply.message || "The event was not added.";
    }
    render(s);
  };
  if (draft.error) {
    const error = el("p", "pc-error pc-tl-add-error", draft.error);
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  return form;
}

// Enter saves from any field (Shift+Enter breaks a line of text), as in a note.
function tlEnterSubmits(event) {
  const field = event.target;
  if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
  if (field.nodeName !== "INPUT" && field.nodeName !== "TEXTAREA") return;
  event.preventDefault();
  event.currentTarget.requestSubmit();
}

// --- pasting a chat log ---------------------------------------------------------------

function tlPaste(s, part, zone) {
  const t = tlState(s);
  const paste = t.paste;
  const box = el("div", "pc-tl-paste");
  box.dataset.key = "tl-paste";
  const row = el("div", "pc-tl-paste-row");
  const day = tlInput("date", "pc-input pc-tl-day", paste.day, "Date of lines without one", "tl-paste-day");
  day.oninput = (event) => { paste.day = event.currentTarget.value; };
  const dayLabel = el("label", "pc-meta pc-tl-paste-day", "Lines without a date are on ");
  dayLabel.appendChild(day);
  row.appendChild(dayLabel);
  row.appendChild(el("span", "pc-meta", `Times in ${zone} unless a line names a zone.`));
  box.appendChild(row);
  const area = el("textarea", "pc-input pc-tl-textarea");
  area.rows = 5;
  area.value = paste.text;
  area.placeholder = "13:42 alice: paged for checkout 5xx\n13:45 bob: ack, looking\n14:05 rolled back deploy 4812";
  area.setAttribute("aria-label", "Chat lines, one event per line");
  area.dataset.focus = "tl-paste-text";
  area.oninput = (event) => { paste.text = event.currentTarget.value; paste.preview = null; };
  box.appendChild(area);
  box.appendChild(button("Preview", "pc-button", () => tlPreview(s, zone), { "data-focus": "tl-preview" }));
  if (paste.error) {
    const error = el("p", "pc-error", paste.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  if (paste.preview) box.appendChild(tlPreviewTable(s, part, paste));
  return box;
}

async function tlPreview(s, zone) {
  const paste = tlState(s).paste;
  const sent = { text: paste.text, day: paste.day, zone };
  const reply = await act(s, "import_timeline", { ...sent, confirm: false }, { quiet: true });
  if (tlState(s).paste !== paste) return;
  if (reply.ok && reply.preview) {
    paste.preview = { ...reply.preview, sent };
    paste.error = null;
    s.focusAfter = "tl-confirm";
  } else {
    paste.preview = null;
    paste.error = reply.ok ? "The server did not send a preview; nothing was added." : reply.message;
  }
  render(s);
}

function tlPreviewTable(s, part, paste) {
  const preview = paste.preview;
  const box = el("div", "pc-tl-preview");
  const found = preview.events.length, unusable = preview.errors.length;
  box.appendChild(el("p", "pc-tl-preview-head",
    `Preview: ${plural(found, "event")} found, ${plural(unusable, "line")} not usable. `
    + "Nothing is added until you confirm."));
  if (unusable) {
    const errors = el("ul", "pc-tl-preview-errors");
    for (const error of preview.errors) {
      errors.appendChild(el("li", "", `Line ${error.line}: ${error.reason} — ${error.raw}`));
    }
    box.appendChild(errors);
  }
  const table = el("table", "pc-tl-preview-table");
  const head = table.appendChild(el("thead")).appendChild(el("tr"));
  for (const name of ["Add", `Time (${preview.sent.zone})`, "Kind", "What happened"]) head.appendChild(el("th", "", name));
  const body = table.appendChild(el("tbody"));
  for (const row of preview.events) {
    const line = body.appendChild(el("tr"));
    const tick = el("input");
    tick.type = "checkbox";
    tick.checked = row.add;
    tick.setAttribute("aria-label", `Add “${row.text}”`);
    tick.onchange = (event) => { row.add = event.currentTarget.checked; render(s); };
    line.appendChild(el("td")).appendChild(tick);
    line.appendChild(el("td", "pc-tl-preview-time", tlWhen(row.at, preview.sent.zone)));
    const kind = el("select", "pc-select");
    kind.setAttribute("aria-label", `Kind of “${row.text}”`);
    for (const option of part.kinds) kind.appendChild(new Option(option.label, option.key));
    kind.value = row.kind;
    kind.onchange = (event) => { row.kind = event.currentTarget.value; };
    line.appendChild(el("td")).appendChild(kind);
    const text = line.appendChild(el("td", "", row.text));
    if (row.duplicate) text.appendChild(el("span", "pc-meta", " (already on the timeline)"));
  }
  if (found) box.appendChild(table);
  const chosen = preview.events.filter((row) => row.add).length;
  const buttons = el("div", "pc-editor-buttons");
  const confirm = button(`Confirm: add ${plural(chosen, "event")}`, "pc-button pc-primary", async () => {
    const choices = preview.events.map((row) => ({ index: row.index, add: row.add, kind: row.kind }));
    const reply = await act(s, "import_timeline", { ...preview.sent, confirm: true, choices }, { quiet: true });
    const t = tlState(s);
    if (t.paste !== paste) return;
    if (reply.ok) { t.paste = null; s.focusAfter = "tl-paste-toggle"; }
    else paste.error = reply.message || "Nothing was imported.";
    render(s);
  }, { "data-focus": "tl-confirm" });
  confirm.disabled = !chosen;
  buttons.appendChild(confirm);
  buttons.appendChild(button("Discard preview", "pc-link", () => { paste.preview = null; render(s); }));
  box.appendChild(buttons);
  return box;
}
