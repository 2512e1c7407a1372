// --- grouping suggestions and alike notes ------------------------------------------
//
// Right above the columns while notes are grouped. The facilitator asks the
// server for suggestions (`can.suggest_groups`); everyone sees each one as a
// row here, its notes outlined and numbered on the board, and whoever may
// group (`can.group`) accepts it as a cluster or dismisses it. The outlines
// and the drag highlight are CSS made from note ids (never from text), so
// the columns draw as they always do.

PART_RENDERERS.suggestions = function (s, part, title) {
  if (!part.shown) return null;
  const can = s.view.can;
  const cards = part.suggestions || [];
  if (!cards.length && !can.suggest_groups) return null;
  const st = sgState(s);
  const section = el("section", "pc-part-body pc-sg");
  section.setAttribute("aria-label", title);
  const head = el("div", "pc-sg-head");
  head.appendChild(el("h3", "pc-part-title", title));
  head.appendChild(el("span", "pc-meta pc-sg-explanation", part.explanation));
  if (can.suggest_groups) head.appendChild(sgAsk(s, cards.length > 0));
  section.appendChild(head);
  if (cards.length) {
    const list = el("ol", "pc-sg-list");
    for (const card of cards) list.appendChild(sgRow(s, card, can.group));
    section.appendChild(list);
  } else if (st.askedEmpty) {
    section.appendChild(el("p", "pc-meta pc-sg-none", "No alike ungrouped notes found."));
  }
  section.appendChild(sgOutlines(cards));
  return section;
};

// The notes most like a dragged note light up while it is dragged: asked
// for when the drag starts (drag.js calls this), only where the view says
// they may be (`parts.similar.may_ask`). The answer is one style rule keyed
// on the dragged card's class, so it goes out with the drag; an answer that
// comes after the drop, or a refusal, shows nothing.
async function askAlike(s, noteId) {
  const shown = s.root.querySelector(".pc-similar-style");
  if (shown) shown.remove();
  const part = s.view && s.view.parts && s.view.parts.similar;
  if (!part || !part.may_ask || !noteId) return;
  const drag = s.drag;
  let reply;
  try { reply = await post(s, "find_alike", { note_id: noteId }); } catch (error) { return; }
  if (!drag || s.drag !== drag || !reply || !reply.ok || !reply.preview
      || reply.preview.note_id !== noteId || !(reply.preview.alike || []).length) return;
  const dragged = `.pc-meeting:has(.pc-note.pc-dragging[data-note="${CSS.escape(noteId)}"])`;
  const targets = reply.preview.alike.map((id) => `.pc-note[data-note="${CSS.escape(id)}"]:not(.pc-ghost)`);
  const style = el("style", "pc-similar-style");
  style.dataset.transient = "";  // drawing leaves it be
  style.textContent = `${dragged} :is(${targets.join(",")}) { box-shadow: 0 0 0 3px var(--sg-near); }`;
  s.root.appendChild(style);
}

function sgState(s) {
  if (!s.suggestions) s.suggestions = { acrossColumns: false, askedEmpty: false };
  return s.suggestions;
}

function sgAsk(s, again) {
  const st = sgState(s);
  const box = el("div", "pc-sg-ask");
  const label = el("label", "pc-sg-across");
  const across = el("input");
  across.type = "checkbox";
  across.checked = st.acrossColumns;
  across.dataset.focus = "sg-across";
  across.onchange = (event) => { st.acrossColumns = event.currentTarget.checked; };
  label.appendChild(across);
  label.appendChild(document.createTextNode(" across columns"));
  box.appendChild(button(again ? "Suggest again" : "Suggest groups", "pc-button pc-primary pc-sg-go",
    async () => {
      const reply = await act(s, "suggest_groups", { across_columns: st.acrossColumns });
      st.askedEmpty = Boolean(reply && reply.ok && reply.view
        && !(reply.view.parts.suggestions.suggestions || []).length);
      s.focusAfter = "sg-go";
      render(s);
    }, { "data-focus": "sg-go",
         title: "Find groups of alike ungrouped notes (computed on this server; nothing is sent anywhere)" }));
  box.appendChild(label);
  return box;
}

function sgRow(s, card, mayGroup) {
  const row = el("li", "pc-sg-row");
  row.dataset.key = "sg:" + card.id;
  row.dataset.suggestion = card.id;
  row.appendChild(el("span", "pc-sg-mark", card.mark));
  const what = el("div", "pc-sg-what");
  const name = el("span", "pc-sg-name", card.name);
  what.appendChild(name);
  what.appendChild(el("span", "pc-meta pc-sg-where",
    plural(card.notes.length, "note") + " in " + card.step_title + (card.across ? " and other columns" : "")));
  const members = el("span", "pc-sg-notes");
  members.textContent = card.notes.map((note) => "#" + note.number + " " + note.text).join("  ·  ");
  what.appendChild(members);
  row.appendChild(what);
  if (mayGroup) {
    const buttons = el("div", "pc-sg-buttons");
    buttons.appendChild(button("Accept", "pc-button pc-primary pc-sg-accept",
      () => sgDecide(s, "accept_suggestion", card.id),
      { "aria-label": `Accept suggested group ${card.mark}: ${card.name}`, "data-focus": "sg-accept:" + card.id }));
    buttons.appendChild(button("Dismiss", "pc-link pc-sg-dismiss",
      () => sgDecide(s, "dismiss_suggestion", card.id),
      { "aria-label": `Dismiss suggested group ${card.mark}: ${card.name}`, "data-focus": "sg-dismiss:" + card.id }));
    row.appendChild(buttons);
  }
  return row;
}

// After a decision the focus goes to the next suggestion's Accept (or the
// ask button, or the first one left), so a keyboard user can go on.
async function sgDecide(s, type, suggestionId) {
  const cards = (s.view.parts.suggestions && s.view.parts.suggestions.suggestions) || [];
  const at = cards.findIndex((card) => card.id === suggestionId);
  const next = cards[at + 1] || cards[at - 1];
  await act(s, type, { suggestion_id: suggestionId });
  s.focusAfter = next ? "sg-accept:" + next.id : "sg-go";
  render(s);
}

// The suggested notes, outlined and numbered on the board.
function sgOutlines(cards) {
  const rules = [];
  for (const card of cards) {
    for (const note of card.notes) {
      const sel = `.pc-meeting .pc-note[data-note="${CSS.escape(note.id)}"]:not(.pc-ghost)`;
      rules.push(`${sel} { outline: 2px dashed var(--sg-mark); outline-offset: 2px; }`);
      rules.push(`${sel}::after { content: "${Number(card.mark)}"; }`);
    }
  }
  const style = el("style", "pc-sg-style");
  style.textContent = rules.join("\n");
  return style;
}
