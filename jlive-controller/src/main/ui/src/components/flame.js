import { html } from '../html.js';

const ROW = 18;
const WIDTH = 900;

/**
 * The call paths of a --callers probe as a tree, outermost caller at the root and the probed method
 * at the leaves: a path lists the callers nearest first ("caller <- its caller"), so it is walked
 * from its end.
 */
export function callTree(paths, method) {
  const root = { name: 'all calls', calls: 0, children: new Map() };
  for (const { path, calls } of paths) {
    root.calls += calls;
    let node = root;
    for (const frame of path.split(' <- ').reverse().concat(method ? [method] : [])) {
      if (!node.children.has(frame)) node.children.set(frame, { name: frame, calls: 0, children: new Map() });
      node = node.children.get(frame);
      node.calls += calls;
    }
  }
  return root;
}

function layout(node, x, width, depth, out) {
  out.push({ node, x, width, depth });
  let left = x;
  const children = [...node.children.values()].sort((a, b) => b.calls - a.calls);
  for (const child of children) {
    const w = (child.calls / node.calls) * width;
    layout(child, left, w, depth + 1, out);
    left += w;
  }
  return out;
}

/**
 * An icicle (a flame graph drawn from the top): each box a frame, as wide as the calls that came
 * through it. Plain SVG: the tree is a few dozen paths at most, so a charting library (d3 and
 * d3-flame-graph, some 100 KB) would add weight and no ability the page needs.
 */
export function FlameGraph({ paths, method }) {
  if (!paths || !paths.length) return html`<p class="hint" id="flame-empty">no call paths reported yet</p>`;
  const boxes = layout(callTree(paths, method), 0, WIDTH, 0, []);
  const depth = Math.max(...boxes.map((b) => b.depth)) + 1;
  return html`
    <svg class="flame" id="flame" width=${WIDTH} height=${depth * ROW} data-frames=${boxes.length}>
      ${boxes.map((b) => html`
        <g transform=${'translate(' + b.x + ',' + b.depth * ROW + ')'}>
          <title>${b.node.name}: ${b.node.calls} call(s)</title>
          <rect width=${Math.max(0, b.width - 1)} height=${ROW - 1}
                fill=${b.depth === 0 ? '#c0c0c0' : 'hsl(' + (20 + (b.depth * 37) % 40) + ',85%,' + (55 + (b.depth % 3) * 7) + '%)'} />
          ${b.width > 40 ? html`<text x="3" y=${ROW - 5} class="frame">${label(b.node.name, b.width)}</text>` : null}
        </g>`)}
    </svg>`;
}

function label(name, width) {
  const fits = Math.floor((width - 6) / 6.5);
  return name.length <= fits ? name : name.substring(0, Math.max(0, fits - 1)) + '…';
}
