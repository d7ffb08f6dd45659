// Draws the linearizability report from DATA (lin_html.cpp): lanes, bars, the points of
// the linearization, the failure; zoom and hover.
#include "report/detail/scripts.hpp"

namespace weir::report::detail {

const std::string_view kLinScript = R"js(
const LANE = 22, LEFT = 190, TOP = 18;
const svg = document.getElementById("chart");
const scroll = document.getElementById("scroll");
const tip = document.getElementById("tip");
const ops = DATA.ops;
const failure = DATA.failure === undefined ? null : DATA.failure;
const candidates = new Set(DATA.candidates || []);
let scale = 1;

function esc(s) {
  return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"})[c]);
}
function end(o) { return o.ret === null ? DATA.end : o.ret; }

// Each chain's points: the earliest place on each bar that keeps the order (a
// linearization respects real time, so the point never passes the bar's end).
const points = new Map();
for (const chain of DATA.chains) {
  let last = -Infinity;
  for (const i of chain) {
    const o = ops[i];
    let p = Math.max(o.call + 0.25, last + 0.02);
    p = Math.min(p, end(o) - 0.05);
    points.set(i, p);
    last = p;
  }
}

function fitScale() {
  const width = Math.max(scroll.clientWidth - LEFT - 30, 200);
  return Math.max(width / Math.max(DATA.end, 1), 0.02);
}

function draw() {
  const W = LEFT + (DATA.end + 1) * scale + 20;
  const H = TOP + DATA.lanes.length * LANE + 10;
  const x = t => LEFT + t * scale;
  const parts = [];
  DATA.lanes.forEach((name, l) => {
    const y = TOP + l * LANE;
    parts.push(`<rect x="0" y="${y}" width="${W}" height="${LANE}" fill="${l % 2 ? "#fafafa" : "#fff"}"/>`);
    parts.push(`<text x="4" y="${y + 15}">${esc(name)}</text>`);
  });
  ops.forEach((o, i) => {
    const y = TOP + o.lane * LANE + 4;
    const w = Math.max((end(o) - o.call) * scale, 2);
    let fill = o.pos ? "#9ccc9c" : "#cfd8dc";
    if (candidates.has(i)) fill = "#ffb74d";
    if (i === failure) fill = "#e57373";
    const dash = o.ret === null ? ` stroke-dasharray="4 3"` : "";
    parts.push(`<rect class="op" data-i="${i}" x="${x(o.call)}" y="${y}" width="${w}" height="${LANE - 8}" rx="3" fill="${fill}" stroke="#607d8b"${dash}/>`);
    if (w > 60) parts.push(`<text x="${x(o.call) + 4}" y="${y + 11}" pointer-events="none">${esc(o.op.slice(0, Math.floor(w / 7)))}</text>`);
  });
  for (const chain of DATA.chains) {
    const pts = chain.map(i => `${x(points.get(i))},${TOP + ops[i].lane * LANE + LANE / 2}`);
    if (pts.length > 1) parts.push(`<polyline points="${pts.join(" ")}" fill="none" stroke="#1b5e20" stroke-width="1" opacity="0.7"/>`);
    for (const i of chain)
      parts.push(`<circle class="op" data-i="${i}" cx="${x(points.get(i))}" cy="${TOP + ops[i].lane * LANE + LANE / 2}" r="3" fill="#1b5e20"/>`);
  }
  svg.setAttribute("width", W);
  svg.setAttribute("height", H);
  svg.innerHTML = parts.join("");
}

function zoom(factor, center) {
  const at = center === undefined ? (scroll.scrollLeft + scroll.clientWidth / 2 - LEFT) / scale : center;
  scale = Math.min(Math.max(scale * factor, 0.01), 400);
  draw();
  scroll.scrollLeft = LEFT + at * scale - scroll.clientWidth / 2;
}

svg.addEventListener("mousemove", ev => {
  const i = ev.target.dataset ? ev.target.dataset.i : undefined;
  if (i === undefined) { tip.style.display = "none"; return; }
  const o = ops[+i];
  let t = `${o.op}\nprocess ${o.client}, line ${o.line}` + (o.ret === null ? ", never returned" : o.return_line !== o.line ? `-${o.return_line}` : "");
  if (o.pos) t += `\nlinearized #${o.pos}\nstate before: ${o.before}\nstate after:  ${o.after}`;
  else t += "\nnot in the linearization" + (DATA.failure !== undefined ? " the search reached" : "");
  if (+i === failure) t += "\nTHE OPERATION THAT COULD NOT BE LINEARIZED";
  else if (candidates.has(+i)) t += "\ncould have gone next, and fails (see above)";
  tip.textContent = t;
  tip.style.display = "block";
  tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 420) + "px";
  tip.style.top = (ev.clientY + 14) + "px";
});
svg.addEventListener("mouseleave", () => { tip.style.display = "none"; });
document.getElementById("fit").onclick = () => { scale = fitScale(); draw(); };
document.getElementById("in").onclick = () => zoom(2);
document.getElementById("out").onclick = () => zoom(0.5);
function toFailure() {
  if (failure === null) return;
  const o = ops[failure];
  scale = Math.max(scroll.clientWidth / 3 / Math.max(end(o) - o.call, 1), fitScale());
  draw();
  scroll.scrollLeft = LEFT + o.call * scale - scroll.clientWidth / 3;
  scroll.scrollTop = Math.max(TOP + o.lane * LANE - scroll.clientHeight / 2, 0);
}
const failButton = document.getElementById("fail");
if (failButton) failButton.onclick = toFailure;
scale = fitScale();
if (scale < 2 && failure !== null) toFailure(); else draw();
)js";

}  // namespace weir::report::detail
