// --- the meeting's parts, top to bottom ------------------------------------------

// Each part's file adds its drawing here: PART_RENDERERS[key] = (s, part) => element.
const PART_RENDERERS = {};

// The whole board: its parts in the order the server lays them out
// (view.board.layout), the note columns among them.
function renderBoard(s) {
  const view = s.view;
  const meeting = el("div", "pc-meeting");
  for (const { key, title } of view.board.layout) {
    const inputs = [view.parts[key], view.can, view.me, view.people, view.board.id, s.localTick];
    const draw = () => {
      const drawn = key === "columns" ? renderColumns(s) : renderPart(s, key, title, view.parts[key]);
      if (!drawn) return null;
      const section = el("div", "pc-part pc-part-" + key);
      section.dataset.key = "part:" + key;
      section.dataset.part = key;
      section.appendChild(drawn);
      return section;
    };
    // The columns keep their own notes and columns (see renderColumns).
    const part = key === "columns" ? draw() : kept(s, "part:" + key, inputs, "div", draw);
    if (part) meeting.appendChild(part);
  }
  return meeting;
}

// The foot of a card someone is changing: the refusal if there was one; once
// someone else's save has arrived (`theirs`, what it says, or null), their
// version with "Save mine over theirs" and "Take theirs"; Save and Cancel
// otherwise. The person's own text stays in the card above.
function editFoot({ key, className, theirsClass, error, theirs, focus, onSave, onCancel,
                    saveAttrs = {}, cancelAttrs = {} }) {
  const box = el("div", className);
  box.dataset.key = key;
  if (error) {
    const said = el("p", "pc-error", error);
    said.setAttribute("role", "alert");
    box.appendChild(said);
  }
  if (theirs !== null) box.appendChild(el("p", theirsClass, theirs));
  const buttons = el("div", "pc-editor-buttons");
  if (theirs !== null) {
    buttons.appendChild(button("Save mine over theirs", "pc-button pc-primary", () => onSave(true),
                               { "data-focus": focus }));
    buttons.appendChild(button("Take theirs", "pc-link", onCancel));
  } else {
    buttons.appendChild(button("Save", "pc-button pc-primary", () => onSave(false),
                               { "data-focus": focus, ...saveAttrs }));
    buttons.appendChild(button("Cancel", "pc-link", onCancel, cancelAttrs));
  }
  box.appendChild(buttons);
  return box;
}

function renderPart(s, key, title, part) {
  const draw = PART_RENDERERS[key];
  if (!draw || !part) return null;
  return draw(s, part, title);
}

// --- places: going to a part, and following the facilitator ------------------------

// The board's places as a row of buttons (each scrolls the board there), the
// facilitator's "bring everyone here", and for everyone else whether they
// follow the facilitator. A person who looks around freely stays where they
// are when the facilitator moves, and can go back with one click.
function renderPlaces(s) {
  const view = s.view;
  const board = view.board;
  const row = el("div", "pc-bar-row pc-places-row");
  const nav = el("nav", "pc-places");
  nav.setAttribute("aria-label", "Parts of the board");
  const lead = board.lead;
  // The columns are one stop here (their own keys, [ and ], move between
  // them), so the row fits on one line beside the bar's other rows.
  const stops = [];
  for (const place of board.places || []) {
    const column = place.key.startsWith("column:");
    if (column && stops.some((stop) => stop.column)) continue;
    stops.push({ ...place, column, title: column ? "Notes" : place.title });
  }
  for (const place of stops) {
    const go = button(place.title, "pc-place", () => goToPlace(s, place.key), { "data-place": place.key });
    const led = lead && (lead.target === place.key || (place.column && lead.target.startsWith("column:")));
    if (led) {
      go.classList.add("pc-place-lead");
      go.setAttribute("aria-current", "location");
    }
    nav.appendChild(go);
  }
  row.appendChild(nav);
  if (view.can.lead) {
    row.appendChild(button("Bring everyone here", "pc-link pc-lead", () => {
      const here = placeInView(s);
      if (here) act(s, "lead", { target: here });
    }, { title: "Everyone who follows you scrolls to the part you are looking at" }));
    if (lead) {
      row.appendChild(el("span", "pc-following", `Everyone is with you at ${lead.title}`));
      row.appendChild(button("Let everyone look around", "pc-link", () => act(s, "lead", { target: null })));
    }
  } else if (lead) {
    if (s.lookingAround) {
      row.appendChild(button(`Back to the facilitator (${lead.title})`, "pc-link pc-back-to-lead", () => {
        s.lookingAround = false;
        s.shownLead = null;
        followLead(s);
        render(s);
      }));
    } else {
      row.appendChild(el("span", "pc-following", `Following the facilitator: ${lead.title}`));
      row.appendChild(button("Look around freely", "pc-link", () => {
        s.lookingAround = true;
        render(s);
      }));
    }
  }
  const progress = renderProgress(s);
  if (progress) row.appendChild(progress);
  return row;
}

// The room's progress, which only the facilitator's view carries: counts of
// people who have written per column, or each person's dots left.
function renderProgress(s) {
  const progress = s.view.progress;
  if (!progress) return null;
  const line = el("span", "pc-progress");
  line.setAttribute("aria-label", "How far everyone has got");
  if (progress.writers) {
    const titles = Object.fromEntries(s.view.columns.map((column) => [column.key, column.title]));
    const counts = Object.entries(progress.writers)
      .map(([key, count]) => `${titles[key] || key} ${count}/${progress.people}`);
    line.textContent = "Written: " + counts.join(" · ");
  } else if (progress.votes_left) {
    const waiting = progress.votes_left.filter((entry) => entry.left > 0);
    line.textContent = waiting.length
      ? `Dots left (${waiting.length} of ${progress.people}): `
        + waiting.map((entry) => `${entry.name} ${entry.left}`).join(" · ")
      : `Everyone has used their dots (${progress.people} people)`;
  } else {
    return null;
  }
  return line;
}

function placeElement(s, key) {
  return s.root.querySelector(`.pc-meeting [data-key="${CSS.escape(key)}"]`);
}

// Bring a place to just below the bar (which stays in view at the top), and
// a column into sight sideways.
function scrollToPlace(s, target) {
  if (target.matches(".pc-column")) target.scrollIntoView({ block: "nearest", inline: "start" });
  const bar = s.root.querySelector(".pc-bar");
  const stuckTop = bar ? parseFloat(getComputedStyle(bar).top) || 0 : 0;
  const below = bar ? stuckTop + bar.offsetHeight + 8 : 8;
  const page = scrollingAncestor(s.root);
  page.scrollBy({ top: target.getBoundingClientRect().top - below, behavior: "instant" });
}

function goToPlace(s, key) {
  const target = placeElement(s, key);
  if (!target) return;
  s.lastPlace = key;
  scrollToPlace(s, target);
  // A person who goes somewhere on their own is looking around.
  const lead = s.view.board.lead;
  if (lead && lead.target !== key && !s.view.can.lead) {
    s.lookingAround = true;
    render(s);
  }
}

// The place this person is looking at: the one they last went to while it is
// still in sight, else the first place in sight from the top (among the
// columns, the first one in sight sideways).
function placeInView(s) {
  const bar = s.root.querySelector(".pc-bar");
  const top = bar ? bar.getBoundingClientRect().bottom : 0;
  const inSight = (node) => {
    const box = node.getBoundingClientRect();
    if (box.bottom <= top + 40 || box.top >= window.innerHeight - 40) return false;
    if (!node.matches(".pc-column")) return true;
    const strip = node.parentElement.getBoundingClientRect();
    return box.right > strip.left + 40 && box.left < strip.right - 40;
  };
  const places = s.view.board.places || [];
  const last = s.lastPlace && placeElement(s, s.lastPlace);
  if (last && inSight(last)) return s.lastPlace;
  for (const place of places) {
    const node = placeElement(s, place.key);
    if (node && inSight(node)) return place.key;
  }
  return places.length ? places[0].key : null;
}

// Scroll to where the facilitator brought everyone, once per time they did,
// unless this person looks around freely.
function followLead(s) {
  const lead = s.view && s.view.board.lead;
  if (!lead || s.mode === "bar" || s.view.can.lead) return;
  const seen = lead.target + "#" + lead.count;
  if (s.shownLead === seen || s.lookingAround) return;
  s.shownLead = seen;
  const target = placeElement(s, lead.target);
  if (target) scrollToPlace(s, target);
}
