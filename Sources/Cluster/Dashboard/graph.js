// Job graph: a layered left-to-right layout of the plan (nodes = job vertices, edges = plan inputs labelled with their
// ship_strategy), drawn as inline SVG. Built once per plan shape; live numbers are patched into the existing elements.

import { s, setText, setAttr, setClass, fmtNum, fmtRate, fmtPct, fmtInt, fmtWatermark, watermarkParts } from './lib.js';

const W = 260, H = 146, GAP_X = 100, GAP_Y = 28, PAD = 20;

let measureCtx = null;
function textWidth(text, font) {
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  measureCtx.font = font;
  return measureCtx.measureText(text).width;
}
function fontFamily() {
  return getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';
}
/** Cut `text` to fit `max` px in `font`, with an ellipsis. */
function fit(text, max, font) {
  if (textWidth(text, font) <= max) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(text.slice(0, mid) + '…', font) <= max) lo = mid; else hi = mid - 1;
  }
  return text.slice(0, lo).trimEnd() + '…';
}

/**
 * Layered layout. nodes: [{id, inputs: [{id, ship}]}]. Returns {pos: Map(id → {x, y}), width, height, edges}.
 * Rank = longest path from a source; order within a rank by the barycentre of the neighbours (a few sweeps).
 */
export function layout(nodes) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const rank = new Map();
  const visiting = new Set();
  const rankOf = (id) => {
    if (rank.has(id)) return rank.get(id);
    if (visiting.has(id)) return 0; // cycle guard (iterations are not expected in a streaming plan)
    visiting.add(id);
    const n = byId.get(id);
    let r = 0;
    for (const inp of (n && n.inputs) || []) if (byId.has(inp.id)) r = Math.max(r, rankOf(inp.id) + 1);
    visiting.delete(id);
    rank.set(id, r);
    return r;
  };
  nodes.forEach((n) => rankOf(n.id));

  const edges = [];
  for (const n of nodes) for (const inp of n.inputs || []) if (byId.has(inp.id)) edges.push({ from: inp.id, to: n.id, ship: inp.ship || '' });

  const maxRank = Math.max(0, ...rank.values());
  const layers = Array.from({ length: maxRank + 1 }, () => []);
  // Stable initial order: sources in plan order reversed (Flink lists sinks first), others as they come.
  [...nodes].reverse().forEach((n) => layers[rank.get(n.id)].push(n.id));

  const preds = new Map(nodes.map((n) => [n.id, []]));
  const succs = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) { preds.get(e.to).push(e.from); succs.get(e.from).push(e.to); }
  const idx = new Map();
  const reindex = () => layers.forEach((l) => l.forEach((id, i) => idx.set(id, i)));
  reindex();
  const bary = (id, nb) => {
    const ns = nb.get(id);
    return ns.length ? ns.reduce((a, x) => a + idx.get(x), 0) / ns.length : idx.get(id);
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? layers.keys() : [...layers.keys()].reverse();
    for (const r of order) {
      const nb = down ? preds : succs;
      layers[r].sort((a, b) => bary(a, nb) - bary(b, nb));
      layers[r].forEach((id, i) => idx.set(id, i));
    }
  }

  const tallest = Math.max(...layers.map((l) => l.length));
  const height = PAD * 2 + tallest * H + (tallest - 1) * GAP_Y;
  const width = PAD * 2 + layers.length * W + (layers.length - 1) * GAP_X;
  const pos = new Map();
  layers.forEach((l, r) => {
    const colH = l.length * H + (l.length - 1) * GAP_Y;
    const y0 = (height - colH) / 2;
    l.forEach((id, i) => pos.set(id, { x: PAD + r * (W + GAP_X), y: y0 + i * (H + GAP_Y) }));
  });
  return { pos, width, height, edges };
}

export class JobGraph {
  /** @param {HTMLElement} host  @param {{onSelect: (id: string) => void}} opts */
  constructor(host, opts = {}) {
    this.host = host;
    this.onSelect = opts.onSelect || (() => {});
    this.signature = '';
    this.nodes = new Map();   // id → element refs
    this.edges = [];          // {from, to, flow}
    this.selected = null;
  }

  /** nodes: [{id, title, chain: [string], parallelism, inputs: [{id, ship}]}]. Rebuilds only when the shape changes. */
  setPlan(nodes) {
    const sig = JSON.stringify(nodes.map((n) => [n.id, n.title, n.chain, n.parallelism, n.inputs]));
    if (sig === this.signature) return;
    this.signature = sig;
    if (!nodes.length) {
      this.nodes = new Map(); this.edges = [];
      const empty = document.createElement('div');
      empty.className = 'empty';
      empty.textContent = 'No job graph yet: the JobManager has not published a plan for this job.';
      this.host.replaceChildren(empty);
      return;
    }
    this.build(nodes);
  }

  build(nodes) {
    const { pos, width, height, edges } = layout(nodes);
    const fam = fontFamily();
    const fTitle = `600 13px ${fam}`, fChain = `400 11.5px ${fam}`;
    const svg = s('svg', {
      class: 'graph-svg', viewBox: `0 0 ${width} ${height}`, width, height,
      role: 'img', 'aria-label': `Job graph with ${nodes.length} vertices`,
      // Shrink to the card's width (down to 70 %, then scroll), never enlarge.
      style: `width: 100%; max-width: ${width}px; min-width: ${Math.round(width * 0.7)}px; height: auto;`,
    });
    svg.append(s('defs', null,
      s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 1 L 9 5 L 0 9 z', class: 'arrow-head' })),
      s('marker', { id: 'arrow-hash', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M 0 1 L 9 5 L 0 9 z', class: 'arrow-head hash' }))));

    // Attach points: spread several edges over a node's side, ordered by the other end's vertical position.
    const outs = new Map(), ins = new Map();
    for (const e of edges) {
      if (!outs.has(e.from)) outs.set(e.from, []);
      if (!ins.has(e.to)) ins.set(e.to, []);
      outs.get(e.from).push(e); ins.get(e.to).push(e);
    }
    const slot = (list, e, key) => {
      list.sort((a, b) => pos.get(a[key]).y - pos.get(b[key]).y);
      const i = list.indexOf(e);
      return (H * (i + 1)) / (list.length + 1);
    };

    const gEdges = s('g', { class: 'edges' });
    const gLabels = s('g', { class: 'edge-labels' });
    this.edges = [];
    for (const e of edges) {
      const a = pos.get(e.from), b = pos.get(e.to);
      const x0 = a.x + W, y0 = a.y + slot(outs.get(e.from), e, 'to');
      const x1 = b.x - 2, y1 = b.y + slot(ins.get(e.to), e, 'from');
      const dx = Math.max(40, (x1 - x0) / 2);
      const d = `M ${x0} ${y0} C ${x0 + dx} ${y0}, ${x1 - dx} ${y1}, ${x1} ${y1}`;
      const ship = String(e.ship || '').toUpperCase();
      const kind = ship === 'HASH' ? 'hash' : ship === 'FORWARD' ? 'forward' : 'other';
      const path = s('path', { d, class: `edge ${kind}`, 'marker-end': kind === 'hash' ? 'url(#arrow-hash)' : 'url(#arrow)' });
      const flow = s('path', { d, class: `edge-flow ${kind}` });
      gEdges.append(path, flow);
      if (ship) {
        const mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
        const tw = textWidth(ship, `600 10px ${fam}`) + 14;
        gLabels.append(s('g', { class: `edge-label ${kind}`, transform: `translate(${mx} ${my})`, 'data-ship': ship },
          s('title', { text: `${ship} exchange: ${e.from} → ${e.to}` }),
          s('rect', { x: -tw / 2, y: -9, width: tw, height: 18, rx: 9 }),
          s('text', { x: 0, y: 3.5, 'text-anchor': 'middle', text: ship })));
      }
      this.edges.push({ from: e.from, to: e.to, flow });
    }
    svg.append(gEdges);

    const gNodes = s('g', { class: 'nodes' });
    this.nodes = new Map();
    for (const n of nodes) {
      const p = pos.get(n.id);
      const title = fit(n.title || n.id, W - 78, fTitle);
      const chainText = n.chain && n.chain.length ? '→ ' + n.chain.join(' → ') : '';
      const r = {};
      const g = s('g', {
        class: 'node', transform: `translate(${p.x} ${p.y})`, tabindex: 0, role: 'button',
        'data-vertex': n.id, 'aria-label': `Vertex ${n.title}`,
        onclick: () => this.onSelect(n.id),
        onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); this.onSelect(n.id); } },
      },
      r.tip = s('title', { text: [n.title, ...(n.chain || [])].join('\n') }),
      r.box = s('rect', { class: 'node-box', width: W, height: H, rx: 10 }),
      r.accent = s('rect', { class: 'node-accent', x: 0, y: 10, width: 3.5, height: H - 20, rx: 1.75 }),
      s('text', { class: 'node-title', x: 16, y: 24, text: title }),
      s('rect', { class: 'node-par-bg', x: W - 50, y: 10, width: 38, height: 19, rx: 9.5 }),
      s('text', { class: 'node-par', x: W - 31, y: 23.5, 'text-anchor': 'middle', text: `×${n.parallelism ?? '?'}` },
        s('title', { text: `parallelism ${n.parallelism ?? '?'}` })),
      r.chain = s('text', { class: 'node-chain', x: 16, y: 42, text: chainText ? fit(chainText, W - 30, fChain) : '' }),
      s('line', { class: 'node-sep', x1: 12, x2: W - 12, y1: 54, y2: 54 }),
      s('text', { class: 'node-label', x: 16, y: 70, text: 'RECORDS IN' }),
      s('text', { class: 'node-label', x: W / 2 + 6, y: 70, text: 'RECORDS OUT' }),
      r.inVal = s('text', { class: 'node-val', x: 16, y: 89, text: '—' }),
      r.outVal = s('text', { class: 'node-val', x: W / 2 + 6, y: 89, text: '—' }),
      r.inRate = s('text', { class: 'node-rate', x: 16, y: 104, text: '' }),
      r.outRate = s('text', { class: 'node-rate', x: W / 2 + 6, y: 104, text: '' }),
      s('rect', { class: 'bar-track', x: 16, y: 113, width: W - 32, height: 5, rx: 2.5 }),
      r.busyBar = s('rect', { class: 'bar-busy', x: 16, y: 113, width: 0, height: 5, rx: 2.5 }),
      r.bpBar = s('rect', { class: 'bar-bp', x: 16, y: 113, width: 0, height: 5, rx: 2.5 }),
      r.load = s('text', { class: 'node-foot', x: 16, y: 134, text: '' }),
      r.wm = s('text', { class: 'node-foot wm', x: W - 16, y: 134, 'text-anchor': 'end', text: '' }));
      r.g = g;
      r.title = n.title;
      gNodes.append(g);
      this.nodes.set(n.id, r);
    }
    svg.append(gLabels, gNodes);
    this.host.replaceChildren(svg);
    this.svg = svg;
    if (this.selected) this.select(this.selected);
  }

  /**
   * stats: {status, inRecords, outRecords, inRate, outRate, busy, bp, idle, bpLevel, wm: {kind: 'value'|'none'|'absent', value}}
   */
  update(id, st) {
    const r = this.nodes.get(id);
    if (!r) return;
    setText(r.inVal, st.isSource && !st.inRecords ? '—' : fmtNum(st.inRecords));
    setText(r.outVal, st.isSink && !st.outRecords ? '—' : fmtNum(st.outRecords));
    setText(r.inRate, st.isSource && !st.inRecords ? 'source' : Number.isFinite(st.inRate) ? fmtRate(st.inRate) : '');
    setText(r.outRate, st.isSink && !st.outRecords ? 'sink' : Number.isFinite(st.outRate) ? fmtRate(st.outRate) : '');
    const busy = Number.isFinite(st.busy) ? Math.min(1, Math.max(0, st.busy)) : 0;
    const bp = Number.isFinite(st.bp) ? Math.min(1 - busy, Math.max(0, st.bp)) : 0;
    const track = W - 32;
    setAttr(r.busyBar, 'width', (track * busy).toFixed(1));
    setAttr(r.bpBar, 'x', (16 + track * busy).toFixed(1));
    setAttr(r.bpBar, 'width', (track * bp).toFixed(1));
    const hot = busy >= 0.75 ? 'hot' : busy >= 0.4 ? 'warm' : 'cool';
    setAttr(r.busyBar, 'class', `bar-busy ${hot}`);
    const parts = [];
    if (Number.isFinite(st.busy)) parts.push(`busy ${fmtPct(st.busy)}`);
    if (Number.isFinite(st.bp)) parts.push(`bp ${fmtPct(st.bp)}`);
    setText(r.load, parts.join(' · '));
    const wm = st.wm || { kind: 'absent' };
    const t = wm.kind === 'value' ? watermarkParts(wm.value).time.replace(/\.\d{3}$/, '') : '';
    setText(r.wm, wm.kind === 'value' ? `wm ${t}${wm.idle ? ` · ${wm.idle} idle` : ''}` : wm.kind === 'none' ? 'no watermark' : '');
    setAttr(r.wm, 'class', `node-foot wm${wm.kind === 'none' || wm.idle ? ' idle' : ''}`);
    const level = (st.bpLevel || '').toLowerCase();
    setAttr(r.g, 'class', `node st-${String(st.status || 'unknown').toUpperCase()} bp-${level || 'none'}${this.selected === id ? ' selected' : ''}`);
    setText(r.tip, [r.title, `status ${String(st.status || '?').toLowerCase()}`,
      `records in ${fmtInt(st.inRecords)}, out ${fmtInt(st.outRecords)}`,
      wm.kind === 'value' ? `low watermark ${fmtWatermark(wm.value)}` : '',
      wm.kind === 'none' || wm.idle ? `${wm.idle || 'all'} subtask(s) at Long.MIN_VALUE: no watermark yet / idle input` : ''].filter(Boolean).join('\n'));
    for (const e of this.edges) if (e.from === id) setClass(e.flow, 'active', Number.isFinite(st.outRate) && st.outRate > 0 && st.status === 'RUNNING');
  }

  select(id) {
    this.selected = id;
    for (const [vid, r] of this.nodes) setClass(r.g, 'selected', vid === id);
  }
}
