// --- the timeline part: the moments of the incident along a time axis ----------
//
// The server places each event on the axis (its `offset`, 0 to 1), finds the
// impact window and measures the durations; this file only draws them, in
// the board's zone or one the viewer picks (kept in this browser only, since
// it changes nothing but what is shown). What a person types is sent as
// typed, with the zone it was typed in, and read on the server.

const TL_ZONE_KEY = "postmortem-canvas:timeline-zone:";
// Markers closer than this (in pixels) stack instead of covering each other.
const TL_MARKER_GAP = 24;
const TL_MAX_ROWS = 4;
const TL_FORMATS = new Map();

PART_RENDERERS.timeline = function (s, part, title) {
  const t = tlState(s);
  const zone = tlZone(s, part);
  const can = s.view.can;
  const section = el("section", "pc-part-body pc-tl");
  section.setAttribute("aria-label", title);

  const head = el("div", "pc-tl-head");
  head.appendChild(el("h3", "pc-part-title", title));
  head.appendChild(el("span", "pc-meta", plural(part.events.length, "event")));
  head.appendChild(tlZonePicker(s, part, zone));
  if (can.edit_timeline) {
    head.appendChild(button(t.paste ? "Close the chat log" : "Paste a chat log", "pc-link pc-tl-paste-toggle", () => {
      t.paste = t.paste ? null : { text: "", day: tlDefaultDay(part, zone), preview: null, error: null };
      s.focusAfter = t.paste ? "tl-paste-text" : "tl-paste-toggle";
      render(s);
    }, { "data-focus": "tl-paste-toggle", "aria-expanded": String(Boolean(t.paste)) }));
  }
  section.appendChild(head);

  for (const warning of part.warnings) section.appendChild(el("p", "pc-tl-warning", "⚠ " + warning));
  if (part.events.length) {
    if (part.axis) section.appendChild(tlAxis(s, part, zone));
    section.appendChild(tlCards(s, part, zone));
  } else {
    section.appendChild(el("p", "pc-meta pc-tl-empty", can.edit_timeline
      ? "No events yet. Add the first moment below, or paste a chat log."
      : "No events on this timeline."));
  }
  if (part.events.length) section.appendChild(tlDurations(part, zone));
  if (t.editing && !part.events.some((event) => event.id === t.editing.id)) section.appendChild(tlOrphan(s));
  if (t.undo) section.appendChild(tlUndo(s));
  if (can.edit_timeline) section.appendChild(tlAddForm(s, part, zone));
  if (can.edit_timeline && t.paste) section.appendChild(tlPaste(s, part, zone));
  return section;
};

function tlState(s) {
  if (!s.tl) s.tl = { draft: null, editing: null, undo: null, paste: null, zone: undefined };
  return s.tl;
}

// --- zones and times --------------------------------------------------------------

function tlZone(s, part) {
  const t = tlState(s);
  if (t.zone === undefined) {
    try { t.zone = localStorage.getItem(TL_ZONE_KEY + s.view.board.id); } catch (error) { t.zone = null; }
  }
  return t.zone && tlFormat(t.zone) ? t.zone : part.zone;
}

function tlFormat(zone) {
  if (!TL_FORMATS.has(zone)) {
    let format = null;
    try {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
        minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short",
      });
    } catch (error) { /* a zone this browser does not know: the board's is used */ }
    TL_FORMATS.set(zone, format);
  }
  return TL_FORMATS.get(zone);
}

// An instant in `zone`: its day ("2019-07-02"), its clock ("13:42", with
// seconds only when there are some) and the zone's short name.
function tlParts(iso, zone) {
  const parts = {};
  for (const { type, value } of tlFormat(zone).formatToParts(new Date(iso))) parts[type] = value;
  const clock = parts.hour + ":" + parts.minute + (parts.second && parts.second !== "00" ? ":" + parts.second : "");
  return { day: `${parts.year}-${parts.month}-${parts.day}`, clock, zone: parts.timeZoneName };
}

function tlWhen(iso, zone) {
  const parts = tlParts(iso, zone);
  return `${parts.day} ${parts.clock} ${parts.zone}`;
}

function tlDefaultDay(part, zone) {
  const last = [...part.events].reverse().find((event) => event.in_range);
  if (last) return tlParts(last.at, zone).day;
  return part.incident_date || tlParts(new Date().toISOString(), zone).day;
}

function tlZonePicker(s, part, zone) {
  const label = el("label", "pc-tl-zone");
  label.appendChild(el("span", "pc-meta", "Times in"));
  const select = el("select", "pc-select");
  select.dataset.focus = "tl-zone";
  const options = part.zones.includes(zone) ? part.zones : [...part.zones, zone];
  for (const name of options) {
    select.appendChild(new Option(name === part.zone ? name + " (board)" : name, name));
  }
  select.value = zone;
  select.onchange = (event) => {
    const picked = event.currentTarget.value;
    const t = tlState(s);
    t.zone = picked === part.zone ? null : picked;
    try {
      if (t.zone) localStorage.setItem(TL_ZONE_KEY + s.view.board.id, t.zone);
      else localStorage.removeItem(TL_ZONE_KEY + s.view.board.id);
    } catch (error) { /* private mode: the pick lasts while the page is open */ }
    s.focusAfter = "tl-zone";
    render(s);
  };
  label.appendChild(select);
  return label;
}

// --- the axis ------------------------------------------------------------------------

function tlAxis(s, part, zone) {
  const axis = el("div", "pc-tl-axis");
  axis.dataset.key = "tl-axis";
  const existing = s.root.querySelector(".pc-tl-track");
  const width = (existing && existing.clientWidth) || Math.max(s.root.clientWidth - 40, 600);
  const rows = tlRows(part.events, width);
  const height = Math.max(...rows, 0) + 1;
  const track = el("div", "pc-tl-track");
  // The first row is the impact window's label; the markers stack below it.
  track.style.height = (height * 23 + 26) + "px";
  if (part.impact) {
    const band = el("div", "pc-tl-impact" + (part.impact.open ? " pc-tl-impact-open" : ""));
    band.style.left = (part.impact.from * 100) + "%";
    band.style.width = Math.max((part.impact.to - part.impact.from) * 100, 0.6) + "%";
    const words = part.impact.open ? "Impact (no end yet)" : "Impact";
    band.appendChild(el("span", "pc-tl-impact-label", words));
    band.title = words + " from " + tlWhen(part.impact.start_at, zone)
      + (part.impact.end_at ? " to " + tlWhen(part.impact.end_at, zone) : "");
    track.appendChild(band);
  }
  track.appendChild(el("div", "pc-tl-line"));
  part.events.forEach((event, index) => {
    if (event.offset === null) return;
    const marker = button(String(event.number), "pc-tl-marker pc-tl-kind-" + event.kind
      + (event.anchor ? " pc-tl-marker-anchor" : "") + (event.approximate ? " pc-tl-marker-approx" : ""),
    () => tlShowCard(s, event.id), {
      "aria-label": `Event ${event.number}: ${tlWhen(event.at, zone)}, ${event.kind_label}`,
      title: `${event.number} · ${tlWhen(event.at, zone)} · ${event.kind_label}\n${event.text}`,
    });
    marker.style.left = (event.offset * 100) + "%";
    marker.style.top = (rows[index] * 23 + 16) + "px";
    track.appendChild(marker);
  });
  axis.appendChild(track);
  axis.appendChild(tlTicks(part, zone));
  return axis;
}

// Which row each marker sits in: the first row whose last marker is far
// enough to the left, so markers of the same minute stack, not cover.
function tlRows(events, width) {
  const ends = [];
  return events.map((event) => {
    if (event.offset === null) return 0;
    const x = event.offset * width;
    let row = ends.findIndex((end) => x - end >= TL_MARKER_GAP);
    if (row === -1) row = ends.length < TL_MAX_ROWS ? ends.length : ends.indexOf(Math.min(...ends));
    ends[row] = x;
    return row;
  });
}

const TL_TICK_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200];

// Round times along the axis: a step chosen so about six fit.
function tlTicks(part, zone) {
  const ticks = el("div", "pc-tl-ticks");
  ticks.setAttribute("aria-hidden", "true");
  const start = Date.parse(part.axis.start), end = Date.parse(part.axis.end);
  const span = end - start;
  const place = (time) => span > 0 ? part.axis.margin + (1 - 2 * part.axis.margin) * (time - start) / span : 0.5;
  let times = [start];
  if (span > 0) {
    const step = (TL_TICK_MINUTES.find((minutes) => span / (minutes * 60000) <= 6) || 43200) * 60000;
    times = [];
    for (let time = Math.ceil(start / step) * step; time <= end; time += step) times.push(time);
    if (!times.length) times = [start, end];
  }
  const days = new Set(times.map((time) => tlParts(new Date(time).toISOString(), zone).day));
  for (const time of times) {
    const parts = tlParts(new Date(time).toISOString(), zone);
    const label = (days.size > 1 ? parts.day.slice(5) + " " : "") + parts.clock;
    const tick = el("span", "pc-tl-tick", label);
    tick.style.left = (place(time) * 100) + "%";
    ticks.appendChild(tick);
  }
  const first = tlParts(part.axis.start, zone);
  ticks.appendChild(el("span", "pc-tl-tick-day", days.size > 1 ? first.zone : `${first.day} · ${first.zone}`));
  ticks.appendChild(el("span", "pc-tl-legend", "Squares: the moments the durations are measured from. "
    + "Dashed: an approximate time."));
  return ticks;
}

function tlShowCard(s, eventId) {
  const card = s.root.querySelector(`.pc-tl-event[data-event-id="${CSS.escape(eventId)}"]`);
  if (!card) return;
  card.scrollIntoView({ block: "nearest", inline: "center" });
  card.focus({ preventScroll: true });
}

// --- the events, in time order ------------------------------------------------------

function tlCards(s, part, zone) {
  const list = el("ol", "pc-tl-events");
  list.setAttribute("aria-label", "Events in time order");
  let previousDay = null;
  for (const event of part.events) {
    const day = tlParts(event.at, zone).day;
    list.appendChild(tlCard(s, part, event, zone, day !== previousDay));
    previousDay = day;
  }
  return list;
}

function tlCard(s, part, event, zone, showDay) {
  const t = tlState(s);
  const can = s.view.can;
  const card = el("li", "pc-tl-event pc-tl-kind-" + event.kind + (event.anchor ? " pc-tl-event-anchor" : ""));
  card.dataset.key = "event:" + event.id;
  card.dataset.drop = "event";
  card.dataset.eventId = event.id;
  card.dataset.focus = "event:" + event.id;
  card.tabIndex = -1;
  // A moment is evidence for a learning: dragged onto the card.
  if (can.edit_learnings && s.view.parts.learnings && !(t.editing && t.editing.id === event.id)) {
    card.classList.add("pc-tl-draggable");
    card.onpointerdown = (down) => pointerDown(s, down, null, down.currentTarget, { kind: "event", itemId: event.id });
  }
  if (t.editing && t.editing.id === event.id) {
    card.classList.add("pc-tl-editing");
    card.appendChild(tlEditor(s, part, event));
    return card;
  }
  const when = tlParts(event.at, zone);
  const top = el("div", "pc-tl-event-top");
  top.appendChild(el("span", "pc-tl-number", event.number));
  const time = el("time", "pc-tl-time", (showDay ? when.day + " " : "") + when.clock
    + (event.approximate ? " ≈" : ""));
  time.dateTime = event.at;
  time.title = tlWhen(event.at, zone) + (event.approximate ? " (approximate)" : "");
  top.appendChild(time);
  top.appendChild(el("span", "pc-tl-kind", event.kind_label));
  card.appendChild(top);
  if (!event.in_range) card.appendChild(el("p", "pc-tl-warning", "⚠ Outside the supported dates: edit or delete it."));
  const text = el("p", "pc-tl-text", event.text);
  text.title = event.text;
  card.appendChild(text);
  if (event.assumption) card.appendChild(el("p", "pc-tl-assumption", "Assumption to verify"));
  if (event.notes.length) card.appendChild(tlLinkedNotes(s, event));
  const tools = el("div", "pc-tl-tools");
  if (can.edit_timeline) {
    tools.appendChild(button("Edit", "pc-link", () => {
      const start = tlParts(event.at, zone);
      t.editing = { id: event.id, zone, day: start.day, time: start.clock, kind: event.kind, text: event.text,
                    start: { day: start.day, time: start.clock, kind: event.kind, text: event.text },
                    base: { at: event.at, kind: event.kind, text: event.text }, error: null };
      s.focusAfter = "tl-edit-time:" + event.id;
      render(s);
    }, { "aria-label": `Edit event ${event.number}`, "data-focus": "tl-edit:" + event.id }));
    tools.appendChild(button("Delete", "pc-link", async () => {
      const reply = await act(s, "delete_event", { event_id: event.id });
      if (reply.ok) { t.undo = { id: event.id, text: event.text }; s.focusAfter = "tl-undo"; render(s); }
    }, { "aria-label": `Delete event ${event.number}` }));
  }
  if (can.mark_assumption) {
    // The name starts with the words on the button, so a person who speaks
    // what they see (voice control) reaches it; those words tell the state.
    const words = event.assumption ? "Mark verified" : "Mark assumption";
    tools.appendChild(button(words, "pc-link", () => {
      s.focusAfter = "tl-assume:" + event.id;
      act(s, "mark_event_assumption", { event_id: event.id, assumption: !event.assumption });
    }, { "aria-label": event.assumption ? `${words}: event ${event.number}, now an assumption`
                                          : `${words}: event ${event.number}`,
         "data-focus": "tl-assume:" + event.id }));
  }
  if (s.view.can.link_note) tools.appendChild(tlLinkNote(s, event));
  if (tools.children.length) card.appendChild(tools);
  return card;
}

// Linking a note without dragging it: the board's notes, column by column,
// as this person sees them.
function tlLinkNote(s, event) {
  const select = el("select", "pc-select pc-tl-link");
  select.dataset.key = "tl-link:" + event.id;
  select.dataset.focus = "tl-link:" + event.id;
  select.setAttribute("aria-label", `Link a note to event ${event.number}`);
  select.appendChild(new Option("Link a note…", ""));
  const linked = new Set(event.notes.map((note) => note.id));
  fillWhenReached(select, () => s.view.columns.map((column) => ({
    title: column.title,
    options: notesIn(column).filter((note) => !linked.has(note.id)).sort((a, b) => a.number - b.number)
      .map((note) => ({ id: note.id, label: tlNoteLabel(note) })),
  })).filter((group) => group.options.length));
  select.onchange = (change) => {
    const list = change.currentTarget;
    const noteId = list.value;
    if (!noteId) return;
    // Back to "Link a note…", filled anew when next reached: the note just
    // linked leaves the list.
    list.value = "";
    delete list.dataset.filled;
    s.focusAfter = "tl-link:" + event.id;
    act(s, "link_note", { note_id: noteId, event_id: event.id });
  };
  return select;
}

function tlNoteLabel(note) {
  const text = oneLine(note.text);
  return "#" + note.number + " · " + (text.length > 80 ? text.slice(0, 79) + "…" : text);
}

function tlLinkedNotes(s, event) {
  const box = el("ul", "pc-tl-notes");
  box.setAttribute("aria-label", `Notes about event ${event.number}`);
  for (const note of event.notes) {
    const item = el("li", "pc-tl-note");
    item.style.background = note.colour_hex;
    item.appendChild(el("span", "pc-tl-note-text", "#" + note.number + " " + note.text));
    if (s.view.can.link_note) {
      item.appendChild(button("Unlink", "pc-link", () => {
        s.focusAfter = "event:" + event.id;
        act(s, "link_note", { note_id: note.id, event_id: null });
      }, { "aria-label": `Unlink note #${note.number} from event ${event.number}` }));
    }
    box.appendChild(item);
  }
  return box;
}

// --- the durations ---------------------------------------------------------------------

function tlDurations(part, zone) {
  const list = el("dl", "pc-tl-durations");
  list.setAttribute("aria-label", "Durations");
  for (const metric of part.metrics) {
    const item = el("div", "pc-tl-metric" + (metric.seconds === null ? " pc-tl-metric-missing" : ""));
    item.dataset.metric = metric.name;
    item.appendChild(el("dt", "pc-tl-metric-label", metric.label));
    const value = el("dd", "pc-tl-metric-value", metric.value);
    item.appendChild(value);
    item.appendChild(el("dd", "pc-tl-formula", tlFormula(metric, zone)));
    list.appendChild(item);
  }
  return list;
}

// "= detected 13:45 − impact start 13:42": the formula with the anchors'
// times, dated when the two fall on different days.
function tlFormula(metric, zone) {
  if (!metric.start || !metric.end) return metric.formula;
  const end = tlParts(metric.end.at, zone), start = tlParts(metric.start.at, zone);
  const dated = end.day !== start.day;
  const at = (parts, anchor) => (anchor.approximate ? "≈" : "") + (dated ? parts.day.slice(5) + " " : "") + parts.clock;
  return `= ${metric.end.label.toLowerCase()} ${at(end, metric.end)} − ${metric.start.label.toLowerCase()} `
    + `${at(start, metric.start)}`;
}
