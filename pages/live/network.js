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
  // The first event is the whole view; each later one a patch of the pieces
  // that changed, laid over the last view this stream brought (not the one
  // drawn, which may be the newer reply to this tab's own action).
  source.addEventListener("view", (event) => {
    setConnection(s, "live");
    let view;
    try { view = JSON.parse(event.data); } catch (error) { return; }
    s.streamView = view;
    offerView(s, view);
  });
  source.addEventListener("patch", (event) => {
    setConnection(s, "live");
    let patch;
    try { patch = JSON.parse(event.data); } catch (error) { return; }
    if (!s.streamView) return;
    s.streamView = applyPatch(s.streamView, patch);
    offerView(s, s.streamView);
  });
  // Who is here changes without the board changing: the stream says so on its own.
  source.addEventListener("presence", (event) => {
    let said;
    try { said = JSON.parse(event.data); } catch (error) { return; }
    if (!s.view || !Array.isArray(said.present)) return;
    // The stream's next patch is laid over what it told.
    if (s.streamView) s.streamView = { ...s.streamView, present: said.present };
    s.view = { ...s.view, present: said.present };
    if (!s.drag) render(s, { fromView: true });
  });
  source.addEventListener("gone", () => {
    source.close();
    s.source = null;
    s.closed = true;
    setConnection(s, "gone");
    showMessage(s, "This board was deleted.");
    if (s.setTriggerValue) s.setTriggerValue("gone", true);
  });
  // With sign-in on, a stream ends when its ticket does: open it again with
  // the renewed ticket (a renewal refused for lack of sign-in ends the board).
  source.addEventListener("expired", () => {
    source.close();
    s.source = null;
    renewTicket(s).then(() => openStream(s));
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

// Unchanged notes, columns and parts keep their objects, so drawing can tell
// what a change touched (canvas.session.live_view.apply_patch does the same).
// A column arrives as its shape (note ids) and each changed note on its own.
function applyPatch(view, patch) {
  const columns = Object.fromEntries(view.columns.map((column) => [column.key, column]));
  const notes = new Map();
  for (const column of view.columns) for (const note of notesIn(column)) notes.set(note.id, note);
  const shapes = {};
  const changed = new Set();
  const parts = { ...view.parts };
  const made = { ...view, revision: patch.revision };
  for (const [key, value] of Object.entries(patch.set)) {
    if (key.startsWith("note:")) { notes.set(key.slice(5), value); changed.add(key.slice(5)); }
    else if (key.startsWith("column:")) shapes[key.slice(7)] = value;
    else if (key.startsWith("part:")) parts[key.slice(5)] = value;
    else made[key] = value;
  }
  const column = (key) => {
    let shape = shapes[key];
    if (!shape) {
      const old = columns[key];
      if (!notesIn(old).some((note) => changed.has(note.id))) return old;
      shape = { ...old, clusters: old.clusters.map((c) => ({ ...c, notes: c.notes.map((n) => n.id) })),
                notes: old.notes.map((n) => n.id) };
    }
    return { ...shape, clusters: shape.clusters.map((c) => ({ ...c, notes: c.notes.map((id) => notes.get(id)) })),
             notes: shape.notes.map((id) => notes.get(id)) };
  };
  made.columns = patch.columns.map(column);
  made.parts = Object.fromEntries(patch.parts.map((key) => [key, parts[key]]));
  return made;
}

function notesIn(column) {
  return [...column.clusters.flatMap((cluster) => cluster.notes), ...column.notes];
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
    if (response.status === 401) {
      // The person signed out (in this tab or another): no more tickets, so
      // the stream and the actions stop here.
      const said = await response.json().catch(() => ({}));
      signedOut(s, said.message || "You are signed out. Sign in again to use this board.");
      return false;
    }
    const reply = response.ok ? await response.json() : {};
    if (reply.stream_ticket && reply.action_ticket) {
      useTickets(s, reply);
      // The open stream keeps the role it was opened with; when the role
      // changed, open it again so the board is drawn with the right controls.
      const me = s.view && s.view.me;
      if (me && me.is_facilitator !== reply.is_facilitator) {
        s.roleChanged = true;
        reopenStream(s);
      }
      return true;
    }
  } catch (error) { /* offline: the next retry tries again */ }
  scheduleRenewal(s);
  return false;
}

function signedOut(s, message) {
  s.closed = true;
  clearTimeout(s.renewTimer);
  clearTimeout(s.retryTimer);
  if (s.source) s.source.close();
  s.source = null;
  setConnection(s, "signed-out");
  showMessage(s, message, { seconds: 24 * 3600 });
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

