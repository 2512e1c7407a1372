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
