// The viewers' page: clips newest first, filters kept in the URL, older pages on demand, and new clips polled for
// (newest first, following the cursor) so they appear without a reload. Plain DOM; data is only ever set as text.
"use strict";

(() => {
  const PAGE_SIZE = 24;
  const POLL_PAGE_SIZE = 100;
  const RANGES = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3 };
  const SVG = "http://www.w3.org/2000/svg";

  const $ = (id) => document.getElementById(id);
  const els = {
    clips: $("clips"), empty: $("empty"), emptyText: $("empty-text"), failure: $("failure"), failureText: $("failure-text"),
    more: $("more"), status: $("status"), live: $("live"), liveText: $("live-text"), channel: $("channel"),
    custom: $("custom"), start: $("start"), end: $("end"), filters: $("filters"), template: $("clip-template"),
  };

  // Anything that goes wrong in the page is visible (and the browser test reads it).
  const errors = (window.__highlightsErrors = []);
  const report = (message) => { errors.push(String(message)); console.error(message); };
  window.addEventListener("error", (e) => report(e.message || e));
  window.addEventListener("unhandledrejection", (e) => report(e.reason && e.reason.message ? e.reason.message : e.reason));
  const probe = (window.__highlights = { loads: 0, polls: 0, rendered: 0 });

  // ---- Filters ⇄ URL ----
  const params = new URLSearchParams(location.search);
  const state = {
    channel: params.get("channel") || "",
    range: params.get("range") || (params.get("start") || params.get("end") ? "custom" : "all"),
    start: params.get("start") || "",
    end: params.get("end") || "",
    poll: Math.max(500, Number(params.get("poll")) || 5000),
  };
  let session = 0;                 // bumps on every filter change, so stale responses are dropped
  let cursor = null;               // where the next older page starts
  let newest = null;               // created_at of the newest clip shown
  const known = new Set();         // anomaly ids shown

  function writeURL() {
    const p = new URLSearchParams();
    if (state.channel) p.set("channel", state.channel);
    if (state.range !== "all") p.set("range", state.range);
    if (state.range === "custom") {
      if (state.start) p.set("start", state.start);
      if (state.end) p.set("end", state.end);
    }
    if (params.get("poll")) p.set("poll", params.get("poll"));
    const query = p.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  /** The API's time bounds for the current filter: presets end "now" (open), so new clips keep arriving. */
  function bounds() {
    if (state.range in RANGES) return { start: new Date(Date.now() - RANGES[state.range]).toISOString(), end: "" };
    if (state.range === "custom") return { start: state.start, end: state.end };
    return { start: "", end: "" };
  }

  function apiURL(extra) {
    const p = new URLSearchParams();
    const b = bounds();
    if (state.channel) p.set("channel", state.channel);
    if (b.start) p.set("start", b.start);
    if (b.end) p.set("end", b.end);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== "") p.set(k, v);
    return `/v1.0/clip?${p}`;
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await response.json(); } catch { /* not JSON: described below */ }
    if (!response.ok) {
      const why = body && body.message ? body.message : `${response.status} ${response.statusText}`;
      const error = new Error(why);
      error.status = response.status;
      error.parameter = body && body.parameter;
      throw error;
    }
    return body;
  }

  // ---- Rendering ----
  function hue(text) {
    let h = 0;
    for (const c of String(text)) h = (h * 31 + c.codePointAt(0)) % 360;
    return h;
  }
  const safeURL = (u) => (typeof u === "string" && /^https?:\/\//i.test(u) ? u : null);
  const channelName = (c) => c.broadcaster_name || c.broadcaster_login || c.broadcaster_id;

  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  function ago(iso) {
    const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    const steps = [[60, "second"], [3600, "minute", 60], [86400, "hour", 3600], [604800, "day", 86400], [Infinity, "week", 604800]];
    for (const [limit, unit, size = 1] of steps) {
      if (Math.abs(seconds) < limit) return relative.format(Math.round(seconds / size), unit);
    }
    return absolute.format(new Date(iso));
  }

  /** The chat rate around the moment: baseline windows, 1 s apart, then the one that triggered the clip. */
  function chart(clip) {
    const counts = Array.isArray(clip.chat_counts) && clip.chat_counts.length ? clip.chat_counts : [clip.message_count || 0];
    const W = 300, H = 56, pad = 5;
    const max = Math.max(1, ...counts, clip.baseline_mean || 0);
    const x = (i) => (counts.length === 1 ? W - pad : pad + (i * (W - 2 * pad)) / (counts.length - 1));
    const y = (v) => H - pad - (v / max) * (H - 2 * pad);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("class", "rate");
    const peak = counts[counts.length - 1];
    svg.setAttribute("aria-label", `Chat rate: about ${Math.round(clip.baseline_mean || 0)} messages per 5 s before, ${peak} at the clip`);
    const points = counts.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    const area = document.createElementNS(SVG, "path");
    area.setAttribute("class", "area");
    area.setAttribute("d", `M${x(0).toFixed(1)},${H - pad} L${points.join(" L")} L${x(counts.length - 1).toFixed(1)},${H - pad} Z`);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("class", "line");
    line.setAttribute("points", points.join(" "));
    svg.append(area, line);
    if (clip.baseline_mean > 0) {
      const mean = document.createElementNS(SVG, "line");
      mean.setAttribute("class", "mean");
      mean.setAttribute("x1", pad); mean.setAttribute("x2", W - pad);
      mean.setAttribute("y1", y(clip.baseline_mean).toFixed(1)); mean.setAttribute("y2", y(clip.baseline_mean).toFixed(1));
      svg.append(mean);
    }
    const dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("class", "peak");
    dot.setAttribute("cx", x(counts.length - 1).toFixed(1));
    dot.setAttribute("cy", y(peak).toFixed(1));
    dot.setAttribute("r", "4");
    svg.append(dot);
    return svg;
  }

  function card(clip, fresh) {
    const node = els.template.content.firstElementChild.cloneNode(true);
    node.dataset.anomalyId = clip.anomaly_id;
    node.dataset.channel = clip.broadcaster_id;
    if (fresh) node.classList.add("fresh");
    const name = channelName(clip);
    node.style.setProperty("--hue", hue(clip.broadcaster_id));

    const link = safeURL(clip.url);
    const thumb = node.querySelector(".thumb");
    if (link) thumb.href = link; else thumb.removeAttribute("href");
    thumb.querySelector(".initial").textContent = (name || "?").slice(0, 1);
    const img = thumb.querySelector("img");
    const src = safeURL(clip.thumbnail_url);
    img.alt = clip.title ? `Thumbnail: ${clip.title}` : `Clip from ${name}`;
    // A thumbnail that is missing or fails to load gives way to the channel's initial on its gradient.
    img.addEventListener("error", () => thumb.classList.add("no-image"), { once: true });
    if (src) img.src = src; else thumb.classList.add("no-image");
    thumb.querySelector(".burst").textContent = `${clip.message_count} msgs in 5 s`;

    const channel = node.querySelector(".channel");
    channel.querySelector(".avatar").textContent = (name || "?").slice(0, 1);
    channel.querySelector(".name").textContent = name;
    channel.title = `Only clips from ${name}`;
    channel.addEventListener("click", () => setFilters({ channel: clip.broadcaster_id }));

    const time = node.querySelector("time");
    time.dateTime = clip.created_at;
    time.textContent = ago(clip.created_at);
    time.title = absolute.format(new Date(clip.created_at));

    const title = node.querySelector(".title a");
    title.textContent = clip.title || `A moment on ${name}`;
    if (link) title.href = link; else title.removeAttribute("href");

    const figure = node.querySelector(".chart");
    figure.prepend(chart(clip));
    const caption = figure.querySelector("figcaption");
    const before = Math.max(0, (clip.chat_counts || []).length - 1);
    const times = clip.baseline_mean > 0 ? `${(clip.message_count / clip.baseline_mean).toFixed(1)}× usual` : "";
    const left = document.createElement("span"); left.textContent = before ? `−${before} s` : "";
    const right = document.createElement("span"); right.textContent = times ? `clip · ${times}` : "clip";
    caption.append(left, right);
    return node;
  }

  function showStates() {
    const count = els.clips.children.length;
    els.empty.hidden = count !== 0 || !els.failure.hidden;
    if (count === 0) {
      const b = bounds();
      const who = state.channel ? "this channel" : "any channel";
      els.emptyText.textContent = b.start || b.end
        ? `No clips from ${who} in this time range. Try a wider range.`
        : state.channel ? "No clips from this channel yet. When its chat explodes, the clip lands here within seconds."
                        : "When a chat suddenly explodes, the clip lands here within seconds.";
    }
    $("clear-filters").hidden = !(state.channel || state.range !== "all");
    els.status.textContent = count ? `${count} clip${count === 1 ? "" : "s"}${cursor ? " · more below" : ""}` : "";
    probe.rendered = count;
  }

  function append(clips) {
    for (const clip of clips) {
      if (known.has(clip.anomaly_id)) continue;
      known.add(clip.anomaly_id);
      els.clips.append(card(clip, false));
      if (!newest || clip.created_at > newest) newest = clip.created_at;
    }
  }

  // ---- Loading ----
  async function load() {
    const mine = ++session;
    cursor = null; newest = null; known.clear();
    els.clips.replaceChildren();
    els.failure.hidden = true; els.empty.hidden = true; els.more.hidden = true;
    els.status.textContent = "Loading…";
    try {
      const page = await getJSON(apiURL({ limit: PAGE_SIZE }));
      if (mine !== session) return;
      append(page.data);
      cursor = page.pagination && page.pagination.cursor || null;
      els.more.hidden = !cursor;
    } catch (error) {
      if (mine !== session) return;
      fail(error);
    }
    probe.loads += 1;
    showStates();
  }

  async function loadMore() {
    if (!cursor) return;
    const mine = session;
    els.more.disabled = true;
    try {
      const page = await getJSON(apiURL({ limit: PAGE_SIZE, cursor }));
      if (mine !== session) return;
      append(page.data);
      cursor = page.pagination && page.pagination.cursor || null;
      els.more.hidden = !cursor;
    } catch (error) {
      fail(error);
    } finally {
      els.more.disabled = false;
      showStates();
    }
  }

  function fail(error) {
    els.failure.hidden = false;
    els.failureText.textContent = error.status === 400
      ? `The filter is not valid: ${error.message}.`
      : `The clips service did not answer (${error.message}). It will keep trying.`;
  }

  /** New clips since the newest shown: newest first, following the cursor until a clip already shown. */
  async function poll() {
    if (document.hidden) return;
    const mine = session;
    const b = bounds();
    const since = newest && (!b.start || newest > b.start) ? newest : b.start;
    const fresh = [];
    let next = null;
    try {
      for (let pages = 0; pages < 5; pages++) {
        const page = await getJSON(apiURL({ limit: POLL_PAGE_SIZE, start: since, cursor: next }));
        if (mine !== session) return;
        let reachedKnown = false;
        for (const clip of page.data) {
          if (known.has(clip.anomaly_id)) { reachedKnown = true; break; }
          fresh.push(clip);
        }
        next = page.pagination && page.pagination.cursor;
        if (reachedKnown || !next) break;
      }
      els.live.classList.remove("error");
      els.liveText.textContent = "Live";
      if (!els.failure.hidden && fresh.length === 0 && els.clips.children.length === 0) { load(); return; }
    } catch (error) {
      els.live.classList.add("error");
      els.liveText.textContent = "Reconnecting…";
      return;
    } finally {
      probe.polls += 1;
    }
    // Oldest of the new first, each placed on top: the list stays newest first.
    for (const clip of fresh.reverse()) {
      if (known.has(clip.anomaly_id)) continue;
      known.add(clip.anomaly_id);
      els.clips.prepend(card(clip, true));
      if (!newest || clip.created_at > newest) newest = clip.created_at;
    }
    if (fresh.length) showStates();
  }

  // ---- Filter controls ----
  function toLocalInput(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const off = d.getTimezoneOffset() * 60e3;
    return new Date(d.getTime() - off).toISOString().slice(0, 19);
  }
  function fromLocalInput(value) {
    if (!value) return "";
    const d = new Date(value);
    return isNaN(d) ? "" : d.toISOString();
  }

  function syncControls() {
    els.channel.value = state.channel;
    if (els.channel.value !== state.channel) {
      // A channel from the URL that the list does not have (yet): offer it anyway.
      const option = new Option(state.channel, state.channel);
      option.dataset.fromURL = "1";
      els.channel.append(option);
      els.channel.value = state.channel;
    }
    for (const b of document.querySelectorAll("[data-range]")) {
      b.setAttribute("role", "radio");
      b.setAttribute("aria-checked", String(b.dataset.range === state.range));
    }
    els.custom.hidden = state.range !== "custom";
    els.start.value = toLocalInput(state.start);
    els.end.value = toLocalInput(state.end);
  }

  function setFilters(changes) {
    Object.assign(state, changes);
    writeURL();
    syncControls();
    load();
  }

  async function loadChannels() {
    try {
      const { data } = await getJSON("/v1.0/channels");
      // Options made up from the URL before the list arrived give way to the named ones.
      for (const o of [...els.channel.options]) if (o.dataset.fromURL) o.remove();
      for (const c of data) {
        if ([...els.channel.options].some((o) => o.value === c.broadcaster_id)) continue;
        const label = `${channelName(c)} (${c.clip_count})${c.is_live ? " · live" : ""}`;
        els.channel.append(new Option(label, c.broadcaster_id));
      }
      // A login typed into the URL: pick the matching channel.
      const byLogin = data.find((c) => c.broadcaster_login && c.broadcaster_login.toLowerCase() === state.channel.toLowerCase());
      if (byLogin) state.channel = byLogin.broadcaster_id;
      syncControls();
    } catch (error) {
      console.warn("channel list unavailable:", error.message);
    }
  }

  els.channel.addEventListener("change", () => setFilters({ channel: els.channel.value }));
  for (const b of document.querySelectorAll("[data-range]")) {
    b.addEventListener("click", () => {
      if (b.dataset.range === "custom") {
        state.range = "custom";
        if (!state.start) state.start = new Date(Date.now() - 86400e3).toISOString();
        syncControls();
        return;
      }
      setFilters({ range: b.dataset.range, start: "", end: "" });
    });
  }
  els.filters.addEventListener("submit", (e) => {
    e.preventDefault();
    setFilters({ range: "custom", start: fromLocalInput(els.start.value), end: fromLocalInput(els.end.value) });
  });
  $("clear-filters").addEventListener("click", () => setFilters({ channel: "", range: "all", start: "", end: "" }));
  $("retry").addEventListener("click", load);
  els.more.addEventListener("click", loadMore);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });
  setInterval(() => {
    for (const t of els.clips.querySelectorAll("time")) t.textContent = ago(t.dateTime);
  }, 30e3);

  let polling = false;
  setInterval(async () => {
    if (polling) return;
    polling = true;
    try { await poll(); } finally { polling = false; }
  }, state.poll);

  syncControls();
  loadChannels();
  load();
})();
