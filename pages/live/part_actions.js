// --- the actions part ---------------------------------------------------------
//
// Every action as a card whose fields are edited in place. What a person
// changes stays in `s.actionsPart.edits` until they save (Enter or Save), so a
// view arriving meanwhile keeps their text; a save sends only the fields they
// changed, over the version the card showed, and the server refuses it when
// someone saved in between: the card then shows their version beside the
// person's own and lets them keep either.

PART_RENDERERS.actions = function (s, part, title) {
  const st = apState(s);
  const can = s.view.can;
  apKeepFocus(s, "ap-");
  const section = el("section", "pc-part-body pc-ap");
  section.setAttribute("aria-label", title);

  const head = el("div", "pc-ap-head");
  head.appendChild(el("h3", "pc-part-title", title));
  const drafts = part.actions.filter((action) => action.is_draft).length;
  head.appendChild(el("span", "pc-meta",
    plural(part.actions.length, "action") + (drafts ? " · " + plural(drafts, "draft") : "")));
  if (can.edit_actions && !st.composer) {
    head.appendChild(button("+ Action", "pc-button pc-primary pc-ap-new", () => {
      st.composer = { title: "", error: null };
      s.focusAfter = "ap-new";
      render(s);
    }, { "data-focus": "ap-open-new", "aria-label": "Add an action" }));
  }
  section.appendChild(head);

  if (part.drafts_block_closing.length) section.appendChild(apClosing(s, part));
  if (st.composer && can.edit_actions) section.appendChild(apComposer(s));
  if (st.deleted) {
    const undo = el("p", "pc-meta pc-ap-undo");
    undo.dataset.key = "ap-undo";
    undo.appendChild(el("span", "", `Deleted “${st.deleted.title}”. `));
    const deleted = st.deleted;
    undo.appendChild(button("Undo", "pc-link", async () => {
      const reply = await act(s, "restore_action", { action_id: deleted.id });
      if (reply.ok) { st.deleted = null; s.focusAfter = "ap-title:" + deleted.id; render(s); }
    }));
    section.appendChild(undo);
  }

  const list = el("div", "pc-ap-list");
  list.setAttribute("role", "list");
  for (const action of part.actions) list.appendChild(apCard(s, part, action));
  section.appendChild(list);
  if (!part.actions.length) {
    section.appendChild(el("p", "pc-meta", can.edit_actions
      ? "No actions yet. Add one with + Action, or make one from a ranked item in Discuss."
      : "No actions."));
  }
  // Owners are picked from the people on the board, or typed.
  const people = el("datalist");
  people.id = "pc-ap-people";
  for (const name of s.view.people || []) people.appendChild(new Option(name, name));
  section.appendChild(people);
  return section;
};

// The fields a card edits, by the server's names.
const AP_FIELDS = ["title", "owner", "due_date", "review_date", "status", "status_reason", "priority",
                   "success_signal", "customer_facing"];

// The form a control belongs to, sent. The page keeps its own form element
// through a redraw (morph), so the control finds it rather than the one drawn.
function apSubmit(event) {
  event.preventDefault();
  event.currentTarget.closest("form").requestSubmit();
}

// A box replaced by a newer version of its action keeps the focus.
function apKeepFocus(s, prefix) {
  const active = activeIn(s);
  const key = active && active.dataset ? active.dataset.focus : null;
  if (key && key.startsWith(prefix) && !s.focusAfter && s.root.contains(active)) s.focusAfter = key;
}

function apState(s) {
  if (!s.actionsPart) {
    s.actionsPart = { edits: {}, composer: null, deleted: null, closing: { reason: "", error: null } };
  }
  return s.actionsPart;
}

// Whether this viewer may change `field` now: what an action is needs
// can.edit_actions; its follow-through (owner, dates, status) can.set_action_status.
function apFieldOpen(s, part, field) {
  const can = s.view.can;
  return can.edit_actions || (can.set_action_status && part.follow_through.includes(field));
}

function apValue(s, action, field) {
  const edit = apState(s).edits[action.id];
  return edit && field in edit.values ? edit.values[field] : action[field];
}

function apCard(s, part, action) {
  const st = apState(s);
  const edit = st.edits[action.id];
  const card = el("article", "pc-ap-card");
  card.dataset.key = "ap:" + action.id;
  card.dataset.action = action.id;
  card.setAttribute("role", "listitem");
  card.setAttribute("aria-label", "Action: " + action.title);
  if (action.is_draft) card.classList.add("pc-ap-draft");
  if (action.is_parked) card.classList.add("pc-ap-parked");
  if (edit) card.classList.add("pc-ap-editing");

  const badges = el("div", "pc-ap-badges");
  if (action.is_draft) badges.appendChild(el("span", "pc-ap-badge", part.draft_label));
  if (action.is_parked) badges.appendChild(el("span", "pc-ap-badge pc-ap-badge-parked", "Parked idea"));
  if (action.customer_facing) {
    badges.appendChild(el("span", "pc-ap-badge pc-ap-badge-customer", "Customer-facing"));
  }
  const origin = [action.type, action.source].filter(Boolean).join(" · ");
  if (origin) badges.appendChild(el("span", "pc-meta pc-ap-origin", origin));
  card.appendChild(badges);

  const grid = el("div", "pc-ap-fields");
  grid.appendChild(apText(s, part, action, "title", "What will be done",
    { wide: true, className: "pc-ap-title", lines: true }));
  const owner = apText(s, part, action, "owner", "Owner", { placeholder: "Pick or type a name" });
  const ownerInput = owner.querySelector("input");
  if (ownerInput) ownerInput.setAttribute("list", "pc-ap-people");
  grid.appendChild(owner);
  grid.appendChild(apDate(s, part, action, "due_date", "Due"));
  grid.appendChild(apChoice(s, part, action, "status", "Status", part.statuses));
  grid.appendChild(apDate(s, part, action, "review_date", "Follow-up review"));
  const status = part.statuses.find((entry) => entry.key === apValue(s, action, "status"));
  if ((status && status.needs_reason) || action.status_reason) {
    grid.appendChild(apText(s, part, action, "status_reason", "Why", { wide: true,
      placeholder: "Say why it won't be done" }));
  }
  grid.appendChild(apText(s, part, action, "success_signal", "Success signal", { wide: true,
    placeholder: "How we will know it worked", lines: true }));
  card.appendChild(grid);

  for (const tip of action.tips || []) card.appendChild(el("p", "pc-ap-tip", "Tip: " + tip));
  if (edit) card.appendChild(apEditFoot(s, part, action, edit));

  const foot = el("div", "pc-ap-foot");
  const choices = el("div", "pc-ap-choices");
  choices.appendChild(apChoice(s, part, action, "priority", "Priority", part.priorities, { inline: true }));
  choices.appendChild(apCheck(s, part, action, "customer_facing", "Customer-facing"));
  foot.appendChild(choices);
  if (s.view.can.edit_actions) {
    foot.appendChild(button("Delete", "pc-link pc-ap-delete", async () => {
      const reply = await act(s, "delete_action", { action_id: action.id });
      if (reply.ok) {
        delete st.edits[action.id];
        st.deleted = { id: action.id, title: action.title };
        s.focusAfter = "ap-open-new";
        render(s);
      }
    }, { "aria-label": `Delete action ${action.title}` }));
  }
  card.appendChild(foot);
  return card;
}

// Save and Cancel while the card holds unsaved changes; the refusal and,
// once someone else's save has arrived, their version.
function apEditFoot(s, part, action, edit) {
  let theirs = null;
  if (edit.version !== action.version) {
    const changed = Object.keys(edit.base).filter((field) => edit.base[field] !== action[field]);
    const shown = changed.map((field) => `${apLabel(field)}: ${apShown(part, field, action[field]) || "—"}`);
    theirs = shown.length ? "Their version: " + shown.join(" · ") : "Someone else saved this action meanwhile.";
  }
  return editFoot({
    key: "ap-edit:" + action.id, className: "pc-ap-edit", theirsClass: "pc-ap-theirs", error: edit.error,
    theirs, focus: "ap-save:" + action.id,
    onSave: (over) => apSave(s, action, { over }),
    onCancel: () => apCancel(s, action),
    saveAttrs: { "aria-label": `Save action ${action.title}` },
    cancelAttrs: { "aria-label": `Cancel changes to ${action.title}` },
  });
}

function apLabel(field) {
  return { title: "Title", owner: "Owner", due_date: "Due", review_date: "Review", status: "Status",
           status_reason: "Why", priority: "Priority", success_signal: "Success signal",
           customer_facing: "Customer-facing" }[field] || field;
}

function apShown(part, field, value) {
  const choices = field === "status" ? part.statuses : field === "priority" ? part.priorities : null;
  const found = choices && choices.find((entry) => entry.key === value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return found ? found.label : value;
}

function apControl(s, part, action, field, control, label, { wide = false, className = "" } = {}) {
  const open = apFieldOpen(s, part, field);
  const wrap = el("label", "pc-ap-field" + (wide ? " pc-ap-wide" : "") + (className ? " " + className : ""));
  wrap.appendChild(el("span", "pc-ap-label", label));
  // Keyed by the version the field shows: while the person edits, theirs
  // (their text stays); otherwise the action's, so a save from another tab
  // replaces the box even where the cursor rests (see apKeepFocus).
  const edit = apState(s).edits[action.id];
  control.dataset.key = `ap-${field}:${action.id}:${edit ? edit.version : action.version}`;
  control.dataset.focus = `ap-${field}:${action.id}`;
  control.setAttribute("aria-label", `${label} of action ${action.title}`);
  control.disabled = !open;
  wrap.appendChild(control);
  return wrap;
}

function apText(s, part, action, field, label,
                { wide = false, className = "", placeholder = "", lines = false } = {}) {
  // Long text wraps and the box grows with it (CSS field-sizing), so a title is read whole.
  const input = el(lines ? "textarea" : "input", "pc-input pc-ap-input");
  if (lines) input.rows = 1;
  input.value = apValue(s, action, field) || "";
  // A hint to type is no content: a field the viewer cannot change shows a dash.
  input.placeholder = apFieldOpen(s, part, field) ? placeholder : "—";
  input.oninput = (event) => apChange(s, action, field, event.currentTarget.value, { draw: false });
  input.onkeydown = (event) => apKeys(s, action, event);
  return apControl(s, part, action, field, input, label, { wide, className });
}

function apDate(s, part, action, field, label) {
  const input = el("input", "pc-input pc-ap-input");
  input.type = "date";
  input.min = part.dates.min;
  input.max = part.dates.max;
  input.value = apValue(s, action, field) || "";
  // `input` fires for every finished date (typed or picked); the save waits
  // for Enter or Save, so a half-typed year is never sent.
  input.oninput = (event) => apChange(s, action, field, event.currentTarget.value, { draw: false });
  input.onkeydown = (event) => apKeys(s, action, event);
  return apControl(s, part, action, field, input, label);
}

function apChoice(s, part, action, field, label, choices, { inline = false } = {}) {
  const select = el("select", "pc-select pc-ap-input");
  const value = apValue(s, action, field);
  for (const { key, label: shown } of choices) {
    const option = new Option(shown, key);
    if (key === value) option.selected = true;
    select.appendChild(option);
  }
  select.onchange = (event) => apChange(s, action, field, event.currentTarget.value, { draw: true });
  const wrap = apControl(s, part, action, field, select, label);
  if (inline) wrap.classList.add("pc-ap-inline");
  return wrap;
}

// A mark (customer-facing): like any field, kept as the person's until saved.
function apCheck(s, part, action, field, label) {
  const input = el("input", "pc-ap-check");
  input.type = "checkbox";
  input.checked = Boolean(apValue(s, action, field));
  input.onchange = (event) => apChange(s, action, field, event.currentTarget.checked, { draw: true });
  input.onkeydown = (event) => apKeys(s, action, event);
  const wrap = apControl(s, part, action, field, input, label);
  wrap.classList.add("pc-ap-inline", "pc-ap-mark");
  // The box before its words, as a checkbox reads.
  wrap.insertBefore(input, wrap.firstChild);
  return wrap;
}

function apKeys(s, action, event) {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    apSave(s, action);
  }
  if (event.key === "Escape") { event.preventDefault(); apCancel(s, action); }
}

// A field changed on a card: kept as the person's until saved. The card is
// redrawn only when Save appears or goes (not for every key typed).
function apChange(s, action, field, value, { draw }) {
  const st = apState(s);
  let edit = st.edits[action.id];
  const was = Boolean(edit);
  if (!edit) {
    const base = Object.fromEntries(AP_FIELDS.map((name) => [name, action[name]]));
    edit = st.edits[action.id] = { version: action.version, base, values: {}, error: null, field };
  }
  edit.values[field] = value;
  edit.field = field;
  const changed = Object.keys(edit.values).some((name) => edit.values[name] !== edit.base[name]);
  if (!changed && !edit.error && edit.version === action.version) delete st.edits[action.id];
  if (draw || was !== Boolean(st.edits[action.id])) render(s);
}

// The action as the newest view shows it.
function apNewest(s, action) {
  const part = s.view.parts.actions;
  return (part ? part.actions : []).find((entry) => entry.id === action.id) || action;
}

function apCancel(s, action) {
  const st = apState(s);
  const edit = st.edits[action.id];
  delete st.edits[action.id];
  s.focusAfter = `ap-${(edit && edit.field) || "title"}:${action.id}`;
  render(s);
}

async function apSave(s, action, { over = false } = {}) {
  const st = apState(s);
  const edit = st.edits[action.id];
  // One save at a time: a second Enter would only be refused as a conflict with the first.
  if (!edit || edit.saving) return;
  edit.saving = true;
  const changed = {};
  for (const [field, value] of Object.entries(edit.values)) {
    if (value !== edit.base[field]) changed[field] = value;
  }
  // Over theirs: the newest version this tab has, so only a save made after
  // that one is refused again.
  const version = over ? apNewest(s, action).version : edit.version;
  const sent = { ...edit.values };
  const reply = await act(s, "edit_action", { action_id: action.id, version, ...changed }, { quiet: true });
  const now = st.edits[action.id];
  if (reply.ok) {
    // Typing may have gone on while the save was on its way: keep what was not sent.
    if (now) {
      const later = Object.keys(now.values).filter((field) => now.values[field] !== sent[field]);
      if (later.length) {
        const fresh = apNewest(s, action);
        st.edits[action.id] = { ...now, version: fresh.version, error: null, saving: false,
          base: Object.fromEntries(AP_FIELDS.map((name) => [name, fresh[name]])),
          values: Object.fromEntries(later.map((field) => [field, now.values[field]])) };
      } else {
        delete st.edits[action.id];
      }
    }
  } else if (now) {
    now.error = reply.message || "The action was not saved.";
    now.saving = false;
  }
  s.focusAfter = `ap-${edit.field || "title"}:${action.id}`;
  render(s);
}

function apComposer(s) {
  const st = apState(s);
  const composer = st.composer;
  const form = el("form", "pc-ap-composer");
  form.dataset.key = "ap-composer";
  form.setAttribute("aria-label", "Add an action");
  const input = el("input", "pc-input");
  input.value = composer.title;
  input.placeholder = "What will be done? Start with a verb: “Add an alert when …”";
  input.dataset.focus = "ap-new";
  input.setAttribute("aria-label", "New action: what will be done");
  input.oninput = (event) => { composer.title = event.currentTarget.value; };
  input.onkeydown = (event) => {
    if (event.key === "Enter" && !event.isComposing) apSubmit(event);
    if (event.key === "Escape") { st.composer = null; s.focusAfter = "ap-open-new"; render(s); }
  };
  form.appendChild(input);
  form.appendChild(button("Add", "pc-button pc-primary", apSubmit, { "data-focus": "ap-add" }));
  form.appendChild(button("Cancel", "pc-link", () => {
    st.composer = null;
    s.focusAfter = "ap-open-new";
    render(s);
  }));
  if (composer.error) {
    const error = el("p", "pc-error pc-ap-wide", composer.error);
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  form.onsubmit = async (event) => {
    event.preventDefault();
    const title = composer.title;
    const reply = await act(s, "add_action", { title }, { quiet: true });
    if (!st.composer) return;
    if (reply.ok) {
      // Only clear what was sent: typing may have gone on meanwhile.
      if (composer.title === title) {
        composer.title = "";
        const box = s.root.querySelector('[data-focus="ap-new"]');
        if (box && box.value === title) box.value = "";
      }
      composer.error = null;
    } else {
      composer.error = reply.message || "The action was not added.";
    }
    s.focusAfter = "ap-new";
    render(s);
  };
  return form;
}

// While closing is the board's next step and drafts would stop it: those
// drafts, each a click from its card, and for whoever may close the board,
// closing anyway with a reason that is kept with the board.
function apClosing(s, part) {
  const st = apState(s);
  const drafts = part.drafts_block_closing;
  const box = el("div", "pc-ap-closing");
  box.dataset.key = "ap-closing";
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Before closing");
  const need = drafts.length === 1 ? "1 draft needs" : drafts.length + " drafts need";
  box.appendChild(el("p", "pc-ap-closing-title", `Before closing: ${need} an owner and a due date`));
  box.appendChild(el("p", "pc-meta", "A meeting ends with names and dates. Give each draft an owner and "
    + "a due date on its card, or close anyway and say why."));
  const list = el("ul", "pc-ap-drafts");
  for (const draft of drafts) {
    const item = el("li");
    item.dataset.key = "ap-fix:" + draft.id;
    item.appendChild(button(draft.title, "pc-link pc-ap-fix", () => {
      const owner = s.root.querySelector(`[data-focus="${CSS.escape("ap-owner:" + draft.id)}"]`);
      if (owner) { owner.scrollIntoView({ block: "nearest" }); owner.focus(); }
    }, { "aria-label": `Give ${draft.title} an owner and a due date` }));
    list.appendChild(item);
  }
  box.appendChild(list);
  const mayClose = (s.view.can.phase_moves || []).some((move) => move.key === part.close_phase);
  if (mayClose) {
    const form = el("form", "pc-ap-close");
    form.dataset.key = "ap-close";
    const label = el("label", "pc-field pc-ap-close-field");
    label.appendChild(el("span", "pc-field-label", "Close anyway, because…"));
    const reason = el("textarea", "pc-input");
    reason.rows = 2;
    reason.value = st.closing.reason;
    reason.placeholder = "e.g. Owners are picked at Monday's planning with the team leads";
    reason.dataset.focus = "ap-close-reason";
    reason.oninput = (event) => { st.closing.reason = event.currentTarget.value; };
    label.appendChild(reason);
    form.appendChild(label);
    form.appendChild(button("Close anyway", "pc-button", apSubmit, { "data-focus": "ap-close-anyway" }));
    form.onsubmit = async (event) => {
      event.preventDefault();
      const reply = await act(s, "set_phase", { phase: part.close_phase, close_reason: st.closing.reason },
                              { quiet: true });
      st.closing.error = reply.ok ? null : reply.message || "The board did not close.";
      if (reply.ok) st.closing.reason = "";
      render(s);
    };
    if (st.closing.error) {
      const error = el("p", "pc-error", st.closing.error);
      error.setAttribute("role", "alert");
      form.appendChild(error);
    }
    box.appendChild(form);
  }
  return box;
}
