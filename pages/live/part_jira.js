// --- the Jira cards: backlog refinement and sprint planning -------------------------
//
// Columns of Jira issues. A card is dragged to its place (Jira's rank, its
// sprint, its refinement column); a blind estimation round sits above the
// columns; a card opens to say its summary, acceptance criteria and labels
// anew, or to split it. Every change goes to the server, which writes it to
// Jira and says on the card whether Jira has it. What a person is typing
// stays in `s.jira` until they save. The JavaScript decides no rule: it shows
// what the part's flags and view.can allow.

const JIRA_SYNC_MS = 60 * 1000;
const JIRA_SYNC_LABELS = {
  saved: "Saved in Jira", queued: "Queued for Jira", failed: "Jira refused", conflict: "Changed in Jira too",
};

PART_RENDERERS.jira = function (s, part, title) {
  if (!part.columns) {
    // A board of this kind made without a Jira source (restored from a file, say).
    const empty = el("section", "pc-part-body pc-jira");
    empty.setAttribute("aria-label", title);
    empty.appendChild(el("p", "pc-meta", "This board has no Jira board or query to import from."));
    return empty;
  }
  const ui = jiraState(s);
  jiraKeepPulling(s, part);
  jiraKeepFocus(s);
  const section = el("section", "pc-part-body pc-jira");
  section.setAttribute("aria-label", title);
  section.appendChild(jiraHead(s, part));
  if (part.round) section.appendChild(jiraRound(s, part));
  const board = el("div", "pc-jira-columns");
  for (const column of part.columns) board.appendChild(jiraColumn(s, part, column));
  section.appendChild(board);
  if (ui.error) {
    const said = el("p", "pc-error", ui.error);
    said.setAttribute("role", "alert");
    section.appendChild(said);
  }
  return section;
};

function jiraState(s) {
  if (!s.jira) s.jira = { editing: {}, splitting: {}, goals: {}, capacity: {}, mine: {}, error: null, timer: null };
  return s.jira;
}

// On opening, and every minute while the board is open, Jira's changes are
// pulled (and anything queued retried).
function jiraKeepPulling(s, part) {
  const ui = jiraState(s);
  if (ui.timer || !part.flags.sync) return;
  const pull = (due) => {
    if (!s.root.isConnected) { clearInterval(ui.timer); return; }
    act(s, "jira_sync", { due }, { quiet: true });
  };
  // The minute's pull is shared: the server pulls for the first tab that asks.
  ui.timer = setInterval(() => pull(true), JIRA_SYNC_MS);
  setTimeout(() => pull(false), 0);
}

function jiraKeepFocus(s) {
  const active = activeIn(s);
  const key = active && active.dataset ? active.dataset.focus : null;
  if (key && key.startsWith("jira-") && !s.focusAfter && s.root.contains(active)) s.focusAfter = key;
}

function jiraHead(s, part) {
  const head = el("div", "pc-jira-head");
  head.appendChild(el("h3", "pc-part-title", part.kind === "planning" ? "Sprint planning" : "Backlog refinement"));
  const jira = part.jira;
  let said;
  if (!jira.reachable) {
    said = el("span", "pc-jira-down", `Jira is not answering: ${plural(jira.queued, "change")} queued, `
      + "sent in order when it is back. " + (jira.problem || ""));
    said.setAttribute("role", "status");
  } else if (jira.queued) {
    said = el("span", "pc-meta", plural(jira.queued, "change") + " on the way to Jira");
  } else {
    said = el("span", "pc-meta", "Every change is in Jira" + (jira.pulled_at ? "; pulled at "
      + new Date(jira.pulled_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : ""));
  }
  said.classList.add("pc-jira-status");
  head.appendChild(said);
  if (part.flags.sync) {
    head.appendChild(button("Pull from Jira", "pc-button pc-jira-pull",
                            () => act(s, "jira_sync", {}), { "data-focus": "jira-pull" }));
  }
  return head;
}

function jiraFind(part, cardId) {
  for (const column of part.columns) {
    const found = column.cards.find((card) => card.id === cardId);
    if (found) return found;
  }
  return null;
}

// --- columns -------------------------------------------------------------------------

function jiraColumn(s, part, column) {
  const box = el("section", "pc-jira-column" + (column.over ? " pc-jira-over" : ""));
  box.dataset.key = "jira-col:" + column.key;
  box.dataset.column = column.key;
  box.setAttribute("aria-label", column.title);
  const head = el("div", "pc-jira-col-head");
  head.appendChild(el("h4", "pc-jira-col-title", column.title));
  head.appendChild(el("span", "pc-count", `${plural(column.cards.length, "card")} · ${jiraPoints(column.points)} pts`));
  box.appendChild(head);
  if ("sprint_id" in column) box.appendChild(jiraSprintHead(s, part, column));
  const list = el("div", "pc-jira-list");
  list.dataset.drop = "jira-column";
  list.dataset.column = column.key;
  list.setAttribute("role", "list");
  const moves = jiraMoveTargets(part);
  for (const card of column.cards) list.appendChild(jiraCardOnce(s, part, column, card, moves));
  if (!column.cards.length) list.appendChild(el("p", "pc-drop-hint", part.flags.edit ? "Drop cards here" : "No cards"));
  box.appendChild(list);
  return box;
}

function jiraPoints(points) {
  return Number.isInteger(points) ? String(points) : String(Math.round(points * 10) / 10);
}

function jiraSprintHead(s, part, column) {
  const ui = jiraState(s);
  const box = el("div", "pc-jira-sprint");
  const sprint = column.sprint_id;
  // The goal: typed text stays until saved.
  const goalKey = "jira-goal:" + sprint;
  if (part.flags.edit) {
    const wrap = el("label", "pc-jira-field");
    wrap.appendChild(el("span", "pc-jira-label", "Sprint goal"));
    const input = el("input", "pc-input pc-jira-goal");
    input.value = goalKey in ui.goals ? ui.goals[goalKey] : column.goal;
    input.dataset.key = goalKey + ":" + column.goal;
    input.dataset.focus = goalKey;
    input.maxLength = 500;
    input.oninput = (event) => { ui.goals[goalKey] = event.target.value; };
    const save = async (event) => {
      const goal = event.target.value;
      delete ui.goals[goalKey];
      if (goal === column.goal) return;
      await act(s, "jira_goal", { sprint_id: sprint, goal });
    };
    input.onkeydown = (event) => { if (event.key === "Enter") { event.preventDefault(); save(event); } };
    input.onchange = save;
    wrap.appendChild(input);
    box.appendChild(wrap);
  } else if (column.goal) {
    box.appendChild(el("p", "pc-jira-goal-text", "Goal: " + column.goal));
  }
  const capacity = column.capacity;
  const line = el("p", "pc-jira-capacity" + (column.over ? " pc-jira-capacity-over" : ""),
                  capacity === null ? `${jiraPoints(column.points)} pts committed; no capacity yet`
                    : `${jiraPoints(column.points)} of ${jiraPoints(capacity)} pts committed`
                      + (column.over ? ` — over capacity by ${jiraPoints(column.points - capacity)}` : ""));
  if (column.over) line.setAttribute("role", "alert");
  box.appendChild(line);
  if (column.capacity_from === "velocity") {
    box.appendChild(el("p", "pc-meta", "Capacity: the mean of the last closed sprints"));
    return box;
  }
  const people = el("div", "pc-jira-people");
  for (const person of column.people) {
    people.appendChild(el("span", "pc-chip pc-jira-person", `${person.name} ${jiraPoints(person.points)}`));
  }
  box.appendChild(people);
  if (part.flags.edit) {
    const draft = ui.capacity[sprint] || (ui.capacity[sprint] = { person: (s.view.me && s.view.me.name) || "", points: "" });
    const form = el("div", "pc-jira-cap-form");
    const who = el("input", "pc-input pc-jira-cap-person");
    who.value = draft.person;
    who.setAttribute("aria-label", "Person, " + column.title);
    who.placeholder = "Person";
    who.dataset.key = "jira-cap-person:" + sprint;
    who.dataset.focus = "jira-cap-person:" + sprint;
    who.oninput = (event) => { draft.person = event.target.value; };
    const points = el("input", "pc-input pc-jira-cap-points");
    points.type = "number";
    points.min = "0";
    points.step = "0.5";
    points.value = draft.points;
    points.placeholder = "pts";
    points.setAttribute("aria-label", "Capacity in points, " + column.title);
    points.dataset.key = "jira-cap-points:" + sprint;
    points.dataset.focus = "jira-cap-points:" + sprint;
    points.oninput = (event) => { draft.points = event.target.value; };
    // Read from the page's own fields: the drawing's elements may be stand-ins for them.
    const set = async (event) => {
      const row = event.target.closest(".pc-jira-cap-form");
      draft.person = row.querySelector(".pc-jira-cap-person").value;
      draft.points = row.querySelector(".pc-jira-cap-points").value;
      const value = draft.points === "" ? null : Number(draft.points);
      s.focusAfter = "jira-cap-points:" + sprint;
      const reply = await act(s, "jira_capacity", { sprint_id: sprint, person: draft.person, points: value });
      if (reply && reply.ok) { draft.points = ""; render(s); }
    };
    points.onkeydown = (event) => { if (event.key === "Enter") { event.preventDefault(); set(event); } };
    form.appendChild(who);
    form.appendChild(points);
    form.appendChild(button("Set capacity", "pc-button pc-jira-cap-set", set,
                            { "data-focus": "jira-cap-set:" + sprint }));
    box.appendChild(form);
  }
  return box;
}

// --- cards -------------------------------------------------------------------------

// The columns a card's Move list offers, as one string: the same columns
// compare equal from one view to the next.
function jiraMoveTargets(part) {
  return part.columns.map((column) => column.key + "\u0000" + column.title).join("\u0001");
}

// A card drawn again only when it, its column, or what the viewer may do with
// it changed (as noteCard does for notes): when a card moves on a backlog of
// 500, the page redraws that card, not the 500 and their controls. Nothing
// drawn says a card's place in its column, which the cards below it would
// have to be drawn again for: a drop reads it from the page (jiraPlaceOf).
function jiraCardOnce(s, part, column, card, moves) {
  const ui = jiraState(s);
  const rounding = Boolean(part.round) && part.round.card_id === card.id;
  const inputs = [card, column.key, part.kind, part.flags, s.view.can, moves, rounding,
                  ui.editing[card.id], ui.splitting[card.id], s.localTick];
  return kept(s, "jira:" + card.id, inputs, "article", () => jiraCard(s, part, column, card));
}

function jiraPlaceOf(card) {
  return [...card.parentElement.children].filter((node) => node.dataset.drop === "jira-card").indexOf(card);
}

function jiraCard(s, part, column, card) {
  const ui = jiraState(s);
  const box = el("article", "pc-jira-card pc-jira-" + card.sync + (card.action_board ? " pc-jira-action" : ""));
  box.dataset.key = "jira:" + card.id;
  box.dataset.drop = "jira-card";
  box.dataset.card = card.id;
  box.dataset.issue = card.key;
  box.dataset.column = column.key;
  box.setAttribute("role", "listitem");
  box.setAttribute("aria-label", card.key + ": " + card.summary);
  if (part.flags.edit) box.onpointerdown = (event) => jiraPress(s, event, card, event.currentTarget);
  const top = el("div", "pc-jira-card-top");
  const link = el("a", "pc-jira-key", card.key);
  link.href = card.url;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  top.appendChild(link);
  if (card.type) top.appendChild(el("span", "pc-jira-type", card.type));
  if (card.priority) top.appendChild(el("span", "pc-jira-priority", card.priority));
  top.appendChild(el("span", "pc-jira-points", card.points === null ? "– pts" : jiraPoints(card.points) + " pts"));
  box.appendChild(top);
  box.appendChild(el("p", "pc-jira-summary", card.summary));
  const facts = el("div", "pc-jira-facts");
  if (card.status) facts.appendChild(el("span", "pc-jira-state", card.status));
  facts.appendChild(el("span", "pc-meta", card.assignee || "Unassigned"));
  for (const label of card.labels) facts.appendChild(el("span", "pc-chip pc-jira-label-chip", label));
  if (card.action_board) {
    const origin = el("a", "pc-jira-origin", "Postmortem action — open its board");
    origin.href = "./?board=" + encodeURIComponent(card.action_board);
    origin.target = "_blank";
    origin.rel = "noopener";
    box.appendChild(origin);
  }
  const sync = el("span", "pc-jira-sync pc-jira-sync-" + card.sync,
                  JIRA_SYNC_LABELS[card.sync] + (card.sync === "failed" && card.sync_message ? ": " + card.sync_message : ""));
  sync.setAttribute("role", "status");
  facts.appendChild(sync);
  box.appendChild(facts);
  for (const conflict of card.conflicts) box.appendChild(jiraConflict(s, part, card, conflict));
  if (ui.editing[card.id]) box.appendChild(jiraEditor(s, card));
  else if (ui.splitting[card.id]) box.appendChild(jiraSplitter(s, card));
  else box.appendChild(jiraButtons(s, part, column, card));
  return box;
}

function jiraShow(value) {
  if (value === null || value === undefined || value === "") return "(empty)";
  return Array.isArray(value) ? value.join(", ") || "(none)" : String(value);
}

function jiraConflict(s, part, card, conflict) {
  const box = el("div", "pc-jira-conflict");
  box.dataset.key = `jira-conflict:${card.id}:${conflict.field}`;
  box.setAttribute("role", "alert");
  box.appendChild(el("strong", null, `The ${conflict.label} changed in Jira too. Pick one:`));
  box.appendChild(el("p", "pc-jira-side", "Board: " + jiraShow(conflict.board)));
  box.appendChild(el("p", "pc-jira-side", "Jira: " + jiraShow(conflict.jira)));
  if (part.flags.edit) {
    const row = el("div", "pc-editor-buttons");
    const pick = (side) => act(s, "jira_pick", { card_id: card.id, field: conflict.field, side });
    row.appendChild(button("Keep the board's", "pc-button pc-primary", () => pick("board"),
                           { "data-focus": `jira-keep:${card.id}:${conflict.field}` }));
    row.appendChild(button("Take Jira's", "pc-button", () => pick("jira")));
    box.appendChild(row);
  }
  return box;
}

function jiraButtons(s, part, column, card) {
  const ui = jiraState(s);
  const row = el("div", "pc-jira-buttons");
  if (part.flags.edit) {
    row.appendChild(button("Edit", "pc-link", () => {
      ui.editing[card.id] = { summary: card.summary, acceptance: card.acceptance, labels: card.labels.join(", ") };
      s.focusAfter = "jira-summary:" + card.id;
      render(s);
    }, { "data-focus": "jira-edit:" + card.id, "aria-label": "Edit " + card.key }));
    if (part.kind === "refinement") {
      row.appendChild(button("Split", "pc-link", () => {
        ui.splitting[card.id] = { text: "" };
        s.focusAfter = "jira-split:" + card.id;
        render(s);
      }, { "data-focus": "jira-split-open:" + card.id, "aria-label": "Split " + card.key }));
    }
    // Moving without a mouse: the same move a drag makes.
    const move = el("select", "pc-input pc-jira-move");
    move.setAttribute("aria-label", "Move " + card.key + " to");
    move.dataset.key = "jira-move:" + card.id + ":" + column.key;
    move.appendChild(keyedOption("Move to…", "", true));
    for (const other of part.columns) {
      if (other.key !== column.key) move.appendChild(keyedOption(other.title, other.key));
    }
    // The page's own select (event.target): the drawing's may be a copy that morph left aside.
    move.onchange = (event) => {
      const to = event.target.value;
      if (!to) return;
      s.focusAfter = "jira-edit:" + card.id;
      act(s, "jira_move", { card_id: card.id, column: to, index: 0 });
    };
    row.appendChild(move);
  }
  if (s.view.can.facilitate && part.flags.run_estimation && (!part.round || part.round.card_id !== card.id)) {
    row.appendChild(button("Estimate", "pc-link", () => act(s, "jira_start_round", { card_id: card.id }),
                           { "data-focus": "jira-round:" + card.id, "aria-label": "Estimate " + card.key }));
  }
  return row;
}
