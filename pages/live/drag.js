// --- moving notes: drag and drop ---------------------------------------------

// A press on a note (kind "note", which moves it) or on a cluster or a
// moment of the timeline (which can only be dropped on a learning card, as
// its evidence).
function pointerDown(s, event, noteId, card, { kind = "note", itemId = noteId } = {}) {
  if (event.button !== 0 || event.target.closest("button, select, input, textarea")) return;
  s.press = { noteId, kind, itemId, card, x: event.clientX, y: event.clientY, pointer: event.pointerId };
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
  drag.x = event.clientX;
  drag.y = event.clientY;
  drag.ghost.style.transform =
    `translate(${event.clientX - drag.offsetX}px, ${event.clientY - drag.offsetY}px) rotate(2deg)`;
  setDropTarget(s, findDropTarget(s, event.clientX, event.clientY));
  autoScroll(s);
}

function startDrag(s, press) {
  const box = press.card.getBoundingClientRect();
  const ghost = press.card.cloneNode(true);
  ghost.classList.add("pc-ghost");
  ghost.dataset.transient = "";
  ghost.removeAttribute("data-key");
  ghost.removeAttribute("data-drop");
  ghost.removeAttribute("data-focus");
  ghost.setAttribute("aria-hidden", "true");
  ghost.style.width = box.width + "px";
  ghost.style.left = "0px";
  ghost.style.top = "0px";
  s.root.appendChild(ghost);
  press.card.classList.add("pc-dragging");
  s.root.classList.add("pc-is-dragging");
  s.drag = { noteId: press.noteId, kind: press.kind, itemId: press.itemId, card: press.card, ghost,
             target: null, x: press.x, y: press.y,
             scrolling: null, offsetX: press.x - box.left, offsetY: press.y - box.top };
  if (s.menu) { s.menu = null; const open = s.root.querySelector(".pc-menu"); if (open) open.remove(); }
  if (press.kind === "note") askAlike(s, press.noteId);  // the notes most like it light up (part_suggestions.js)
}

function findDropTarget(s, x, y) {
  const host = s.parent.getRootNode && s.parent.getRootNode().elementFromPoint
    ? s.parent.getRootNode() : document;
  let node = host.elementFromPoint(x, y);
  while (node && node !== s.root) {
    if (node.dataset && node.dataset.drop) {
      // A cluster or a moment lands only on a learning card.
      if (s.drag.kind !== "note" && node.dataset.drop !== "learning") {
        node = node.parentElement;
        continue;
      }
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

// Held near an edge, a drag scrolls, and goes on scrolling while the pointer
// rests there: the columns sideways near the board's left or right edge, the
// page near the window's top or bottom. So a note reaches a column that is
// off-screen, or the top of a long column, without the mouse moving.
const EDGE = 48;
const MAX_STEP = 18;

function autoScroll(s) {
  const drag = s.drag;
  if (!drag || drag.scrolling) return;
  const tick = () => {
    if (s.drag !== drag) { drag.scrolling = null; return; }
    const { dx, dy } = edgeSpeeds(s, drag.x, drag.y);
    if (!dx && !dy) { drag.scrolling = null; return; }
    const board = s.root.querySelector(".pc-board");
    if (dx && board) board.scrollLeft += dx;
    if (dy) scrollingAncestor(s.parent).scrollTop += dy;
    // What lies under the pointer changed with the scroll.
    setDropTarget(s, findDropTarget(s, drag.x, drag.y));
    drag.scrolling = requestAnimationFrame(tick);
  };
  const { dx, dy } = edgeSpeeds(s, drag.x, drag.y);
  if (dx || dy) drag.scrolling = requestAnimationFrame(tick);
}

// How far to scroll each frame: faster the nearer the pointer is to an edge.
function edgeSpeeds(s, x, y) {
  const speed = (distance) => Math.ceil(MAX_STEP * Math.min(1, (EDGE - distance) / EDGE));
  let dx = 0, dy = 0;
  const board = s.root.querySelector(".pc-board");
  if (board && board.scrollWidth > board.clientWidth) {
    const box = board.getBoundingClientRect();
    // The board's edges as seen: it may reach past the window.
    const left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
    const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, window.innerHeight);
    if (y >= top && y <= bottom) {
      if (x > right - EDGE && board.scrollLeft + board.clientWidth < board.scrollWidth) dx = speed(right - x);
      else if (x < left + EDGE && board.scrollLeft > 0) dx = -speed(x - left);
    }
  }
  const page = scrollingAncestor(s.parent);
  const view = page === document.scrollingElement || page === document.documentElement
    ? { top: 0, bottom: window.innerHeight } : page.getBoundingClientRect();
  const top = Math.max(view.top, 0), bottom = Math.min(view.bottom, window.innerHeight);
  if (y < top + EDGE && page.scrollTop > 0) dy = -speed(y - top);
  else if (y > bottom - EDGE && page.scrollTop + page.clientHeight < page.scrollHeight) dy = speed(bottom - y);
  return { dx, dy };
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
    if (drag.scrolling) cancelAnimationFrame(drag.scrolling);
    drag.scrolling = null;
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
  if (!drag) { applyPending(s); return; }
  // A drop that does nothing says so, or it looks like a move that failed.
  if (!drag.target) {
    showMessage(s, drag.kind === "note" ? "Dropped outside the columns: the note stayed where it was."
      : `Dropped outside a learning card: the ${drag.kind === "cluster" ? "cluster" : "moment"} `
        + "is evidence for nothing new.");
    applyPending(s);
    return;
  }
  // Onto a part of the meeting: a note, cluster or moment dropped on a
  // learning is its evidence; a note on a moment of the timeline is linked
  // to that moment.
  if (drag.target.dataset.drop === "learning") {
    await dropOnLearning(s, drag.target, drag.itemId);
    return;
  }
  if (drag.target.dataset.drop === "event") {
    const eventId = drag.target.dataset.eventId;
    await whileDropping(s, drag.noteId, () => act(s, "link_note", { note_id: drag.noteId, event_id: eventId }));
    return;
  }
  const move = dropMove(s, drag.target);
  // Dropped back where it was (its own cluster, or its column's loose notes).
  if (dropPlace(drag.target) === s.index.notes[drag.noteId].note.place) {
    showMessage(s, "Dropped where it already was: nothing moved.");
    applyPending(s);
    return;
  }
  // The drop is judged against the board as the dragger saw it; the newer
  // view waits until the server has answered.
  await whileDropping(s, drag.noteId, () => moveNote(s, drag.noteId, move));
}

// While a drop is on its way to the server, views that arrive wait (a held
// press), so the board does not jump under the person; a press they start
// meanwhile is theirs, and the answer leaves it alone.
async function whileDropping(s, itemId, send) {
  const held = { noteId: itemId, pointer: null };
  s.press = held;
  try {
    return await send();
  } finally {
    if (s.press === held) s.press = null;
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
