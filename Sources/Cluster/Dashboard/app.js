// Dataflow dashboard — single-page app over the Flink-compatible REST API of the JobManager.
// Boot: GET ./config, then poll the current page every `refresh-interval` ms (3 s if absent). Hash routes:
//   #/overview  #/jobs  #/jobs/:jid[/vertices/:vid]  #/taskmanagers  #/taskmanagers/:tmid  #/submit
// Views build their DOM once and patch it in place on every poll (keyed rows, text-only updates): no flicker.

import {
  api, apiOptional, ApiError, h, setText, setAttr, setClass, setStatus, reconcile, metricMap, RateTracker,
  fmtNum, fmtInt, fmtRate, fmtPct, fmtBytes, fmtDur, relTime, fmtTime, fmtDateTime, watermarkValue, fmtWatermark, watermarkParts, shortId,
} from './lib.js';
import { JobGraph } from './graph.js';

const TERMINAL = new Set(['FINISHED', 'CANCELED', 'FAILED']);
const CANCELLABLE = new Set(['CREATED', 'INITIALIZING', 'RUNNING', 'RESTARTING', 'FAILING', 'RECONCILING', 'SUSPENDED']);
const TASK_ORDER = ['RUNNING', 'FINISHED', 'CANCELED', 'FAILED', 'CANCELING', 'DEPLOYING', 'INITIALIZING', 'SCHEDULED', 'CREATED', 'RECONCILING'];
const VERTEX_METRICS = ['numRecordsIn', 'numRecordsOut', 'numRecordsInPerSecond', 'numRecordsOutPerSecond',
  'busyTimeMsPerSecond', 'backPressuredTimeMsPerSecond', 'idleTimeMsPerSecond'];

const app = {
  config: null,
  refreshMs: 3000,
  paused: false,
  online: true,
  failures: 0,
  lastOk: 0,
  lastError: null,
  nextAt: 0,
  timer: null,
  inFlight: false,
  view: null,
  routeKey: '',
  overview: null,
  jobNames: new Map(),
};

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;

// ------------------------------------------------------------------------------------------- small components

function badge(status, label) { const el = h('span'); setStatus(el, status, label); return el; }

function normTasks(tasks) {
  const t = {};
  for (const [k, v] of Object.entries(tasks || {})) t[k.toUpperCase()] = Number(v) || 0;
  return t;
}

/** Segmented bar of task states + total. */
function taskBar() {
  const bar = h('span.taskbar');
  const segs = {};
  for (const st of TASK_ORDER) { segs[st] = h(`span.seg.t-${st}`); bar.append(segs[st]); }
  const total = h('span.taskbar-total.num');
  const el = h('span.tasks', bar, total);
  el._u = (tasks) => {
    const t = normTasks(tasks);
    const sum = TASK_ORDER.reduce((a, k) => a + (t[k] || 0), 0);
    const tot = t.TOTAL || sum;
    for (const st of TASK_ORDER) {
      const w = sum ? ((t[st] || 0) / sum) * 100 : 0;
      const css = `${w.toFixed(2)}%`;
      if (segs[st].style.width !== css) segs[st].style.width = css;
    }
    setText(total, String(tot));
    setAttr(el, 'title', TASK_ORDER.filter((k) => t[k]).map((k) => `${k.toLowerCase()} ${t[k]}`).join(', ') || 'no tasks');
  };
  return el;
}

/** A KPI tile: label, big value, sub line; optional tone class. */
function kpi(label, opts = {}) {
  const value = h('div.kpi-value.num', '—');
  const sub = h('div.kpi-sub', '');
  const el = h(`div.kpi${opts.cls ? '.' + opts.cls : ''}`, h('div.kpi-label', label), value, sub);
  if (opts.id) el.id = opts.id;
  el._u = (v, subText, tone) => {
    setText(value, v);
    setText(sub, subText ?? '');
    setAttr(el, 'data-tone', tone || null);
  };
  return el;
}

/** Tiny live sparkline (last 60 polls) for a KPI tile. */
function sparkline() {
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  const area = document.createElementNS('http://www.w3.org/2000/svg', 'polygon');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 100 30');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('aria-hidden', 'true');
  area.setAttribute('class', 'spark-area');
  line.setAttribute('class', 'spark-line');
  svg.append(area, line);
  svg._values = [];
  svg._push = (v) => {
    if (!Number.isFinite(v)) return;
    svg._values.push(v);
    if (svg._values.length > 60) svg._values.shift();
    const vals = svg._values;
    if (vals.length < 2) { line.setAttribute('points', ''); area.setAttribute('points', ''); return; }
    // Auto-scale to the recent range, but keep small wobbles small (at least 20 % of the peak spans the height).
    const hi = Math.max(...vals), lo = Math.min(...vals);
    const span = Math.max(hi - lo, hi * 0.2) || 1, top = hi + span * 0.1, bottom = top - span * 1.25, n = vals.length;
    const pts = vals.map((x, i) => `${((i / (n - 1)) * 100).toFixed(2)},${(29 - ((x - bottom) / (top - bottom)) * 27).toFixed(2)}`);
    line.setAttribute('points', pts.join(' '));
    area.setAttribute('points', `0,30 ${pts.join(' ')} 100,30`);
  };
  return svg;
}

function meter(cls = '') {
  const fill = h('span.meter-fill');
  const el = h(`span.meter${cls ? '.' + cls : ''}`, fill);
  el._u = (ratio, tone) => {
    const w = `${(Math.max(0, Math.min(1, ratio || 0)) * 100).toFixed(1)}%`;
    if (fill.style.width !== w) fill.style.width = w;
    setAttr(el, 'data-tone', tone || null);
  };
  return el;
}

function card(title, ...body) {
  const count = h('span.card-count');
  const tools = h('div.card-tools');
  const head = h('header.card-head', h('h2', title), count, tools);
  const el = h('section.card', head, ...body);
  el._count = count; el._tools = tools; el._title = head.querySelector('h2');
  return el;
}

function table(columns, cls = '') {
  const thead = h('thead', h('tr', columns.map((c) => h(`th${c.cls ? '.' + c.cls : ''}`, { title: c.title || null }, c.label))));
  const tbody = h('tbody');
  const empty = h('div.empty', { hidden: true });
  const wrap = h(`div.table-wrap${cls ? '.' + cls : ''}`, h('table.tbl', thead, tbody), empty);
  wrap._tbody = tbody; wrap._empty = empty;
  wrap._setEmpty = (text) => { setText(empty, text || ''); empty.hidden = !text; setClass(wrap, 'is-empty', !!text); };
  return wrap;
}

/** Live duration: base ms at fetch time, grows each second while running. */
function setDuration(el, base, running) {
  if (running) { el.dataset.durBase = base; el.dataset.durAt = Date.now(); }
  else { delete el.dataset.durBase; delete el.dataset.durAt; }
  setText(el, fmtDur(running ? base : base));
}
function setRel(el, ts, prefix = '') {
  if (ts > 0) { el.dataset.ts = ts; el.dataset.prefix = prefix; } else { delete el.dataset.ts; }
  setText(el, ts > 0 ? prefix + relTime(ts) : '—');
  setAttr(el, 'title', ts > 0 ? fmtDateTime(ts) : null);
}

function toast(text, tone = '') {
  const el = h(`div.toast${tone ? '.' + tone : ''}`, { role: 'status' }, text);
  $('toasts').append(el);
  requestAnimationFrame(() => el.classList.add('in'));
  setTimeout(() => { el.classList.remove('in'); setTimeout(() => el.remove(), 300); }, 4200);
}

function errorState(e, { title, back } = {}) {
  const msg = e instanceof ApiError ? `${e.status ? `HTTP ${e.status}` : 'No response'} — ${e.message}` : String(e && e.message || e);
  return h('div.state-block.error',
    h('div.state-icon', '!'),
    h('h2', title || 'Something went wrong'),
    h('p.muted', msg),
    back ? h('a.btn', { href: back.href }, back.label) : null);
}

// ------------------------------------------------------------------------------------------------ jobs table

/** Jobs table (running or completed), keyed by jid. */
function jobsTable({ completed = false } = {}) {
  const cols = [
    { label: 'Job' }, { label: 'Status' }, { label: 'Started' },
    ...(completed ? [{ label: 'Ended' }] : []),
    { label: 'Duration', cls: 'r' }, { label: 'Tasks', cls: 'tasks-col' },
  ];
  const t = table(cols, 'jobs');
  t._u = (jobs, emptyText) => {
    reconcile(t._tbody, jobs, (j) => j.jid, (j) => {
      const c = {};
      const tr = h('tr.row-link', { dataset: { jid: j.jid }, onclick: (ev) => { if (!ev.target.closest('a')) location.hash = `#/jobs/${j.jid}`; } },
        h('td.name-cell', c.name = h('a.job-name', { href: `#/jobs/${j.jid}` }), c.jid = h('div.sub.mono')),
        h('td', c.status = badge(j.state)),
        h('td', c.start = h('div.num'), c.startRel = h('div.sub')),
        completed ? h('td', c.end = h('div.num'), c.endRel = h('div.sub')) : null,
        h('td.r.num', c.dur = h('span')),
        h('td.tasks-col', c.tasks = taskBar()));
      tr._c = c;
      return tr;
    }, (tr, j) => {
      const c = tr._c;
      setText(c.name, j.name || j.jid);
      setAttr(c.name, 'title', j.name || j.jid);
      setText(c.jid, j.jid);
      setStatus(c.status, j.state);
      setText(c.start, fmtTime(j['start-time']));
      setRel(c.startRel, j['start-time']);
      if (c.end) { setText(c.end, fmtTime(j['end-time'])); setRel(c.endRel, j['end-time']); }
      setDuration(c.dur, j.duration, !TERMINAL.has(j.state) && j['end-time'] === -1);
      c.tasks._u(j.tasks);
    });
    t._setEmpty(jobs.length ? '' : emptyText);
  };
  return t;
}

function sortJobs(jobs) {
  return [...jobs].sort((a, b) => {
    const ra = TERMINAL.has(a.state) ? 1 : 0, rb = TERMINAL.has(b.state) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    const ka = ra ? a['end-time'] : a['start-time'], kb = rb ? b['end-time'] : b['start-time'];
    return kb - ka;
  });
}

function rememberJobNames(jobs) { for (const j of jobs) app.jobNames.set(j.jid, j.name); }

// ------------------------------------------------------------------------------------------------- overview

class OverviewView {
  constructor(root) {
    this.k = {
      tms: kpi('TaskManagers'), slots: kpi('Task slots', { cls: 'with-meter' }), running: kpi('Running jobs'),
      finished: kpi('Finished'), cancelled: kpi('Canceled'), failed: kpi('Failed'), version: kpi('Version', { cls: 'version' }),
    };
    this.slotMeter = meter();
    this.k.slots.append(this.slotMeter);
    this.running = jobsTable();
    this.completed = jobsTable({ completed: true });
    this.runningCard = card('Running jobs', this.running);
    this.completedCard = card('Completed jobs', this.completed);
    this.completedCard._tools.append(h('a.link', { href: '#/jobs' }, 'All jobs →'));
    root.append(
      h('div.page-head', h('h1', 'Cluster overview'), h('div.page-actions', h('a.btn.primary', { href: '#/submit' }, '+ Submit job'))),
      h('div.kpis.kpis-7', Object.values(this.k)),
      this.runningCard, this.completedCard);
    document.title = 'Overview · Dataflow';
  }

  async refresh() {
    const [ov, jobs] = await Promise.all([app.overviewPromise || api('overview'), api('jobs/overview')]);
    const o = ov || {};
    this.k.tms._u(fmtInt(o.taskmanagers), o['taskmanagers-blocked'] ? `${o['taskmanagers-blocked']} blocked` : 'registered');
    const total = o['slots-total'] || 0, avail = o['slots-available'] || 0;
    this.k.slots._u(`${avail} / ${total}`, `available · ${total - avail} in use`);
    this.slotMeter._u(total ? (total - avail) / total : 0, total && avail === 0 ? 'warn' : '');
    this.k.running._u(fmtInt(o['jobs-running']), 'now', o['jobs-running'] ? 'good' : '');
    this.k.finished._u(fmtInt(o['jobs-finished']), 'since start');
    this.k.cancelled._u(fmtInt(o['jobs-cancelled']), 'since start');
    this.k.failed._u(fmtInt(o['jobs-failed']), 'since start', o['jobs-failed'] ? 'bad' : '');
    this.k.version._u(o['flink-version'] || (app.config && app.config['flink-version']) || '—',
      `Flink REST API${o['flink-commit'] ? ' · ' + o['flink-commit'] : ''}`);

    const list = (jobs && jobs.jobs) || [];
    rememberJobNames(list);
    const run = sortJobs(list.filter((j) => !TERMINAL.has(j.state)));
    const done = sortJobs(list.filter((j) => TERMINAL.has(j.state)));
    this.running._u(run, 'No running jobs. Submit one from the catalog.');
    this.completed._u(done.slice(0, 15), 'No completed jobs yet.');
    setText(this.runningCard._count, String(run.length));
    setText(this.completedCard._count, done.length > 15 ? `15 of ${done.length}` : String(done.length));
  }
}

// ----------------------------------------------------------------------------------------------------- jobs

class JobsView {
  constructor(root) {
    this.filter = 'all';
    this.query = '';
    this.table = jobsTable({ completed: true });
    this.chips = {};
    const chipBar = h('div.chips', ['all', 'running', 'finished', 'canceled', 'failed'].map((f) => {
      const n = h('span.chip-n');
      const b = h('button.chip', { type: 'button', onclick: () => { this.filter = f; this.render(); } }, f[0].toUpperCase() + f.slice(1), n);
      b._n = n;
      this.chips[f] = b;
      return b;
    }));
    const search = h('input.search', { type: 'search', placeholder: 'Filter by name or id…', 'aria-label': 'Filter jobs',
      oninput: (ev) => { this.query = ev.target.value.trim().toLowerCase(); this.render(); } });
    this.card = card('Jobs', h('div.toolbar', chipBar, search), this.table);
    root.append(h('div.page-head', h('h1', 'Jobs'), h('div.page-actions', h('a.btn.primary', { href: '#/submit' }, '+ Submit job'))), this.card);
    document.title = 'Jobs · Dataflow';
  }
  async refresh() {
    const res = await api('jobs/overview');
    this.jobs = (res && res.jobs) || [];
    rememberJobNames(this.jobs);
    this.render();
  }
  bucket(j) {
    if (!TERMINAL.has(j.state)) return 'running';
    return j.state.toLowerCase();
  }
  render() {
    if (!this.jobs) return;
    const counts = { all: this.jobs.length, running: 0, finished: 0, canceled: 0, failed: 0 };
    for (const j of this.jobs) counts[this.bucket(j)]++;
    for (const [f, b] of Object.entries(this.chips)) { setText(b._n, String(counts[f])); setClass(b, 'on', this.filter === f); }
    const q = this.query;
    const list = sortJobs(this.jobs.filter((j) => (this.filter === 'all' || this.bucket(j) === this.filter)
      && (!q || (j.name || '').toLowerCase().includes(q) || j.jid.includes(q))));
    this.table._u(list, this.jobs.length ? 'No jobs match this filter.' : 'No jobs yet. Submit one from the catalog.');
    setText(this.card._count, String(list.length));
  }
}

// ------------------------------------------------------------------------------------------------------ job

function vertexChain(v, node) {
  let parts = [];
  if (v && v.name) parts = v.name.split(/\s+->\s+/);
  else if (node && node.description) {
    parts = String(node.description).split(/<br\s*\/?>/i)
      .map((p) => p.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
        .replace(/^[\s+-]*/, '').trim())
      .filter(Boolean);
  }
  if (!parts.length) parts = [(v && v.id) || (node && node.id) || '?'];
  return { title: parts[0], chain: parts.slice(1) };
}

function maxOf(...vals) {
  let m = NaN;
  for (const v of vals) { const n = Number(v); if (Number.isFinite(n) && (!Number.isFinite(m) || n > m)) m = n; }
  return m;
}

function summarizeWatermarks(arr) {
  if (!Array.isArray(arr) || !arr.length) return { kind: 'absent', per: new Map() };
  const per = new Map();
  let idle = 0, low = Infinity;
  for (const e of arr) {
    const sub = String(e.id).replace('.currentInputWatermark', '');
    const v = watermarkValue(e.value);
    per.set(sub, v);
    if (Number.isFinite(v)) low = Math.min(low, v); else idle++;
  }
  if (idle === arr.length) return { kind: 'none', per, idle, total: arr.length };
  return { kind: 'value', value: low, per, idle, total: arr.length };
}

class JobView {
  constructor(root, params) {
    this.id = params.id;
    this.selected = params.vertex || null;
    this.rates = new RateTracker();
    this.extras = new Map();
    this.cfg = undefined;
    this.root = root;
    this.built = false;
    root.append(h('div.state-block.loading', h('div.spinner'), h('p.muted', 'Loading job…')));
  }

  route(params) {
    if (params.id !== this.id) return false;
    if (params.vertex && params.vertex !== this.selected) this.select(params.vertex, false);
    return true;
  }

  build() {
    const r = this.root;
    this.el = {};
    const e = this.el;
    e.badge = badge('UNKNOWN');
    e.name = h('span.job-title-text');
    e.cancel = h('button.btn.danger', { type: 'button', id: 'cancel-job', onclick: () => this.cancel() }, 'Cancel job');
    e.jid = h('code.copy', { title: 'Copy job id', onclick: () => navigator.clipboard && navigator.clipboard.writeText(this.id).then(() => toast('Job id copied')) }, this.id);
    e.started = h('span.num'); e.dur = h('span.num'); e.type = h('span'); e.par = h('span.num'); e.tasks = taskBar();
    e.ended = h('span.num');
    e.endedWrap = h('span.meta-item', h('span.meta-k', 'Ended'), e.ended);
    e.ops = this.buildOperations();
    const head = h('div.job-head',
      h('div.crumbs', h('a', { href: '#/jobs' }, 'Jobs'), h('span.sep', '/'), h('span.mono', shortId(this.id))),
      h('div.job-title', h('h1', e.badge, e.name), h('div.page-actions', e.cancel)),
      h('div.meta',
        h('span.meta-item', h('span.meta-k', 'ID'), e.jid),
        h('span.meta-item', h('span.meta-k', 'Started'), e.started),
        e.endedWrap,
        h('span.meta-item', h('span.meta-k', 'Duration'), e.dur),
        h('span.meta-item', h('span.meta-k', 'Type'), e.type),
        h('span.meta-item', h('span.meta-k', 'Tasks'), e.tasks)),
      e.ops);
    e.k = {
      ingest: kpi('Source throughput', { cls: 'with-spark' }), output: kpi('Sink throughput', { cls: 'with-spark' }), busy: kpi('Busiest vertex'),
      bp: kpi('Backpressure'), wm: kpi('Low watermark'), restarts: kpi('Restarts'),
    };
    e.sparkIn = sparkline(); e.sparkOut = sparkline();
    e.k.ingest.append(e.sparkIn); e.k.output.append(e.sparkOut);
    e.graphHost = h('div.graph-host');
    this.graph = new JobGraph(e.graphHost, { onSelect: (vid) => this.select(vid, true) });
    const legend = h('div.legend',
      h('span.lg', h('i.lg-busy'), 'busy'), h('span.lg', h('i.lg-bp'), 'backpressured'), h('span.lg', h('i.lg-idle'), 'idle'),
      h('span.lg', h('i.lg-edge.hash'), 'HASH'), h('span.lg', h('i.lg-edge'), 'FORWARD'));
    e.graphCard = card('Job graph', e.graphHost);
    e.graphCard.classList.add('graph-card');
    e.graphCard._tools.append(legend);

    e.vtable = table([
      { label: 'Vertex' }, { label: 'Status' }, { label: 'Par.', cls: 'r', title: 'parallelism' },
      { label: 'Records in', cls: 'r' }, { label: 'Records out', cls: 'r' }, { label: 'In/s', cls: 'r' }, { label: 'Out/s', cls: 'r' },
      { label: 'Busy', cls: 'meter-col' }, { label: 'Backpressure', cls: 'meter-col' }, { label: 'Low watermark' }, { label: 'Tasks', cls: 'tasks-col' },
    ], 'vertices');
    e.vcard = card('Vertices', e.vtable);

    e.stable = table([
      { label: '#', cls: 'r' }, { label: 'Status' }, { label: 'TaskManager' }, { label: 'Records in', cls: 'r' }, { label: 'Records out', cls: 'r' },
      { label: 'In/s', cls: 'r' }, { label: 'Out/s', cls: 'r' }, { label: 'Busy', cls: 'meter-col' }, { label: 'Backpressure', cls: 'meter-col' },
      { label: 'Watermark' }, { label: 'Attempt', cls: 'r' }, { label: 'Duration', cls: 'r' },
    ], 'subtasks');
    e.runsOn = h('div.runs-on-chips');
    e.scard = card('Subtasks', h('div.runs-on', h('span.runs-on-label', 'Runs on'), e.runsOn), e.stable);
    e.scard.id = 'subtasks';

    e.exList = h('div.exceptions');
    e.excard = card('Exceptions', e.exList);
    e.cfgBody = h('div.kv');
    e.cfgcard = card('Configuration', e.cfgBody);

    e.restored = h('div.sp-restored', { id: 'sp-restored' });
    e.sptable = table([
      { label: 'ID', cls: 'r' }, { label: 'Type' }, { label: 'Status' }, { label: 'Path' }, { label: 'Triggered' },
      { label: 'Duration', cls: 'r' }, { label: 'Size', cls: 'r' },
    ], 'savepoints');
    e.spcard = card('Savepoints', e.restored, e.sptable);
    e.spcard.id = 'savepoints';

    r.replaceChildren(head, h('div.kpis.kpis-6', Object.values(e.k)), e.graphCard, e.vcard, e.scard, e.spcard,
      h('div.grid-2', e.excard, e.cfgcard));
    this.built = true;
  }

  async loadVertex(v) {
    const base = `jobs/${this.id}/vertices/${v.id}`;
    const [agg, bp, wm] = await Promise.all([
      apiOptional(`${base}/subtasks/metrics?get=${VERTEX_METRICS.join(',')}`, null),
      apiOptional(`${base}/backpressure`, null),
      apiOptional(`${base}/watermarks`, null),
    ]);
    return { agg, bp, wm };
  }

  async loadSelected(vertices) {
    const v = vertices.find((x) => x.id === this.selected);
    if (!v) return null;
    const base = `jobs/${this.id}/vertices/${v.id}`;
    const p = v.parallelism || 0;
    const ids = [];
    if (p > 0 && p <= 32) for (let i = 0; i < p; i++) ids.push(`${i}.numRecordsIn`, `${i}.numRecordsOut`, `${i}.numRecordsInPerSecond`, `${i}.numRecordsOutPerSecond`);
    const [detail, tms, sub] = await Promise.all([
      apiOptional(base, null),
      apiOptional(`${base}/taskmanagers`, null),
      ids.length ? apiOptional(`${base}/metrics?get=${ids.join(',')}`, null) : Promise.resolve(null),
    ]);
    return { id: v.id, detail, tms, sub: metricMap(sub) };
  }

  async refresh() {
    let job;
    try { job = await api(`jobs/${this.id}`); } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        this.built = false;
        this.root.replaceChildren(errorState(e, { title: 'Job not found', back: { href: '#/jobs', label: '← All jobs' } }));
        document.title = 'Job not found · Dataflow';
        return;
      }
      throw e;
    }
    if (!this.built) this.build();
    const vertices = job.vertices || [];
    let plan = job.plan && Array.isArray(job.plan.nodes) ? job.plan : null;
    if (!plan) {
      const sig = vertices.map((v) => v.id).join(',');
      if (!this.plan || this.planSig !== sig) {
        const res = await apiOptional(`jobs/${this.id}/plan`, null);
        this.plan = res && res.plan && Array.isArray(res.plan.nodes) ? res.plan : null;
        this.planSig = sig;
      }
      plan = this.plan;
    }
    if (!this.selected || !vertices.some((v) => v.id === this.selected)) this.selected = this.firstVertex(plan, vertices);

    const terminal = TERMINAL.has(job.state);
    const needExtras = !terminal || !this.extrasDone;
    const [extras, sel, exc, cfg, jm, cps] = await Promise.all([
      needExtras ? Promise.all(vertices.map((v) => this.loadVertex(v))) : Promise.resolve(null),
      this.loadSelected(vertices),
      apiOptional(`jobs/${this.id}/exceptions?maxExceptions=20`, null),
      this.cfg !== undefined ? Promise.resolve(this.cfg) : apiOptional(`jobs/${this.id}/config`, null),
      terminal && this.jm ? Promise.resolve(this.jm) : apiOptional(`jobs/${this.id}/metrics?get=numRestarts,uptime,numberOfCompletedCheckpoints`, null),
      terminal && this.cps ? Promise.resolve(this.cps) : apiOptional(`jobs/${this.id}/checkpoints`, null),
    ]);
    this.cps = cps;
    if (extras) { vertices.forEach((v, i) => this.extras.set(v.id, extras[i])); if (terminal) this.extrasDone = true; }
    this.cfg = cfg;
    this.jm = jm;
    this.render(job, plan, vertices, sel, exc, cfg, metricMap(jm));
  }

  firstVertex(plan, vertices) {
    if (plan && plan.nodes) {
      const src = [...plan.nodes].reverse().find((n) => !n.inputs || !n.inputs.length);
      if (src) return src.id;
    }
    return vertices[0] ? vertices[0].id : null;
  }

  select(vid, updateHash) {
    if (!vid) return;
    this.selected = vid;
    if (this.graph) this.graph.select(vid);
    if (updateHash) {
      const hash = `#/jobs/${this.id}/vertices/${vid}`;
      if (location.hash !== hash) history.replaceState(null, '', hash);
      if (this.el) this.el.scard.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
    }
    if (this.el && this.job) {
      for (const tr of this.el.vtable._tbody.children) setClass(tr, 'selected', tr._key === vid);
      const v = (this.job.vertices || []).find((x) => x.id === vid);
      if (v) setText(this.el.scard._title, `Subtasks · ${vertexChain(v).title}`);
    }
    poll();
  }

  vertexStats(v, hasInputs, hasOutputs) {
    const ex = this.extras.get(v.id) || {};
    const sum = metricMap(ex.agg, 'sum'), mx = metricMap(ex.agg, 'max');
    const io = v.metrics || {};
    const inRecords = maxOf(io['read-records'], sum.get('numRecordsIn'));
    const outRecords = maxOf(io['write-records'], sum.get('numRecordsOut'));
    const running = v.status === 'RUNNING';
    const trIn = this.rates.rate(`${v.id}:in`, inRecords), trOut = this.rates.rate(`${v.id}:out`, outRecords);
    let inRate = sum.has('numRecordsInPerSecond') ? sum.get('numRecordsInPerSecond') : trIn;
    let outRate = sum.has('numRecordsOutPerSecond') ? sum.get('numRecordsOutPerSecond') : trOut;
    if (!running) { inRate = NaN; outRate = NaN; }
    let busy = NaN, bp = NaN, idle = NaN, bpLevel = '';
    const b = ex.bp;
    if (b && Array.isArray(b.subtasks) && b.subtasks.length && b.status !== 'deprecated') {
      busy = maxOf(...b.subtasks.map((x) => x.busyRatio));
      bp = maxOf(...b.subtasks.map((x) => x.ratio));
      idle = maxOf(...b.subtasks.map((x) => x.idleRatio));
      bpLevel = b.backpressureLevel || b['backpressure-level'] || '';
    } else if (mx.size) {
      busy = mx.has('busyTimeMsPerSecond') ? mx.get('busyTimeMsPerSecond') / 1000 : NaN;
      bp = mx.has('backPressuredTimeMsPerSecond') ? mx.get('backPressuredTimeMsPerSecond') / 1000 : NaN;
      idle = mx.has('idleTimeMsPerSecond') ? mx.get('idleTimeMsPerSecond') / 1000 : NaN;
      if (Number.isFinite(bp)) bpLevel = bp > 0.5 ? 'high' : bp > 0.1 ? 'low' : 'ok';
    }
    if (!running) { busy = NaN; bp = NaN; idle = NaN; bpLevel = ''; }
    const wm = summarizeWatermarks(ex.wm);
    return { status: v.status, inRecords, outRecords, inRate, outRate, busy, bp, idle, bpLevel, wm,
      isSource: !hasInputs, isSink: !hasOutputs, bpSubtasks: b && b.subtasks };
  }

  render(job, plan, vertices, sel, exc, cfg, jm) {
    this.job = job;
    const e = this.el;
    const now = Date.now();
    document.title = `${job.name || this.id} · Dataflow`;
    setText(e.name, job.name || this.id);
    setStatus(e.badge, job.state);
    setText(e.started, job['start-time'] > 0 ? `${fmtTime(job['start-time'])} (${relTime(job['start-time'], now)})` : '—');
    const running = !TERMINAL.has(job.state);
    setDuration(e.dur, job.duration, running && job['end-time'] === -1);
    e.endedWrap.hidden = !(job['end-time'] > 0);
    setText(e.ended, job['end-time'] > 0 ? fmtTime(job['end-time']) : '');
    setText(e.type, [job['job-type'] || (plan && plan.type) || 'STREAMING', job.maxParallelism > 0 ? `max par. ${job.maxParallelism}` : ''].filter(Boolean).join(' · '));
    const sub = {};
    for (const v of vertices) for (const [k, n] of Object.entries(normTasks(v.tasks))) sub[k] = (sub[k] || 0) + n;
    e.tasks._u(Object.keys(sub).length ? sub : job['status-counts'] || {});
    const canCancel = CANCELLABLE.has(job.state) && !(app.config && app.config.features && app.config.features['web-cancel'] === false);
    e.cancel.hidden = !canCancel && job.state !== 'CANCELLING';
    e.cancel.disabled = !canCancel || this.cancelling;
    setText(e.cancel, job.state === 'CANCELLING' || this.cancelling ? 'Cancelling…' : 'Cancel job');
    if (TERMINAL.has(job.state)) this.cancelling = false;

    // Graph nodes from the plan (joined with vertices by id, as Flink's dashboard does).
    const vById = new Map(vertices.map((v) => [v.id, v]));
    const nodes = plan && plan.nodes ? plan.nodes : vertices.map((v) => ({ id: v.id, parallelism: v.parallelism, inputs: [] }));
    const hasOut = new Set();
    for (const n of nodes) for (const i of n.inputs || []) hasOut.add(i.id);
    this.graph.setPlan(nodes.map((n) => {
      const { title, chain } = vertexChain(vById.get(n.id), n);
      return { id: n.id, title, chain, parallelism: n.parallelism ?? (vById.get(n.id) || {}).parallelism,
        inputs: (n.inputs || []).map((i) => ({ id: i.id, ship: i.ship_strategy || i.shipStrategy || '' })) };
    }));
    this.graph.select(this.selected);
    const stats = new Map();
    for (const v of vertices) {
      const n = nodes.find((x) => x.id === v.id);
      const st = this.vertexStats(v, !!(n && n.inputs && n.inputs.length), hasOut.has(v.id));
      stats.set(v.id, st);
      this.graph.update(v.id, st);
    }
    setText(e.graphCard._count, `${vertices.length} vertices`);

    // KPIs.
    let ingest = 0, ingestN = 0, ingestRec = 0, output = 0, outRec = 0, outputN = 0, busiest = null, bpWorst = null;
    let low = Infinity, noWm = false;
    for (const v of vertices) {
      const st = stats.get(v.id);
      if (st.isSource) { if (Number.isFinite(st.outRate)) { ingest += st.outRate; ingestN++; } if (Number.isFinite(st.outRecords)) ingestRec += st.outRecords; }
      if (st.isSink) { if (Number.isFinite(st.inRate)) { output += st.inRate; outputN++; } if (Number.isFinite(st.inRecords)) outRec += st.inRecords; }
      if (Number.isFinite(st.busy) && (!busiest || st.busy > busiest.st.busy)) busiest = { v, st };
      if (Number.isFinite(st.bp) && (!bpWorst || st.bp > bpWorst.st.bp)) bpWorst = { v, st };
      if (st.isSink) { if (st.wm.kind === 'value') low = Math.min(low, st.wm.value); else if (st.wm.kind === 'none') noWm = true; }
    }
    e.k.ingest._u(ingestN ? fmtRate(ingest) : '—', `${fmtNum(ingestRec)} records read`);
    if (running && ingestN) e.sparkIn._push(ingest);
    if (running && outputN) e.sparkOut._push(output);
    e.k.output._u(outputN ? fmtRate(output) : '—', `${fmtNum(outRec)} records into sinks`);
    e.k.busy._u(busiest ? fmtPct(busiest.st.busy) : '—', busiest ? vertexChain(busiest.v).title : running ? 'no busy-time data' : 'job not running',
      busiest && busiest.st.busy >= 0.9 ? 'warn' : '');
    const lvl = bpWorst ? (bpWorst.st.bpLevel || 'ok').toUpperCase() : '';
    e.k.bp._u(bpWorst ? `${lvl} · ${fmtPct(bpWorst.st.bp)}` : '—', bpWorst ? vertexChain(bpWorst.v).title : running ? 'no backpressure data' : 'job not running',
      lvl === 'HIGH' ? 'bad' : lvl === 'LOW' ? 'warn' : '');
    if (Number.isFinite(low)) e.k.wm._u(fmtWatermark(low).replace(/^\d{4}-\d\d-\d\d /, ''), `event time at sinks${noWm ? ' · some idle' : ''} · ${new Date(low).toISOString().slice(0, 10)}`);
    else e.k.wm._u(noWm ? 'none' : '—', noWm ? 'Long.MIN_VALUE: no watermark yet / idle' : 'no watermark metrics', noWm ? 'warn' : '');
    const restarts = jm.get('numRestarts');
    e.k.restarts._u(Number.isFinite(restarts) ? fmtInt(restarts) : '—', jm.has('uptime') && running ? `uptime ${fmtDur(jm.get('uptime'))}` : 'since submission',
      restarts > 0 ? 'warn' : '');

    this.renderVertices(vertices, stats, nodes);
    this.renderSubtasks(sel, stats);
    this.renderExceptions(exc);
    this.renderConfig(cfg, job);
    this.renderOperations(job, vertices);
    this.renderSavepoints(this.cps);
  }

  // ---- savepoints, stop with savepoint, rescaling

  /** The operations bar: a savepoint (directory, drain) and a rescale (parallelism), and the running operation. */
  buildOperations() {
    const o = {};
    o.dir = h('input#sp-dir.input.mono', { type: 'text', placeholder: 'cluster default', autocomplete: 'off', 'aria-label': 'Savepoint directory',
      oninput: () => { o.dirTouched = true; } });
    o.drain = h('input#sp-drain', { type: 'checkbox' });
    o.savepoint = h('button.btn#savepoint-job', { type: 'button', onclick: () => this.runOperation('savepoint') }, 'Savepoint');
    o.stop = h('button.btn#stop-job', { type: 'button', onclick: () => this.runOperation('stop') }, 'Stop with savepoint');
    o.par = h('input#rescale-parallelism.input.num', { type: 'number', min: 1, max: 1024, step: 1, 'aria-label': 'New parallelism',
      oninput: () => { o.parTouched = true; } });
    o.rescale = h('button.btn#rescale-job', { type: 'button', onclick: () => this.runOperation('rescale') }, 'Rescale');
    o.rescaleGroup = h('div.ops-group', h('label.ops-field', h('span.field-k', 'Parallelism'), o.par), o.rescale);
    o.status = h('div.op-status', { id: 'op-status', hidden: true, role: 'status', 'aria-live': 'polite' });
    o.bar = h('div.ops-bar',
      h('div.ops-group',
        h('label.ops-field', h('span.field-k', 'Savepoint directory'), o.dir),
        h('label.ops-check', { title: 'Stop: end event time first, so every window fires' }, o.drain, h('span', 'Drain')),
        o.savepoint, o.stop),
      o.rescaleGroup);
    this.ops = o;
    return h('div.ops', o.bar, o.status);
  }

  renderOperations(job, vertices) {
    const o = this.ops;
    const running = job.state === 'RUNNING';
    const busy = !!(this.op && this.op.state === 'progress');
    o.bar.hidden = !running && !busy;
    o.rescaleGroup.hidden = !running;
    for (const b of [o.savepoint, o.stop, o.rescale]) b.disabled = !running || busy;
    const par = Math.max(0, ...vertices.map((v) => v.parallelism || 0));
    if (!o.parTouched && par > 0 && document.activeElement !== o.par) o.par.value = String(par);
    // Prefill the directory with the one the last savepoint went to (blank: the cluster's default).
    const last = this.cps && this.cps.latest && this.cps.latest.savepoint && this.cps.latest.savepoint.external_path;
    if (!o.dirTouched && last && document.activeElement !== o.dir) o.dir.value = savepointDirectory(last);
  }

  async runOperation(kind) {
    const o = this.ops;
    if (this.op && this.op.state === 'progress') return;
    const dir = o.dir.value.trim();
    let trigger, statusPath, label;
    try {
      if (kind === 'rescale') {
        const n = parseInt(o.par.value, 10);
        if (!Number.isFinite(n) || n < 1) { this.showOperation({ kind, label: 'Rescale', state: 'failed', text: 'Parallelism must be a whole number of at least 1.' }); return; }
        label = `Rescale to ${n}`;
        this.showOperation({ kind, label, state: 'progress' });
        trigger = (await api(`jobs/${this.id}/rescaling?parallelism=${n}`, { method: 'PATCH' }))['request-id'];
        statusPath = `jobs/${this.id}/rescaling`;
      } else if (kind === 'stop') {
        const drain = o.drain.checked;
        label = drain ? 'Stop with savepoint (drain)' : 'Stop with savepoint';
        if (!window.confirm(`Stop job "${(this.job && this.job.name) || this.id}" with a savepoint${drain ? ', draining it first' : ''}?\n\nThe job ends FINISHED once the savepoint is written.`)) return;
        this.showOperation({ kind, label, state: 'progress' });
        trigger = (await api(`jobs/${this.id}/stop`, { method: 'POST', body: { targetDirectory: dir || undefined, drain } }))['request-id'];
        statusPath = `jobs/${this.id}/savepoints`;
      } else {
        label = 'Savepoint';
        this.showOperation({ kind, label, state: 'progress' });
        trigger = (await api(`jobs/${this.id}/savepoints`, { method: 'POST', body: { 'target-directory': dir || undefined, 'cancel-job': false } }))['request-id'];
        statusPath = `jobs/${this.id}/savepoints`;
      }
    } catch (e) {
      this.showOperation({ kind, label, state: 'failed', text: e.message || String(e) });
      return;
    }
    poll();
    // Poll the operation on its own (the page keeps its live updates meanwhile) until it is COMPLETED.
    const deadline = Date.now() + 10 * 60 * 1000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 400));
      let res;
      try { res = await api(`${statusPath}/${trigger}`); } catch (e) {
        if (e instanceof ApiError && e.status === 0) continue;    // the JobManager is busy or briefly away: keep asking
        this.showOperation({ kind, label, state: 'failed', text: e.message });
        return;
      }
      if (!res || !res.status || res.status.id !== 'COMPLETED') continue;
      const op = res.operation || {};
      const cause = op['failure-cause'];
      if (cause) this.showOperation({ kind, label, state: 'failed', text: cause['stack-trace'] || cause.class || 'failed' });
      else this.showOperation({ kind, label, state: 'done', path: op.location || '' });
      this.cps = undefined;
      poll();
      return;
    }
    this.showOperation({ kind, label, state: 'failed', text: 'No answer within 10 minutes; the operation may still be running.' });
  }

  /** The operation's line under the bar: in progress, the savepoint's path (click to copy), or the failure. */
  showOperation(op) {
    this.op = op;
    const el = this.ops.status;
    el.hidden = false;
    el.dataset.state = op.state;
    if (op.state === 'progress') {
      el.replaceChildren(h('div.spinner.small'), h('span', `${op.label}: in progress…`));
    } else if (op.state === 'done') {
      const path = h('code.copy.sp-path', { id: 'op-path', title: 'Copy the savepoint path',
        onclick: () => navigator.clipboard && navigator.clipboard.writeText(op.path).then(() => toast('Savepoint path copied')) }, op.path);
      el.replaceChildren(h('span.ok-dot'), h('span', `${op.label} completed. Savepoint: `), path);
      toast(`${op.label} completed`, 'good');
    } else {
      el.replaceChildren(h('strong', `${op.label} failed: `), h('span#op-error', op.text));
      toast(`${op.label} failed`, 'bad');
    }
    if (this.job) this.renderOperations(this.job, this.job.vertices || []);
  }

  renderSavepoints(cps) {
    const e = this.el;
    const history = (cps && Array.isArray(cps.history)) ? cps.history.filter((x) => x.is_savepoint) : [];
    const restored = cps && cps.latest && cps.latest.restored;
    setText(e.spcard._count, history.length ? String(history.length) : '');
    if (restored && restored.external_path) {
      if (e.restored.dataset.path !== restored.external_path + restored.restore_timestamp) {
        e.restored.dataset.path = restored.external_path + restored.restore_timestamp;
        e.restored.replaceChildren(h('span.kv-k', 'Restored from'),
          h('code.copy.sp-path', { title: 'Copy', onclick: () => navigator.clipboard && navigator.clipboard.writeText(restored.external_path).then(() => toast('Path copied')) },
            restored.external_path),
          h('span.sub', `at ${fmtDateTime(restored.restore_timestamp)}`));
      }
    } else if (e.restored.dataset.path !== '') {
      e.restored.dataset.path = '';
      e.restored.replaceChildren(h('span.sub', cps ? 'The current attempt started without a savepoint.' : 'Savepoint statistics are not available from this JobManager.'));
    }
    reconcile(e.sptable._tbody, history, (x) => String(x.id), () => {
      const c = {};
      const tr = h('tr', h('td.r.num', c.id = h('span')), h('td', c.type = h('span')), h('td', c.status = badge('')),
        h('td.sp-path-cell', c.path = h('code.copy.sp-path')), h('td', c.ts = h('span.num')), h('td.r.num', c.dur = h('span')), h('td.r.num', c.size = h('span')));
      tr._c = c;
      return tr;
    }, (tr, x) => {
      const c = tr._c;
      setText(c.id, String(x.id));
      setText(c.type, x.checkpoint_type === 'SYNC_SAVEPOINT' ? 'Stop (sync savepoint)' : 'Savepoint');
      setStatus(c.status, x.status === 'COMPLETED' ? 'FINISHED' : x.status === 'FAILED' ? 'FAILED' : 'RUNNING', x.status.toLowerCase().replace('_', ' '));
      const path = x.external_path || x.failure_message || '';
      setText(c.path, path || '—');
      setClass(c.path, 'failure', !x.external_path && !!x.failure_message);
      setAttr(c.path, 'title', x.external_path ? 'Copy the savepoint path' : path || null);
      c.path.onclick = x.external_path ? () => navigator.clipboard && navigator.clipboard.writeText(x.external_path).then(() => toast('Savepoint path copied')) : null;
      setRel(c.ts, x.trigger_timestamp);
      setText(c.dur, x.status === 'IN_PROGRESS' ? '…' : fmtDur(x.end_to_end_duration));
      setText(c.size, x.state_size > 0 ? fmtBytes(x.state_size) : '—');
    });
    e.sptable._setEmpty(history.length ? '' : 'No savepoints taken of this job yet.');
  }

  renderVertices(vertices, stats, nodes) {
    const order = new Map();
    // Topological-ish order: by graph rank (sources first), which the plan's reverse order approximates.
    const ranks = new Map();
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const rank = (id, seen = new Set()) => {
      if (ranks.has(id)) return ranks.get(id);
      if (seen.has(id)) return 0;
      seen.add(id);
      const n = byId.get(id);
      const r = n && n.inputs && n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => rank(i.id, seen))) : 0;
      ranks.set(id, r);
      return r;
    };
    vertices.forEach((v, i) => order.set(v.id, [rank(v.id), i]));
    const sorted = [...vertices].sort((a, b) => order.get(a.id)[0] - order.get(b.id)[0] || order.get(a.id)[1] - order.get(b.id)[1]);
    reconcile(this.el.vtable._tbody, sorted, (v) => v.id, (v) => {
      const c = {};
      const tr = h('tr.row-link', { dataset: { vertex: v.id }, onclick: () => this.select(v.id, true) },
        h('td.name-cell', c.name = h('div.vname'), c.chain = h('div.sub')),
        h('td', c.status = badge(v.status)),
        h('td.r.num', c.par = h('span')),
        h('td.r.num', c.in = h('span')), h('td.r.num', c.out = h('span')),
        h('td.r.num', c.inR = h('span')), h('td.r.num', c.outR = h('span')),
        h('td.meter-col', h('div.meter-cell', c.busyM = meter('busy'), c.busy = h('span.num'))),
        h('td.meter-col', h('div.meter-cell', c.bpM = meter('bp'), c.bp = h('span.num'))),
        h('td', c.wm = h('span.num')),
        h('td.tasks-col', c.tasks = taskBar()));
      tr._c = c;
      return tr;
    }, (tr, v) => {
      const c = tr._c, st = stats.get(v.id);
      const { title, chain } = vertexChain(v);
      setText(c.name, title);
      setText(c.chain, chain.length ? '→ ' + chain.join(' → ') : '');
      setStatus(c.status, v.status);
      setText(c.par, String(v.parallelism ?? '—'));
      setText(c.in, st.isSource && !st.inRecords ? '—' : fmtNum(st.inRecords)); setAttr(c.in, 'title', fmtInt(st.inRecords));
      setText(c.out, st.isSink && !st.outRecords ? '—' : fmtNum(st.outRecords)); setAttr(c.out, 'title', fmtInt(st.outRecords));
      setText(c.inR, st.isSource && !st.inRecords ? '—' : fmtRate(st.inRate));
      setText(c.outR, st.isSink && !st.outRecords ? '—' : fmtRate(st.outRate));
      c.busyM._u(st.busy, st.busy >= 0.75 ? 'hot' : st.busy >= 0.4 ? 'warm' : '');
      setText(c.busy, fmtPct(st.busy));
      c.bpM._u(st.bp, st.bpLevel === 'high' ? 'bad' : st.bpLevel === 'low' ? 'warn' : '');
      setText(c.bp, Number.isFinite(st.bp) ? `${fmtPct(st.bp)}${st.bpLevel ? ' ' + st.bpLevel : ''}` : '—');
      wmCell(c.wm, st.wm);
      c.tasks._u(v.tasks);
      setClass(tr, 'selected', v.id === this.selected);
    });
  }

  renderSubtasks(sel, stats) {
    const e = this.el;
    const v = (this.job.vertices || []).find((x) => x.id === this.selected);
    setText(e.scard._title, v ? `Subtasks · ${vertexChain(v).title}` : 'Subtasks');
    if (!sel || !v) { reconcile(e.stable._tbody, [], (x) => x, null, null); e.stable._setEmpty('Select a vertex in the graph.'); e.runsOn.replaceChildren(); return; }
    const st = stats.get(v.id) || {};
    const subtasks = (sel.detail && sel.detail.subtasks) || [];
    setText(e.scard._count, `${subtasks.length || v.parallelism || 0} subtasks`);
    const bpBy = new Map(((st.bpSubtasks) || []).map((b) => [String(b.subtask), b]));
    const running = v.status === 'RUNNING';
    reconcile(e.stable._tbody, subtasks, (s) => String(s.subtask), (s) => {
      const c = {};
      const tr = h('tr',
        h('td.r.num', c.idx = h('span')), h('td', c.status = badge(s.status)),
        h('td', c.tm = h('a.mono'), c.host = h('div.sub.mono')),
        h('td.r.num', c.in = h('span')), h('td.r.num', c.out = h('span')),
        h('td.r.num', c.inR = h('span')), h('td.r.num', c.outR = h('span')),
        h('td.meter-col', h('div.meter-cell', c.busyM = meter('busy'), c.busy = h('span.num'))),
        h('td.meter-col', h('div.meter-cell', c.bpM = meter('bp'), c.bp = h('span.num'))),
        h('td', c.wm = h('span.num')), h('td.r.num', c.att = h('span')), h('td.r.num', c.dur = h('span')));
      tr._c = c;
      return tr;
    }, (tr, s) => {
      const c = tr._c, i = s.subtask, m = s.metrics || {};
      setText(c.idx, String(i));
      setStatus(c.status, s.status);
      const tmid = s['taskmanager-id'] || s.taskmanagerId || '';
      setText(c.tm, tmid || '—');
      setAttr(c.tm, 'href', tmid ? `#/taskmanagers/${enc(tmid)}` : null);
      setText(c.host, s.endpoint || s.host || '');
      const inRec = maxOf(m['read-records'], sel.sub.get(`${i}.numRecordsIn`));
      const outRec = maxOf(m['write-records'], sel.sub.get(`${i}.numRecordsOut`));
      setText(c.in, st.isSource && !inRec ? '—' : fmtNum(inRec)); setAttr(c.in, 'title', fmtInt(inRec));
      setText(c.out, st.isSink && !outRec ? '—' : fmtNum(outRec)); setAttr(c.out, 'title', fmtInt(outRec));
      const ri = this.rates.rate(`${v.id}.${i}:in`, inRec), ro = this.rates.rate(`${v.id}.${i}:out`, outRec);
      const inR = sel.sub.has(`${i}.numRecordsInPerSecond`) ? sel.sub.get(`${i}.numRecordsInPerSecond`) : ri;
      const outR = sel.sub.has(`${i}.numRecordsOutPerSecond`) ? sel.sub.get(`${i}.numRecordsOutPerSecond`) : ro;
      setText(c.inR, running && !(st.isSource && !inRec) ? fmtRate(inR) : '—');
      setText(c.outR, running && !(st.isSink && !outRec) ? fmtRate(outR) : '—');
      const b = bpBy.get(String(i));
      const busy = running && b ? Number(b.busyRatio) : NaN, bp = running && b ? Number(b.ratio) : NaN;
      const level = b ? (b.backpressureLevel || b['backpressure-level'] || '') : '';
      c.busyM._u(busy, busy >= 0.75 ? 'hot' : busy >= 0.4 ? 'warm' : ''); setText(c.busy, fmtPct(busy));
      c.bpM._u(bp, level === 'high' ? 'bad' : level === 'low' ? 'warn' : ''); setText(c.bp, Number.isFinite(bp) ? `${fmtPct(bp)}${level ? ' ' + level : ''}` : '—');
      const wmv = st.wm && st.wm.per ? st.wm.per.get(String(i)) : undefined;
      wmCell(c.wm, wmv === undefined ? { kind: 'absent' } : Number.isFinite(wmv) ? { kind: 'value', value: wmv } : { kind: 'none' });
      setText(c.att, String(s.attempt ?? 0));
      setDuration(c.dur, s.duration, s.status === 'RUNNING');
    });
    e.stable._setEmpty(subtasks.length ? '' : 'No subtask details from the JobManager for this vertex.');

    // Where the subtasks run: per TaskManager (from …/taskmanagers, else grouped from the subtasks).
    let tms = [];
    if (sel.tms && Array.isArray(sel.tms.taskmanagers) && sel.tms.taskmanagers.length) {
      tms = sel.tms.taskmanagers.map((t) => ({ id: t['taskmanager-id'] || t.id || t.endpoint || t.host, endpoint: t.endpoint || t.host,
        count: Object.values(normTasks(t['status-counts'])).reduce((a, b) => a + b, 0), status: t.status }));
    } else {
      const g = new Map();
      for (const s of subtasks) {
        const id = s['taskmanager-id'] || s.endpoint || s.host || '?';
        const x = g.get(id) || { id, endpoint: s.endpoint || s.host, count: 0, status: s.status };
        x.count++; g.set(id, x);
      }
      tms = [...g.values()];
    }
    reconcile(e.runsOn, tms, (t) => t.id, (t) => {
      const c = {};
      const el = h('a.tm-chip', { href: `#/taskmanagers/${enc(t.id)}` }, h('span.tm-ico'), c.id = h('span.mono'), c.ep = h('span.sub.mono'), c.n = h('span.tm-n'));
      el._c = c;
      return el;
    }, (el, t) => {
      setText(el._c.id, t.id); setText(el._c.ep, t.endpoint && t.endpoint !== t.id ? t.endpoint : '');
      setText(el._c.n, `${t.count} subtask${t.count === 1 ? '' : 's'}`);
    });
  }

  renderExceptions(exc) {
    const e = this.el;
    const entries = [];
    if (exc && exc.exceptionHistory && Array.isArray(exc.exceptionHistory.entries)) {
      for (const x of exc.exceptionHistory.entries) {
        entries.push({ name: x.exceptionName || 'Exception', trace: x.stacktrace || '', ts: x.timestamp, task: x.taskName,
          where: x.endpoint || x.location || x.taskManagerId || '', tm: x.taskManagerId, labels: x.failureLabels,
          concurrent: (x.concurrentExceptions || []).length });
      }
    }
    if (!entries.length && exc && exc['root-exception']) {
      entries.push({ name: String(exc['root-exception']).split('\n')[0], trace: exc['root-exception'], ts: exc.timestamp, task: '', where: '' });
    }
    entries.sort((a, b) => (b.ts || 0) - (a.ts || 0));
    setText(e.excard._count, entries.length ? String(entries.length) : '');
    reconcile(e.exList, entries, (x) => `${x.ts}|${x.name}|${x.task}`, (x) => {
      const c = {};
      const el = h('details.exc',
        h('summary', c.ts = h('span.exc-time.num'), h('span.exc-main', c.name = h('span.exc-name'), c.where = h('span.exc-where.sub'))),
        c.trace = h('pre.trace'));
      el._c = c;
      return el;
    }, (el, x) => {
      const c = el._c;
      setRel(c.ts, x.ts);
      setText(c.name, x.name.split('\n')[0]);
      setText(c.where, [x.task, x.where ? `@ ${x.where}` : '', x.concurrent ? `+${x.concurrent} concurrent` : ''].filter(Boolean).join(' '));
      setText(c.trace, x.trace || x.name);
    });
    const emptyText = exc ? 'No exceptions. The job has not failed or restarted.' : 'Exceptions are not available from this JobManager.';
    let empty = e.exList.querySelector(':scope > .empty');
    if (empty && (entries.length || empty.dataset.text !== emptyText)) { empty.remove(); empty = null; }
    if (!entries.length && !empty) e.exList.append(h('div.empty', { dataset: { text: emptyText } }, exc ? h('span.ok-dot') : null, emptyText));
  }

  renderConfig(cfg, job) {
    const ec = (cfg && cfg['execution-config']) || {};
    const rows = [];
    if (ec['job-parallelism'] !== undefined) rows.push(['Parallelism', String(ec['job-parallelism'])]);
    if (ec['execution-mode']) rows.push(['Execution mode', ec['execution-mode']]);
    if (ec['restart-strategy']) rows.push(['Restart strategy', ec['restart-strategy']]);
    if (ec['object-reuse-mode'] !== undefined) rows.push(['Object reuse', ec['object-reuse-mode'] ? 'on' : 'off']);
    if (job.maxParallelism > 0) rows.push(['Max parallelism', String(job.maxParallelism)]);
    const uc = ec['user-config'] || {};
    const params = Object.entries(uc).sort(([a], [b]) => a.localeCompare(b));
    const sig = JSON.stringify([rows, params]);
    if (sig === this.cfgSig) return;
    this.cfgSig = sig;
    const body = [];
    if (!rows.length && !params.length) body.push(h('div.empty', 'No configuration reported for this job.'));
    for (const [k, v] of rows) body.push(h('div.kv-row', h('span.kv-k', k), h('span.kv-v', v)));
    if (params.length) {
      body.push(h('div.kv-section', 'Parameters'));
      for (const [k, v] of params) body.push(h('div.kv-row', h('span.kv-k.mono', k), h('span.kv-v.mono', { title: String(v) }, String(v))));
    }
    this.el.cfgBody.replaceChildren(...body);
  }

  async cancel() {
    const job = this.job;
    if (!job) return;
    if (!window.confirm(`Cancel job "${job.name || this.id}"?\n\nAll its subtasks are stopped. This cannot be undone.`)) return;
    this.cancelling = true;
    this.el.cancel.disabled = true;
    setText(this.el.cancel, 'Cancelling…');
    try {
      await api(`jobs/${this.id}/yarn-cancel`);
      toast('Cancellation requested', 'good');
    } catch (e) {
      this.cancelling = false;
      toast(`Cancel failed: ${e.message}`, 'bad');
    }
    poll();
  }
}

/** `file:/dir/savepoint-…` → `/dir`: where the next savepoint goes by default. */
function savepointDirectory(location) {
  const path = String(location).replace(/^file:(\/\/)?/, '');
  const cut = path.replace(/\/+$/, '').lastIndexOf('/');
  return cut > 0 ? path.slice(0, cut) : path;
}

function wmCell(el, wm) {
  if (!el._t) {
    el._t = h('span.num'); el._pill = h('span.pill.idle', 'no watermark'); el._d = h('div.sub.num');
    el.replaceChildren(el._t, el._pill, el._d);
  }
  el._pill.hidden = wm.kind !== 'none';
  if (wm.kind === 'value') {
    const p = watermarkParts(wm.value);
    setText(el._t, p.time + (wm.idle ? ` · ${wm.idle} idle` : ''));
    setText(el._d, p.date);
    setAttr(el, 'class', `wm${wm.idle ? ' idle' : ''}`);
    setAttr(el, 'title', `${wm.value} (${new Date(wm.value).toISOString()})${wm.idle ? ` — ${wm.idle} of ${wm.total} subtasks have no watermark (Long.MIN_VALUE): idle input or none yet` : ''}`);
  } else if (wm.kind === 'none') {
    setText(el._t, ''); setText(el._d, '');
    setAttr(el, 'class', 'wm');
    setAttr(el, 'title', 'currentInputWatermark = Long.MIN_VALUE: no watermark received yet, or the input is idle');
  } else {
    setText(el._t, '—'); setText(el._d, '');
    setAttr(el, 'class', 'wm muted');
    setAttr(el, 'title', 'no input watermark metric (sources have none)');
  }
  el._d.hidden = !el._d.textContent;
}

// -------------------------------------------------------------------------------------------- taskmanagers

function hbTime(v) {
  // Flink reports `timeSinceLastHeartbeat` as the epoch ms of the last heartbeat despite its name; accept both.
  if (!Number.isFinite(v) || v <= 0) return 0;
  return v > 1e12 ? v : Date.now() - v;
}

class TaskManagersView {
  constructor(root) {
    this.t = table([
      { label: 'TaskManager' }, { label: 'Slots', cls: 'meter-col wide' }, { label: 'Tasks', cls: 'r' }, { label: 'CPU cores', cls: 'r' },
      { label: 'Physical memory', cls: 'r' }, { label: 'Data port', cls: 'r' }, { label: 'Last heartbeat' }, { label: 'State' },
    ], 'tms');
    this.card = card('TaskManagers', this.t);
    root.append(h('div.page-head', h('h1', 'TaskManagers')), this.card);
    document.title = 'TaskManagers · Dataflow';
  }
  async refresh() {
    const res = await api('taskmanagers');
    const list = ((res && res.taskmanagers) || []).slice().sort((a, b) => String(a.id).localeCompare(String(b.id)));
    reconcile(this.t._tbody, list, (t) => t.id, (t) => {
      const c = {};
      const tr = h('tr.row-link', { onclick: (ev) => { if (!ev.target.closest('a')) location.hash = `#/taskmanagers/${enc(t.id)}`; } },
        h('td.name-cell', c.id = h('a.mono', { href: `#/taskmanagers/${enc(t.id)}` }), c.path = h('div.sub.mono')),
        h('td.meter-col.wide', h('div.meter-cell', c.m = meter('slot-meter'), c.slots = h('span.num'))),
        h('td.r.num', c.tasks = h('span')), h('td.r.num', c.cpu = h('span')), h('td.r.num', c.mem = h('span')), h('td.r.num', c.port = h('span')),
        h('td', c.hb = h('span')), h('td', c.state = h('span')));
      tr._c = c;
      return tr;
    }, (tr, t) => {
      const c = tr._c;
      setText(c.id, t.id); setText(c.path, t.path || '');
      const used = (t.slotsNumber || 0) - (t.freeSlots || 0);
      c.m._u(t.slotsNumber ? used / t.slotsNumber : 0, t.slotsNumber && !t.freeSlots ? 'warn' : '');
      setText(c.slots, `${used} / ${t.slotsNumber ?? '—'} used`);
      setText(c.tasks, t.assignedTasks !== undefined ? String(t.assignedTasks) : '—');
      setText(c.cpu, t.hardware ? String(t.hardware.cpuCores) : '—');
      setText(c.mem, t.hardware ? fmtBytes(t.hardware.physicalMemory) : '—');
      setText(c.port, t.dataPort > 0 ? String(t.dataPort) : '—');
      setRel(c.hb, hbTime(t.timeSinceLastHeartbeat));
      setStatus(c.state, t.blocked ? 'BLOCKED' : 'ACTIVE', t.blocked ? 'blocked' : 'active');
    });
    this.t._setEmpty(list.length ? '' : 'No TaskManager has registered. Start one with `dataflow taskmanager`.');
    setText(this.card._count, String(list.length));
  }
}

class TaskManagerView {
  constructor(root, params) {
    this.id = params.id;
    this.root = root;
    root.append(h('div.state-block.loading', h('div.spinner'), h('p.muted', 'Loading TaskManager…')));
  }
  build() {
    const e = this.el = {};
    e.path = h('span.mono'); e.port = h('span.num'); e.hb = h('span');
    e.k = { slots: kpi('Slots used', { cls: 'with-meter' }), cpu: kpi('CPU'), load: kpi('CPU load'), heap: kpi('Memory used'),
      phys: kpi('Physical memory'), tasks: kpi('Assigned tasks') };
    e.slotMeter = meter(); e.k.slots.append(e.slotMeter);
    e.slots = h('div.slots');
    e.mem = h('div.mem-bars');
    e.memCfg = h('div.kv');
    e.gc = h('div.kv');
    this.root.replaceChildren(
      h('div.job-head',
        h('div.crumbs', h('a', { href: '#/taskmanagers' }, 'TaskManagers'), h('span.sep', '/'), h('span.mono', this.id)),
        h('div.job-title', h('h1', h('span.tm-ico.big'), h('span.mono', this.id))),
        h('div.meta', h('span.meta-item', h('span.meta-k', 'Address'), e.path), h('span.meta-item', h('span.meta-k', 'Data port'), e.port),
          h('span.meta-item', h('span.meta-k', 'Last heartbeat'), e.hb))),
      h('div.kpis.kpis-6', Object.values(e.k)),
      e.slotsCard = card('Slots', e.slots),
      h('div.grid-2', card('Memory', e.mem), card('Memory configuration', e.memCfg)),
      e.gcCard = card('Garbage collection', e.gc));
    document.title = `${this.id} · TaskManagers · Dataflow`;
  }
  async refresh() {
    let tm;
    try { tm = await api(`taskmanagers/${enc(this.id)}`); } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        this.el = null;
        this.root.replaceChildren(errorState(e, { title: 'TaskManager not found', back: { href: '#/taskmanagers', label: '← All TaskManagers' } }));
        return;
      }
      throw e;
    }
    const [mx, jobs] = await Promise.all([
      apiOptional(`taskmanagers/${enc(this.id)}/metrics?get=Status.JVM.CPU.Load,Status.JVM.Memory.Heap.Used,Status.JVM.Threads.Count`, null),
      app.jobNames.size ? Promise.resolve(null) : apiOptional('jobs/overview', null),
    ]);
    if (jobs && jobs.jobs) rememberJobNames(jobs.jobs);
    if (!this.el) this.build();
    const e = this.el, m = metricMap(mx), met = tm.metrics || {}, hw = tm.hardware || {};
    setText(e.path, tm.path || '—'); setText(e.port, tm.dataPort > 0 ? String(tm.dataPort) : '—');
    setRel(e.hb, hbTime(tm.timeSinceLastHeartbeat));
    const total = tm.slotsNumber || 0, free = tm.freeSlots || 0;
    e.k.slots._u(`${total - free} / ${total}`, `${free} free`);
    e.slotMeter._u(total ? (total - free) / total : 0, total && !free ? 'warn' : '');
    e.k.cpu._u(hw.cpuCores !== undefined ? `${hw.cpuCores} cores` : '—', tm.totalResource ? `${tm.totalResource.cpuCores} for slots` : '');
    const load = m.get('Status.JVM.CPU.Load');
    e.k.load._u(Number.isFinite(load) ? fmtPct(load) : '—', m.has('Status.JVM.Threads.Count') ? `${m.get('Status.JVM.Threads.Count')} threads` : 'of the process', load > 0.9 ? 'warn' : '');
    const heapUsed = maxOf(met.heapUsed, m.get('Status.JVM.Memory.Heap.Used'));
    e.k.heap._u(fmtBytes(heapUsed), met.heapMax > 0 ? `of ${fmtBytes(met.heapMax)}` : '');
    e.k.phys._u(fmtBytes(hw.physicalMemory), hw.freeMemory > 0 ? `${fmtBytes(hw.freeMemory)} free` : '');
    const assigned = tm.assignedTasks ?? (tm.allocatedSlots || []).reduce((a, s) => a + (s.assignedTasks || 0), 0);
    e.k.tasks._u(fmtInt(assigned), `in ${(tm.allocatedSlots || []).length} slots`);

    // Slot tiles: allocated slots (with their job), then free ones.
    const tiles = (tm.allocatedSlots || []).map((s, i) => ({ key: `a${i}`, job: s.jobId, tasks: s.assignedTasks, res: s.resource }));
    for (let i = tiles.length; i < Math.max(total, tiles.length); i++) tiles.push({ key: `f${i}` });
    reconcile(e.slots, tiles, (t) => t.key + (t.job || ''), (t) => {
      if (!t.job) return h('div.slot.free', h('div.slot-n', 'free'), h('div.sub', 'available'));
      return h('a.slot.used', { href: `#/jobs/${t.job}` }, h('div.slot-job'), h('div.sub.mono', shortId(t.job)), h('div.sub.slot-tasks'));
    }, (el, t) => {
      if (!t.job) return;
      setText(el.querySelector('.slot-job'), app.jobNames.get(t.job) || 'job ' + shortId(t.job));
      setText(el.querySelector('.slot-tasks'), `${t.tasks ?? '?'} tasks${t.res && t.res.cpuCores ? ` · ${t.res.cpuCores} cpu` : ''}`);
    });
    setText(e.slotsCard._count, `${total - free} of ${total} in use`);

    const bars = [
      ['Heap', met.heapUsed, met.heapMax || met.heapCommitted], ['Non-heap', met.nonHeapUsed, met.nonHeapMax || met.nonHeapCommitted],
      ['Direct', met.directUsed, met.directMax], ['Network', met.nettyShuffleMemoryUsed, met.nettyShuffleMemoryTotal],
      ['Managed', tm.memoryConfiguration ? tm.memoryConfiguration.managedMemory - (tm.freeResource ? tm.freeResource.managedMemory * 1048576 : 0) : NaN,
        tm.memoryConfiguration && tm.memoryConfiguration.managedMemory],
    ].filter(([, used, max]) => Number.isFinite(used) && max > 0);
    reconcile(e.mem, bars, (b) => b[0], (b) => {
      const el = h('div.mem-row', h('span.mem-k', b[0]), h('span.mem-bar', meter()), h('span.mem-v.num'));
      el._m = el.querySelector('.meter'); el._v = el.querySelector('.mem-v');
      return el;
    }, (el, [, used, max]) => {
      const r = Math.max(0, used) / max;
      el._m._u(r, r > 0.9 ? 'bad' : r > 0.75 ? 'warn' : '');
      setText(el._v, `${fmtBytes(Math.max(0, used))} / ${fmtBytes(max)}`);
    });
    if (!bars.length && !e.mem.querySelector('.empty')) e.mem.append(h('div.empty', 'No memory metrics reported.'));

    const mc = tm.memoryConfiguration || {};
    const cfgSig = JSON.stringify(mc);
    if (cfgSig !== this.cfgSig) {
      this.cfgSig = cfgSig;
      const names = { frameworkHeap: 'Framework heap', taskHeap: 'Task heap', frameworkOffHeap: 'Framework off-heap', taskOffHeap: 'Task off-heap',
        networkMemory: 'Network', managedMemory: 'Managed', jvmMetaspace: 'Metaspace', jvmOverhead: 'Overhead', totalFlinkMemory: 'Total (runtime)', totalProcessMemory: 'Total process' };
      const rows = Object.entries(mc).map(([k, v]) => h(`div.kv-row${k.startsWith('total') ? '.total' : ''}`, h('span.kv-k', names[k] || k), h('span.kv-v.num', fmtBytes(v))));
      e.memCfg.replaceChildren(...(rows.length ? rows : [h('div.empty', 'Not reported.')]));
    }
    const gcs = met.garbageCollectors || [];
    e.gcCard.hidden = !gcs.length;
    reconcile(e.gc, gcs, (g) => g.name, (g) => h('div.kv-row', h('span.kv-k', g.name), h('span.kv-v.num')), (el, g) => {
      setText(el.lastChild, `${fmtInt(g.count)} collections · ${fmtDur(g.time)}`);
    });
  }
}

// ----------------------------------------------------------------------------------------------------- submit

// GET jars (Flink's JarListInfo): one "jar" per job of the cluster's catalog, its id the job's name; our JobManager adds
// each job's parallelism and parameters from jobs.yaml.
function normalizeCatalog(res) {
  const files = res && Array.isArray(res.files) ? res.files : [];
  return files.map((f) => ({
    name: f.id || f.name,
    summary: (f.entry && f.entry[0] && f.entry[0].description) || '',
    parallelism: f.parallelism,
    params: Object.entries(f.parameters || {}).map(([k, v]) => ({ name: k, value: v === null || v === undefined ? '' : String(v) })),
  })).filter((j) => j.name);
}

class SubmitView {
  constructor(root) {
    this.root = root;
    this.catalog = null;
    this.loaded = false;
    root.append(h('div.page-head', h('h1', 'Submit a job')),
      this.body = h('div.submit-grid', h('div.state-block.loading', h('div.spinner'), h('p.muted', 'Loading the job catalog…'))));
    document.title = 'Submit · Dataflow';
  }
  async refresh() {
    if (this.loaded) return;
    let catalog = null, note = '';
    try { catalog = normalizeCatalog(await api('jars')); } catch (e) {
      if (e instanceof ApiError && e.unreachable) throw e;
      note = `Could not load the job catalog (GET jars: ${e.message}). Type the name of a job declared in jobs.yaml.`;
    }
    this.loaded = true;
    this.catalog = catalog || [];
    this.build(note);
  }
  build(note) {
    const f = this.f = {};
    const list = h('div.catalog');
    for (const j of this.catalog) {
      const el = h('button.cat-item', { type: 'button', dataset: { job: j.name }, onclick: () => this.pick(j) },
        h('div.cat-name.mono', j.name), j.summary ? h('div.cat-sum', j.summary) : null,
        h('div.cat-meta', `${j.params.length} parameter${j.params.length === 1 ? '' : 's'}${j.parallelism ? ` · parallelism ${j.parallelism}` : ''}`));
      list.append(el);
    }
    f.name = h('input#job-name.input.mono', { name: 'job', required: true, autocomplete: 'off', placeholder: 'a job name from jobs.yaml', list: 'job-names' });
    const dl = h('datalist#job-names', this.catalog.map((j) => h('option', { value: j.name })));
    f.name.addEventListener('change', () => { const j = this.catalog.find((x) => x.name === f.name.value.trim()); if (j) this.pick(j); });
    f.par = h('input#job-parallelism.input.num', { name: 'parallelism', type: 'number', min: 1, max: 1024, step: 1, placeholder: 'default' });
    f.params = h('div.params');
    f.error = h('div.form-error', { hidden: true, role: 'alert' });
    f.submit = h('button.btn.primary', { type: 'submit' }, 'Submit job');
    const form = h('form.card.submit-form', { onsubmit: (ev) => { ev.preventDefault(); this.submit(); } },
      h('header.card-head', h('h2', 'Job')),
      h('div.form-body',
        h('label.field', h('span.field-k', 'Job name'), f.name, dl),
        h('label.field', h('span.field-k', 'Parallelism'), f.par, h('span.field-hint', 'Subtasks per vertex; blank = the job’s default from jobs.yaml')),
        h('div.field', h('span.field-k', 'Parameters'), f.params,
          h('button.btn.ghost.small', { type: 'button', onclick: () => this.addParam('', '', '') }, '+ Add parameter')),
        f.error,
        h('div.form-actions', f.submit, h('span.field-hint', 'POST jobs/submit-by-name'))));
    const left = this.catalog.length
      ? card('Catalog', list)
      : card('Catalog', h('div.empty', note || 'No jobs in the catalog. Type a job name.'));
    if (this.catalog.length) setText(left._count, String(this.catalog.length));
    if (note && this.catalog.length === 0) left.classList.add('note');
    this.body.replaceChildren(left, form);
    if (this.catalog.length) this.pick(this.catalog[0]); else this.addParam('', '', '');
  }
  pick(j) {
    const f = this.f;
    f.name.value = j.name;
    f.par.value = j.parallelism || '';
    f.params.replaceChildren();
    for (const p of j.params) this.addParam(p.name, p.value, p.description);
    if (!j.params.length) this.addParam('', '', '');
    for (const b of this.body.querySelectorAll('.cat-item')) setClass(b, 'on', b.dataset.job === j.name);
    f.error.hidden = true;
  }
  addParam(k, v, desc) {
    const row = h('div.param-row',
      h('input.input.mono.pk', { placeholder: 'key', value: k, 'aria-label': 'parameter name' }),
      h('span.eq', '='),
      h('input.input.mono.pv', { placeholder: v ? '' : 'default', value: v ?? '', title: desc || '', 'aria-label': `value of ${k || 'parameter'}` }),
      h('button.btn.ghost.icon', { type: 'button', title: 'Remove', onclick: () => row.remove() }, '×'));
    this.f.params.append(row);
  }
  async submit() {
    const f = this.f;
    const name = f.name.value.trim();
    if (!name) { f.name.focus(); return; }
    const body = { job: name };
    const p = parseInt(f.par.value, 10);
    if (Number.isFinite(p) && p > 0) body.parallelism = p;
    const params = {};
    for (const row of f.params.querySelectorAll('.param-row')) {
      const k = row.querySelector('.pk').value.trim(), v = row.querySelector('.pv').value;
      if (k && v !== '') params[k] = v;
    }
    body.parameters = params;
    f.submit.disabled = true;
    setText(f.submit, 'Submitting…');
    f.error.hidden = true;
    try {
      const res = await api('jobs/submit-by-name', { method: 'POST', body });
      const jid = res && (res.jobid || res.jid || res.jobId || res.id || (res.jobUrl && String(res.jobUrl).split('/').pop()));
      toast(`Submitted ${name}${jid ? ' · ' + shortId(jid) : ''}`, 'good');
      location.hash = jid ? `#/jobs/${jid}` : '#/jobs';
    } catch (e) {
      f.error.hidden = false;
      const errs = e.body && Array.isArray(e.body.errors) ? e.body.errors.map((x) => String(x).split('\n')[0]) : [e.message];
      f.error.replaceChildren(h('strong', e.status === 404 ? 'The JobManager has no submit-by-name endpoint (404).' : 'Submission failed.'),
        ...errs.map((x) => h('div', x)));
    } finally {
      f.submit.disabled = false;
      setText(f.submit, 'Submit job');
    }
  }
}

class NotFoundView {
  constructor(root) { root.append(errorState(new Error(`No page at ${location.hash}`), { title: 'Page not found', back: { href: '#/overview', label: '← Overview' } })); }
  async refresh() {}
}

// --------------------------------------------------------------------------------------------- shell, polling

function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '').split('?')[0];
  const parts = raw.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  if (!parts.length || parts[0] === 'overview') return { name: 'overview', nav: 'overview' };
  if (parts[0] === 'jobs' && parts.length === 1) return { name: 'jobs', nav: 'jobs' };
  if (parts[0] === 'jobs') return { name: 'job', nav: 'jobs', id: parts[1], vertex: parts[2] === 'vertices' ? parts[3] : null };
  if (parts[0] === 'taskmanagers' && parts.length === 1) return { name: 'tms', nav: 'taskmanagers' };
  if (parts[0] === 'taskmanagers') return { name: 'tm', nav: 'taskmanagers', id: parts[1] };
  if (parts[0] === 'submit') return { name: 'submit', nav: 'submit' };
  return { name: 'notfound' };
}

const VIEWS = { overview: OverviewView, jobs: JobsView, job: JobView, tms: TaskManagersView, tm: TaskManagerView, submit: SubmitView, notfound: NotFoundView };

function navigate() {
  const r = parseRoute();
  const key = `${r.name}:${r.id || ''}`;
  for (const a of document.querySelectorAll('[data-nav]')) setClass(a, 'active', a.dataset.nav === r.nav);
  if (key === app.routeKey && app.view && app.view.route && app.view.route(r)) return;
  app.routeKey = key;
  const root = $('view');
  root.replaceChildren();
  root.className = `view view-${r.name}`;
  app.view = new VIEWS[r.name](root, r);
  window.scrollTo(0, 0);
  poll();
}

function renderHeader() {
  const o = app.overview;
  if (!o) return;
  setText($('hdr-tms'), fmtInt(o.taskmanagers));
  setText($('hdr-slots'), `${o['slots-available'] ?? '—'}/${o['slots-total'] ?? '—'}`);
  setText($('hdr-running'), fmtInt(o['jobs-running']));
  setText($('hdr-version'), o['flink-version'] ? `Flink API ${o['flink-version']}` : '');
}

function setOnline(ok, err) {
  const banner = $('banner');
  if (ok) {
    app.online = true; app.failures = 0; app.lastOk = Date.now(); app.lastError = null;
    banner.hidden = true;
    document.body.classList.remove('offline');
  } else {
    app.online = false; app.failures++; app.lastError = err;
    banner.hidden = false;
    document.body.classList.add('offline');
    setText($('banner-msg'), `Can’t reach the JobManager (${err && err.path ? 'GET ' + err.path + ': ' : ''}${err ? err.message : 'no response'}).`);
  }
  updateLive();
  if (!ok) { app.nextAt = Date.now() + retryDelay(); tick(); }
}

function retryDelay() {
  if (app.online) return document.hidden ? app.refreshMs * 4 : app.refreshMs;
  return Math.min(30000, app.refreshMs * 2 ** Math.min(4, app.failures - 1));
}

function schedule() {
  clearTimeout(app.timer);
  if (app.paused && app.online) return;
  const d = retryDelay();
  app.nextAt = Date.now() + d;
  app.timer = setTimeout(poll, d);
}

export async function poll() {
  if (!app.config) return boot();
  if (app.inFlight) { app.again = true; return; }
  clearTimeout(app.timer);
  app.inFlight = true;
  const view = app.view;
  // /overview feeds the header on every page and doubles as the connectivity probe; the overview page reuses it.
  app.overviewPromise = api('overview').then((o) => (app.overview = o), (e) => {
    if (e instanceof ApiError && e.unreachable) throw e;
    return null;
  });
  try {
    const results = await Promise.allSettled([app.overviewPromise, view ? view.refresh() : null]);
    const errs = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    const down = errs.find((e) => e instanceof ApiError && e.unreachable);
    if (down) setOnline(false, down);
    else {
      setOnline(true);
      renderHeader();
      if (view === app.view) viewError(errs[0] || null);
    }
  } finally {
    app.inFlight = false;
    if (app.again) { app.again = false; setTimeout(poll, 0); } else schedule();
  }
}

/** A non-fatal error of the current page (a 4xx/5xx or a bug): shown above the page, which keeps its last data. */
function viewError(e) {
  const root = $('view');
  let el = root.querySelector(':scope > .view-error');
  if (!e) { if (el) el.remove(); return; }
  console.error(e);
  if (!el) { el = h('div.view-error', { role: 'alert' }); root.prepend(el); }
  const what = e instanceof ApiError ? `GET ${e.path} → ${e.status ? 'HTTP ' + e.status : 'no response'}: ${e.message}` : String(e && e.message || e);
  setText(el, `Some data could not be loaded. ${what}`);
}

function updateLive() {
  const live = $('live');
  const state = !app.online ? 'offline' : app.paused ? 'paused' : 'live';
  live.dataset.state = state;
  const secs = Math.round(app.refreshMs / 1000 * 10) / 10;
  setText($('live-text'), state === 'offline' ? 'Offline' : state === 'paused' ? 'Paused' : `Live · ${secs}s`);
  setAttr(live, 'title', app.lastOk ? `Last update ${fmtDateTime(app.lastOk)}` : 'not connected yet');
  setAttr($('pause'), 'aria-pressed', app.paused ? 'true' : 'false');
  setAttr($('pause'), 'title', app.paused ? 'Resume live updates' : 'Pause live updates');
  $('pause').classList.toggle('is-paused', app.paused);
}

/** Once a second: relative times, running durations, banner countdown. */
function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-dur-at]')) setText(el, fmtDur(Number(el.dataset.durBase) + now - Number(el.dataset.durAt)));
  for (const el of document.querySelectorAll('[data-ts]')) setText(el, (el.dataset.prefix || '') + relTime(Number(el.dataset.ts), now));
  if (!app.online) {
    const s = Math.max(0, Math.ceil((app.nextAt - now) / 1000));
    setText($('banner-retry'), `${app.lastOk ? `Showing data from ${relTime(app.lastOk, now)}. ` : ''}Retrying in ${s}s…`);
  }
  setText($('updated'), app.lastOk ? `updated ${relTime(app.lastOk, now)}` : '');
}

async function boot() {
  if (app.booting) return;
  app.booting = true;
  clearTimeout(app.timer);
  try {
    app.config = (await api('config')) || {};
  } catch (e) {
    if (e instanceof ApiError && !e.unreachable) {
      app.config = {}; // a server without /config: start with defaults
      console.warn('GET ./config failed; using defaults', e);
    } else {
      setOnline(false, e);
      const root = $('view');
      if (!root.querySelector('.boot-wait')) {
        root.replaceChildren(h('div.state-block.boot-wait', h('div.spinner'), h('h2', 'Waiting for the JobManager…'),
          h('p.muted', 'The dashboard starts once GET ./config answers.')));
      }
      app.booting = false;
      app.nextAt = Date.now() + retryDelay();
      app.timer = setTimeout(boot, retryDelay());
      return;
    }
  }
  app.booting = false;
  const ri = Number(app.config['refresh-interval']);
  app.refreshMs = Number.isFinite(ri) && ri >= 250 ? ri : 3000;
  setOnline(true);
  app.routeKey = '';
  navigate();
}

function applyTheme(mode) {
  const root = document.documentElement;
  if (mode === 'auto') delete root.dataset.theme; else root.dataset.theme = mode;
  $('theme').dataset.mode = mode;
  setAttr($('theme'), 'title', `Theme: ${mode} (click to change)`);
}

function init() {
  let theme = 'auto';
  try { theme = localStorage.getItem('dataflow-theme') || 'auto'; } catch { /* private mode */ }
  applyTheme(theme);
  $('theme').addEventListener('click', () => {
    const order = ['auto', 'dark', 'light'];
    theme = order[(order.indexOf(theme) + 1) % order.length];
    try { localStorage.setItem('dataflow-theme', theme); } catch { /* ignore */ }
    applyTheme(theme);
    toast(`Theme: ${theme === 'auto' ? 'follow the system' : theme}`);
  });
  $('pause').addEventListener('click', () => { app.paused = !app.paused; updateLive(); if (!app.paused) poll(); else clearTimeout(app.timer); });
  $('retry').addEventListener('click', () => (app.config ? poll() : boot()));
  window.addEventListener('hashchange', () => { if (app.config) navigate(); });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && app.config && !app.paused) poll(); });
  setInterval(tick, 1000);
  updateLive();
  boot();
}

init();
