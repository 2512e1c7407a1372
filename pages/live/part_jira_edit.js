// --- the Jira cards: saying a card anew, and splitting it ---------------------------
// What a person types stays in `s.jira` (part_jira.js) until they save.

function jiraEditor(s, card) {
  const ui = jiraState(s);
  const draft = ui.editing[card.id];
  const box = el("div", "pc-jira-editor");
  box.dataset.key = "jira-editor:" + card.id;
  const field = (name, label, tag) => {
    const wrap = el("label", "pc-jira-field");
    wrap.appendChild(el("span", "pc-jira-label", label));
    const input = el(tag, "pc-input pc-jira-" + name);
    input.value = draft[name];
    input.dataset.key = `jira-${name}:${card.id}`;
    input.dataset.focus = `jira-${name}:${card.id}`;
    if (tag === "textarea") input.rows = 3;
    input.oninput = (event) => { draft[name] = event.target.value; };
    wrap.appendChild(input);
    return wrap;
  };
  box.appendChild(field("summary", "Summary", "input"));
  box.appendChild(field("acceptance", "Acceptance criteria", "textarea"));
  box.appendChild(field("labels", "Labels (comma-separated)", "input"));
  if (draft.error) {
    const said = el("p", "pc-error", draft.error);
    said.setAttribute("role", "alert");
    box.appendChild(said);
  }
  const row = el("div", "pc-editor-buttons");
  row.appendChild(button("Save", "pc-button pc-primary", async () => {
    const reply = await act(s, "jira_edit", { card_id: card.id, summary: draft.summary,
                                              acceptance: draft.acceptance, labels: draft.labels }, { quiet: true });
    if (reply && reply.ok) { delete ui.editing[card.id]; s.focusAfter = "jira-edit:" + card.id; }
    else draft.error = (reply && reply.message) || "That did not save.";
    render(s);
  }, { "data-focus": "jira-save:" + card.id }));
  row.appendChild(button("Cancel", "pc-link", () => {
    delete ui.editing[card.id];
    s.focusAfter = "jira-edit:" + card.id;
    render(s);
  }));
  box.appendChild(row);
  return box;
}

function jiraSplitter(s, card) {
  const ui = jiraState(s);
  const draft = ui.splitting[card.id];
  const box = el("div", "pc-jira-editor");
  box.dataset.key = "jira-splitter:" + card.id;
  const wrap = el("label", "pc-jira-field");
  wrap.appendChild(el("span", "pc-jira-label", "New issues, one summary a line"));
  const input = el("textarea", "pc-input pc-jira-split-text");
  input.rows = 3;
  input.value = draft.text;
  input.dataset.key = "jira-split:" + card.id;
  input.dataset.focus = "jira-split:" + card.id;
  input.oninput = (event) => { draft.text = event.target.value; };
  wrap.appendChild(input);
  box.appendChild(wrap);
  const row = el("div", "pc-editor-buttons");
  row.appendChild(button("Split into new issues", "pc-button pc-primary", async () => {
    const reply = await act(s, "jira_split", { card_id: card.id, summaries: draft.text });
    if (reply && reply.ok) { delete ui.splitting[card.id]; render(s); }
  }, { "data-focus": "jira-split-save:" + card.id }));
  row.appendChild(button("Cancel", "pc-link", () => { delete ui.splitting[card.id]; render(s); }));
  box.appendChild(row);
  return box;
}
