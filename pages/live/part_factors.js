/* The factors part of the board. */
// --- the factors part ---------------------------------------------------------

// The contributing factors in lanes by category: a chip row on each card
// puts it in a lane with one click (or takes it out again), and a card can
// be dragged into a lane. Under the lanes, the 5 Whys: a chain of "why →
// because" cards per factor, which everyone sees and the facilitator runs.
// What this tab has open or half-typed lives in `s.factors`, so a view that
// arrives meanwhile keeps it.

// The lanes' labels, shortened where a chip has little room.
const FACTOR_CHIP_LABELS = { tech: "Tech", comms: "Comms", environment: "Env" };

PART_RENDERERS.factors = function (s, part, title) {
  const ui = factorsState(s);
  const section = el("section", "pc-part-body pc-factors");
  section.setAttribute("aria-label", title);
  const head = el("div", "pc-factors-head");
  head.appendChild(el("h3", "pc-part-title", title));
  head.appendChild(el("p", "pc-meta pc-factors-hint", part.hint));
  section.appendChild(head);
  if (!part.factors.length) {
    section.appendChild(el("p", "pc-meta",
      `No contributing factors yet: write them in the ${part.step_title} column.`));
    return section;
  }
  const lanes = el("div", "pc-factor-lanes");
  lanes.dataset.key = "factor-lanes";
  for (const lane of part.lanes) lanes.appendChild(renderFactorLane(s, part, lane));
  section.appendChild(lanes);
  section.appendChild(renderWhys(s, part, ui));
  return section;
};

function factorsState(s) {
  if (!s.factors) s.factors = { open: null, drafts: {}, editing: null, drag: null };
  return s.factors;
}

function renderFactorLane(s, part, lane) {
  const key = lane.key || "";
  const inLane = part.factors.filter((factor) => (factor.category || "") === key);
  const row = el("section", "pc-factor-lane");
  row.dataset.key = "factor-lane:" + key;
  row.dataset.category = key;
  row.setAttribute("aria-label", `${lane.label}: ${plural(inLane.length, "factor")}`);
  const label = el("div", "pc-factor-lane-label");
  label.appendChild(el("span", "pc-factor-lane-name", lane.label));
  label.appendChild(el("span", "pc-count", String(inLane.length)));
  row.appendChild(label);
  const cards = el("div", "pc-factor-cards");
  for (const factor of inLane) cards.appendChild(renderFactorCard(s, part, factor));
  if (!inLane.length && s.view.can.set_category) cards.appendChild(el("span", "pc-factor-empty", "Drop a factor here"));
  row.appendChild(cards);
  return row;
}

function renderFactorCard(s, part, factor) {
  const can = s.view.can;
  const card = el("article", "pc-factor");
  card.dataset.key = "factor:" + factor.id;
  card.dataset.factor = factor.id;
  card.dataset.focus = "factor:" + factor.id;
  card.tabIndex = -1;
  card.setAttribute("aria-label", factor.kind === "cluster" ? `Cluster ${factor.text}` : `Note #${factor.number}`);
  if (factor.colour_hex) card.style.borderLeftColor = factor.colour_hex;
  if (factor.top) card.classList.add("pc-factor-top");
  if (can.set_category) {
    card.classList.add("pc-factor-draggable");
    card.onpointerdown = (event) => factorPress(s, event, factor, event.currentTarget);
  }
  const text = el("p", "pc-factor-text", factor.text);
  if (factor.kind === "cluster") text.classList.add("pc-factor-cluster");
  card.appendChild(text);

  const meta = el("div", "pc-factor-meta");
  meta.appendChild(el("span", "pc-number",
    factor.kind === "cluster" ? plural(factor.notes, "note") : "#" + factor.number));
  if (factor.votes !== null && factor.votes !== undefined) {
    meta.appendChild(el("span", "pc-factor-votes", plural(factor.votes, "vote")));
  }
  if (factor.top) meta.appendChild(el("span", "pc-factor-badge", "Top"));
  if (can.edit_whys) {
    // The name starts with the words shown, count included (voice control).
    const words = factor.whys.length ? `5 Whys (${factor.whys.length})` : "5 Whys";
    meta.appendChild(button(words, "pc-link pc-factor-whys", () => openWhys(s, factor, true),
      { "data-focus": "whys-open:" + factor.id, "aria-label": `${words} on ${factor.title}` }));
  } else if (factor.whys.length) {
    meta.appendChild(el("span", "pc-meta", plural(factor.whys.length, "why")));
  }
  card.appendChild(meta);
  if (can.set_category) card.appendChild(renderCategoryChips(s, part, factor));
  return card;
}

function renderCategoryChips(s, part, factor) {
  const chips = el("div", "pc-factor-chips");
  chips.setAttribute("role", "group");
  chips.setAttribute("aria-label", `Category of ${factor.title}`);
  for (const lane of part.lanes) {
    if (!lane.key) continue;
    const on = factor.category === lane.key;
    const short = FACTOR_CHIP_LABELS[lane.key] || lane.label;
    chips.appendChild(button(short, "pc-factor-chip" + (on ? " pc-factor-chip-on" : ""),
      () => categorise(s, factor, on ? null : lane.key, "factor-chip:" + factor.id + ":" + lane.key),
      { "aria-pressed": String(on), "aria-label": short === lane.label ? lane.label : `${short} (${lane.label})`,
        title: on ? `Take it out of ${lane.label}` : `Put it in ${lane.label}`,
        "data-focus": "factor-chip:" + factor.id + ":" + lane.key }));
  }
  return chips;
}

async function categorise(s, factor, category, focus) {
  const reply = await act(s, "set_category", { item_id: factor.id, category });
  // The card is drawn afresh in its new lane: give the focus back to what was pressed.
  if (reply.ok && focus) { s.focusAfter = focus; render(s); }
}

// --- dragging a factor into a lane --------------------------------------------

function factorPress(s, event, factor, card) {
  const ui = factorsState(s);
  if (event.button !== 0 || event.target.closest("button, input, textarea, select")) return;
  // A press whose release never arrived (the window lost it) gives way to this one.
  if (ui.drag) ui.drag.stop();
  const drag = { id: factor.id, from: factor.category || "", card, x: event.clientX, y: event.clientY,
                 pointer: event.pointerId, ghost: null, lane: null };
  const move = (e) => { if (e.pointerId === drag.pointer) factorDragMove(s, drag, e); };
  const up = (e) => { if (e.pointerId === drag.pointer) finish(true); };
  const key = (e) => { if (e.key === "Escape") finish(false); };
  const finish = (drop) => {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", up);
    window.removeEventListener("pointercancel", cancel);
    window.removeEventListener("keydown", key);
    factorDragEnd(s, drag, drop);
  };
  const cancel = () => finish(false);
  drag.stop = () => finish(false);
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", up);
  window.addEventListener("pointercancel", cancel);
  window.addEventListener("keydown", key);
  ui.drag = drag;
}

function factorDragMove(s, drag, event) {
  if (!drag.ghost) {
    if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) return;
    const box = drag.card.getBoundingClientRect();
    const ghost = drag.card.cloneNode(true);
    for (const name of ["data-key", "data-focus", "data-factor", "tabindex"]) ghost.removeAttribute(name);
    ghost.classList.add("pc-ghost");
    ghost.dataset.transient = "";
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = box.width + "px";
    ghost.style.left = "0px";
    ghost.style.top = "0px";
    s.root.appendChild(ghost);
    drag.ghost = ghost;
    drag.offsetX = drag.x - box.left;
    drag.offsetY = drag.y - box.top;
    drag.card.classList.add("pc-dragging");
    s.root.classList.add("pc-is-dragging");
  }
  event.preventDefault();
  drag.ghost.style.transform =
    `translate(${event.clientX - drag.offsetX}px, ${event.clientY - drag.offsetY}px) rotate(2deg)`;
  const lane = laneAt(s, event.clientX, event.clientY);
  if (lane !== drag.lane) {
    if (drag.lane) drag.lane.classList.remove("pc-drop-target");
    if (lane) lane.classList.add("pc-drop-target");
    drag.lane = lane;
  }
  scrollLanes(s, event.clientY);
}

function laneAt(s, x, y) {
  const host = s.parent.getRootNode && s.parent.getRootNode().elementFromPoint
    ? s.parent.getRootNode() : document;
  const node = host.elementFromPoint(x, y);
  const lane = node && node.closest ? node.closest(".pc-factor-lane[data-category]") : null;
  return lane && s.root.contains(lane) ? lane : null;
}

// Near the lanes' top or bottom edge a drag scrolls them (they scroll inside
// the part), and near the window's edge the page.
function scrollLanes(s, y) {
  const lanes = s.root.querySelector(".pc-factor-lanes");
  if (lanes) {
    const box = lanes.getBoundingClientRect();
    if (y < box.top + 30 && y > box.top - 30) lanes.scrollTop -= 12;
    else if (y > box.bottom - 30 && y < box.bottom + 30) lanes.scrollTop += 12;
  }
  const page = scrollingAncestor(s.parent);
  if (y < 60) page.scrollTop -= 20;
  else if (y > window.innerHeight - 60) page.scrollTop += 20;
}

function factorDragEnd(s, drag, drop) {
  const ui = factorsState(s);
  ui.drag = null;
  if (drag.ghost) drag.ghost.remove();
  if (drag.lane) drag.lane.classList.remove("pc-drop-target");
  s.root.classList.remove("pc-is-dragging");
  // The card may have been drawn afresh meanwhile: clear whichever is on the page.
  for (const card of s.root.querySelectorAll(".pc-factor.pc-dragging")) card.classList.remove("pc-dragging");
  if (!drop || !drag.ghost || !drag.lane) return;
  const category = drag.lane.dataset.category;
  if (category === drag.from) return;
  categorise(s, { id: drag.id }, category || null, "factor:" + drag.id);
}

// --- the 5 Whys -----------------------------------------------------------------

function openWhys(s, factor, open) {
  const ui = factorsState(s);
  ui.open = open ? factor.id : null;
  s.focusAfter = open ? "why-new:" + factor.id : "whys-open:" + factor.id;
  render(s);
}

function renderWhys(s, part, ui) {
  const can = s.view.can;
  const box = el("div", "pc-whys");
  box.dataset.key = "whys";
  box.appendChild(el("h4", "pc-whys-title", "5 Whys"));
  const shown = part.factors.filter((factor) => factor.whys.length || (can.edit_whys && ui.open === factor.id));
  if (!shown.length) {
    box.appendChild(el("p", "pc-meta", can.edit_whys
      ? "Press “5 Whys” on one of the top factors to ask why, one step at a time."
      : part.whys_hint));
  }
  for (const factor of shown) box.appendChild(renderChain(s, part, factor, ui));
  return box;
}

function renderChain(s, part, factor, ui) {
  const can = s.view.can;
  const block = el("section", "pc-whys-block");
  block.dataset.key = "whys:" + factor.id;
  block.setAttribute("aria-label", `5 Whys on ${factor.title}`);
  const head = el("div", "pc-whys-head");
  head.appendChild(el("span", "pc-whys-factor", factor.title));
  if (factor.votes !== null && factor.votes !== undefined) {
    head.appendChild(el("span", "pc-factor-votes", plural(factor.votes, "vote")));
  }
  if (can.edit_whys && !factor.whys.length) {
    head.appendChild(button("Close", "pc-link", () => openWhys(s, factor, false)));
  }
  block.appendChild(head);
  const chain = el("ol", "pc-why-chain");
  factor.whys.forEach((step, index) => chain.appendChild(renderWhyStep(s, factor, step, index, ui)));
  if (can.edit_whys && factor.whys.length < part.whys_max) chain.appendChild(renderWhyComposer(s, factor, ui));
  block.appendChild(chain);
  if (can.edit_whys) {
    const tools = el("div", "pc-whys-tools");
    if (factor.whys.length >= part.whys_max) tools.appendChild(el("span", "pc-meta", "Five whys asked: edit a step to refine it."));
    if (factor.whys.length) {
      tools.appendChild(button("Remove the last why", "pc-link", () => removeLastWhy(s, factor),
        { "data-focus": "why-remove:" + factor.id }));
    }
    block.appendChild(tools);
    const error = ui.drafts[factor.id] && ui.drafts[factor.id].error;
    if (error) {
      const alert = el("p", "pc-error", error);
      alert.setAttribute("role", "alert");
      block.appendChild(alert);
    }
  }
  return block;
}

function renderWhyStep(s, factor, step, index, ui) {
  const item = el("li", "pc-why");
  item.dataset.key = "why:" + factor.id + ":" + index;
  const editing = ui.editing && ui.editing.id === factor.id && ui.editing.index === index;
  if (editing) {
    item.appendChild(renderWhyForm(s, factor, ui.editing, "why-edit:" + factor.id + ":" + index, "Save",
      () => saveWhy(s, factor), () => { ui.editing = null; render(s); }));
    return item;
  }
  item.appendChild(el("span", "pc-why-level", `Why ${index + 1}?`));
  item.appendChild(el("p", "pc-why-text", step.why));
  const because = el("p", "pc-why-because");
  because.appendChild(el("span", "pc-why-level", "Because "));
  because.appendChild(document.createTextNode(step.because || "—"));
  item.appendChild(because);
  if (s.view.can.edit_whys) {
    item.appendChild(button("Edit", "pc-link pc-why-edit", () => {
      ui.editing = { id: factor.id, index, why: step.why, because: step.because, was: step,
                     steps: factor.whys.length, error: null };
      s.focusAfter = "why-edit:" + factor.id + ":" + index;
      render(s);
    }, { "aria-label": `Edit why ${index + 1} on ${factor.title}`,
         "data-focus": "why-edit-button:" + factor.id + ":" + index }));
  }
  return item;
}

function renderWhyComposer(s, factor, ui) {
  const draft = ui.drafts[factor.id] || (ui.drafts[factor.id] = { why: "", because: "", error: null });
  const item = el("li", "pc-why pc-why-new");
  item.dataset.key = "why-new:" + factor.id;
  // Each why asks about the answer before it.
  item.appendChild(renderWhyForm(s, factor, draft, "why-new:" + factor.id, "Add why",
    () => addWhy(s, factor), null, factor.whys.length ? "And why is that?" : "Why did this happen?"));
  return item;
}

function renderWhyForm(s, factor, draft, focus, saveLabel, onSave, onCancel, placeholder) {
  const form = el("form", "pc-why-form");
  form.dataset.key = "form:" + focus;
  const field = (label, key, hint) => {
    const wrap = el("label", "pc-field");
    wrap.appendChild(el("span", "pc-field-label", label));
    const input = el("input", "pc-input");
    input.value = draft[key];
    if (hint) input.placeholder = hint;
    input.dataset.focus = key === "why" ? focus : focus + ":because";
    input.oninput = (event) => { draft[key] = event.currentTarget.value; };
    // Two fields and no submit button: a form does not send itself on Enter.
    input.onkeydown = (event) => {
      if (event.key === "Enter" && !event.isComposing) { event.preventDefault(); onSave(); }
      if (event.key === "Escape" && onCancel) { event.preventDefault(); onCancel(); }
    };
    wrap.appendChild(input);
    form.appendChild(wrap);
  };
  field("Why?", "why", placeholder);
  field("Because", "because", "What the team found");
  const buttons = el("div", "pc-editor-buttons");
  buttons.appendChild(button(saveLabel, "pc-button pc-primary", () => form.requestSubmit()));
  if (onCancel) buttons.appendChild(button("Cancel", "pc-link", onCancel));
  form.appendChild(buttons);
  if (draft.error && onCancel) {
    const alert = el("p", "pc-error", draft.error);
    alert.setAttribute("role", "alert");
    form.appendChild(alert);
  }
  form.onsubmit = (event) => { event.preventDefault(); onSave(); };
  return form;
}

async function addWhy(s, factor) {
  const ui = factorsState(s);
  const draft = ui.drafts[factor.id];
  ui.open = factor.id;
  const sent = { why: draft.why, because: draft.because };
  const reply = await act(s, "add_why", { item_id: factor.id, ...sent, expected_steps: factor.whys.length },
                          { quiet: true });
  if (reply.ok) {
    // Only clear what was sent: typing may have gone on meanwhile.
    if (draft.why === sent.why && draft.because === sent.because) { draft.why = ""; draft.because = ""; }
    draft.error = null;
    clearInputs(s, "why-new:" + factor.id, sent);
  } else {
    draft.error = reply.message || "The why was not added.";
  }
  s.focusAfter = "why-new:" + factor.id;
  render(s);
}

// The box in use keeps what it holds through a redraw, so it is emptied here.
function clearInputs(s, focus, sent) {
  for (const [suffix, text] of [["", sent.why], [":because", sent.because]]) {
    const input = s.root.querySelector(`[data-focus="${CSS.escape(focus + suffix)}"]`);
    if (input && input.value === text) input.value = "";
  }
}

async function saveWhy(s, factor) {
  const ui = factorsState(s);
  const editing = ui.editing;
  const reply = await act(s, "edit_why", {
    item_id: factor.id, index: editing.index, why: editing.why, because: editing.because,
    expected_steps: editing.steps, expected_why: editing.was.why, expected_because: editing.was.because,
  }, { quiet: true });
  if (reply.ok) {
    ui.editing = null;
    s.focusAfter = "why-edit-button:" + factor.id + ":" + editing.index;
  } else {
    editing.error = reply.message || "The why was not saved.";
  }
  render(s);
}

async function removeLastWhy(s, factor) {
  // The chain stays open for the next why, even once it is empty.
  factorsState(s).open = factor.id;
  const reply = await act(s, "remove_last_why", { item_id: factor.id, expected_steps: factor.whys.length });
  if (reply.ok) {
    s.focusAfter = factor.whys.length > 1 ? "why-remove:" + factor.id : "why-new:" + factor.id;
    render(s);
  }
}
