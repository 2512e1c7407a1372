// --- the Jira cards: the blind estimation round -------------------------------------
// (part_jira.js draws the part; this file, its round above the columns.)

function jiraRound(s, part) {
  const ui = jiraState(s);
  const round = part.round;
  const card = jiraFind(part, round.card_id);
  const box = el("div", "pc-jira-round");
  box.dataset.key = "jira-round:" + round.card_id;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", "Estimation round");
  box.appendChild(el("strong", "pc-jira-round-title",
                     "Estimating " + (card ? card.key + " " + card.summary : "a card")));
  const facilitating = s.view.can.facilitate && part.flags.run_estimation;
  if (!round.revealed) {
    box.appendChild(el("p", "pc-meta", round.count
      ? `${plural(round.count, "estimate")} in, hidden until revealed: ${round.estimated.join(", ")}`
      : "Estimates stay hidden until the facilitator reveals them."));
    if (part.flags.estimate && s.view.me && s.view.me.id) {
      const picks = el("div", "pc-jira-scale");
      picks.setAttribute("role", "group");
      picks.setAttribute("aria-label", "Your estimate");
      for (const value of part.scale) {
        const chosen = ui.mine[round.card_id] === value;
        picks.appendChild(button(value, "pc-button pc-jira-pick" + (chosen ? " pc-jira-chosen" : ""), async () => {
          ui.mine[round.card_id] = value;
          s.focusAfter = "jira-est:" + value;
          render(s);
          await act(s, "jira_estimate", { card_id: round.card_id, value });
        }, { "data-focus": "jira-est:" + value, "aria-pressed": String(chosen) }));
      }
      box.appendChild(picks);
    }
    if (facilitating) {
      box.appendChild(button("Reveal estimates", "pc-button pc-primary pc-jira-reveal",
                             () => act(s, "jira_reveal", { card_id: round.card_id }),
                             { "data-focus": "jira-reveal" }));
    }
    return box;
  }
  const list = el("ul", "pc-jira-estimates");
  for (const entry of round.estimates || []) {
    const item = el("li", "pc-jira-estimate");
    item.appendChild(el("span", "pc-jira-who", entry.name));
    item.appendChild(el("strong", "pc-jira-value", entry.value));
    list.appendChild(item);
  }
  if (!(round.estimates || []).length) list.appendChild(el("li", "pc-meta", "Nobody estimated."));
  box.appendChild(list);
  if (facilitating) {
    const settle = el("div", "pc-jira-scale");
    settle.setAttribute("role", "group");
    settle.setAttribute("aria-label", "Settle the story points");
    settle.appendChild(el("span", "pc-meta", "Settle:"));
    for (const value of part.scale) {
      settle.appendChild(button(value, "pc-button pc-jira-settle",
                                () => act(s, "jira_settle", { card_id: round.card_id, value }),
                                { "data-focus": "jira-settle:" + value, "aria-label": "Settle " + value }));
    }
    box.appendChild(settle);
  } else {
    box.appendChild(el("p", "pc-meta", "The facilitator settles the value."));
  }
  return box;
}
