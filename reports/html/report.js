// faultline's HTML report: draws one run's timeline from the JSON in #fl-data
// (fields in reports/README.md) as hand-written SVG. Every panel shares one time
// window; only what falls inside it is drawn, and at most a fixed number of arrows,
// bars and points, so a run of 100,000 events stays quick to zoom and scroll.
(function () {
  'use strict';

  const NS = 'http://www.w3.org/2000/svg';
  const LABEL_W = 70;
  const RIGHT_PAD = 14;
  const LANE_H = 26;
  const AXIS_H = 20;
  const TOP_H = 16;  // room for network fault labels above the lanes
  const OP_ROW_H = 13;
  const CHART_H = 150;
  const ARROWS_MAX = 3000;  // per view; beyond it an even sample is drawn
  const OPS_MAX = 5000;
  const POINTS_MAX = 5000;
  const SPAN_MIN_US = 200;
  // Node changes: the overview's line colour and the marker drawn on the lane.
  const NODE_COLOR = { crash: '#c62828', restart: '#2e7d32', pause: '#5e35b1', resume: '#5e35b1' };
  const NODE_SHAPE = { crash: 'M-5,-5l10,10l-2,2l-10,-10z M5,-5l-10,10l2,2l10,-10z', restart: 'M-6,6L0,-6L6,6z',
    pause: 'M-5,-6h3.5v12h-3.5z M1.5,-6h3.5v12h-3.5z', resume: 'M-5,-6L6,0L-5,6z' };
  const PALETTE = ['#1e88e5', '#8e24aa', '#00897b', '#f4511e', '#3949ab', '#c0ca33', '#6d4c41', '#d81b60',
    '#00acc1', '#5e35b1', '#7cb342', '#fb8c00', '#546e7a', '#e53935'];

  const root = document.getElementById('timeline');
  const dataNode = document.getElementById('fl-data');
  const data = dataNode ? JSON.parse(dataNode.textContent) : null;
  if (!root || !data) return;

  // ---- the data, unpacked once ----

  const endUs = Math.max(1, data.end_us);
  const lanes = data.lanes;
  const clientLanes = [];
  lanes.forEach((l, i) => { if (l.kind === 'client') clientLanes.push(i); });
  const clientRow = new Map();  // client number -> row in the history panel
  clientLanes.forEach((lane, row) => clientRow.set(Number(lanes[lane].name.slice(1)), row));

  const md = data.messages.data;
  const msgCount = md.length / 5;
  const msg = { sent: new Float64Array(msgCount), arrive: new Float64Array(msgCount),
    from: new Int32Array(msgCount), to: new Int32Array(msgCount), kind: new Int32Array(msgCount) };
  for (let i = 0; i < msgCount; i++) {
    msg.sent[i] = md[i * 5]; msg.arrive[i] = md[i * 5 + 1];
    msg.from[i] = md[i * 5 + 2]; msg.to[i] = md[i * 5 + 3]; msg.kind[i] = md[i * 5 + 4];
  }

  const ops = data.ops.data.map((o, index) => ({ index, client: o[0], id: o[1], inv: o[2], comp: o[3], out: o[4],
    text: o[5], name: 'c' + o[0] + '#' + o[1] }));
  const OUTCOME = ['ok', 'fail', 'unknown'];
  const cex = data.cex;
  const cexBad = new Set(cex ? cex.bad : []);
  const cexPrefix = new Set(cex ? cex.prefix : []);

  // Intervals per lane while a node is down: from a crash to the next restart.
  const downs = [];
  const downSince = new Map();
  for (const [t, lane, change] of data.nodes) {
    if (change === 'crash' && !downSince.has(lane)) downSince.set(lane, t);
    if (change === 'restart' && downSince.has(lane)) { downs.push([lane, downSince.get(lane), t]); downSince.delete(lane); }
  }
  for (const [lane, t] of downSince) downs.push([lane, t, endUs]);

  // Intervals per lane while a replica is paused: from a pause to the next resume,
  // or to a crash (a crashed replica is down, not paused).
  const pauses = [];
  const pausedSince = new Map();
  for (const [t, lane, change] of data.nodes) {
    if (change === 'pause' && !pausedSince.has(lane)) pausedSince.set(lane, t);
    if ((change === 'resume' || change === 'crash') && pausedSince.has(lane)) {
      pauses.push([lane, pausedSince.get(lane), t]);
      pausedSince.delete(lane);
    }
  }
  for (const [lane, t] of pausedSince) pauses.push([lane, t, endUs]);

  // Intervals while a replica believes it leads.
  const leads = [];
  const leadSince = new Map();
  for (const [t, lane, epoch] of data.leaders) {
    if (leadSince.has(lane)) { const s = leadSince.get(lane); leads.push([lane, s[0], t, s[1]]); leadSince.delete(lane); }
    if (epoch !== null) leadSince.set(lane, [t, epoch]);
  }
  for (const [lane, s] of leadSince) leads.push([lane, s[0], endUs, s[1]]);

  // Partitions and cuts last until the next heal (a heal removes them all).
  const bands = [];
  let open = [];
  for (const [t, fault, groups, text] of data.network) {
    if (fault === 'partition' || fault === 'cut') open.push({ t, fault, groups, text });
    if (fault === 'heal') { for (const b of open) bands.push(Object.assign(b, { end: t })); open = []; }
  }
  for (const b of open) bands.push(Object.assign(b, { end: endUs }));

  // ---- the shared time window ----

  const view = { t0: 0, t1: endUs };
  const hash = /view=(\d+),(\d+)/.exec(location.hash);
  if (hash) { view.t0 = Number(hash[1]); view.t1 = Number(hash[2]); }
  clampView();

  function clampView() {
    let span = Math.min(endUs, Math.max(SPAN_MIN_US, view.t1 - view.t0));
    let t0 = Math.max(0, Math.min(view.t0, endUs - span));
    view.t0 = t0; view.t1 = t0 + span;
  }
  function setView(t0, t1) { view.t0 = t0; view.t1 = t1; clampView(); schedule(); }
  function zoomAt(t, factor) { setView(t - (t - view.t0) * factor, t + (view.t1 - t) * factor); }
  function pan(fraction) { const d = (view.t1 - view.t0) * fraction; setView(view.t0 + d, view.t1 + d); }

  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }

  // ---- small SVG helpers ----

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function titled(e, text) { el('title', {}, e).textContent = text; return e; }
  function html(name, attrs, parent, text) {
    const e = document.createElement(name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(us) {
    const s = us / 1e6;
    const span = view.t1 - view.t0;
    const digits = span < 2e3 ? 6 : span < 2e5 ? 4 : span < 2e7 ? 3 : 1;
    return s.toFixed(digits) + 's';
  }
  function fmtMs(us) { return (us / 1000).toFixed(us < 10000 ? 2 : 1) + 'ms'; }
  function kindColor(k) { return PALETTE[k % PALETTE.length]; }

  // ---- page structure ----

  const toolbar = html('div', { class: 'toolbar' }, root);
  const buttons = [['zoom-in', 'Zoom in (+)', () => zoomAt((view.t0 + view.t1) / 2, 0.5)],
    ['zoom-out', 'Zoom out (-)', () => zoomAt((view.t0 + view.t1) / 2, 2)],
    ['fit', 'Whole run (0)', () => setView(0, endUs)],
    ['left', '\u2190', () => pan(-0.5)], ['right', '\u2192', () => pan(0.5)]];
  for (const [id, label, action] of buttons) html('button', { id: 'btn-' + id, type: 'button' }, toolbar, label).onclick = action;
  const focusBox = html('label', {}, toolbar);
  const focusInput = html('input', { type: 'checkbox', id: 'focus-cex' }, focusBox);
  focusBox.appendChild(document.createTextNode(' focus counterexample'));
  if (!cex) focusBox.style.display = 'none';
  focusInput.onchange = schedule;
  const status = html('span', { class: 'status', id: 'view-status' }, toolbar);

  const legend = html('div', { class: 'legend' }, root);
  data.kinds.forEach((k, i) => { const s = html('span', {}, legend); html('i', { style: 'background:' + kindColor(i) }, s); s.appendChild(document.createTextNode(k)); });
  for (const [cls, text] of [['#ffcc80', 'partition / cut'], ['#fbc02d', 'leader'], ['#cfd8dc', 'down (crashed)'], ['#b39ddb', 'paused']]) {
    const s = html('span', {}, legend); html('i', { class: 'box', style: 'background:' + cls }, s); s.appendChild(document.createTextNode(text));
  }
  const sampled = data.messages.stride > 1 ? ' The run had ' + data.messages.total.toLocaleString('en') +
    ' messages; this page keeps every ' + data.messages.stride + 'th (the shading under each lane counts them all).' : '';
  html('p', { class: 'note' }, root, 'Scroll the mouse wheel over a panel to zoom, drag to move, or drag the window in the overview.' + sampled);

  function panel(id, title) {
    if (title) html('h3', {}, root, title);
    const div = html('div', { class: 'panel' }, root);
    return el('svg', { id, class: 'plot' }, div);
  }
  const overview = panel('overview', 'Overview');
  overview.setAttribute('class', 'overview');
  const diagram = panel('diagram', 'Space-time diagram (' + lanes.length + ' lanes)');
  const history = panel('history', 'Client history (' + data.ops.total.toLocaleString('en') + ' operations' +
    (data.ops.stride > 1 ? ', every ' + data.ops.stride + 'th kept' : '') + ')');
  const logChart = panel('log-chart', 'Log size per replica' + (data.zk_log ? ' and of ZooKeeper\'s /log' : '') +
    ' (bound ' + data.max_log_size + ')');
  const latencyChart = panel('latency-chart', 'Request latency by completion time');
  const cexPanel = html('div', { id: 'cex' }, root);
  if (!cex) cexPanel.style.display = 'none';

  function plotWidth() { return Math.max(200, root.clientWidth - LABEL_W - RIGHT_PAD); }
  function xOf(t) { return LABEL_W + (t - view.t0) / (view.t1 - view.t0) * plotWidth(); }
  function tOf(x) { return view.t0 + (x - LABEL_W) / plotWidth() * (view.t1 - view.t0); }
  function clampX(x) { return Math.max(LABEL_W - 4, Math.min(LABEL_W + plotWidth() + 4, x)); }

  function start(svg, height) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const w = LABEL_W + plotWidth() + RIGHT_PAD;
    svg.setAttribute('width', w); svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + height);
    const defs = el('defs', {}, svg);
    const clip = el('clipPath', { id: svg.id + '-clip' }, defs);
    el('rect', { x: LABEL_W, y: 0, width: plotWidth(), height }, clip);
    return defs;
  }
  function clipped(svg) { return el('g', { 'clip-path': 'url(#' + svg.id + '-clip)' }, svg); }

  // Time ticks at 1, 2 or 5 times a power of ten, about every 110 pixels.
  function axis(svg, y, height) {
    const g = el('g', { class: 'axis' }, svg);
    const span = view.t1 - view.t0;
    const raw = span / Math.max(1, plotWidth() / 110);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw);
    for (let t = Math.ceil(view.t0 / step) * step; t <= view.t1; t += step) {
      const x = xOf(t);
      el('line', { x1: x, x2: x, y1: 0, y2: height }, g);
      el('text', { x: x + 2, y: y + 13 }, g).textContent = fmt(t);
    }
  }

  // ---- overview ----

  function renderOverview() {
    const h = 34;
    start(overview, h);
    const w = plotWidth();
    const sent = data.traffic.sent;
    const bucketUs = data.traffic.bucket_us;
    const columns = Math.max(1, Math.floor(w / 3));
    const totals = new Float64Array(columns);
    sent.forEach((row) => row.forEach((c, b) => {
      const col = Math.min(columns - 1, Math.floor(b * bucketUs / endUs * columns));
      totals[col] += c;
    }));
    const max = Math.max(1, ...totals);
    const g = el('g', {}, overview);
    totals.forEach((c, i) => {
      if (c > 0) el('rect', { class: 'traffic', x: LABEL_W + i * w / columns, y: h - 2 - c / max * (h - 6), width: w / columns, height: c / max * (h - 6) }, g);
    });
    const whole = (t) => LABEL_W + t / endUs * w;
    for (const [t, , change, origin] of data.nodes) {
      if (origin !== 'boot') el('line', { x1: whole(t), x2: whole(t), y1: 0, y2: h, stroke: NODE_COLOR[change] }, g);
    }
    for (const b of bands) el('rect', { class: 'net-band ' + b.fault, x: whole(b.t), y: 0, width: Math.max(1, whole(b.end) - whole(b.t)), height: h }, g);
    el('text', { class: 'chart-label', x: 4, y: 20 }, overview).textContent = 'whole run';
    const win = el('rect', { class: 'window', x: whole(view.t0), y: 1, width: Math.max(3, whole(view.t1) - whole(view.t0)), height: h - 2 }, overview);
    win.id = 'overview-window';
  }

  // ---- space-time diagram ----

  function laneY(lane) { return TOP_H + lane * LANE_H + LANE_H / 2; }

  function renderDiagram() {
    const height = TOP_H + lanes.length * LANE_H + AXIS_H;
    const defs = start(diagram, height);
    const hatch = el('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    el('rect', { width: 6, height: 6, fill: '#eceff1' }, hatch);
    el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#b0bec5', 'stroke-width': 2 }, hatch);
    data.kinds.forEach((k, i) => {
      const m = el('marker', { id: 'arrow-' + i, viewBox: '0 0 8 8', refX: 8, refY: 4, markerWidth: 6, markerHeight: 6, orient: 'auto' }, defs);
      el('path', { d: 'M0,0 L8,4 L0,8 z', fill: kindColor(i) }, m);
    });
    axis(diagram, height - AXIS_H, height - AXIS_H);
    const body = clipped(diagram);
    const inView = (a, b) => b >= view.t0 && a <= view.t1;

    for (const b of bands) {
      if (!inView(b.t, b.end)) continue;
      titled(el('rect', { class: 'net-band ' + b.fault, x: clampX(xOf(b.t)), y: TOP_H, width: Math.max(1, clampX(xOf(b.end)) - clampX(xOf(b.t))), height: lanes.length * LANE_H }, body), b.text);
    }
    lanes.forEach((l, i) => {
      const g = el('g', { class: 'lane ' + l.kind, 'data-lane': l.name }, diagram);
      el('line', { class: 'lane-line', x1: LABEL_W, x2: LABEL_W + plotWidth(), y1: laneY(i), y2: laneY(i) }, g);
      el('text', { class: 'lane-label', x: 6, y: laneY(i) + 4 }, g).textContent = l.name;
    });
    for (const [lane, a, b] of downs) {
      if (!inView(a, b)) continue;
      titled(el('rect', { class: 'down', 'data-lane': lanes[lane].name, x: clampX(xOf(a)), y: laneY(lane) - LANE_H / 2 + 4, width: Math.max(1, clampX(xOf(b)) - clampX(xOf(a))), height: LANE_H - 8 }, body),
        lanes[lane].name + ' down ' + fmt(a) + '..' + fmt(b));
    }
    for (const [lane, a, b] of pauses) {
      if (!inView(a, b)) continue;
      titled(el('rect', { class: 'paused', 'data-lane': lanes[lane].name, x: clampX(xOf(a)), y: laneY(lane) - LANE_H / 2 + 6, width: Math.max(1, clampX(xOf(b)) - clampX(xOf(a))), height: LANE_H - 12 }, body),
        lanes[lane].name + ' paused ' + fmt(a) + '..' + fmt(b));
    }
    for (const [lane, a, b, epoch] of leads) {
      if (!inView(a, b)) continue;
      titled(el('line', { class: 'leader-span', x1: clampX(xOf(a)), x2: clampX(xOf(b)), y1: laneY(lane), y2: laneY(lane) }, body),
        lanes[lane].name + ' leads (epoch ' + epoch + ') ' + fmt(a) + '..' + fmt(b));
    }
    const drawn = drawMessages(body);
    // Shading counts every message, so it shows where traffic was when arrows are thinned.
    if (data.messages.stride > 1 || drawn.drawn < drawn.inView) drawTraffic(body);
    drawMarkers(body);
    return drawn;
  }

  // Messages sent per lane, as shading under the lane.
  function drawTraffic(body) {
    const g = el('g', { class: 'traffic-layer' });
    body.insertBefore(g, body.firstChild);  // beneath the arrows
    const sent = data.traffic.sent;
    const bucketUs = data.traffic.bucket_us;
    const first = Math.max(0, Math.floor(view.t0 / bucketUs));
    const last = Math.min(sent.length ? sent[0].length - 1 : -1, Math.floor(view.t1 / bucketUs));
    const perColumn = Math.max(1, Math.ceil((last - first + 1) / (plotWidth() / 4)));
    let max = 1;
    const columns = sent.map((row) => {
      const out = [];
      for (let b = first; b <= last; b += perColumn) {
        let c = 0;
        for (let k = b; k < b + perColumn && k <= last; k++) c += row[k];
        out.push([b, c]);
        max = Math.max(max, c);
      }
      return out;
    });
    columns.forEach((row, lane) => {
      for (const [b, c] of row) {
        if (c === 0) continue;
        const x = clampX(xOf(b * bucketUs));
        const w = Math.max(1, clampX(xOf((b + perColumn) * bucketUs)) - x);
        titled(el('rect', { class: 'traffic', x, y: laneY(lane) + 4, width: w, height: 5, opacity: 0.08 + 0.6 * c / max }, g),
          c + ' messages sent by ' + lanes[lane].name);
      }
    });
  }

  function drawMessages(body) {
    const visible = [];
    for (let i = 0; i < msgCount; i++) {
      const s = msg.sent[i];
      if (s > view.t1) continue;
      const a = msg.arrive[i];
      if ((a < 0 ? s : a) < view.t0) continue;
      visible.push(i);
    }
    const stride = Math.max(1, Math.ceil(visible.length / ARROWS_MAX));
    let drawn = 0;
    for (let j = 0; j < visible.length; j += stride) {
      const i = visible[j];
      const x1 = xOf(msg.sent[i]);
      const y1 = laneY(msg.from[i]);
      const y2 = laneY(msg.to[i]);
      const k = msg.kind[i];
      const label = data.kinds[k] + ' ' + lanes[msg.from[i]].name + '\u2192' + lanes[msg.to[i]].name + ' sent ' + fmt(msg.sent[i]);
      if (msg.arrive[i] < 0) {
        const y = y1 + (y2 - y1) * 0.3;
        const x = x1 + 6;
        titled(el('line', { class: 'msg dropped', 'data-from': lanes[msg.from[i]].name, 'data-to': lanes[msg.to[i]].name, x1, y1, x2: x, y2: y, stroke: kindColor(k) }, body), label + ', dropped');
        el('path', { class: 'drop-x', d: 'M' + (x - 3) + ',' + (y - 3) + 'l6,6m0,-6l-6,6' }, body);
      } else {
        titled(el('line', { class: 'msg', 'data-from': lanes[msg.from[i]].name, 'data-to': lanes[msg.to[i]].name, x1, y1, x2: xOf(msg.arrive[i]), y2, stroke: kindColor(k), 'marker-end': 'url(#arrow-' + k + ')' }, body),
          label + ', arrives ' + fmt(msg.arrive[i]));
      }
      drawn++;
    }
    diagram.dataset.messagesInView = visible.length;
    diagram.dataset.messagesDrawn = drawn;
    return { inView: visible.length, drawn };
  }

  function drawMarkers(body) {
    const inView = (t) => t >= view.t0 && t <= view.t1;
    for (const [t, lane, change, origin] of data.nodes) {
      if (origin === 'boot' || !inView(t)) continue;
      const g = el('g', { class: 'fault-marker ' + change, 'data-lane': lanes[lane].name, transform: 'translate(' + xOf(t) + ',' + laneY(lane) + ')' }, body);
      el('path', { d: NODE_SHAPE[change] }, g);
      titled(g, change + ' ' + lanes[lane].name + ' at ' + fmt(t) + ' (' + origin + ')');
    }
    // Faults at the same moment (a heal and the next partition) share one label;
    // labels that would overlap otherwise are left to the tooltip.
    let label = null, labelX = -Infinity, labelEnd = -Infinity;
    for (const [t, fault, , text, origin] of data.network) {
      if (!inView(t)) continue;
      const g = el('g', { class: 'fault-marker ' + fault }, body);
      const x = xOf(t);
      el('line', { x1: x, x2: x, y1: 2, y2: TOP_H + lanes.length * LANE_H }, g);
      if (label && x - labelX < 1) {
        label.textContent += ', ' + text;
        labelEnd = labelX + 6 * label.textContent.length + 8;
      } else if (x > labelEnd) {
        label = el('text', { x: x + 3, y: 11 }, g);
        label.textContent = text;
        labelX = x;
        labelEnd = x + 6 * text.length + 8;
      }
      titled(g, text + ' at ' + fmt(t) + ' (' + origin + ')');
    }
    for (const [t, lane, epoch] of data.leaders) {
      if (epoch === null || !inView(t)) continue;
      const g = el('g', { class: 'leader-change', transform: 'translate(' + xOf(t) + ',' + laneY(lane) + ')' }, body);
      el('path', { d: 'M0,-7L5,0L0,7L-5,0z' }, g);
      titled(g, lanes[lane].name + ' becomes leader (epoch ' + epoch + ') at ' + fmt(t));
    }
  }

  // ---- client history ----

  function renderHistory() {
    const height = clientLanes.length * OP_ROW_H + AXIS_H + 4;
    start(history, height);
    axis(history, height - AXIS_H, height - AXIS_H);
    clientLanes.forEach((lane, row) => {
      el('text', { class: 'lane-label', x: 6, y: row * OP_ROW_H + 10 }, history).textContent = lanes[lane].name;
    });
    const body = clipped(history);
    const focus = cex && focusInput.checked;
    const visible = [];
    const special = [];
    for (const op of ops) {
      const end = op.comp < 0 ? endUs : op.comp;
      if (end < view.t0 || op.inv > view.t1) continue;
      (cexBad.has(op.index) || cexPrefix.has(op.index) ? special : visible).push(op);
    }
    const stride = Math.max(1, Math.ceil(visible.length / OPS_MAX));
    const draw = (op) => {
      const row = clientRow.get(op.client);
      if (row === undefined) return;
      const end = op.comp < 0 ? endUs : op.comp;
      const x = clampX(xOf(op.inv));
      let cls = 'op ' + OUTCOME[op.out];
      if (cexBad.has(op.index)) cls += ' cex-bad';
      else if (cexPrefix.has(op.index)) cls += ' cex-prefix';
      else if (focus) cls += ' dim';
      const r = el('rect', { class: cls, 'data-op': op.name, x, y: row * OP_ROW_H + 2, width: Math.max(2, clampX(xOf(end)) - x), height: OP_ROW_H - 4 }, body);
      titled(r, op.name + ' ' + op.text + '  t=' + fmt(op.inv) + '..' + (op.comp < 0 ? '(no reply)' : fmt(op.comp) + ' (' + fmtMs(op.comp - op.inv) + ')'));
    };
    for (let j = 0; j < visible.length; j += stride) draw(visible[j]);
    for (const op of special) draw(op);  // last, so they are on top
    history.dataset.opsInView = visible.length + special.length;
  }

  // ---- log size and latency ----

  function renderLog() {
    start(logChart, CHART_H);
    const top = 8;
    const bottom = CHART_H - AXIS_H;
    let ymax = data.max_log_size;
    const series = data.log.map((flat, r) => ({ flat, name: lanes[r].name, cls: 'log-line', color: PALETTE[r % PALETTE.length] }));
    if (data.zk_log) series.push({ flat: data.zk_log, name: 'zk', cls: 'log-line zk', color: '#6a1b9a' });
    for (const { flat } of series) for (let i = 1; i < flat.length; i += 2) ymax = Math.max(ymax, flat[i]);
    ymax = Math.max(1, ymax * 1.08);
    const y = (v) => bottom - v / ymax * (bottom - top);
    axis(logChart, bottom, bottom);
    const body = clipped(logChart);
    const by = y(data.max_log_size);
    titled(el('line', { class: 'log-bound', x1: LABEL_W, x2: LABEL_W + plotWidth(), y1: by, y2: by }, body), 'max_log_size ' + data.max_log_size);
    el('text', { class: 'chart-label', x: 4, y: by + 4 }, logChart).textContent = 'max ' + data.max_log_size;
    el('text', { class: 'chart-label', x: 4, y: bottom }, logChart).textContent = '0';
    for (const { flat, name, cls, color } of series) {
      let d = '';
      let last = null;
      for (let i = 0; i < flat.length; i += 2) {
        const t = flat[i], v = flat[i + 1];
        if (t < view.t0) { last = v; continue; }
        if (t > view.t1) break;
        if (!d) d = 'M' + LABEL_W + ',' + y(last === null ? v : last);
        d += 'H' + xOf(t) + 'V' + y(v);
        last = v;
      }
      if (last === null) continue;
      if (!d) d = 'M' + LABEL_W + ',' + y(last);
      d += 'H' + (LABEL_W + plotWidth());
      titled(el('path', { class: cls, 'data-replica': name, d, stroke: color }, body), name === 'zk' ? 'ZooKeeper /log size' : name + ' log size');
    }
    series.forEach(({ name, color }, r) => {
      el('text', { class: 'chart-label', x: LABEL_W + plotWidth() - 30 * (series.length - r), y: 12, fill: color }, logChart).textContent = name;
    });
  }

  function renderLatency() {
    start(latencyChart, CHART_H);
    const top = 8;
    const bottom = CHART_H - AXIS_H;
    const done = ops.filter((op) => op.comp >= 0 && op.comp >= view.t0 && op.comp <= view.t1);
    let ymax = 1;
    for (const op of done) ymax = Math.max(ymax, op.comp - op.inv);
    const y = (v) => bottom - v / ymax * (bottom - top);
    axis(latencyChart, bottom, bottom);
    el('text', { class: 'chart-label', x: 4, y: top + 8 }, latencyChart).textContent = fmtMs(ymax);
    el('text', { class: 'chart-label', x: 4, y: bottom }, latencyChart).textContent = '0';
    const body = clipped(latencyChart);
    const stride = Math.max(1, Math.ceil(done.length / POINTS_MAX));
    for (let j = 0; j < done.length; j += stride) {
      const op = done[j];
      titled(el('circle', { class: 'lat ' + OUTCOME[op.out], cx: xOf(op.comp), cy: y(op.comp - op.inv), r: 2.2 }, body),
        op.name + ' ' + fmtMs(op.comp - op.inv));
    }
  }

  // ---- counterexample ----

  function renderCexPanel() {
    if (!cex) return;
    html('h3', {}, cexPanel, 'Linearizability counterexample on key ' + cex.key);
    html('p', {}, cexPanel, cex.bad.length + ' operation(s) cannot be placed after the longest linearizable prefix (' +
      cex.prefix.length + ' operations). In the client history they are red with a black outline; the prefix is outlined in blue. Click one to show it.');
    const list = html('ul', {}, cexPanel);
    for (const i of cex.bad) {
      const op = ops[i];
      const li = html('li', { 'data-op': op.name }, list, op.name + ' ' + op.text + ' (t=' + (op.inv / 1e6).toFixed(6) + 's)');
      li.onclick = () => {
        const end = op.comp < 0 ? op.inv + 1000 : op.comp;
        const pad = Math.max(2000, (end - op.inv) * 4);
        setView(op.inv - pad, end + pad);
        history.scrollIntoView({ block: 'center' });
      };
    }
    html('pre', {}, cexPanel, cex.text);
  }

  // ---- rendering and input ----

  function render() {
    renderOverview();
    const m = renderDiagram();
    renderHistory();
    renderLog();
    renderLatency();
    root.dataset.t0 = view.t0;
    root.dataset.t1 = view.t1;
    status.textContent = 'view ' + fmt(view.t0) + ' \u2013 ' + fmt(view.t1) + ' \u00b7 ' +
      (m.drawn < m.inView ? m.drawn.toLocaleString('en') + ' of ' + m.inView.toLocaleString('en') + ' messages in view drawn (evenly sampled; zoom in for all)'
        : m.drawn.toLocaleString('en') + ' messages in view');
    root.dataset.rendered = String(Number(root.dataset.rendered || 0) + 1);
  }

  function wire(svg) {
    svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const rect = svg.getBoundingClientRect();
      zoomAt(tOf(e.clientX - rect.left), e.deltaY > 0 ? 1.25 : 0.8);
    }, { passive: false });
    svg.addEventListener('mousedown', (e) => {
      const startX = e.clientX;
      const t0 = view.t0, t1 = view.t1;
      svg.classList.add('dragging');
      const move = (ev) => {
        const dt = (startX - ev.clientX) / plotWidth() * (t1 - t0);
        setView(t0 + dt, t1 + dt);
      };
      const up = () => { svg.classList.remove('dragging'); window.removeEventListener('mousemove', move); window.removeEventListener('mouseup', up); };
      window.addEventListener('mousemove', move);
      window.addEventListener('mouseup', up);
    });
  }
  [diagram, history, logChart, latencyChart].forEach(wire);

  overview.addEventListener('mousedown', (e) => {
    const rect = overview.getBoundingClientRect();
    const toT = (clientX) => (clientX - rect.left - LABEL_W) / plotWidth() * endUs;
    const span = view.t1 - view.t0;
    const grab = e.target.id === 'overview-window' ? toT(e.clientX) - view.t0 : span / 2;
    const move = (ev) => setView(toT(ev.clientX) - grab, toT(ev.clientX) - grab + span);
    move(e);
    const up = () => { window.removeEventListener('mousemove', move); window.removeEventListener('mouseup', up); };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  });

  document.addEventListener('keydown', (e) => {
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) return;
    const mid = (view.t0 + view.t1) / 2;
    if (e.key === '+' || e.key === '=') zoomAt(mid, 0.5);
    else if (e.key === '-') zoomAt(mid, 2);
    else if (e.key === '0') setView(0, endUs);
    else if (e.key === 'ArrowLeft') pan(-0.25);
    else if (e.key === 'ArrowRight') pan(0.25);
  });
  window.addEventListener('resize', schedule);

  renderCexPanel();
  render();
})();
