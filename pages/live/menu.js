// --- moving notes: the menu (mouse or keyboard) ------------------------------

// The server lists where a note can go, and says whether each loose note
// of a column is a target too (a new cluster with it). Where the note is now
// stays in the list, marked, and the menu opens on it: Enter at once moves
// nothing.
function moveTargets(s, noteId) {
  const here = s.index.notes[noteId].note;
  return s.view.columns.map((column) => {
    const targets = [...(column.move_targets || [])];
    if (column.onto_loose_notes) {
      for (const note of column.notes) {
        if (note.id === noteId) continue;
        targets.push({ key: "note:" + note.id, label: `New cluster with #${note.number}`,
                       move: { step_key: column.key, cluster_id: null, onto_note_id: note.id } });
      }
    }
    return { title: column.title, options: targets.map((target) => ({ ...target, here: target.key === here.place })) };
  }).filter((group) => group.options.length);
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
  if (!s.menu) return null;
  if (!s.index.notes[s.menu.note] || !s.index.notes[s.menu.note].note.may_move) { s.menu = null; return null; }
  const card = s.root.querySelector(`[data-note="${CSS.escape(s.menu.note)}"]`);
  const here = s.index.notes[s.menu.note];
  const menu = el("div", "pc-menu");
  menu.dataset.key = "menu:" + s.menu.note;
  menu.setAttribute("role", "menu");
  menu.setAttribute("aria-label", `Move note #${here.note.number} to`);
  menu.appendChild(el("div", "pc-menu-title", `Move #${here.note.number} to…`));
  const groups = moveTargets(s, s.menu.note);
  const options = groups.flatMap((group) => group.options);
  const start = options.find((option) => option.here) || options[0];
  for (const group of groups) {
    menu.appendChild(el("div", "pc-menu-group", group.title));
    for (const option of group.options) {
      const item = option.here
        ? button(option.label + " (where it is now)", "pc-menu-item pc-menu-here", () => closeMenu(s),
                 { role: "menuitem", tabindex: "-1", "aria-current": "location" })
        : button(option.label, "pc-menu-item", () => {
          closeMenu(s);
          moveNote(s, s.index.notes[here.note.id] ? here.note.id : null, option.move);
        }, { role: "menuitem", tabindex: "-1" });
      item.dataset.key = option.key;
      if (option === start) { item.dataset.focus = "menu-first"; item.tabIndex = 0; }
      menu.appendChild(item);
    }
  }
  menu.appendChild(button("Cancel", "pc-menu-item pc-menu-cancel", () => closeMenu(s),
                          { role: "menuitem", tabindex: "-1" }));
  menu.onkeydown = (event) => {
    const items = [...event.currentTarget.querySelectorAll(".pc-menu-item")];
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
  };
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
  return menu;
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

