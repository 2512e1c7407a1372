/* The learnings part of the board. */
// --- the learnings part ---------------------------------------------------------

// Learnings and decisions: each card says "We learned that…", names its
// evidence (drop a note, cluster or event on the card, or pick it in the
// card's Evidence list), and carries the decision taken on it with the
// actions that carry the decision out. What a person is writing (a new
// learning, an edit, a decision, an action) lives in s.learn, so views
// arriving meanwhile keep it.
PART_RENDERERS.learnings = function (s, part, title) {
  const mine = learnState(s);
  const can = s.view.can.edit_learnings;
  const section = el("section", "pc-part-body pc-learnings");
  section.setAttribute("aria-label", title);
  const head = el("div", "pc-learnings-head");
  head.appendChild(el("h3", "pc-part-title", title));
  const count = part.learnings.length;
  const range = part.range;  // null: this review asks for no learnings
  const asks = range ? ` · the practice asks for ${range.min} to ${range.max}` : "";
  const outside = range && (count < range.min || count > range.max);
  head.appendChild(el("span", "pc-count", count
    ? plural(count, "learning") + (outside ? asks : "")
    : "None yet" + asks));
  section.appendChild(head);
  // Editors of learnings that are gone close; their text had nowhere to go.
  const ids = new Set(part.learnings.map((learning) => learning.id));
  for (const kind of ["editing", "deciding", "acting"]) {
    if (mine[kind] && !ids.has(mine[kind].learningId)) mine[kind] = null;
  }
  if (count) {
    const list = el("div", "pc-learnings-list");
    for (const learning of part.learnings) list.appendChild(renderLearning(s, part, learning));
    section.appendChild(list);
  }
  if (can || mine.draft.text) section.appendChild(renderLearningComposer(s, part));
  return section;
};

function findLearning(s, id) {
  const part = s.view.parts.learnings;
  return part ? part.learnings.find((learning) => learning.id === id) : null;
}

function learnState(s) {
  if (!s.learn) {
    s.learn = { draft: { text: "", evidence: "", error: null }, editing: null, deciding: null, acting: null };
  }
  return s.learn;
}

function renderLearning(s, part, learning) {
  const mine = learnState(s);
  const can = s.view.can.edit_learnings;
  const card = el("article", "pc-learning");
  card.dataset.key = "learning:" + learning.id;
  card.dataset.drop = "learning";
  card.dataset.learningId = learning.id;
  card.setAttribute("aria-label", `Learning ${learning.number}`);

  if (mine.editing && mine.editing.learningId === learning.id) {
    card.appendChild(renderLearningEditor(s, learning, mine.editing));
  } else {
    card.appendChild(el("p", "pc-learning-text", `${learning.number}. ${learning.text}`));
  }
  card.appendChild(renderEvidence(s, part, learning));
  if (learning.problems.length) {
    const problems = el("ul", "pc-learning-problems");
    for (const problem of learning.problems) problems.appendChild(el("li", null, problem));
    card.appendChild(problems);
  }
  card.appendChild(renderDecision(s, part, learning));
  if (can && !(mine.editing && mine.editing.learningId === learning.id)) {
    const tools = el("div", "pc-learning-tools");
    tools.appendChild(button("Edit", "pc-link", () => {
      mine.editing = { learningId: learning.id, text: learning.text, original: learning.text,
                       version: learning.version, error: null };
      s.focusAfter = "learning-edit:" + learning.id;
      render(s);
    }, { "aria-label": `Edit learning ${learning.number}`, "data-focus": "learning:" + learning.id }));
    tools.appendChild(button("Delete", "pc-link", () => act(s, "delete_learning", { learning_id: learning.id }),
      { "aria-label": `Delete learning ${learning.number}` }));
    card.appendChild(tools);
  }
  return card;
}

function renderLearningEditor(s, learning, editing) {
  const box = el("div", "pc-learning-editor");
  box.dataset.key = "learning-editor:" + learning.id;
  const area = el("textarea", "pc-input");
  area.rows = 2;
  area.value = editing.text;
  area.dataset.focus = "learning-edit:" + learning.id;
  area.setAttribute("aria-label", `Text of learning ${learning.number}`);
  area.oninput = (event) => { editing.text = event.currentTarget.value; };
  const close = () => { learnState(s).editing = null; s.focusAfter = "learning:" + learning.id; render(s); };
  const save = async () => {
    // The version this save claims to have seen: the newest when nobody
    // changed the text meanwhile (the evidence is kept as stored), or once
    // the person was told and shown theirs; otherwise the one the editor
    // opened at, which the server refuses.
    const now = findLearning(s, learning.id) || learning;
    const version = now.text === editing.original ? now.version
      : editing.refused && editing.shownVersion !== undefined ? editing.shownVersion : editing.version;
    const reply = await act(s, "edit_learning", { learning_id: learning.id, text: editing.text, version },
                            { quiet: true });
    if (learnState(s).editing !== editing) return;
    if (reply.ok) { close(); return; }
    editing.error = reply.message || "The learning was not saved.";
    editing.refused = true;
    s.focusAfter = "learning-edit:" + learning.id;
    render(s);
  };
  area.onkeydown = (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); save(); }
    if (event.key === "Escape") { event.preventDefault(); close(); }
  };
  box.appendChild(area);
  if (learning.text !== editing.original) {
    editing.shownVersion = learning.version;
    const theirs = el("p", "pc-learning-theirs");
    theirs.appendChild(el("strong", null, "Theirs now: "));
    theirs.appendChild(document.createTextNode(learning.text));
    box.appendChild(theirs);
  }
  if (editing.error) {
    const error = el("p", "pc-error", editing.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button("Save", "pc-button pc-primary", save));
  buttons.appendChild(button("Cancel", "pc-link", close));
  box.appendChild(buttons);
  return box;
}

// Every event, cluster and note can be evidence: on a 300-note board that is
// 300 options per select. A select is so drawn with what it shows (its
// chosen evidence, or none) and filled with the choices when someone reaches
// it (focus, a press, a key): a note changing elsewhere redraws no select.
// It is drawn anew when its chosen value changes: bringing an old select's
// options to new ones would leave it showing whichever option now stands
// where the chosen one stood.
function evidenceSelect(s, chosen, chosenLabel, label, extra, keyed) {
  const select = el("select", "pc-select pc-evidence-select");
  select.dataset.key = "evidence-select:" + (keyed ? (extra ? "kept" : chosen || "") : "");
  select.dataset.lazy = "";
  select.setAttribute("aria-label", label);
  if (extra) {
    const kept = new Option(extra, "", true, true);
    kept.disabled = true;
    kept.dataset.kept = "";
    select.appendChild(kept);
  }
  // The shown option carries `selected` as an attribute too, so bringing an
  // older select to this one (morph) keeps it shown whatever stood before.
  const shown = !extra && !chosen;
  select.appendChild(keyedOption("No evidence", extra ? "-" : "", shown));
  if (chosen && !extra) select.appendChild(keyedOption(chosenLabel || chosen, chosen, true));
  if (!extra) select.value = chosen || "";
  fillWhenReached(select, () => (s.view.parts.learnings ? evidenceChoices(s) : []));
  return select;
}

// The choices, as the server groups them: the timeline's events and each
// step's clusters, and for a note step the notes of its column as this
// person's board shows them (the server sent only those they may see).
function evidenceChoices(s) {
  const part = s.view.parts.learnings;
  const columns = Object.fromEntries(s.view.columns.map((column) => [column.key, column]));
  const cut = (text) => (text.length <= part.choice_label_max ? text
    : text.slice(0, part.choice_label_max - 1) + "…");
  return part.evidence_choices.map((group) => {
    const column = group.step ? columns[group.step] : null;
    const notes = column ? notesIn(column).slice().sort((a, b) => a.number - b.number) : [];
    return {
      title: group.title,
      options: [...group.options, ...notes.map((note) => ({
        id: note.id, label: cut(`${group.title} · #${note.number} · ${oneLine(note.text)}`),
      }))],
    };
  }).filter((group) => group.options.length);
}

function renderEvidence(s, part, learning) {
  const can = s.view.can.edit_learnings;
  const row = el("div", "pc-learning-evidence");
  const evidence = learning.evidence;
  row.appendChild(el("span", "pc-learning-label", "Evidence: "));
  if (!can) {
    row.appendChild(el("span", evidence ? "pc-evidence-text" : "pc-evidence-text pc-unknown",
      evidence ? evidence.label : "none linked"));
    return row;
  }
  // A link this person cannot see stays as it is until they pick another.
  const unseen = evidence && evidence.state !== "linked" ? evidence.label : null;
  const label = `Evidence for learning ${learning.number}`;
  const select = evidenceSelect(s, evidence && evidence.id, evidence && evidence.label, label, unseen, true);
  select.dataset.focus = "evidence:" + learning.id;
  select.onchange = (event) => {
    const value = event.currentTarget.value;
    s.focusAfter = "evidence:" + learning.id;
    act(s, "link_evidence", { learning_id: learning.id, evidence_id: value && value !== "-" ? value : null });
  };
  row.appendChild(select);
  // Only while notes can be dragged at all.
  if (!evidence && s.view.can.group) {
    row.appendChild(el("span", "pc-drop-hint pc-learning-hint", "or drop a note here"));
  }
  return row;
}

function renderDecision(s, part, learning) {
  const mine = learnState(s);
  const can = s.view.can.edit_learnings;
  const decision = learning.decision;
  const box = el("div", "pc-decision");
  box.dataset.key = "decision:" + learning.id;
  if (mine.deciding && mine.deciding.learningId === learning.id) {
    box.appendChild(renderDecisionForm(s, part, learning, mine.deciding));
  } else if (decision) {
    const line = el("p", "pc-decision-text");
    line.appendChild(el("strong", null, `Decision · ${decision.kind_label}: `));
    line.appendChild(document.createTextNode(decision.text));
    box.appendChild(line);
    if (decision.trade_off) box.appendChild(el("p", "pc-decision-trade-off", "Trade-off: " + decision.trade_off));
  }
  if (can && !(mine.deciding && mine.deciding.learningId === learning.id)) {
    box.appendChild(button(decision ? "Change the decision" : "Decide…", "pc-link", () => {
      mine.deciding = { learningId: learning.id, kind: decision ? decision.kind : part.decision_kinds[0].key,
                        text: decision ? decision.text : "", trade_off: decision ? decision.trade_off : "",
                        version: decision ? decision.version : null, error: null };
      s.focusAfter = "decision-kind:" + learning.id;
      render(s);
    }, { "aria-label": `${decision ? "Change the decision on" : "Decide on"} learning ${learning.number}`,
         "data-focus": "decide:" + learning.id }));
  }
  if (decision) box.appendChild(renderDecisionActions(s, part, learning, decision));
  return box;
}

function renderDecisionForm(s, part, learning, deciding) {
  const form = el("form", "pc-decision-form");
  const kind = el("select", "pc-select");
  kind.setAttribute("aria-label", "Kind of decision");
  kind.dataset.focus = "decision-kind:" + learning.id;
  for (const option of part.decision_kinds) kind.appendChild(new Option(option.label, option.key));
  kind.value = deciding.kind;
  kind.onchange = (event) => { deciding.kind = event.currentTarget.value; };
  const text = el("input", "pc-input");
  text.value = deciding.text;
  text.placeholder = "What we decide";
  text.setAttribute("aria-label", "What we decide");
  text.oninput = (event) => { deciding.text = event.currentTarget.value; };
  const tradeOff = el("textarea", "pc-input");
  tradeOff.rows = 2;
  tradeOff.value = deciding.trade_off;
  tradeOff.placeholder = "Trade-off: what it costs, what we give up";
  tradeOff.setAttribute("aria-label", "Trade-off");
  tradeOff.oninput = (event) => { deciding.trade_off = event.currentTarget.value; };
  const close = () => { learnState(s).deciding = null; s.focusAfter = "decide:" + learning.id; render(s); };
  form.onkeydown = (event) => { if (event.key === "Escape") { event.preventDefault(); close(); } };
  form.onsubmit = async (event) => {
    event.preventDefault();
    // Once refused and shown someone else's decision, saving again replaces it.
    const now = (findLearning(s, learning.id) || learning).decision;
    const version = deciding.refused && now ? now.version : deciding.version;
    const reply = await act(s, "set_decision", { learning_id: learning.id, kind: deciding.kind,
      text: deciding.text, trade_off: deciding.trade_off, version }, { quiet: true });
    if (learnState(s).deciding !== deciding) return;
    if (reply.ok) { close(); return; }
    deciding.error = reply.message || "The decision was not saved.";
    deciding.refused = true;
    render(s);
  };
  const row = el("div", "pc-decision-row");
  row.appendChild(kind);
  row.appendChild(text);
  form.appendChild(row);
  form.appendChild(tradeOff);
  if (learning.decision && (learning.decision.version !== deciding.version)) {
    form.appendChild(el("p", "pc-learning-theirs",
      `Theirs now: ${learning.decision.kind_label}: ${learning.decision.text}`));
  }
  if (deciding.error) {
    const error = el("p", "pc-error", deciding.error);
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button("Save the decision", "pc-button pc-primary",
    (event) => event.target.closest("form").requestSubmit()));
  buttons.appendChild(button("Cancel", "pc-link", close));
  form.appendChild(buttons);
  return form;
}

function renderDecisionActions(s, part, learning, decision) {
  const mine = learnState(s);
  const can = s.view.can.edit_learnings;
  const box = el("div", "pc-decision-actions");
  if (decision.actions.length) {
    const list = el("ul", "pc-decision-action-list");
    list.setAttribute("aria-label", `Actions for learning ${learning.number}`);
    for (const action of decision.actions) {
      const item = el("li", "pc-decision-action");
      item.dataset.key = "decision-action:" + action.id;
      item.appendChild(el("span", null, "→ " + action.title + " · " + (action.owner || "no owner yet") + " · "
        + (action.due || "no due date yet") + " · " + action.status));
      if (can) {
        item.appendChild(button("Unlink", "pc-link",
          () => act(s, "unlink_action", { decision_id: decision.id, action_id: action.id }),
          { "aria-label": `Unlink action ${action.title}` }));
      }
      list.appendChild(item);
    }
    box.appendChild(list);
  }
  if (!can || !decision.makes_actions) return box;
  if (mine.acting && mine.acting.learningId === learning.id) {
    box.appendChild(renderActionForm(s, part, learning, decision, mine.acting));
    return box;
  }
  const tools = el("div", "pc-decision-tools");
  tools.appendChild(button("Make an action", "pc-button", () => {
    mine.acting = { learningId: learning.id, title: "", owner: "", due: "", error: null };
    s.focusAfter = "action-title:" + learning.id;
    render(s);
  }, { "aria-label": `Make an action for learning ${learning.number}`, "data-focus": "act:" + learning.id }));
  const linked = new Set(decision.actions.map((action) => action.id));
  const others = part.actions.filter((action) => !linked.has(action.id));
  if (others.length) {
    const select = el("select", "pc-select");
    select.setAttribute("aria-label", `Link an existing action to learning ${learning.number}`);
    select.dataset.focus = "link-action:" + learning.id;
    select.appendChild(new Option("Or link an action…", ""));
    for (const action of others) select.appendChild(new Option(action.title, action.id));
    select.onchange = (event) => {
      const id = event.currentTarget.value;
      s.focusAfter = "link-action:" + learning.id;
      if (id) act(s, "link_action", { decision_id: decision.id, action_id: id });
    };
    tools.appendChild(select);
  }
  box.appendChild(tools);
  return box;
}

function renderActionForm(s, part, learning, decision, acting) {
  const form = el("form", "pc-decision-action-form");
  const field = (label, key, type, focus) => {
    const input = el("input", "pc-input");
    input.type = type;
    input.value = acting[key];
    input.setAttribute("aria-label", label);
    if (type === "text") input.placeholder = label;
    if (focus) input.dataset.focus = focus;
    input.oninput = (event) => { acting[key] = event.currentTarget.value; };
    return input;
  };
  const close = () => { learnState(s).acting = null; s.focusAfter = "act:" + learning.id; render(s); };
  form.onkeydown = (event) => { if (event.key === "Escape") { event.preventDefault(); close(); } };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const reply = await act(s, "add_action_for_decision", { decision_id: decision.id, title: acting.title,
      owner: acting.owner, due: acting.due || null }, { quiet: true });
    if (learnState(s).acting !== acting) return;
    if (reply.ok) { close(); return; }
    acting.error = reply.message || "The action was not made.";
    render(s);
  };
  const row = el("div", "pc-decision-row");
  row.appendChild(field("What will be done (start with a verb)", "title", "text", "action-title:" + learning.id));
  row.appendChild(field("Owner", "owner", "text"));
  row.appendChild(field("Due date", "due", "date"));
  form.appendChild(row);
  if (acting.error) {
    const error = el("p", "pc-error", acting.error);
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button("Create the action", "pc-button pc-primary",
    (event) => event.target.closest("form").requestSubmit()));
  buttons.appendChild(button("Cancel", "pc-link", close));
  form.appendChild(buttons);
  return form;
}

function renderLearningComposer(s, part) {
  const draft = learnState(s).draft;
  const box = el("div", "pc-learning-composer");
  box.dataset.key = "learning-composer";
  const area = el("textarea", "pc-input");
  area.rows = 2;
  area.value = draft.text;
  area.placeholder = part.prefix + "… (Enter adds, Shift+Enter: new line)";
  area.dataset.focus = "learning-new";
  area.setAttribute("aria-label", "New learning: we learned that…");
  area.oninput = (event) => { draft.text = event.currentTarget.value; };
  area.onkeydown = (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      addLearning(s, draft);
    }
  };
  box.appendChild(area);
  const row = el("div", "pc-learning-composer-row");
  const select = evidenceSelect(s, draft.evidence, draft.evidenceLabel, "Evidence for the new learning", null, false);
  select.dataset.focus = "learning-new-evidence";
  select.onchange = (event) => {
    const picked = event.currentTarget.selectedOptions[0];
    draft.evidence = event.currentTarget.value;
    draft.evidenceLabel = picked ? picked.label : "";
  };
  row.appendChild(select);
  row.appendChild(button("Add learning", "pc-button pc-primary", () => addLearning(s, draft),
    { "data-focus": "learning-add" }));
  box.appendChild(row);
  if (draft.error) {
    const error = el("p", "pc-error", draft.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  return box;
}

async function addLearning(s, draft) {
  const text = draft.text;
  if (!text.trim()) { draft.error = "Write what was learned first."; render(s); return; }
  const reply = await act(s, "add_learning", { text, evidence_id: draft.evidence || null }, { quiet: true });
  if (reply.ok) {
    // Only clear what was sent: typing may have gone on meanwhile.
    if (draft.text === text) {
      draft.text = "";
      draft.evidence = "";
      const box = s.root.querySelector('[data-focus="learning-new"]');
      if (box && box.value === text) box.value = "";
    }
    draft.error = null;
  } else {
    draft.error = reply.message || "The learning was not added.";
  }
  s.focusAfter = "learning-new";
  render(s);
}

// A note dropped on a learning card becomes its evidence. drag.js calls this
// for a drop target with data-drop="learning"; views that arrive meanwhile
// wait, as they do for a move, until the server has answered.
async function dropOnLearning(s, target, itemId) {
  await whileDropping(s, itemId,
    () => act(s, "link_evidence", { learning_id: target.dataset.learningId, evidence_id: itemId }));
}
