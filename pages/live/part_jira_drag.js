// --- the Jira cards: dragging a card ---------------------------------------------------
// Its own pointer listeners (a note's drag in drag.js moves notes), with drag.js's
// ghost, drop-target and edge-scrolling helpers; views wait while it is held.

function jiraPress(s, event, card, box) {
  if (event.button !== 0 || event.target.closest("button, input, textarea, select, a")) return;
  const press = { x: event.clientX, y: event.clientY, pointer: event.pointerId, started: false };
  const move = (e) => {
    if (e.pointerId !== press.pointer) return;
    if (!press.started) {
      if (Math.hypot(e.clientX - press.x, e.clientY - press.y) < DRAG_THRESHOLD) return;
      press.started = true;
      // As drag.js starts a note's drag: a ghost under the pointer, the card marked.
      startDrag(s, { noteId: "jira:" + card.id, kind: "note", itemId: card.id, card: box, x: press.x, y: press.y });
    }
    e.preventDefault();
    const drag = s.drag;
    if (!drag) return;
    drag.x = e.clientX;
    drag.y = e.clientY;
    drag.ghost.style.transform = `translate(${e.clientX - drag.offsetX}px, ${e.clientY - drag.offsetY}px) rotate(2deg)`;
    setDropTarget(s, jiraTargetAt(s, e.clientX, e.clientY));
    autoScroll(s);
  };
  const finish = (drop) => {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", up);
    window.removeEventListener("pointercancel", cancel);
    if (!press.started) return;
    const target = s.drag ? jiraTargetAt(s, s.drag.x, s.drag.y) : null;
    endDrag(s);
    if (!drop || !target) {
      if (drop) showMessage(s, "Dropped outside the columns: the card stayed where it was.");
      applyPending(s);
      return;
    }
    if (target.dataset.card === card.id) { applyPending(s); return; }  // dropped on itself
    const column = target.dataset.column;
    let index = target.dataset.drop === "jira-card" ? jiraPlaceOf(target)
      : target.querySelectorAll(".pc-jira-card").length;
    // Further down its own column, the card leaves its old place first.
    const from = box.dataset.column === column ? jiraPlaceOf(box) : -1;
    if (from >= 0 && from < index) index -= 1;
    if (from === index && target.dataset.drop === "jira-card") { applyPending(s); return; }
    whileDropping(s, "jira:" + card.id, () => act(s, "jira_move", { card_id: card.id, column, index }));
  };
  const up = (e) => { if (e.pointerId === press.pointer) finish(true); };
  const cancel = () => finish(false);
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
  window.addEventListener("pointercancel", cancel);
}

function jiraTargetAt(s, x, y) {
  const host = s.parent.getRootNode && s.parent.getRootNode().elementFromPoint ? s.parent.getRootNode() : document;
  let node = host.elementFromPoint(x, y);
  while (node && node !== s.root) {
    if (node.dataset && (node.dataset.drop === "jira-card" || node.dataset.drop === "jira-column")) return node;
    node = node.parentElement;
  }
  return null;
}
