// --- the board ---------------------------------------------------------------

// The note columns (and the discussion beside them): one part of the board.
function renderColumns(s) {
  const view = s.view;
  const part = el("div", "pc-columns");
  const board = el("div", "pc-board pc-phase-" + view.board.phase);
  board.setAttribute("aria-label", "Board");
  if (view.board.show.discussion) board.appendChild(renderDiscussion(s));
  const board_ = view.board;
  for (const column of view.columns) {
    const inputs = [column, view.can, view.me, board_.phase, board_.focus_item_id, board_.show.dots,
                    board_.show.discussion, s.localTick];
    board.appendChild(kept(s, "column:" + column.key, inputs, "section", () => renderColumn(s, column)));
  }
  part.appendChild(board);
  part.appendChild(el("p", "pc-keys", "Keyboard: Tab reaches each note; [ and ] (or Alt+← and Alt+→, "
    + "also while writing) jump to the column before or after"
    + (view.can.group ? "; M or Enter on a note opens Move." : ".")));
  return part;
}

function renderColumn(s, column) {
  const view = s.view;
  const section = el("section", "pc-column");
  section.dataset.key = "column:" + column.key;
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
  for (const note of column.notes) grid.appendChild(noteCard(s, column, note, null));
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
  frame.dataset.key = "cluster:" + cluster.id;
  frame.dataset.drop = "cluster";
  frame.dataset.cluster = cluster.id;
  frame.dataset.step = column.key;
  frame.dataset.item = cluster.id;
  if (view.board.focus_item_id === cluster.id) frame.classList.add("pc-focused");
  // A cluster is evidence for a learning: dragged by its frame (not its notes) onto the card.
  if (view.can.edit_learnings && view.parts.learnings) {
    frame.onpointerdown = (event) => {
      if (event.target.closest(".pc-note")) return;
      pointerDown(s, event, null, event.currentTarget, { kind: "cluster", itemId: cluster.id });
    };
  }
  const head = el("div", "pc-cluster-head");
  if (frame.onpointerdown) {
    const grip = el("span", "pc-cluster-grip", "⠿");
    grip.title = "Drag onto a learning as its evidence";
    grip.setAttribute("aria-hidden", "true");
    head.appendChild(grip);
  }
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
  for (const note of cluster.notes) grid.appendChild(noteCard(s, column, note, cluster));
  frame.appendChild(grid);
  return frame;
}

function renderRename(s, cluster) {
  const form = el("form", "pc-rename-form");
  const input = el("input", "pc-input");
  input.value = s.renaming.text;
  input.dataset.focus = "rename:" + cluster.id;
  input.setAttribute("aria-label", "Cluster name");
  input.oninput = (event) => { s.renaming.text = event.currentTarget.value; };
  input.onkeydown = (event) => {
    if (event.key === "Escape") { s.renaming = null; s.focusAfter = "cluster-name:" + cluster.id; render(s); }
  };
  form.appendChild(input);
  form.appendChild(button("Save", "pc-button pc-primary", (event) => event.target.closest("form").requestSubmit()));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const name = s.renaming.text.trim();
    if (!name) { showMessage(s, "A cluster needs a name."); return; }
    const reply = await act(s, "rename_cluster", { cluster_id: cluster.id, name });
    if (reply.ok) { s.renaming = null; s.focusAfter = "cluster-name:" + cluster.id; render(s); }
  };
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
    select.onchange = (event) => {
      const into = event.currentTarget.value;
      if (into) act(s, "merge_clusters", { cluster_id: cluster.id, into_id: into });
    };
    tools.appendChild(select);
  }
  return tools;
}

// A note drawn again only when it, where it sits, or what the viewer may do changed.
function noteCard(s, column, note, cluster) {
  const board = s.view.board;
  const inputs = [note, column.key, cluster && cluster.id, cluster && cluster.name, s.view.can,
                  board.phase, board.focus_item_id, board.show.dots, s.localTick];
  return kept(s, "note:" + note.id, inputs, "article", () => renderNote(s, column, note, cluster));
}

function renderNote(s, column, note, cluster) {
  (s.notesDrawn || (s.notesDrawn = new Set())).add(note.id);
  const view = s.view;
  const card = el("article", "pc-note");
  card.style.background = note.colour_hex;
  card.dataset.note = note.id;
  card.dataset.key = "note:" + note.id;
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
    card.onpointerdown = (event) => pointerDown(s, event, note.id, event.currentTarget);
  }
  card.setAttribute("aria-keyshortcuts", (note.may_move ? "M " : "") + "[ ] Alt+ArrowLeft Alt+ArrowRight");
  // The card on the page may be an earlier drawing of this one (see morph):
  // compare with the element the handler runs on, not this fresh `card`.
  card.onkeydown = (event) => {
    if (event.target !== event.currentTarget || jumpColumn(s, event, column.key)) return;
    if (note.may_move && (event.key === "m" || event.key === "M" || event.key === "Enter")) {
      event.preventDefault();
      openMenu(s, note.id);
    }
  };
  if (s.editing && s.editing.id === note.id) {
    card.appendChild(renderNoteEditor(s, note));
    return card;
  }
  card.appendChild(renderNoteText(s, note));
  if (note.nudge && note.nudge.length) card.appendChild(renderNudge(s, note));
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
      () => deleteNote(s, note),
      { "aria-label": `Delete note #${note.number}` }));
  }
  card.appendChild(foot);
  if (!cluster && view.board.focus_item_id === note.id) card.appendChild(el("div", "pc-focus-label", "In focus"));
  return card;
}

// A long note shows its first lines; "Show all" opens it in place. The
// button is offered only where the text was really cut (measured after each
// drawing, see measureClamps), so short notes carry no control.
function renderNoteText(s, note) {
  const wrap = el("div", "pc-note-body");
  const text = el("p", "pc-note-text", note.text);
  const open = s.expanded.has(note.id);
  if (!open) text.classList.add("pc-clamped");
  text.id = "text-" + note.id;
  wrap.appendChild(text);
  if (open || s.clipped.get(note.id) === note.text) {
    wrap.appendChild(button(open ? "Show less" : "Show all", "pc-link pc-more", () => {
      if (open) s.expanded.delete(note.id); else s.expanded.add(note.id);
      s.focusAfter = "more:" + note.id;
      render(s);
    }, { "aria-expanded": String(open), "aria-controls": "text-" + note.id,
         "aria-label": `${open ? "Show less of" : "Show all of"} note #${note.number}`,
         "data-focus": "more:" + note.id }));
  }
  return wrap;
}

// Which clamped notes lost lines; draws again when that changed. Only the
// notes drawn since the last look are measured: the others kept their text.
function measureClamps(s) {
  const drawn = s.notesDrawn || new Set();
  s.notesDrawn = new Set();
  if (!drawn.size) return false;
  let changed = false;
  for (const text of s.root.querySelectorAll(".pc-board .pc-note:not(.pc-ghost) .pc-note-text.pc-clamped")) {
    const id = text.closest(".pc-note").dataset.note;
    if (!drawn.has(id)) continue;
    const cut = text.scrollHeight > text.clientHeight + 1;
    const known = s.clipped.get(id) === text.textContent;
    if (cut && !known) { s.clipped.set(id, text.textContent); changed = true; }
    else if (!cut && s.clipped.has(id)) { s.clipped.delete(id); changed = true; }
  }
  return changed;
}

// Only the writer receives a nudge (the server puts it on their own notes).
// `said` tells who sees it: a note's nudge only its writer, the summary card's everyone.
function renderNudge(s, note, said = "Only you see this.") {
  const box = el("div", "pc-nudge");
  box.setAttribute("role", "note");
  for (const flag of note.nudge) {
    const line = el("p", "pc-nudge-line");
    // A request the practice refuses says so, and where the question belongs instead.
    line.appendChild(el("strong", "", flag.boundary ? "Outside a blameless review" : "Nudge"));
    line.appendChild(document.createTextNode(` · “${flag.phrase}” — ${flag.explanation} `));
    line.appendChild(el("em", "", "Try: "));
    line.appendChild(document.createTextNode(flag.suggestion));
    if (flag.referral) line.appendChild(document.createTextNode(` ${flag.referral}`));
    box.appendChild(line);
  }
  box.appendChild(el("p", "pc-nudge-only", said));
  return box;
}

// Deleting takes one click, so it can be taken back for a few seconds.
const UNDO_SECONDS = 6;

async function deleteNote(s, note) {
  const reply = await act(s, "delete_note", { note_id: note.id });
  if (!reply.ok) return;
  showMessage(s, `Note #${note.number} deleted.`, {
    seconds: UNDO_SECONDS,
    action: { label: "Undo", run: async () => {
      const back = await act(s, "restore_note", { note_id: note.id });
      if (back.ok) {
        s.message = null;
        s.focusAfter = "note:" + note.id;
        render(s);
      }
    } },
  });
  s.focusAfter = "message-action";
  render(s);
}

// Move keyboard focus to the column before or after: its first note, or its
// composer when it has no notes. `[` and `]` on a note, Alt+Left and
// Alt+Right on a note or in the composer. True when the key was taken.
function jumpColumn(s, event, step) {
  let direction = 0;
  if (event.altKey && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
    direction = event.key === "ArrowLeft" ? -1 : 1;
  } else if (!event.altKey && !event.ctrlKey && !event.metaKey && event.target.nodeName !== "TEXTAREA"
             && (event.key === "[" || event.key === "]")) {
    direction = event.key === "[" ? -1 : 1;
  }
  if (!direction) return false;
  event.preventDefault();
  const columns = [...s.root.querySelectorAll(".pc-board .pc-column[data-step]")];
  const at = columns.findIndex((column) => column.dataset.step === step);
  const next = columns[at + direction];
  if (!next) return true;
  const target = next.querySelector(".pc-note:not(.pc-ghost)") || next.querySelector(".pc-composer-text");
  if (target) {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  return true;
}

function renderNoteEditor(s, note) {
  const box = el("div", "pc-note-editor");
  box.dataset.key = "edit:" + note.id;
  const area = el("textarea", "pc-input pc-composer-text");
  area.value = s.editing.text;
  area.rows = 3;
  area.dataset.focus = "edit:" + note.id;
  area.setAttribute("aria-label", `Text of note #${note.number}`);
  area.oninput = (event) => { s.editing.text = event.currentTarget.value; };
  const save = async () => {
    const reply = await act(s, "edit_note", { note_id: note.id, text: s.editing.text,
                                              colour: note.colour, version: note.version },
                            { quiet: true });
    if (reply.ok) { s.editing = null; s.focusAfter = "note:" + note.id; }
    else if (s.editing) { s.editing.error = reply.message || "The note was not saved."; }
    render(s);
  };
  area.onkeydown = (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); save(); }
    if (event.key === "Escape") { s.editing = null; s.focusAfter = "note:" + note.id; render(s); }
  };
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
        () => castVote(s, "unvote", itemId, mine),
        { "aria-label": `Take back a vote from ${label}`, title: "Take this vote back",
          "data-focus": "unvote:" + itemId }));
    } else {
      row.appendChild(el("span", "pc-dot pc-dot-mine"));
    }
  }
  if (view.can.vote) {
    const add = button("+ Vote", "pc-vote",
      () => castVote(s, "vote", itemId, mine),
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

// A vote or a vote taken back keeps the keyboard on the item: the button
// pressed may be gone (the last dot) or disabled (the limit reached), so
// focus goes to the item's other vote button.
async function castVote(s, type, itemId, seen) {
  const before = activeIn(s);
  const wasHere = Boolean(before && before.closest && before.closest(`[data-dots="${CSS.escape(itemId)}"]`));
  await act(s, type, { item_id: itemId, seen });
  const row = wasHere && s.root.querySelector(`.pc-board [data-dots="${CSS.escape(itemId)}"]`);
  if (!row) return;
  const target = row.querySelector(".pc-vote:not([disabled])") || row.querySelector("button.pc-dot-mine");
  if (target && activeIn(s) !== target) target.focus();
}

function renderComposer(s, column) {
  const draft = s.drafts[column.key] || (s.drafts[column.key] = { text: "", colour: s.lastColour || "yellow", error: null });
  const box = el("div", "pc-composer");
  box.dataset.key = "compose:" + column.key;
  const area = el("textarea", "pc-input pc-composer-text");
  area.value = draft.text;
  area.rows = 2;
  area.placeholder = "Add a note… (Enter saves, Shift+Enter: new line)";
  area.setAttribute("aria-keyshortcuts", "Alt+ArrowLeft Alt+ArrowRight");
  area.dataset.focus = "compose:" + column.key;
  area.setAttribute("aria-label", `New note for ${column.title}`);
  area.style.background = colourHex(s, draft.colour);
  area.oninput = (event) => { draft.text = event.currentTarget.value; };
  area.onkeydown = (event) => {
    if (jumpColumn(s, event, column.key)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitNote(s, column, draft);
    }
  };
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
    // Only clear what was sent: typing may have gone on meanwhile. The box
    // in use keeps what it holds through a redraw, so it is emptied here.
    if (draft.text === text) {
      draft.text = "";
      const box = s.root.querySelector(`[data-focus="compose:${CSS.escape(column.key)}"]`);
      if (box && box.value === text) box.value = "";
    }
    draft.error = null;
  } else {
    draft.error = reply.message || "The note was not saved.";
  }
  s.focusAfter = "compose:" + column.key;
  render(s);
}

