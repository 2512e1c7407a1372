// --- the kill criteria part ---------------------------------------------------------
//
// Each criterion a card, "if we see <signal> → we <kind>: <response>", with
// who makes the call, edited in place. What a person changes stays in `s.killCriteria.edits` until they
// save; a save names what the card showed (`seen`), and the server refuses it
// when someone saved in between, the person's text staying in the boxes.

PART_RENDERERS.kill_criteria = function (s, part, title) {
  const st = kcState(s);
  const can = s.view.can;
  kcKeepFocus(s);
  const section = el("section", "pc-part-body pc-kc");
  section.setAttribute("aria-label", title);
  const head = el("div", "pc-kc-head");
  head.appendChild(el("h3", "pc-part-title", title));
  head.appendChild(el("span", "pc-meta pc-kc-explanation", part.explanation));
  if (can.edit_actions && !st.composer) {
    head.appendChild(button("+ Kill criterion", "pc-button pc-primary pc-kc-new", () => {
      st.composer = { signal: "", kind: part.kinds[0].key, response: "", owner: "", error: null };
      s.focusAfter = "kc-new-signal";
      render(s);
    }, { "data-focus": "kc-open-new" }));
  }
  section.appendChild(head);
  if (st.composer && can.edit_actions) section.appendChild(kcComposer(s, part));
  const list = el("div", "pc-kc-list");
  list.setAttribute("role", "list");
  for (const criterion of part.criteria) list.appendChild(kcCard(s, part, criterion));
  section.appendChild(list);
  if (!part.criteria.length) {
    section.appendChild(el("p", "pc-meta", can.edit_actions
      ? "None yet. Add the signal that would make you stop, and what you commit to doing then."
      : "No kill criteria."));
  }
  return section;
};

// A box replaced by a newer version of its criterion keeps the focus.
function kcKeepFocus(s) {
  const active = activeIn(s);
  const key = active && active.dataset ? active.dataset.focus : null;
  if (key && key.startsWith("kc-") && !s.focusAfter && s.root.contains(active)) s.focusAfter = key;
}

function kcState(s) {
  if (!s.killCriteria) s.killCriteria = { edits: {}, composer: null };
  return s.killCriteria;
}

const KC_FIELDS = ["signal", "kind", "response", "owner"];

function kcKindLabel(part, key) {
  const found = part.kinds.find((kind) => kind.key === key);
  return found ? found.label : key;
}

function kcCard(s, part, criterion) {
  const st = kcState(s);
  const edit = st.edits[criterion.id];
  const card = el("article", "pc-kc-card");
  card.dataset.key = "kc:" + criterion.id;
  card.dataset.criterion = criterion.id;
  card.setAttribute("role", "listitem");
  card.setAttribute("aria-label", "Kill criterion: " + criterion.signal);
  if (!s.view.can.edit_actions) {
    card.appendChild(el("span", "pc-kc-label", "If we see"));
    card.appendChild(el("p", "pc-kc-signal", criterion.signal));
    card.appendChild(el("span", "pc-kc-label", "→ we " + criterion.kind_label.toLowerCase()));
    card.appendChild(el("p", "pc-kc-response", criterion.response));
    card.appendChild(el("span", "pc-kc-label", "Who makes the call"));
    card.appendChild(el("p", "pc-kc-owner", criterion.owner || "nobody named yet"));
  } else {
    const value = (field) => (edit && field in edit.values ? edit.values[field] : criterion[field]);
    const area = (field, label, rows) => {
      const wrap = el("label", "pc-kc-field pc-kc-wide");
      wrap.appendChild(el("span", "pc-kc-label", label));
      const box = el("textarea", "pc-input pc-kc-text");
      box.rows = rows;
      box.value = value(field);
      // Keyed by what it showed, so another tab's save replaces an untouched box (see kcKeepFocus).
      box.dataset.key = `kc-${field}:${criterion.id}:${edit ? edit.seen : criterion.seen}`;
      box.dataset.focus = `kc-${field}:${criterion.id}`;
      box.setAttribute("aria-label", `${label} (kill criterion: ${criterion.signal})`);
      box.oninput = (event) => kcChange(s, criterion, field, event.currentTarget.value, false);
      box.onkeydown = (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          kcSave(s, criterion);
        }
        if (event.key === "Escape") { event.preventDefault(); kcCancel(s, criterion); }
      };
      wrap.appendChild(box);
      return wrap;
    };
    card.appendChild(area("signal", "If we see", 2));
    const kind = el("label", "pc-kc-field pc-kc-inline");
    kind.appendChild(el("span", "pc-kc-label", "→ we"));
    const select = el("select", "pc-select");
    for (const { key, label } of part.kinds) {
      const option = new Option(label.toLowerCase(), key);
      if (key === value("kind")) option.selected = true;
      select.appendChild(option);
    }
    select.dataset.key = `kc-kind:${criterion.id}:${edit ? edit.seen : criterion.seen}`;
    select.dataset.focus = "kc-kind:" + criterion.id;
    select.setAttribute("aria-label", `What we do (kill criterion: ${criterion.signal})`);
    select.onchange = (event) => kcChange(s, criterion, "kind", event.currentTarget.value, true);
    kind.appendChild(select);
    card.appendChild(kind);
    card.appendChild(area("response", "Committed response", 2));
    const owner = el("label", "pc-kc-field pc-kc-wide");
    owner.appendChild(el("span", "pc-kc-label", "Who makes the call"));
    const ownerBox = el("input", "pc-input pc-kc-owner-input");
    ownerBox.value = value("owner");
    ownerBox.placeholder = "nobody named yet";
    ownerBox.dataset.key = `kc-owner:${criterion.id}:${edit ? edit.seen : criterion.seen}`;
    ownerBox.dataset.focus = "kc-owner:" + criterion.id;
    ownerBox.setAttribute("aria-label", `Who makes the call (kill criterion: ${criterion.signal})`);
    ownerBox.oninput = (event) => kcChange(s, criterion, "owner", event.currentTarget.value, false);
    ownerBox.onkeydown = (event) => {
      if (event.key === "Enter" && !event.isComposing) { event.preventDefault(); kcSave(s, criterion); }
      if (event.key === "Escape") { event.preventDefault(); kcCancel(s, criterion); }
    };
    owner.appendChild(ownerBox);
    card.appendChild(owner);
  }
  for (const tip of criterion.tips || []) card.appendChild(el("p", "pc-kc-tip", "Tip: " + tip));
  if (edit) card.appendChild(kcEditFoot(s, part, criterion, edit));
  if (s.view.can.edit_actions) {
    const foot = el("div", "pc-kc-foot");
    foot.appendChild(button("Remove", "pc-link pc-kc-delete", async () => {
      const reply = await act(s, "delete_kill_criterion", { criterion_id: criterion.id });
      if (reply.ok) { delete st.edits[criterion.id]; s.focusAfter = "kc-open-new"; render(s); }
    }, { "aria-label": `Remove kill criterion ${criterion.signal}` }));
    card.appendChild(foot);
  }
  return card;
}

function kcEditFoot(s, part, criterion, edit) {
  const theirs = edit.seen === criterion.seen ? null
    : `Their version: if we see ${criterion.signal} → we ${criterion.kind_label.toLowerCase()}: `
      + criterion.response + (criterion.owner ? ` (${criterion.owner} makes the call)` : "");
  return editFoot({
    key: "kc-edit:" + criterion.id, className: "pc-kc-edit", theirsClass: "pc-kc-theirs", error: edit.error,
    theirs, focus: "kc-save:" + criterion.id,
    onSave: (over) => kcSave(s, criterion, { over }), onCancel: () => kcCancel(s, criterion),
  });
}

function kcChange(s, criterion, field, value, draw) {
  const st = kcState(s);
  let edit = st.edits[criterion.id];
  const was = Boolean(edit);
  if (!edit) {
    edit = st.edits[criterion.id] = {
      seen: criterion.seen, error: null, field,
      base: Object.fromEntries(KC_FIELDS.map((name) => [name, criterion[name]])), values: {},
    };
  }
  edit.values[field] = value;
  edit.field = field;
  const changed = KC_FIELDS.some((name) => name in edit.values && edit.values[name] !== edit.base[name]);
  if (!changed && !edit.error && edit.seen === criterion.seen) delete st.edits[criterion.id];
  if (draw || was !== Boolean(st.edits[criterion.id])) render(s);
}

// The criterion as the newest view shows it.
function kcShown(s, criterion) {
  const criteria = s.view.parts.kill_criteria ? s.view.parts.kill_criteria.criteria : [];
  return criteria.find((entry) => entry.id === criterion.id) || criterion;
}

// The page keeps its own form element through a redraw, so a control sends the form it is in.
function kcSubmit(event) {
  event.preventDefault();
  event.currentTarget.closest("form").requestSubmit();
}

function kcCancel(s, criterion) {
  const st = kcState(s);
  const edit = st.edits[criterion.id];
  delete st.edits[criterion.id];
  s.focusAfter = `kc-${(edit && edit.field) || "signal"}:${criterion.id}`;
  render(s);
}

async function kcSave(s, criterion, { over = false } = {}) {
  const st = kcState(s);
  const edit = st.edits[criterion.id];
  if (!edit || edit.saving) return;
  edit.saving = true;
  // A criterion is said whole: the person's fields over the one it showed.
  const shown = kcShown(s, criterion);
  const base = over ? shown : edit.base;
  const said = Object.fromEntries(
    KC_FIELDS.map((name) => [name, name in edit.values ? edit.values[name] : base[name]]));
  const reply = await act(s, "edit_kill_criterion",
    { criterion_id: criterion.id, seen: over ? shown.seen : edit.seen, ...said }, { quiet: true });
  const now = st.edits[criterion.id];
  if (reply.ok) {
    if (now && KC_FIELDS.every((name) => !(name in now.values) || now.values[name] === said[name])) {
      delete st.edits[criterion.id];
    } else if (now) {
      const fresh = kcShown(s, criterion);
      now.seen = fresh.seen;
      now.saving = false;
      now.base = Object.fromEntries(KC_FIELDS.map((name) => [name, fresh[name]]));
      now.error = null;
    }
  } else if (now) {
    now.error = reply.message || "The kill criterion was not saved.";
    now.saving = false;
  }
  s.focusAfter = `kc-${edit.field || "signal"}:${criterion.id}`;
  render(s);
}

function kcComposer(s, part) {
  const st = kcState(s);
  const composer = st.composer;
  const form = el("form", "pc-kc-composer");
  form.dataset.key = "kc-composer";
  form.setAttribute("aria-label", "New kill criterion");
  const field = (name, label, placeholder) => {
    const wrap = el("label", "pc-kc-field");
    wrap.appendChild(el("span", "pc-kc-label", label));
    const input = el("input", "pc-input");
    input.value = composer[name];
    input.placeholder = placeholder;
    input.dataset.focus = "kc-new-" + name;
    input.oninput = (event) => { composer[name] = event.currentTarget.value; };
    input.onkeydown = (event) => {
      if (event.key === "Enter" && !event.isComposing) kcSubmit(event);
      if (event.key === "Escape") { st.composer = null; s.focusAfter = "kc-open-new"; render(s); }
    };
    wrap.appendChild(input);
    return wrap;
  };
  form.appendChild(field("signal", "If we see", "e.g. checkout error rate > 2% for 10 min"));
  const kind = el("label", "pc-kc-field");
  kind.appendChild(el("span", "pc-kc-label", "→ we"));
  const select = el("select", "pc-select");
  for (const { key, label } of part.kinds) {
    const option = new Option(label.toLowerCase(), key);
    if (key === composer.kind) option.selected = true;
    select.appendChild(option);
  }
  select.dataset.focus = "kc-new-kind";
  select.onchange = (event) => { composer.kind = event.currentTarget.value; };
  kind.appendChild(select);
  form.appendChild(kind);
  form.appendChild(field("response", "Committed response", "e.g. roll back the WAF rule set"));
  form.appendChild(field("owner", "Who makes the call", "a name"));
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button("Add", "pc-button pc-primary", kcSubmit, { "data-focus": "kc-add" }));
  buttons.appendChild(button("Cancel", "pc-link", () => {
    st.composer = null;
    s.focusAfter = "kc-open-new";
    render(s);
  }));
  form.appendChild(buttons);
  if (composer.error) {
    const error = el("p", "pc-error pc-kc-wide", composer.error);
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  form.onsubmit = async (event) => {
    event.preventDefault();
    const sent = { signal: composer.signal, kind: composer.kind, response: composer.response,
                   owner: composer.owner };
    const reply = await act(s, "add_kill_criterion", sent, { quiet: true });
    if (!st.composer) return;
    if (reply.ok) {
      // Empty what was sent, keep the composer open for the next one.
      for (const name of ["signal", "response", "owner"]) {
        if (composer[name] === sent[name]) {
          composer[name] = "";
          const box = s.root.querySelector(`[data-focus="kc-new-${name}"]`);
          if (box && box.value === sent[name]) box.value = "";
        }
      }
      composer.error = null;
    } else {
      composer.error = reply.message || "The kill criterion was not added.";
    }
    s.focusAfter = "kc-new-signal";
    render(s);
  };
  return form;
}
