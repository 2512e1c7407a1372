// --- the summary part ---------------------------------------------------------

PART_RENDERERS.summary = function (s, part, title) {
  const section = el("section", "pc-part-body");
  section.setAttribute("aria-label", title);
  section.appendChild(el("h3", "pc-part-title", title));
  return section;
};
