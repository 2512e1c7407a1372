// The live board: columns of sticky notes that Write, Group, Vote and Discuss
// happen on, and the top bar every board page carries.
//
// Python renders this once per script run with {mode, board_id, view,
// stream_ticket, action_ticket, ticket_seconds, stream_url, actions_url,
// tickets_url}. After that the canvas lives on its own: it applies the views
// the server pushes through the event stream, and sends every change a person
// makes to the actions endpoint, which checks it with the same storage rules
// as the pages. Nothing a person typed is ever
// parsed as HTML here: user text goes through textContent only.
// Length limits and every other rule are the server's: an overlong note is
// refused with the server's sentence and keeps its text, never cut short here.

const STATES = new WeakMap();
const IDENTITY = "postmortem-canvas:";
const DRAG_THRESHOLD = 5;

export default function (component) {
  const { parentElement, data } = component;
  let s = STATES.get(parentElement);
  if (!s) {
    s = setUp(parentElement, data);
    STATES.set(parentElement, s);
  }
  s.setTriggerValue = component.setTriggerValue;
  s.data = data;
  if (data.action_ticket && data.action_ticket !== s.pythonTicket) {
    // A fresh script run brings fresh tickets; keep the newest we know.
    s.pythonTicket = data.action_ticket;
    useTickets(s, data);
  }
  // The view comes as JSON text (see component.py).
  const view = typeof data.view === "string" ? JSON.parse(data.view) : data.view;
  s.baseRevision = view ? view.revision : s.baseRevision;
  offerView(s, view);
  openStream(s);
  return () => {
    // Called on unmount, and possibly between runs: only let go once the
    // element has really left the page.
    setTimeout(() => { if (!s.root.isConnected) tearDown(s); }, 0);
  };
}

// --- one-time set-up ---------------------------------------------------------

function setUp(parentElement, data) {
  const root = el("div", "pc-root");
  root.dataset.mode = data.mode || "board";
  parentElement.appendChild(root);
  const s = {
    parent: parentElement, root, mode: data.mode || "board", data,
    view: null, pending: null, streamTicket: null, actionTicket: null, pythonTicket: null,
    renewTimer: null, renewing: null, ticketSeconds: 0,
    source: null, connection: "connecting", retryDelay: 1000, retryTimer: null,
    drafts: {}, renaming: null, editing: null, editor: null, menu: null, message: null,
    press: null, drag: null, busy: 0, triggered: 0, timerPhase: {}, lastFocus: null,
    clock: null, closed: false,
  };
  s.onMove = (event) => pointerMove(s, event);
  s.onUp = (event) => pointerUp(s, event);
  s.onCancel = () => cancelDrag(s);
  s.onKey = (event) => { if (event.key === "Escape" && s.drag) cancelDrag(s); };
  window.addEventListener("pointermove", s.onMove);
  window.addEventListener("pointerup", s.onUp);
  window.addEventListener("pointercancel", s.onCancel);
  window.addEventListener("keydown", s.onKey);
  // The timer counts down between views; once a second is plenty.
  s.clock = setInterval(() => updateTimer(s), 1000);
  return s;
}

function tearDown(s) {
  s.closed = true;
  if (s.source) s.source.close();
  clearTimeout(s.retryTimer);
  clearTimeout(s.renewTimer);
  clearTimeout(s.rerunTimer);
  clearInterval(s.clock);
  window.removeEventListener("pointermove", s.onMove);
  window.removeEventListener("pointerup", s.onUp);
  window.removeEventListener("pointercancel", s.onCancel);
  window.removeEventListener("keydown", s.onKey);
  STATES.delete(s.parent);
}

// --- talking to the server ---------------------------------------------------

function openStream(s) {
  // Only the stream ticket goes into the URL (proxies log URLs); it cannot
  // carry actions.
  if (s.source || s.closed || !s.data.stream_url || !s.streamTicket) return;
  const url = s.data.stream_url + "?ticket=" + encodeURIComponent(s.streamTicket);
  const source = new EventSource(url);
  s.source = source;
  source.addEventListener("open", () => {
    s.retryDelay = 1000;
    setConnection(s, "live");
  });
  source.addEventListener("view", (event) => {
    setConnection(s, "live");
    let view;
    try { view = JSON.parse(event.data); } catch (error) { return; }
    offerView(s, view);
  });
  source.addEventListener("gone", () => {
    source.close();
    s.source = null;
    s.closed = true;
    setConnection(s, "gone");
    showMessage(s, "This board was deleted.");
    if (s.setTriggerValue) s.setTriggerValue("gone", true);
  });
  source.addEventListener("error", () => {
    if (s.closed) return;
    setConnection(s, "reconnecting");
    if (source.readyState === EventSource.CLOSED) {
      // Refused (an expired ticket) or the server went away: get a new
      // ticket, then open again; the first view brings us up to date.
      source.close();
      s.source = null;
      clearTimeout(s.retryTimer);
      s.retryTimer = setTimeout(async () => {
        await renewTicket(s);
        openStream(s);
      }, s.retryDelay);
      s.retryDelay = Math.min(s.retryDelay * 2, 15000);
    }
  });
}

function reopenStream(s) {
  if (s.source) s.source.close();
  s.source = null;
  clearTimeout(s.retryTimer);
  openStream(s);
}

// Tickets run out (after ten minutes by default). The canvas renews them
// before they do, so an action never starts with a refusal, and again
// whenever the server refuses one (a laptop that slept, a restarted server).
function useTickets(s, tickets) {
  s.streamTicket = tickets.stream_ticket;
  s.actionTicket = tickets.action_ticket;
  s.ticketSeconds = Number(tickets.ticket_seconds) || s.ticketSeconds;
  scheduleRenewal(s);
}

function scheduleRenewal(s) {
  clearTimeout(s.renewTimer);
  if (s.closed || !s.ticketSeconds) return;
  s.renewTimer = setTimeout(() => renewTicket(s), s.ticketSeconds * 750);
}

function renewTicket(s) {
  // The timer, a refused action and a refused stream may all ask at once.
  if (!s.renewing) s.renewing = fetchTickets(s).finally(() => { s.renewing = null; });
  return s.renewing;
}

async function fetchTickets(s) {
  const token = localStorage.getItem(IDENTITY + s.data.board_id) || "";
  if (!token || !s.data.tickets_url || s.closed) return false;
  try {
    // The facilitator key goes along: the server checks the role again
    // against the board's live keys, so a facilitator's renewed tickets are a
    // facilitator's, and a revoked key's are a participant's.
    const response = await fetch(s.data.tickets_url, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token, facilitator_key: facilitatorKey(s) }),
    });
    const reply = response.ok ? await response.json() : {};
    if (reply.stream_ticket && reply.action_ticket) {
      useTickets(s, reply);
      // The open stream keeps the role it was opened with; when the role
      // changed, open it again so the board is drawn with the right controls.
      const me = s.view && s.view.me;
      if (me && me.is_facilitator !== reply.is_facilitator) reopenStream(s);
      return true;
    }
  } catch (error) { /* offline: the next retry tries again */ }
  scheduleRenewal(s);
  return false;
}

function facilitatorKey(s) {
  return localStorage.getItem(IDENTITY + "facilitator:" + s.data.board_id) || "";
}

async function post(s, type, fields) {
  const body = () => JSON.stringify({
    ticket: s.actionTicket, facilitator_key: facilitatorKey(s), type, ...fields,
  });
  // A request that never answers must not hold the board (drawing waits for
  // a drop's answer), so it gives up after a while.
  const send = () => fetch(s.data.actions_url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: body(),
    signal: AbortSignal.timeout(15000),
  });
  let response = await send();
  if (response.status === 403 && await renewTicket(s)) response = await send();
  try {
    return await response.json();
  } catch (error) {
    return { ok: false, message: "The board did not answer. Try again in a moment." };
  }
}

// Carry out one action; the reply's view (this person's board after the
// change) is drawn at once. Returns the reply so callers can keep a
// refused text where it was.
async function act(s, type, fields, { quiet = false } = {}) {
  s.busy += 1;
  s.root.classList.add("pc-busy");
  let reply;
  try {
    reply = await post(s, type, fields);
  } catch (error) {
    reply = { ok: false, message: "Could not reach the board. Check the connection and try again." };
  }
  s.busy -= 1;
  if (!s.busy) s.root.classList.remove("pc-busy");
  if (reply.ok && reply.view) offerView(s, reply.view, { own: true });
  if (!reply.ok && !quiet) showMessage(s, reply.message || "That did not work.");
  return reply;
}

// --- views -------------------------------------------------------------------

function offerView(s, view, { own = false } = {}) {
  if (!view) return;
  if (s.view && view.revision < s.view.revision) return;
  if (s.drag || (s.press && !own)) {
    // Someone else's change never breaks a drag in progress: keep the newest
    // view and draw it when the note is released.
    if (!s.pending || view.revision >= s.pending.revision) s.pending = view;
    s.root.dataset.pending = String(s.pending.revision);
    return;
  }
  s.view = view;
  // The reply to this tab's own action can be older than a view that came
  // in while it was on its way (someone else's change right after it): keep
  // that one, to draw when the action is done, or it would be lost.
  if (!s.pending || s.pending.revision <= view.revision) {
    s.pending = null;
    delete s.root.dataset.pending;
  }
  s.root.dataset.revision = String(view.revision);
  s.root.dataset.phase = view.board.phase;
  if (s.mode === "bar" && view.revision > (s.baseRevision || 0)) askForRerun(s, view.revision);
  render(s);
  if (own) s.lastOwnRevision = view.revision;
}

// Pages other than the board are drawn by Python: ask for a rerun when the
// board moved past what the page shows. A change made from this very page
// (a button's callback) is usually already in the run that is drawing now;
// waiting a moment for that run's data avoids a second run, which would also
// wipe what the page shows only once (a new link, a toast).
const RERUN_GRACE_MS = 700;

function askForRerun(s, revision) {
  if (revision <= s.triggered) return;
  clearTimeout(s.rerunTimer);
  s.rerunTimer = setTimeout(() => {
    if (s.closed || !s.setTriggerValue) return;
    if (revision <= (s.baseRevision || 0) || revision <= s.triggered) return;
    s.triggered = revision;
    s.setTriggerValue("revision", revision);
  }, RERUN_GRACE_MS);
}

function applyPending(s) {
  const pending = s.pending;
  s.pending = null;
  delete s.root.dataset.pending;
  if (pending) offerView(s, pending);
}

// --- drawing -----------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function button(label, className, onClick, attrs = {}) {
  const node = el("button", className, label);
  node.type = "button";
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.addEventListener("click", (event) => { event.stopPropagation(); onClick(event); });
  return node;
}

function plural(count, word) {
  return count + " " + word + (count === 1 ? "" : "s");
}

function activeIn(s) {
  const host = s.parent.getRootNode ? s.parent.getRootNode() : document;
  return (host.activeElement) || document.activeElement;
}

function render(s) {
  const view = s.view;
  if (!view) return;
  // Remember what had the keyboard, so a redraw does not take it away.
  const active = activeIn(s);
  const focusKey = active && s.root.contains(active) ? active.dataset.focus : null;
  const selection = focusKey && "selectionStart" in active
    ? [active.selectionStart, active.selectionEnd] : null;
  const scroller = s.root.querySelector(".pc-board");
  const scrollLeft = scroller ? scroller.scrollLeft : 0;

  s.index = indexView(view);
  const fresh = [renderBar(s)];
  if (s.mode !== "bar") fresh.push(renderBoard(s));
  s.root.replaceChildren(...fresh);
  renderMenu(s);

  const board = s.root.querySelector(".pc-board");
  if (board) board.scrollLeft = scrollLeft;
  if (focusKey) {
    const again = s.root.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`);
    if (again) {
      again.focus({ preventScroll: true });
      if (selection && "setSelectionRange" in again) {
        try { again.setSelectionRange(selection[0], selection[1]); } catch (error) { /* date inputs */ }
      }
    }
  }
  if (s.focusAfter) {
    const target = s.root.querySelector(`[data-focus="${CSS.escape(s.focusAfter)}"]`);
    s.focusAfter = null;
    if (target) target.focus({ preventScroll: false });
  }
  const focused = view.board.focus_item_id;
  if (focused && focused !== s.shownFocus && s.mode !== "bar") {
    const item = s.root.querySelector(`.pc-board [data-item="${CSS.escape(focused)}"]`);
    if (item) item.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  s.shownFocus = focused;
  updateTimer(s);
}

function indexView(view) {
  const notes = {}, clusters = {}, items = {};
  for (const column of view.columns) {
    for (const cluster of column.clusters) {
      clusters[cluster.id] = { cluster, step: column.key };
      items[cluster.id] = cluster.name;
      for (const note of cluster.notes) notes[note.id] = { note, step: column.key, cluster: cluster.id };
    }
    for (const note of column.notes) {
      notes[note.id] = { note, step: column.key, cluster: null };
      items[note.id] = "#" + note.number;
    }
  }
  return { notes, clusters, items };
}

// --- the top bar -------------------------------------------------------------

function renderBar(s) {
  const view = s.view;
  const board = view.board;
  const bar = el("header", "pc-bar");
  bar.setAttribute("aria-label", "Board controls");

  const first = el("div", "pc-bar-row");
  first.appendChild(el("span", "pc-title", board.title));
  const stepper = el("ol", "pc-stepper");
  stepper.setAttribute("aria-label", "Phases");
  for (const phase of board.phases) {
    const item = el("li", "pc-step");
    const label = item.appendChild(el("span", "pc-step-label", phase.label));
    if (phase.key === board.phase) {
      label.classList.add("pc-step-current");
      item.setAttribute("aria-current", "step");
    }
    stepper.appendChild(item);
  }
  first.appendChild(stepper);
  const facilitation = renderFacilitation(s);
  if (facilitation.children.length) first.appendChild(facilitation);
  bar.appendChild(first);

  const second = el("div", "pc-bar-row pc-bar-second");
  second.appendChild(el("span", "pc-explanation", board.explanation));
  const timer = el("span", "pc-timer");
  timer.hidden = true;
  second.appendChild(timer);
  if (view.me.show_budget) {
    const rules = board.vote_rules || {};
    const left = el("span", "pc-budget",
                    `Votes left: ${view.me.votes_left} of ${rules.budget}`);
    left.setAttribute("aria-live", "polite");
    second.appendChild(left);
  }
  second.appendChild(button("Copy share link", "pc-link pc-share", async (event) => {
    const link = location.origin + location.pathname.replace(/[^/]*$/, "") + "?board="
      + encodeURIComponent(view.board.id);
    try {
      await navigator.clipboard.writeText(link);
      event.target.textContent = "Link copied";
    } catch (error) {
      showMessage(s, "Share this link: " + link);
    }
  }, { title: "Everyone joins from this link with their own name" }));
  const present = view.present || [];
  const here = el("span", "pc-here", `Here (${present.length}): ${present.join(", ")}`);
  second.appendChild(here);
  const connection = el("span", "pc-connection pc-connection-" + s.connection,
                        connectionLabel(s.connection));
  connection.setAttribute("role", "status");
  second.appendChild(connection);
  bar.appendChild(second);

  const message = el("div", "pc-message");
  message.setAttribute("role", "alert");
  if (s.message) {
    message.appendChild(el("span", "", s.message));
    message.appendChild(button("Dismiss", "pc-link", () => { s.message = null; render(s); }));
  } else {
    message.hidden = true;
  }
  bar.appendChild(message);
  return bar;
}

function connectionLabel(state) {
  return { live: "● Live", reconnecting: "Reconnecting…", connecting: "Connecting…",
           gone: "Board deleted" }[state] || state;
}

function setConnection(s, state) {
  if (s.connection === state) return;
  s.connection = state;
  const node = s.root.querySelector(".pc-connection");
  if (node) {
    node.className = "pc-connection pc-connection-" + state;
    node.textContent = connectionLabel(state);
  }
}

function renderFacilitation(s) {
  const board = s.view.board;
  const can = s.view.can;
  const box = el("div", "pc-facilitation");
  box.setAttribute("aria-label", "Facilitator controls");
  for (const move of can.phase_moves || []) {
    const back = move.direction === "back";
    box.appendChild(button(back ? "◀ " + move.label : move.label + " ▶",
                           back ? "pc-button" : "pc-button pc-primary",
                           () => act(s, "set_phase", { phase: move.key }),
                           { "data-focus": "phase-" + move.direction }));
  }
  if (can.reveal_votes) {
    const revealed = board.votes_revealed;
    box.appendChild(button(revealed ? "Hide votes" : "Reveal votes", "pc-button",
                           () => act(s, "reveal_votes", { revealed: !revealed }),
                           { "data-focus": "reveal" }));
  }
  if (can.run_timer) {
    if (board.timer_ends_at) {
      box.appendChild(button("Stop timer", "pc-button", () => act(s, "stop_timer", {}),
                             { "data-focus": "timer-stop" }));
    } else {
      for (const minutes of board.timer_presets_minutes || []) {
        box.appendChild(button(`${minutes} min timer`, "pc-button",
                               () => act(s, "start_timer", { seconds: minutes * 60 }),
                               { "data-focus": `timer-${minutes}`,
                                 "aria-label": `Start a ${minutes}-minute timer` }));
      }
    }
  }
  return box;
}

function updateTimer(s) {
  const node = s.root.querySelector(".pc-timer");
  if (!node || !s.view) return;
  const board = s.view.board;
  const ends = board.timer_ends_at;
  if (!ends) { node.hidden = true; return; }
  // "Time is up" belongs to the phase the timer ran in, not to the next one.
  if (!(ends in s.timerPhase)) s.timerPhase[ends] = board.phase;
  const remaining = Math.ceil((Date.parse(ends) - Date.now()) / 1000);
  if (remaining > 0) {
    const minutes = Math.floor(remaining / 60);
    const seconds = String(remaining % 60).padStart(2, "0");
    node.textContent = `Timer ${minutes}:${seconds}`;
    node.className = "pc-timer";
    node.hidden = false;
  } else if (s.timerPhase[ends] === board.phase) {
    node.textContent = "Time is up";
    node.className = "pc-timer pc-timer-up";
    node.hidden = false;
  } else {
    node.hidden = true;
  }
}

function showMessage(s, text) {
  s.message = text;
  clearTimeout(s.messageTimer);
  s.messageTimer = setTimeout(() => {
    if (s.message === text) { s.message = null; if (s.view) render(s); }
  }, 10000);
  if (s.view) render(s);
}

// --- the board ---------------------------------------------------------------

function renderBoard(s) {
  const view = s.view;
  const board = el("div", "pc-board pc-phase-" + view.board.phase);
  board.setAttribute("aria-label", "Board");
  if (view.board.show.discussion) board.appendChild(renderDiscussion(s));
  for (const column of view.columns) board.appendChild(renderColumn(s, column));
  return board;
}

function renderColumn(s, column) {
  const view = s.view;
  const section = el("section", "pc-column");
  section.dataset.step = column.key;
  section.dataset.drop = "column";
  section.setAttribute("aria-label", column.title);

  const head = el("div", "pc-column-head");
  head.appendChild(el("h3", "pc-column-title", column.title));
  const shown = column.notes.length + column.clusters.reduce((n, c) => n + c.notes.length, 0);
  head.appendChild(el("span", "pc-count", plural(shown + (column.hidden_count || 0), "note")));
  section.appendChild(head);
  if (column.prompt) section.appendChild(el("p", "pc-prompt", column.prompt));
  if (column.hidden_count) {
    section.appendChild(el("p", "pc-hidden",
      `${plural(column.hidden_count, "note")} by others, hidden until Group`));
  }

  for (const cluster of column.clusters) section.appendChild(renderCluster(s, column, cluster));

  const loose = el("div", "pc-ungrouped");
  loose.dataset.drop = "column";
  loose.dataset.step = column.key;
  if (column.notes.length || (column.clusters.length && view.can.group)) {
    loose.appendChild(el("div", "pc-ungrouped-label", column.loose_label));
  }
  const grid = el("div", "pc-notes");
  for (const note of column.notes) grid.appendChild(renderNote(s, column, note, null));
  loose.appendChild(grid);
  if (!column.notes.length && view.can.group) {
    loose.appendChild(el("p", "pc-drop-hint", "Drop a note here to take it out of its cluster."));
  }
  section.appendChild(loose);

  // A half-written note stays (and can still be sent, to hear why not) when
  // writing closes under someone's hands.
  const draft = s.drafts[column.key];
  if (view.can.write || (draft && draft.text)) section.appendChild(renderComposer(s, column));
  return section;
}

function renderCluster(s, column, cluster) {
  const view = s.view;
  const frame = el("div", "pc-cluster");
  frame.dataset.drop = "cluster";
  frame.dataset.cluster = cluster.id;
  frame.dataset.step = column.key;
  frame.dataset.item = cluster.id;
  if (view.board.focus_item_id === cluster.id) frame.classList.add("pc-focused");
  const head = el("div", "pc-cluster-head");
  if (s.renaming && s.renaming.id === cluster.id) {
    head.appendChild(renderRename(s, cluster));
  } else if (view.can.group) {
    head.appendChild(button(cluster.name, "pc-cluster-name pc-rename",
      () => { s.renaming = { id: cluster.id, text: cluster.name }; s.focusAfter = "rename:" + cluster.id; render(s); },
      { title: "Rename this cluster", "aria-label": `Rename cluster ${cluster.name}`,
        "data-focus": "cluster-name:" + cluster.id }));
  } else {
    head.appendChild(el("span", "pc-cluster-name", cluster.name));
  }
  frame.appendChild(head);
  frame.appendChild(renderDots(s, cluster.id, cluster.name, cluster));
  if (view.can.group && !(s.renaming && s.renaming.id === cluster.id)) {
    frame.appendChild(renderClusterTools(s, column, cluster));
  }
  if (view.board.focus_item_id === cluster.id) frame.appendChild(el("div", "pc-focus-label", "In focus"));
  const grid = el("div", "pc-notes");
  for (const note of cluster.notes) grid.appendChild(renderNote(s, column, note, cluster));
  frame.appendChild(grid);
  return frame;
}

function renderRename(s, cluster) {
  const form = el("form", "pc-rename-form");
  const input = el("input", "pc-input");
  input.value = s.renaming.text;
  input.dataset.focus = "rename:" + cluster.id;
  input.setAttribute("aria-label", "Cluster name");
  input.addEventListener("input", () => { s.renaming.text = input.value; });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { s.renaming = null; s.focusAfter = "cluster-name:" + cluster.id; render(s); }
  });
  form.appendChild(input);
  form.appendChild(button("Save", "pc-button pc-primary", () => form.requestSubmit()));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = s.renaming.text.trim();
    if (!name) { showMessage(s, "A cluster needs a name."); return; }
    const reply = await act(s, "rename_cluster", { cluster_id: cluster.id, name });
    if (reply.ok) { s.renaming = null; s.focusAfter = "cluster-name:" + cluster.id; render(s); }
  });
  return form;
}

function renderClusterTools(s, column, cluster) {
  const tools = el("div", "pc-cluster-tools");
  tools.appendChild(button("Dissolve", "pc-link",
    () => act(s, "dissolve_cluster", { cluster_id: cluster.id }),
    { "aria-label": `Dissolve cluster ${cluster.name}` }));
  const others = cluster.merge_into || [];
  if (others.length) {
    const select = el("select", "pc-select");
    select.setAttribute("aria-label", `Merge cluster ${cluster.name} into`);
    select.dataset.focus = "merge:" + cluster.id;
    select.appendChild(new Option("Merge into…", ""));
    for (const other of others) select.appendChild(new Option(other.name, other.id));
    select.addEventListener("change", () => {
      if (select.value) act(s, "merge_clusters", { cluster_id: cluster.id, into_id: select.value });
    });
    tools.appendChild(select);
  }
  return tools;
}

function renderNote(s, column, note, cluster) {
  const view = s.view;
  const card = el("article", "pc-note");
  card.style.background = note.colour_hex;
  card.dataset.note = note.id;
  card.dataset.drop = "note";
  card.dataset.step = column.key;
  card.dataset.focus = "note:" + note.id;
  card.tabIndex = 0;
  card.setAttribute("aria-label", `Note #${note.number}` + (cluster ? ` in ${cluster.name}` : ""));
  if (!cluster) {
    card.dataset.item = note.id;
    if (view.board.focus_item_id === note.id) card.classList.add("pc-focused");
  }
  if (note.may_move) {
    card.classList.add("pc-draggable");
    card.setAttribute("aria-keyshortcuts", "M");
    card.addEventListener("pointerdown", (event) => pointerDown(s, event, note.id, card));
    card.addEventListener("keydown", (event) => {
      if (event.target !== card) return;
      if (event.key === "m" || event.key === "M" || event.key === "Enter") {
        event.preventDefault();
        openMenu(s, note.id);
      }
    });
  }
  if (s.editing && s.editing.id === note.id) {
    card.appendChild(renderNoteEditor(s, note));
    return card;
  }
  card.appendChild(el("p", "pc-note-text", note.text));
  const foot = el("div", "pc-note-foot");
  const meta = "#" + note.number + (note.author ? " · " + note.author : "");
  foot.appendChild(el("span", "pc-number", meta));
  if (!cluster) foot.appendChild(renderDots(s, note.id, "#" + note.number, note));
  if (note.may_move) {
    foot.appendChild(button("Move", "pc-link pc-move",
      () => openMenu(s, note.id), { "aria-label": `Move note #${note.number}`, "aria-haspopup": "menu" }));
  }
  if (note.may_change) {
    foot.appendChild(button("Edit", "pc-link", () => {
      s.editing = { id: note.id, text: note.text, error: null };
      s.focusAfter = "edit:" + note.id;
      render(s);
    }, { "aria-label": `Edit note #${note.number}` }));
    foot.appendChild(button("Delete", "pc-link",
      () => act(s, "delete_note", { note_id: note.id }),
      { "aria-label": `Delete note #${note.number}` }));
  }
  card.appendChild(foot);
  if (!cluster && view.board.focus_item_id === note.id) card.appendChild(el("div", "pc-focus-label", "In focus"));
  return card;
}

function renderNoteEditor(s, note) {
  const box = el("div", "pc-note-editor");
  const area = el("textarea", "pc-input pc-composer-text");
  area.value = s.editing.text;
  area.rows = 3;
  area.dataset.focus = "edit:" + note.id;
  area.setAttribute("aria-label", `Text of note #${note.number}`);
  area.addEventListener("input", () => { s.editing.text = area.value; });
  const save = async () => {
    const reply = await act(s, "edit_note", { note_id: note.id, text: s.editing.text,
                                              colour: note.colour, version: note.version },
                            { quiet: true });
    if (reply.ok) { s.editing = null; s.focusAfter = "note:" + note.id; }
    else if (s.editing) { s.editing.error = reply.message || "The note was not saved."; }
    render(s);
  };
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); save(); }
    if (event.key === "Escape") { s.editing = null; s.focusAfter = "note:" + note.id; render(s); }
  });
  box.appendChild(area);
  if (s.editing.error) {
    const error = el("p", "pc-error", s.editing.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button("Save", "pc-button pc-primary", save));
  buttons.appendChild(button("Cancel", "pc-link", () => { s.editing = null; render(s); }));
  box.appendChild(buttons);
  return box;
}

// A dot row: your dots (click one to take it back), a ring to add one, and
// after the reveal everyone's total.
function renderDots(s, itemId, label, item) {
  const view = s.view;
  const row = el("div", "pc-dots");
  row.dataset.dots = itemId;
  const mine = item.my_votes || 0;
  const total = item.votes;
  if (!view.board.show.dots) return row;
  const others = total === null || total === undefined ? 0 : Math.max(total - mine, 0);
  for (let i = 0; i < others; i += 1) row.appendChild(el("span", "pc-dot pc-dot-other"));
  for (let i = 0; i < mine; i += 1) {
    if (item.may_unvote) {
      row.appendChild(button("", "pc-dot pc-dot-mine",
        () => act(s, "unvote", { item_id: itemId, seen: mine }),
        { "aria-label": `Take back a vote from ${label}`, title: "Take this vote back" }));
    } else {
      row.appendChild(el("span", "pc-dot pc-dot-mine"));
    }
  }
  if (view.can.vote) {
    const add = button("+ Vote", "pc-vote",
      () => act(s, "vote", { item_id: itemId, seen: mine }),
      { "aria-label": `Vote for ${label}`, title: "Add a vote",
        "data-focus": "vote:" + itemId });
    if (!item.may_vote) add.disabled = true;
    row.appendChild(add);
  }
  if (total !== null && total !== undefined) {
    row.appendChild(el("span", "pc-total", plural(total, "vote")));
  } else if (mine) {
    row.appendChild(el("span", "pc-total", `yours: ${mine}`));
  }
  return row;
}

function renderComposer(s, column) {
  const draft = s.drafts[column.key] || (s.drafts[column.key] = { text: "", colour: s.lastColour || "yellow", error: null });
  const box = el("div", "pc-composer");
  const area = el("textarea", "pc-input pc-composer-text");
  area.value = draft.text;
  area.rows = 2;
  area.placeholder = "Add a note… (Enter saves, Shift+Enter: new line)";
  area.dataset.focus = "compose:" + column.key;
  area.setAttribute("aria-label", `New note for ${column.title}`);
  area.style.background = colourHex(s, draft.colour);
  area.addEventListener("input", () => { draft.text = area.value; });
  area.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitNote(s, column, draft);
    }
  });
  box.appendChild(area);
  const colours = el("div", "pc-colours");
  colours.setAttribute("role", "radiogroup");
  colours.setAttribute("aria-label", "Note colour");
  for (const { key: colour, hex } of s.view.board.palette) {
    const swatch = button("", "pc-swatch", () => {
      draft.colour = colour; s.lastColour = colour; s.focusAfter = "compose:" + column.key; render(s);
    }, { role: "radio", "aria-checked": String(draft.colour === colour), "aria-label": colour, title: colour });
    swatch.style.background = hex;
    colours.appendChild(swatch);
  }
  colours.appendChild(button("Add note", "pc-button pc-primary pc-add",
    () => submitNote(s, column, draft), { "data-focus": "add:" + column.key }));
  box.appendChild(colours);
  if (draft.error) {
    const error = el("p", "pc-error", draft.error);
    error.setAttribute("role", "alert");
    box.appendChild(error);
  }
  return box;
}

function colourHex(s, colour) {
  const found = s.view.board.palette.find((entry) => entry.key === colour);
  return found ? found.hex : "";
}

async function submitNote(s, column, draft) {
  const text = draft.text;
  if (!text.trim()) {
    draft.error = "Write something first.";
    render(s);
    return;
  }
  const reply = await act(s, "add_note", { step_key: column.key, text, colour: draft.colour },
                          { quiet: true });
  if (reply.ok) {
    // Only clear what was sent: typing may have gone on meanwhile.
    if (draft.text === text) draft.text = "";
    draft.error = null;
  } else {
    draft.error = reply.message || "The note was not saved.";
  }
  s.focusAfter = "compose:" + column.key;
  render(s);
}

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
  s.editor = { item_id: item.item_id, title: item.label, owner: "", due: "", signal: "", error: null };
  s.focusAfter = "editor-title";
  render(s);
}

function renderEditor(s) {
  const editor = s.editor;
  const people = s.view.people || [];
  const form = el("form", "pc-editor");
  form.setAttribute("aria-label", "New action");
  const field = (label, input, key) => {
    const wrap = el("label", "pc-field");
    wrap.appendChild(el("span", "pc-field-label", label));
    input.dataset.focus = "editor-" + key;
    input.addEventListener("input", () => { editor[key] = input.value; });
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  };
  const title = el("input", "pc-input");
  title.value = editor.title;
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
  due.addEventListener("change", () => { editor.due = due.value; });
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
  buttons.appendChild(button("Save action", "pc-button pc-primary", () => form.requestSubmit()));
  buttons.appendChild(button("Cancel", "pc-link", () => { s.editor = null; render(s); }));
  form.appendChild(buttons);
  form.addEventListener("submit", async (event) => {
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
  });
  return form;
}

function renderAction(s, action) {
  const row = el("li", "pc-action");
  row.dataset.action = action.id;
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
  select.addEventListener("change", () => act(s, "set_action_status", { action_id: action.id, status: select.value }));
  row.appendChild(select);
  return row;
}

// --- moving notes: the menu (mouse or keyboard) ------------------------------

// The server lists where a note can go; the menu leaves out where it is.
function moveTargets(s, noteId) {
  const here = s.index.notes[noteId].note;
  return (s.view.board.move_targets || []).map((group) => ({
    title: group.title,
    options: group.targets.filter((target) => target.key !== here.place && target.key !== "note:" + noteId),
  })).filter((group) => group.options.length);
}

function openMenu(s, noteId) {
  s.menu = { note: noteId };
  s.focusAfter = "menu-first";
  render(s);
}

function closeMenu(s, refocus = true) {
  const noteId = s.menu && s.menu.note;
  s.menu = null;
  if (refocus && noteId) s.focusAfter = "note:" + noteId;
  render(s);
}

function renderMenu(s) {
  if (!s.menu) return;
  if (!s.index.notes[s.menu.note] || !s.index.notes[s.menu.note].note.may_move) { s.menu = null; return; }
  const card = s.root.querySelector(`[data-note="${CSS.escape(s.menu.note)}"]`);
  const here = s.index.notes[s.menu.note];
  const menu = el("div", "pc-menu");
  menu.setAttribute("role", "menu");
  menu.setAttribute("aria-label", `Move note #${here.note.number} to`);
  menu.appendChild(el("div", "pc-menu-title", `Move #${here.note.number} to…`));
  let first = true;
  for (const group of moveTargets(s, s.menu.note)) {
    menu.appendChild(el("div", "pc-menu-group", group.title));
    for (const option of group.options) {
      const item = button(option.label, "pc-menu-item", () => {
        closeMenu(s);
        moveNote(s, s.index.notes[here.note.id] ? here.note.id : null, option.move);
      }, { role: "menuitem", tabindex: "-1" });
      // A redraw while the menu is open keeps the keyboard on the same item.
      item.dataset.focus = first ? "menu-first" : `menu:${group.title}:${option.label}`;
      if (first) { item.tabIndex = 0; first = false; }
      menu.appendChild(item);
    }
  }
  menu.appendChild(button("Cancel", "pc-menu-item pc-menu-cancel", () => closeMenu(s),
                          { role: "menuitem", tabindex: "-1" }));
  menu.addEventListener("keydown", (event) => {
    const items = [...menu.querySelectorAll(".pc-menu-item")];
    const at = items.indexOf(activeIn(s));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      items[event.key === "Home" ? 0 : items.length - 1].focus();
    } else if (event.key === "Escape" || event.key === "Tab") {
      event.preventDefault();
      closeMenu(s);
    }
  });
  if (card) {
    const box = card.getBoundingClientRect();
    menu.style.left = Math.max(8, Math.min(box.left, window.innerWidth - 280)) + "px";
    const below = window.innerHeight - box.bottom;
    if (below > 240 || below > box.top) {
      menu.style.top = box.bottom + 4 + "px";
      menu.style.maxHeight = Math.max(160, below - 16) + "px";
    } else {
      menu.style.bottom = window.innerHeight - box.top + 4 + "px";
      menu.style.maxHeight = Math.max(160, box.top - 16) + "px";
    }
  }
  s.root.appendChild(menu);
}

async function moveNote(s, noteId, move) {
  if (!noteId) return;
  const here = s.index.notes[noteId];
  if (!here) return;
  const card = s.root.querySelector(`[data-note="${CSS.escape(noteId)}"]`);
  if (card) card.classList.add("pc-moving");
  await act(s, "move_note", { note_id: noteId, ...move, revision: s.view.revision });
  s.focusAfter = "note:" + noteId;
  render(s);
}

// --- moving notes: drag and drop ---------------------------------------------

function pointerDown(s, event, noteId, card) {
  if (event.button !== 0 || event.target.closest("button, select, input, textarea")) return;
  s.press = { noteId, card, x: event.clientX, y: event.clientY, pointer: event.pointerId };
}

function pointerMove(s, event) {
  const press = s.press;
  if (!press || event.pointerId !== press.pointer) return;
  if (!s.drag) {
    if (Math.hypot(event.clientX - press.x, event.clientY - press.y) < DRAG_THRESHOLD) return;
    startDrag(s, press);
  }
  event.preventDefault();
  const drag = s.drag;
  drag.ghost.style.transform =
    `translate(${event.clientX - drag.offsetX}px, ${event.clientY - drag.offsetY}px) rotate(2deg)`;
  setDropTarget(s, findDropTarget(s, event.clientX, event.clientY));
  autoScroll(s, event.clientX, event.clientY);
}

function startDrag(s, press) {
  const box = press.card.getBoundingClientRect();
  const ghost = press.card.cloneNode(true);
  ghost.classList.add("pc-ghost");
  ghost.removeAttribute("data-drop");
  ghost.removeAttribute("data-focus");
  ghost.setAttribute("aria-hidden", "true");
  ghost.style.width = box.width + "px";
  ghost.style.left = "0px";
  ghost.style.top = "0px";
  s.root.appendChild(ghost);
  press.card.classList.add("pc-dragging");
  s.root.classList.add("pc-is-dragging");
  s.drag = { noteId: press.noteId, card: press.card, ghost, target: null,
             offsetX: press.x - box.left, offsetY: press.y - box.top };
  if (s.menu) { s.menu = null; const open = s.root.querySelector(".pc-menu"); if (open) open.remove(); }
}

function findDropTarget(s, x, y) {
  const host = s.parent.getRootNode && s.parent.getRootNode().elementFromPoint
    ? s.parent.getRootNode() : document;
  let node = host.elementFromPoint(x, y);
  while (node && node !== s.root) {
    if (node.dataset && node.dataset.drop) {
      if (node.dataset.drop === "note" && node.dataset.note === s.drag.noteId) {
        node = node.parentElement;
        continue;
      }
      return node;
    }
    node = node.parentElement;
  }
  return null;
}

function setDropTarget(s, target) {
  if (s.drag.target === target) return;
  if (s.drag.target) s.drag.target.classList.remove("pc-drop-target");
  s.drag.target = target;
  if (target) target.classList.add("pc-drop-target");
}

// Near an edge, a drag scrolls: the columns sideways, the page up and down,
// so a note can travel from the foot of a long column to its top.
function autoScroll(s, x, y) {
  const board = s.root.querySelector(".pc-board");
  if (!board) return;
  const box = board.getBoundingClientRect();
  if (x > box.right - 40) board.scrollLeft += 16;
  else if (x < box.left + 40) board.scrollLeft -= 16;
  const page = scrollingAncestor(s.parent);
  if (y < 60) page.scrollTop -= 20;
  else if (y > window.innerHeight - 60) page.scrollTop += 20;
}

function scrollingAncestor(node) {
  while (node) {
    if (node.nodeType === 1) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) return node;
    }
    node = node.parentNode || (node.host ? node.host : null);
  }
  return document.scrollingElement || document.documentElement;
}

function endDrag(s) {
  const drag = s.drag;
  if (drag) {
    drag.ghost.remove();
    drag.card.classList.remove("pc-dragging");
    if (drag.target) drag.target.classList.remove("pc-drop-target");
  }
  s.root.classList.remove("pc-is-dragging");
  s.drag = null;
  s.press = null;
  return drag;
}

function cancelDrag(s) {
  if (!s.press && !s.drag) return;
  endDrag(s);
  applyPending(s);
}

async function pointerUp(s, event) {
  const press = s.press;
  if (!press || event.pointerId !== press.pointer) return;
  const drag = endDrag(s);
  if (!drag || !drag.target) { applyPending(s); return; }
  const move = dropMove(s, drag.target);
  // Dropped back where it was (its own cluster, or its column's loose notes): nothing to do.
  if (dropPlace(drag.target) === s.index.notes[drag.noteId].note.place) { applyPending(s); return; }
  // The drop is judged against the board as the dragger saw it; the newer
  // view waits until the server has answered.
  s.press = { noteId: drag.noteId, pointer: null };
  try {
    await moveNote(s, drag.noteId, move);
  } finally {
    s.press = null;
    applyPending(s);
  }
}

// What was dropped on what; the server decides what that means (a note
// dropped on a grouped note joins its cluster).
function dropMove(s, target) {
  const step = target.dataset.step;
  if (target.dataset.drop === "note") {
    return { step_key: step, cluster_id: null, onto_note_id: target.dataset.note };
  }
  if (target.dataset.drop === "cluster") {
    return { step_key: step, cluster_id: target.dataset.cluster, onto_note_id: null };
  }
  return { step_key: step, cluster_id: null, onto_note_id: null };
}

function dropPlace(target) {
  if (target.dataset.drop === "cluster") return "cluster:" + target.dataset.cluster;
  if (target.dataset.drop === "column") return "column:" + target.dataset.step;
  return "note:" + target.dataset.note;
}
