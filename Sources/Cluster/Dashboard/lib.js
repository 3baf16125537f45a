// Dataflow dashboard — shared helpers: REST client, DOM helpers, number/time formatting.
// No dependencies, no build step. Every URL is relative to the page (BASE = '.'), because the JobManager serves this
// bundle from the same origin and path prefix as its Flink-compatible REST API.

export const BASE = '.';

/** Flink's "no watermark" (Long.MIN_VALUE as a JS number; config.service.ts LONG_MIN_VALUE). */
export const LONG_MIN_VALUE = -9223372036854776000;

export class ApiError extends Error {
  constructor(status, message, path, body) {
    super(message);
    this.status = status;      // 0 = network failure (JobManager unreachable)
    this.path = path;
    this.body = body;
  }
  /** True when the JobManager itself cannot be reached (as opposed to a 4xx about one resource). */
  get unreachable() { return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504; }
}

/** First line of Flink's error body `{"errors": [...]}` (its entries are often whole Java stack traces). */
export function errorText(body, fallback) {
  if (body && Array.isArray(body.errors) && body.errors.length) {
    const msg = String(body.errors[0]).split('\n')[0].trim();
    return msg.replace(/^[\w.$]+(Exception|Error): /, '') || fallback;
  }
  if (body && typeof body.message === 'string') return body.message;
  return fallback;
}

/** GET/POST a REST path relative to BASE; resolves to parsed JSON (or null for an empty body). */
export async function api(path, { method = 'GET', body, timeout = 10000 } = {}) {
  const url = `${BASE}/${path}`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  let res;
  try {
    res = await fetch(url, {
      method,
      cache: 'no-store',
      headers: body !== undefined ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: ctl.signal,
    });
  } catch (e) {
    throw new ApiError(0, ctl.signal.aborted ? 'request timed out' : 'network error', path, null);
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text().catch(() => '');
  let parsed = null;
  if (text) { try { parsed = JSON.parse(text); } catch { parsed = null; } }
  if (!res.ok) throw new ApiError(res.status, errorText(parsed, `HTTP ${res.status} ${res.statusText}`.trim()), path, parsed);
  return parsed;
}

/** Like api() but resolves to `fallback` on any 4xx/5xx about this resource (still throws when unreachable). */
export async function apiOptional(path, fallback = null) {
  try { return await api(path); } catch (e) {
    if (e instanceof ApiError && e.status === 0) throw e;
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------------------------- DOM

/** h('div.card.big', {attrs}, ...children) — tiny hyperscript. Props: text, html-free; on* handlers; dataset; title. */
export function h(sel, props, ...children) {
  const tag = sel.match(/^[a-z0-9-]*/i)[0];
  const el = document.createElement(tag || 'div');
  const cls = [];
  for (const [, kind, name] of sel.slice(tag.length).matchAll(/([.#])([\w-]+)/g)) {
    if (kind === '#') el.id = name; else cls.push(name);
  }
  if (cls.length) el.className = cls.join(' ');
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) { children.unshift(props); props = null; }
  if (props) applyProps(el, props);
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const SVGNS = 'http://www.w3.org/2000/svg';
/** s('rect', {x, y, class}) — SVG element factory. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v; else if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

function applyProps(el, props) {
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
}

/** Set text only when it changed (no layout churn, no flicker, selection survives). */
export function setText(el, text) {
  const t = text === null || text === undefined ? '' : String(text);
  if (el && el.textContent !== t) el.textContent = t;
}
export function setAttr(el, name, value) {
  if (!el) return;
  if (value === null || value === undefined || value === false) { if (el.hasAttribute(name)) el.removeAttribute(name); return; }
  const v = String(value);
  if (el.getAttribute(name) !== v) el.setAttribute(name, v);
}
export function setClass(el, name, on) { if (el && el.classList.contains(name) !== !!on) el.classList.toggle(name, !!on); }
/** Replace the status class (s-RUNNING etc.) of a badge-like element and its text. */
export function setStatus(el, status, label) {
  const st = String(status || 'UNKNOWN').toUpperCase();
  const cls = `badge s-${st}`;
  if (el.className !== cls) el.className = cls;
  setText(el, label ?? st.toLowerCase().replace(/_/g, ' '));
}

/**
 * Keyed reconciliation of a container's children: creates rows for new keys, updates existing ones in place,
 * removes stale ones and keeps order — so live updates never rebuild a table (no flicker, no lost hover/selection).
 */
export function reconcile(container, items, key, create, update) {
  const map = container._keyed || (container._keyed = new Map());
  const seen = new Set();
  let prev = null;
  for (const item of items) {
    const k = key(item);
    seen.add(k);
    let el = map.get(k);
    if (!el) { el = create(item); el._key = k; map.set(k, el); }
    update(el, item);
    const want = prev ? prev.nextSibling : container.firstChild;
    if (want !== el) container.insertBefore(el, want);
    prev = el;
  }
  for (const [k, el] of map) if (!seen.has(k)) { el.remove(); map.delete(k); }
}

// ---------------------------------------------------------------------------------------------------- numbers

const UNITS = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];

/** 1234 → "1.2k", 13773769 → "13.8M", 999 → "999", 3.14 → "3.1". */
export function fmtNum(n) {
  if (n === null || n === undefined || n === '' || Number.isNaN(Number(n))) return '—';
  n = Number(n);
  const a = Math.abs(n);
  for (const [u, sfx] of UNITS) if (a >= u * 0.9995) {
    const v = n / u;
    return (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1)) + sfx;
  }
  if (Number.isInteger(n)) return String(n);
  return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : n.toFixed(a >= 1 ? 1 : 2);
}
/** Full integer with thin grouping for tooltips: 13 773 769. */
export function fmtInt(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  return Math.round(Number(n)).toLocaleString('en-US');
}
export function fmtRate(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  return `${fmtNum(n)}/s`;
}
export function fmtPct(r) {
  if (r === null || r === undefined || Number.isNaN(Number(r))) return '—';
  const p = Number(r) * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}
export function fmtBytes(b) {
  if (b === null || b === undefined || Number.isNaN(Number(b))) return '—';
  b = Number(b);
  if (b < 0) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return `${i === 0 ? b : b >= 100 ? b.toFixed(0) : b.toFixed(1)} ${u[i]}`;
}

// ------------------------------------------------------------------------------------------------------- time

/** 850 → "850ms", 25813 → "25.8s", 312000 → "5m 12s", 11040000 → "3h 04m", 2d 5h. */
export function fmtDur(ms) {
  if (ms === null || ms === undefined || ms < 0 || Number.isNaN(Number(ms))) return '—';
  ms = Number(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60), ss = Math.floor(s % 60);
  if (m < 60) return `${m}m ${String(ss).padStart(2, '0')}s`;
  const hh = Math.floor(m / 60), mm = m % 60;
  if (hh < 24) return `${hh}h ${String(mm).padStart(2, '0')}m`;
  const d = Math.floor(hh / 24);
  return `${d}d ${hh % 24}h`;
}

/** "just now", "12s ago", "5m ago", "3h ago", "2d ago" (or "in 5m"). */
export function relTime(ts, now = Date.now()) {
  if (!ts || ts <= 0) return '—';
  const d = now - ts;
  const a = Math.abs(d);
  let t;
  if (a < 5000) return 'just now';
  if (a < 60000) t = `${Math.floor(a / 1000)}s`;
  else if (a < 3600000) t = `${Math.floor(a / 60000)}m`;
  else if (a < 86400000) t = `${Math.floor(a / 3600000)}h`;
  else t = `${Math.floor(a / 86400000)}d`;
  return d >= 0 ? `${t} ago` : `in ${t}`;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
/** Wall-clock time: "14:03:07" today, "Mar 4 14:03" otherwise. */
export function fmtTime(ts) {
  if (!ts || ts <= 0) return '—';
  const d = new Date(ts), now = new Date();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === now.toDateString()) return `${hm}:${pad(d.getSeconds())}`;
  const mon = d.toLocaleString('en-US', { month: 'short' });
  return d.getFullYear() === now.getFullYear() ? `${mon} ${d.getDate()} ${hm}` : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}
export function fmtDateTime(ts) {
  if (!ts || ts <= 0) return '—';
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Event-time watermark: null/NaN when absent or Long.MIN_VALUE ("no watermark" / idle input). */
export function watermarkValue(v) {
  if (v === null || v === undefined || v === '') return NaN;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= LONG_MIN_VALUE || n <= -9.2e18) return NaN;
  return n;
}
/** Watermark as event time with milliseconds: "14:03:07.123" (date prefix when not today). */
export function fmtWatermark(n) {
  if (!Number.isFinite(n)) return '—';
  if (n >= 9.2e18) return 'end of input';
  const d = new Date(n);
  if (Number.isNaN(d.getTime())) return String(n);
  const t = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return d.toDateString() === new Date().toDateString() ? t : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${t}`;
}

/** {time: "22:50:07.375", date: "2023-11-14" or "" when today}. */
export function watermarkParts(n) {
  if (!Number.isFinite(n)) return { time: '—', date: '' };
  if (n >= 9.2e18) return { time: 'end of input', date: '' };
  const d = new Date(n);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const date = d.toDateString() === new Date().toDateString() ? '' : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return { time, date };
}

export function shortId(id) { return id ? String(id).slice(0, 8) : ''; }

/** Per-key counter → rate, for servers that report counters but no *PerSecond metrics. */
export class RateTracker {
  constructor() { this.last = new Map(); }
  rate(key, value, now = performance.now()) {
    if (value === null || value === undefined || Number.isNaN(value)) return NaN;
    const prev = this.last.get(key);
    this.last.set(key, { value, now, rate: prev ? prev.rate : NaN });
    if (!prev || now - prev.now < 250) return prev ? prev.rate : NaN;
    const r = Math.max(0, (value - prev.value) / ((now - prev.now) / 1000));
    this.last.get(key).rate = r;
    return r;
  }
}

/** Normalise Flink's `{"id","value"}` metric arrays (and the aggregated `{"id","sum",...}` form) into a Map. */
export function metricMap(arr, field = 'value') {
  const m = new Map();
  if (Array.isArray(arr)) for (const e of arr) if (e && e.id !== undefined) {
    const v = e[field] !== undefined ? e[field] : e.value;
    if (v !== undefined) m.set(e.id, Number(v));
  }
  return m;
}

export function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}
