// Draws the counterexample's sequence diagram from DATA (explore_html.cpp).
#include "report/detail/scripts.hpp"

namespace weir::report::detail {

const std::string_view kExploreScript = R"js(
const COL = 110, ROW = 30, TOP = 40, LEFT = 60;
const svg = document.getElementById("seq");
const tip = document.getElementById("tip");
const actors = DATA.actors.length ? DATA.actors : ["model"];
const col = new Map(actors.map((a, i) => [a, i]));
const cx = a => LEFT + (col.has(a) ? col.get(a) : 0) * COL + COL / 2;
function esc(s) {
  return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"})[c]);
}
const textX = LEFT + actors.length * COL + 10;
const W = textX + 900, H = TOP + (DATA.steps.length + 1) * ROW + 10;
const parts = [`<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#37474f"/></marker></defs>`];
// Row backgrounds first (they take the hover), then the lifelines over them.
DATA.steps.forEach((s, i) => {
  const y = TOP + (i + 1) * ROW;
  parts.push(`<rect class="step" data-i="${i}" x="0" y="${y - ROW / 2}" width="${W}" height="${ROW}" fill="${i % 2 ? "#fafafa" : "#fff"}"/>`);
});
actors.forEach(a => {
  parts.push(`<text x="${cx(a)}" y="20" text-anchor="middle" font-weight="bold">${esc(a)}</text>`);
  parts.push(`<line x1="${cx(a)}" y1="28" x2="${cx(a)}" y2="${H - 6}" stroke="#bbb" stroke-dasharray="4 3" pointer-events="none"/>`);
});
const last = DATA.steps.length - 1;
DATA.steps.forEach((s, i) => {
  const y = TOP + (i + 1) * ROW;
  const hot = i === last && DATA.violated;
  const colour = hot ? "#d32f2f" : "#37474f";
  parts.push(`<text x="6" y="${y + 4}" pointer-events="none">${i + 1}</text>`);
  if (s.to && s.from && s.to !== s.from) {
    parts.push(`<line x1="${cx(s.from)}" y1="${y - 6}" x2="${cx(s.to)}" y2="${y + 6}" stroke="${colour}" stroke-width="1.5" marker-end="url(#a)" pointer-events="none"/>`);
  } else {
    const who = s.from || s.to;
    parts.push(`<rect x="${cx(who) - 14}" y="${y - 7}" width="28" height="14" rx="3" fill="${hot ? "#ffcdd2" : "#e3f2fd"}" stroke="${colour}" pointer-events="none"/>`);
  }
  parts.push(`<text x="${textX}" y="${y + 4}" fill="${colour}" pointer-events="none">${esc(s.action)}</text>`);
});
svg.setAttribute("width", W);
svg.setAttribute("height", H);
svg.innerHTML = parts.join("");
svg.addEventListener("mousemove", ev => {
  const i = ev.target.dataset ? ev.target.dataset.i : undefined;
  if (i === undefined) { tip.style.display = "none"; return; }
  const s = DATA.steps[+i];
  const before = +i === 0 ? DATA.initial : DATA.steps[+i - 1].state;
  tip.textContent = `step ${+i + 1}: ${s.action}\n\nbefore: ${before}\n\nafter:  ${s.state}` +
      (+i === last && DATA.violated ? `\n\nVIOLATION of "${DATA.violated}"` : "");
  tip.style.display = "block";
  tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 580) + "px";
  tip.style.top = (ev.clientY + 14) + "px";
});
svg.addEventListener("mouseleave", () => { tip.style.display = "none"; });
)js";

}  // namespace weir::report::detail
