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
  node.onclick = (event) => { event.stopPropagation(); onClick(event); };
  return node;
}

function plural(count, word) {
  return count + " " + word + (count === 1 ? "" : "s");
}

function activeIn(s) {
  const host = s.parent.getRootNode ? s.parent.getRootNode() : document;
  return (host.activeElement) || document.activeElement;
}

// Draw the state: build the DOM the view calls for, then bring the page's
// DOM to it (`morph`), keeping every element whose key (note, cluster,
// column, ranked item, action) is still there. So a view that arrives while
// someone types, drags or has a menu open leaves their text, caret and menu
// where they were.
function render(s, { fromView = false } = {}) {
  const view = s.view;
  if (!view) return;
  // Anything but a view arriving (a click, typing, a menu, a measurement)
  // may change how any part looks: nothing drawn before is reused then.
  if (!fromView) s.localTick = (s.localTick || 0) + 1;
  s.index = indexView(view);
  const fresh = el("div");
  fresh.appendChild(renderBar(s));
  if (s.mode !== "bar") fresh.appendChild(renderBoard(s));
  const menu = renderMenu(s);
  if (menu) fresh.appendChild(menu);
  morphChildren(s.root, fresh, activeIn(s));
  // Long notes are cut to their first lines; where that hid text, draw again
  // with "Show all" (measured on the page: only layout knows).
  if (s.mode !== "bar" && !s.measuring) {
    s.measuring = true;
    try { if (measureClamps(s)) render(s); } finally { s.measuring = false; }
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
  followLead(s);
  updateTimer(s);
}

// --- bringing the page's DOM to a freshly drawn one ---------------------------

const HANDLERS = ["onclick", "oninput", "onkeydown", "onchange", "onsubmit", "onpointerdown"];
// Classes a drag puts on the page's own elements, which no drawing knows of.
const DRAG_CLASSES = ["pc-dragging", "pc-drop-target"];

function keyOf(node) {
  return node.nodeType === 1 ? node.dataset.key || null : null;
}

function isTransient(node) {
  return node.nodeType === 1 && node.dataset.transient !== undefined;
}

function sameKind(a, b) {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName && keyOf(a) === keyOf(b);
}

function morph(old, fresh, active) {
  if (old.nodeType !== 1) {
    if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
    return;
  }
  // A select filled with its choices while someone is in it stays as it is.
  const filled = old === active && old.dataset.filled !== undefined;
  // Read before its children move over: an option of the fresh drawing that
  // the page lacks is moved into the page's element, and the fresh select's
  // value would go with it.
  const freshValue = fresh.value;
  for (const { name } of [...old.attributes]) {
    if (!fresh.hasAttribute(name) && !(filled && name === "data-filled")) old.removeAttribute(name);
  }
  for (const { name, value } of [...fresh.attributes]) {
    let wanted = value;
    if (name === "class") {
      const kept = DRAG_CLASSES.filter((c) => old.classList.contains(c) && !fresh.classList.contains(c));
      wanted = [value, ...kept].join(" ").trim();
    }
    if (old.getAttribute(name) !== wanted) old.setAttribute(name, wanted);
  }
  for (const name of HANDLERS) if (old[name] !== fresh[name]) old[name] = fresh[name];
  if (filled) return;
  morphChildren(old, fresh, active);
  // What a person is typing stays theirs; the rest follows the view. A
  // choice in a list is drawn from what it chose (sent, or kept in the
  // drawing's state), so a list follows the drawing even while focused,
  // unless it is filled and may be open.
  const typing = (old.nodeName === "TEXTAREA" || old.nodeName === "INPUT") && old === active;
  if ((old.nodeName === "TEXTAREA" || old.nodeName === "INPUT" || old.nodeName === "SELECT")
      && !typing && old.value !== freshValue) {
    old.value = freshValue;
  }
}

function morphChildren(parent, freshParent, active) {
  const old = [...parent.childNodes].filter((node) => !isTransient(node));
  const keyed = new Map();
  for (const node of old) if (keyOf(node)) keyed.set(keyOf(node), node);
  const unkeyed = old.filter((node) => !keyOf(node));
  let nextUnkeyed = 0;
  const used = new Set();
  const wanted = [...freshParent.childNodes].map((fresh) => {
    let match = null;
    const key = keyOf(fresh);
    if (key) {
      match = keyed.get(key);
    } else if (nextUnkeyed < unkeyed.length && sameKind(unkeyed[nextUnkeyed], fresh)) {
      match = unkeyed[nextUnkeyed];
      nextUnkeyed += 1;
    }
    const standIn = fresh.nodeType === 1 && fresh.dataset.unchanged !== undefined;
    if (match && sameKind(match, fresh) && !used.has(match)) {
      used.add(match);
      // Drawn from the same data as the page's element (see `kept`): leave it be.
      if (standIn) return match;
      morph(match, fresh, active);
      return match;
    }
    return standIn ? fresh.redraw() : fresh;
  }).filter((node) => node);  // a part with nothing to show draws nothing
  for (const node of old) if (!used.has(node)) node.remove();
  let at = parent.firstChild;
  while (at && isTransient(at)) at = at.nextSibling;
  for (const node of wanted) {
    if (node === at) {
      at = at.nextSibling;
      while (at && isTransient(at)) at = at.nextSibling;
    } else {
      parent.insertBefore(node, at);
    }
  }
}

// A note, column or part drawn from the very same objects as last time (a
// stream patch keeps the objects of what did not change) needs no drawing:
// a stand-in with its key tells morphChildren to leave the page's element as
// it is, and carries `draw` for when the page has no such element there. On
// a 300-note board a change so redraws one note, not its column or the board.
function kept(s, key, inputs, tag, draw) {
  const memo = s.drawn || (s.drawn = new Map());
  const last = memo.get(key);
  memo.set(key, inputs);
  if (!last || last.length !== inputs.length || last.some((value, i) => value !== inputs[i])) return draw();
  const standIn = el(tag);
  standIn.dataset.key = key;
  standIn.dataset.unchanged = "";
  standIn.redraw = draw;
  return standIn;
}

// A select drawn with only what it shows, and filled with its choices (a
// list of groups of {id, label}) when someone reaches it: focus, a press or
// a key. A list of every note is 300 options on a large board, which a
// change elsewhere should not redraw. Options marked data-kept, and the
// empty one, stay; morph leaves a filled select alone while it has focus.
function fillWhenReached(select, choices) {
  const fill = () => {
    if (select.dataset.filled !== undefined) return;
    select.dataset.filled = "";
    const value = select.value;
    for (const option of [...select.options]) {
      if (option.dataset.kept === undefined && option.value !== "" && option.value !== "-") option.remove();
    }
    for (const group of choices()) {
      const optgroup = document.createElement("optgroup");
      optgroup.label = group.title;
      for (const option of group.options) optgroup.appendChild(keyedOption(option.label, option.id));
      select.appendChild(optgroup);
    }
    select.value = value;
  };
  for (const type of ["focus", "pointerdown", "mousedown", "keydown"]) select.addEventListener(type, fill);
}

// An option keyed by its value: bringing a select to a newer drawing keeps
// the option that is chosen (and with it the choice) instead of rewriting
// whichever option stands in its place.
function keyedOption(label, value, chosen = false) {
  const option = new Option(label, value, chosen, chosen);
  option.dataset.key = "option:" + value;
  return option;
}

// A note's words on one line (spaces and line breaks run together), for a list.
function oneLine(text) {
  return text.split(/\s+/).filter(Boolean).join(" ");
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

