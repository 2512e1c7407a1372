// --- the meeting's parts, top to bottom ------------------------------------------

// Each part's file adds its drawing here: PART_RENDERERS[key] = (s, part) => element.
const PART_RENDERERS = {};

// The whole board: its parts in the order the server lays them out
// (view.board.layout), the note columns among them.
function renderBoard(s) {
  const view = s.view;
  const meeting = el("div", "pc-meeting");
  for (const { key, title } of view.board.layout) {
    const drawn = key === "columns" ? renderColumns(s) : renderPart(s, key, title, view.parts[key]);
    if (!drawn) continue;
    const section = el("div", "pc-part pc-part-" + key);
    section.dataset.key = "part:" + key;
    section.dataset.part = key;
    section.appendChild(drawn);
    meeting.appendChild(section);
  }
  return meeting;
}

function renderPart(s, key, title, part) {
  const draw = PART_RENDERERS[key];
  if (!draw || !part) return null;
  return draw(s, part, title);
}
