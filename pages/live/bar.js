// --- the top bar -------------------------------------------------------------

function renderBar(s) {
  const view = s.view;
  const board = view.board;
  const bar = el("header", "pc-bar");
  bar.setAttribute("aria-label", "Board controls");

  const first = el("div", "pc-bar-row");
  first.appendChild(el("span", "pc-title", board.title));
  const stepper = el("ol", "pc-stepper");
  stepper.setAttribute("aria-label", "Phases");
  for (const phase of board.phases) {
    const item = el("li", "pc-step");
    const label = item.appendChild(el("span", "pc-step-label", phase.label));
    if (phase.key === board.phase) {
      label.classList.add("pc-step-current");
      item.setAttribute("aria-current", "step");
    }
    stepper.appendChild(item);
  }
  first.appendChild(stepper);
  const facilitation = renderFacilitation(s);
  if (facilitation.children.length) first.appendChild(facilitation);
  bar.appendChild(first);

  const second = el("div", "pc-bar-row pc-bar-second");
  second.appendChild(el("span", "pc-explanation", board.explanation));
  const timer = el("span", "pc-timer");
  timer.hidden = true;
  second.appendChild(timer);
  if (view.me.show_budget) {
    const rules = board.vote_rules || {};
    const left = el("span", "pc-budget",
                    `Votes left: ${view.me.votes_left} of ${rules.budget}`);
    left.setAttribute("aria-live", "polite");
    second.appendChild(left);
  }
  second.appendChild(button("Copy share link", "pc-link pc-share", async (event) => {
    const link = location.origin + location.pathname.replace(/[^/]*$/, "") + "?board="
      + encodeURIComponent(view.board.id);
    try {
      await navigator.clipboard.writeText(link);
      event.target.textContent = "Link copied";
    } catch (error) {
      showMessage(s, "Share this link: " + link);
    }
  }, { title: "Everyone joins from this link with their own name" }));
  const present = view.present || [];
  const here = el("span", "pc-here", `Here (${present.length}): ${present.join(", ")}`);
  second.appendChild(here);
  const connection = el("span", "pc-connection pc-connection-" + s.connection,
                        connectionLabel(s.connection));
  connection.setAttribute("role", "status");
  second.appendChild(connection);
  bar.appendChild(second);
  if (s.mode !== "bar") bar.appendChild(renderPlaces(s));

  const message = el("div", "pc-message");
  message.setAttribute("role", "alert");
  if (s.message) {
    message.appendChild(el("span", "", s.message));
    const action = s.messageAction;
    if (action) {
      message.appendChild(button(action.label, "pc-button pc-message-action", () => action.run(),
                                 { "data-focus": "message-action" }));
    }
    message.appendChild(button("Dismiss", "pc-link", () => { s.message = null; s.messageAction = null; render(s); }));
  } else {
    message.hidden = true;
  }
  bar.appendChild(message);
  return bar;
}

function connectionLabel(state) {
  return { live: "● Live", reconnecting: "Reconnecting…", connecting: "Connecting…",
           gone: "Board deleted", "signed-out": "Signed out" }[state] || state;
}

function setConnection(s, state) {
  if (s.connection === state) return;
  s.connection = state;
  const node = s.root.querySelector(".pc-connection");
  if (node) {
    node.className = "pc-connection pc-connection-" + state;
    node.textContent = connectionLabel(state);
  }
}

function renderFacilitation(s) {
  const board = s.view.board;
  const can = s.view.can;
  const box = el("div", "pc-facilitation");
  box.setAttribute("aria-label", "Facilitator controls");
  for (const move of can.phase_moves || []) {
    const back = move.direction === "back";
    box.appendChild(button(back ? "◀ " + move.label : move.label + " ▶",
                           back ? "pc-button" : "pc-button pc-primary",
                           () => act(s, "set_phase", { phase: move.key }),
                           { "data-focus": "phase-" + move.direction }));
  }
  if (can.reveal_votes) {
    const revealed = board.votes_revealed;
    box.appendChild(button(revealed ? "Hide votes" : "Reveal votes", "pc-button",
                           () => act(s, "reveal_votes", { revealed: !revealed }),
                           { "data-focus": "reveal" }));
  }
  if (can.run_timer) {
    if (board.timer_ends_at) {
      box.appendChild(button("Stop timer", "pc-button", () => act(s, "stop_timer", {}),
                             { "data-focus": "timer-stop" }));
    } else {
      for (const minutes of board.timer_presets_minutes || []) {
        box.appendChild(button(`${minutes} min timer`, "pc-button",
                               () => act(s, "start_timer", { seconds: minutes * 60 }),
                               { "data-focus": `timer-${minutes}`,
                                 title: `Start a ${minutes}-minute timer that everyone sees` }));
      }
    }
  }
  return box;
}

function updateTimer(s) {
  const node = s.root.querySelector(".pc-timer");
  if (!node || !s.view) return;
  const board = s.view.board;
  const ends = board.timer_ends_at;
  if (!ends) { node.hidden = true; return; }
  // "Time is up" belongs to the phase the timer ran in, not to the next one.
  if (!(ends in s.timerPhase)) s.timerPhase[ends] = board.phase;
  const remaining = Math.ceil((Date.parse(ends) - Date.now()) / 1000);
  if (remaining > 0) {
    const minutes = Math.floor(remaining / 60);
    const seconds = String(remaining % 60).padStart(2, "0");
    node.textContent = `Timer ${minutes}:${seconds}`;
    node.className = "pc-timer";
    node.hidden = false;
  } else if (s.timerPhase[ends] === board.phase) {
    node.textContent = "Time is up";
    node.className = "pc-timer pc-timer-up";
    node.hidden = false;
  } else {
    node.hidden = true;
  }
}

// A message in the bar, gone after a while. One with an action (Undo) stays
// while the person is on its button, so reaching it by keyboard is enough.
function showMessage(s, text, { action = null, seconds = 10 } = {}) {
  s.message = text;
  s.messageAction = action;
  clearTimeout(s.messageTimer);
  const expire = () => {
    if (s.message !== text || s.messageAction !== action) return;
    const active = activeIn(s);
    if (action && active && active.dataset && active.dataset.focus === "message-action") {
      s.messageTimer = setTimeout(expire, 2000);
      return;
    }
    s.message = null;
    s.messageAction = null;
    if (s.view) render(s);
  };
  s.messageTimer = setTimeout(expire, seconds * 1000);
  if (s.view) render(s);
}

