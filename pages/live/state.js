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
  // The revision the page was drawn at, beside the one shown (data-revision):
  // while the bar's is newer, the page has a run on its way.
  if (s.baseRevision !== undefined) s.root.dataset.drawn = String(s.baseRevision);
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
    messageAction: null, expanded: new Set(), clipped: new Map(),
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

// --- views -------------------------------------------------------------------

function offerView(s, view, { own = false } = {}) {
  if (!view) return;
  // One view per revision, whichever comes first: the reply to this tab's
  // own action or the stream (a changed role asks for the next one again).
  if (s.view && (view.revision < s.view.revision
                 || (view.revision === s.view.revision && !s.roleChanged))) return;
  if (s.drag || (s.press && !own)) {
    // Someone else's change never breaks a drag in progress: keep the newest
    // view and draw it when the note is released.
    if (!s.pending || view.revision >= s.pending.revision) s.pending = view;
    s.root.dataset.pending = String(s.pending.revision);
    return;
  }
  // A refusal belongs to the board it was said on: when what this person
  // may do changes (a new phase, a new role), yesterday's "not now" goes.
  if (s.view && JSON.stringify(s.view.can) !== JSON.stringify(view.can)) forgetRefusals(s);
  // A refusal said in another phase ("cannot close yet") is old news once
  // the phase moved; an Undo on offer stays.
  if (s.view && s.message && !s.messageAction && view.board.phase !== s.view.board.phase) s.message = null;
  // Whatever reads the same as what is drawn keeps its object, so drawing
  // redraws only what changed, whether the view came as a patch, whole on a
  // new stream, or as the reply to this tab's own action.
  if (s.view) view = shareUnchanged(s.view, view);
  s.view = view;
  s.roleChanged = false;
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
  render(s, { fromView: true });
  if (own) s.lastOwnRevision = view.revision;
}

// `fresh`, with every object or array that equals its counterpart in `old`
// replaced by that counterpart (items of a list matched by id or key).
function shareUnchanged(old, fresh) {
  if (old === fresh || old === null || fresh === null || typeof old !== "object" || typeof fresh !== "object") {
    return fresh;
  }
  if (Array.isArray(fresh) !== Array.isArray(old)) return fresh;
  if (Array.isArray(fresh)) {
    const byKey = new Map();
    for (const item of old) {
      const key = itemKey(item);
      if (key !== null) byKey.set(key, item);
    }
    let same = old.length === fresh.length;
    const made = fresh.map((item, i) => {
      const key = itemKey(item);
      const before = key === null ? old[i] : byKey.get(key);
      const kept = before === undefined ? item : shareUnchanged(before, item);
      if (kept !== old[i]) same = false;
      return kept;
    });
    return same ? old : made;
  }
  const keys = Object.keys(fresh);
  let same = keys.length === Object.keys(old).length;
  const made = {};
  for (const key of keys) {
    const kept = key in old ? shareUnchanged(old[key], fresh[key]) : fresh[key];
    if (kept !== old[key]) same = false;
    made[key] = kept;
  }
  return same ? old : made;
}

function itemKey(item) {
  if (item === null || typeof item !== "object") return null;
  if (typeof item.id === "string") return "id:" + item.id;
  return typeof item.key === "string" ? "key:" + item.key : null;
}

function forgetRefusals(s) {
  for (const draft of Object.values(s.drafts)) draft.error = null;
  if (s.editing) s.editing.error = null;
  if (s.editor) s.editor.error = null;
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

