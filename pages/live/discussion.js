// --- the discussion column: ranked items and actions ------------------------

function renderDiscussion(s) {
  const view = s.view;
  const section = el("section", "pc-column pc-discussion");
  section.setAttribute("aria-label", "Ranked items and actions");
  const head = el("div", "pc-column-head");
  head.appendChild(el("h3", "pc-column-title", "Ranked"));
  section.appendChild(head);
  const list = el("ol", "pc-ranking");
  const titles = Object.fromEntries(view.columns.map((c) => [c.key, c.title]));
  for (const item of view.ranking || []) {
    const row = el("li", "pc-ranked");
    row.dataset.rank = item.item_id;
    row.dataset.key = "rank:" + item.item_id;
    if (view.board.focus_item_id === item.item_id) row.classList.add("pc-focused");
    const line = el("div", "pc-ranked-line");
    line.appendChild(el("span", "pc-rank", item.rank + "."));
    line.appendChild(el("span", "pc-ranked-label", item.label));
    row.appendChild(line);
    const made = (view.actions || []).filter((action) => action.source_item_id === item.item_id).length;
    const meta = (titles[item.step_key] || "") +
      (item.votes === null || item.votes === undefined ? "" : " · " + plural(item.votes, "vote")) +
      (made ? " · has " + (made === 1 ? "an action" : made + " actions") : "");
    row.appendChild(el("div", "pc-meta", meta));
    const tools = el("div", "pc-ranked-tools");
    if (view.can.focus) {
      const focused = view.board.focus_item_id === item.item_id;
      tools.appendChild(button(focused ? "In focus" : "Focus", "pc-link",
        () => act(s, "focus", { item_id: focused ? null : item.item_id }),
        { "aria-pressed": String(focused) }));
    }
    if (view.can.make_action && !(s.editor && s.editor.item_id === item.item_id)) {
      tools.appendChild(button("Make it an action", "pc-button",
        () => openEditor(s, item), { "data-focus": "make:" + item.item_id }));
    }
    row.appendChild(tools);
    if (s.editor && s.editor.item_id === item.item_id) row.appendChild(renderEditor(s));
    list.appendChild(row);
  }
  if (!list.children.length) section.appendChild(el("p", "pc-meta", "Nothing to rank yet."));
  section.appendChild(list);

  section.appendChild(el("h3", "pc-column-title pc-actions-title", "Actions"));
  const actions = el("ul", "pc-actions");
  for (const action of view.actions || []) actions.appendChild(renderAction(s, action));
  if (!(view.actions || []).length) section.appendChild(el("p", "pc-meta", "No actions yet."));
  section.appendChild(actions);
  return section;
}

function openEditor(s, item) {
  // The title is the action's own words; what it came from is shown beside it.
  s.editor = { item_id: item.item_id, source: item.label, title: "", owner: "", due: "", signal: "",
               error: null };
  s.focusAfter = "editor-title";
  render(s);
}

function renderEditor(s) {
  const editor = s.editor;
  const people = s.view.people || [];
  const form = el("form", "pc-editor");
  form.dataset.key = "editor:" + editor.item_id;
  form.setAttribute("aria-label", "New action");
  const field = (label, input, key) => {
    const wrap = el("label", "pc-field");
    wrap.appendChild(el("span", "pc-field-label", label));
    input.dataset.focus = "editor-" + key;
    input.oninput = (event) => { editor[key] = event.currentTarget.value; };
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  };
  form.appendChild(el("p", "pc-meta pc-editor-source", "From: " + editor.source));
  const title = el("input", "pc-input");
  title.value = editor.title;
  title.placeholder = "What will we do?";
  field("Action", title, "title");
  const owner = el("input", "pc-input");
  owner.value = editor.owner;
  owner.placeholder = "Pick below or type a name";
  field("Owner", owner, "owner");
  if (people.length) {
    const chips = el("div", "pc-people");
    chips.setAttribute("aria-label", "People on the board");
    for (const person of people) {
      chips.appendChild(button(person, "pc-chip" + (editor.owner === person ? " pc-chip-on" : ""),
        () => { editor.owner = person; s.focusAfter = "editor-due"; render(s); },
        { "aria-pressed": String(editor.owner === person) }));
    }
    form.appendChild(chips);
  }
  const due = el("input", "pc-input");
  due.type = "date";
  due.value = editor.due;
  field("Due", due, "due");
  due.onchange = (event) => { editor.due = event.currentTarget.value; };
  const signal = el("input", "pc-input");
  signal.value = editor.signal;
  signal.placeholder = "How we will know it worked";
  field("Success signal", signal, "signal");
  if (editor.error) {
    const error = el("p", "pc-error", editor.error);
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button("Save action", "pc-button pc-primary", (event) => event.target.closest("form").requestSubmit()));
  buttons.appendChild(button("Cancel", "pc-link", () => { s.editor = null; render(s); }));
  form.appendChild(buttons);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const sent = { ...editor };
    const reply = await act(s, "make_action", {
      item_id: sent.item_id, title: sent.title, owner: sent.owner || null,
      due: sent.due || null, success_signal: sent.signal || "",
    }, { quiet: true });
    if (reply.ok) {
      s.editor = null;
    } else if (s.editor) {
      s.editor.error = reply.message || "The action was not saved.";
    }
    render(s);
  };
  return form;
}

function renderAction(s, action) {
  const row = el("li", "pc-action");
  row.dataset.action = action.id;
  row.dataset.key = "action:" + action.id;
  row.appendChild(el("div", "pc-action-title", action.title));
  const parts = [];
  parts.push(action.owner || "no owner");
  parts.push(action.due ? "due " + action.due : "no date");
  if (action.is_draft) parts.push("draft: needs an owner and a date");
  row.appendChild(el("div", "pc-meta", parts.join(" · ")));
  if (action.success_signal) row.appendChild(el("div", "pc-meta", "Success: " + action.success_signal));
  const select = el("select", "pc-select");
  select.setAttribute("aria-label", `Status of ${action.title}`);
  select.dataset.focus = "status:" + action.id;
  for (const { key: value, label } of s.view.board.statuses) {
    const option = new Option(label, value);
    if (value === action.status) option.selected = true;
    select.appendChild(option);
  }
  select.disabled = !s.view.can.set_action_status;
  select.onchange = (event) => act(s, "set_action_status", { action_id: action.id, status: event.currentTarget.value });
  row.appendChild(select);
  return row;
}

