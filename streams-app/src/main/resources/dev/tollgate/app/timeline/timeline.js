/*
 * Tollgate rollout timeline: draws each release's steps over event time and, per gate, the estimate with its
 * confidence band against the threshold line, and marks every decision with its reasons. Plain JavaScript
 * and hand-written SVG, no library. Data: RolloutHistory JSON, embedded (static file) or polled (live page).
 */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var WIDTH = 980, LEFT = 150, RIGHT = 24, STEP_H = 26, GATE_H = 92, GAP = 14, MIN_H = 70;
  var COLORS = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#d53f8c', '#319795'];

  var config = JSON.parse(document.getElementById('tg-config').textContent || '{}');
  var root = document.getElementById('tg-root');
  var status = document.getElementById('tg-status');
  var renders = 0;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]); }
    if (parent) parent.appendChild(e);
    return e;
  }
  function h(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function txt(parent, x, y, s, cls, anchor) {
    var t = el('text', { x: x, y: y, 'class': cls, 'text-anchor': anchor || 'start' }, parent);
    t.textContent = s;
    return t;
  }
  function time(t) { return new Date(t).toISOString().substring(11, 19); }
  function fmt(v) {
    if (v === null || v === undefined) return '–';
    var a = Math.abs(v);
    if (a !== 0 && (a < 0.001 || a >= 100000)) return v.toExponential(2);
    return String(Math.round(v * 10000) / 10000);
  }
  function pct(p) { return (Math.round(p * 100) / 100) + ' %'; }

  /** y scale of a gate: estimates and threshold, bounds clipped to three times their span around them. */
  function yScale(points, threshold, top, height) {
    var lo = threshold, hi = threshold;
    points.forEach(function (p) { if (p[1] !== null) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); } });
    var span = (hi - lo) || Math.abs(threshold) || 1;
    var minB = lo - span, maxB = hi + span;
    points.forEach(function (p) {
      if (p[2] !== null) lo = Math.min(lo, Math.max(p[2], minB));
      if (p[3] !== null) hi = Math.max(hi, Math.min(p[3], maxB));
    });
    if (hi === lo) { hi += 1; lo -= 1; }
    var pad = (hi - lo) * 0.06;
    lo -= pad; hi += pad;
    var f = function (v) { return top + height - (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo) * height; };
    f.lo = lo; f.hi = hi;
    return f;
  }

  function drawRelease(parent, rel) {
    var sec = h('section', 'tg-release', null, parent);
    sec.setAttribute('data-release', rel.releaseId);
    h('h3', null, 'release ' + rel.releaseId, sec);
    var last = rel.decisions.length ? rel.decisions[rel.decisions.length - 1] : null;
    h('p', 'tg-summary', time(rel.from) + ' – ' + time(rel.to) + ' UTC (event time) · ' + rel.steps.length +
      ' step(s) · ' + rel.gates.length + ' gate(s) · ' + rel.decisions.length + ' decision(s)' +
      (last ? ' · last: ' + last.action + ' at step ' + last.stepIndex + ' (' + pct(last.trafficPercent) + ')' : ''), sec);

    var t0 = rel.from, t1 = rel.to > rel.from ? rel.to : rel.from + 1000;
    var plotW = WIDTH - LEFT - RIGHT;
    var x = function (t) { return LEFT + (t - t0) / (t1 - t0) * plotW; };
    var hasMinutes = rel.minutes.length > 0;
    var height = 24 + STEP_H + GAP + rel.gates.length * (GATE_H + GAP) + (hasMinutes ? MIN_H + GAP : 0) + 22;
    var svg = el('svg', { 'class': 'tg-chart', viewBox: '0 0 ' + WIDTH + ' ' + height, width: WIDTH, height: height,
      role: 'img', 'aria-label': 'timeline of release ' + rel.releaseId }, sec);

    // steps over time
    var y = 20;
    var steps = el('g', { 'class': 'tg-steps' }, svg);
    txt(steps, LEFT - 8, y + STEP_H / 2 + 4, 'steps', 'tg-label', 'end');
    rel.steps.forEach(function (s, i) {
      var next = rel.steps[i + 1];
      var end = next ? Math.max(s.to, next.from) : Math.max(s.to, t1);
      var x0 = x(s.from), x1 = Math.max(x(end), x0 + 2);
      var shade = 0.25 + 0.7 * Math.min(1, s.trafficPercent / 100);
      var r = el('rect', { 'class': 'tg-step', x: x0, y: y, width: x1 - x0, height: STEP_H,
        fill: 'rgba(43,108,176,' + shade.toFixed(2) + ')', 'data-step-index': s.stepIndex,
        'data-traffic-percent': s.trafficPercent }, steps);
      el('title', {}, r).textContent = 'step ' + s.stepIndex + ': ' + pct(s.trafficPercent) + ' canary, ' +
        time(s.from) + ' – ' + time(s.to);
      if (x1 - x0 > 26) txt(steps, (x0 + x1) / 2, y + STEP_H / 2 + 4, pct(s.trafficPercent), 'tg-step-label', 'middle');
    });
    var bottom = height - 22;
    // decisions: a marker on the steps row and a line through every panel
    var decs = el('g', { 'class': 'tg-decisions-layer' }, svg);
    rel.decisions.forEach(function (d) {
      var g = el('g', { 'class': 'tg-decision tg-action-' + d.action, 'data-action': d.action,
        'data-step-index': d.stepIndex, 'data-t': d.t }, decs);
      el('line', { 'class': 'tg-decision-line tg-action-' + d.action, x1: x(d.t), x2: x(d.t), y1: y - 6, y2: bottom }, g);
      el('circle', { cx: x(d.t), cy: y - 8, r: 5, 'class': 'tg-action-' + d.action }, g);
      el('title', {}, g).textContent = time(d.t) + ' ' + d.action + ' at step ' + d.stepIndex + ' (' +
        pct(d.trafficPercent) + ')' + (d.failingGates.length ? ' – failing: ' + d.failingGates.join(', ') : '') +
        (d.reasons.length ? '\n' + d.reasons.join('\n') : '');
    });
    y += STEP_H + GAP;

    // one panel per gate
    rel.gates.forEach(function (gate) {
      var g = el('g', { 'class': 'tg-gate', 'data-gate': gate.gate }, svg);
      el('rect', { 'class': 'tg-panel-bg', x: LEFT, y: y, width: plotW, height: GATE_H }, g);
      var pts = gate.points;
      var lastP = pts.length ? pts[pts.length - 1] : null;
      txt(g, LEFT - 8, y + 14, gate.gate, 'tg-gate-name', 'end');
      if (lastP) {
        txt(g, LEFT - 8, y + 30, lastP[5] + (lastP[6] ? ' (dry run)' : ''), 'tg-verdict tg-verdict-' + lastP[5], 'end');
        txt(g, LEFT - 8, y + 46, 'est ' + fmt(lastP[1]), 'tg-est-label', 'end');
      }
      var ys = yScale(pts, gate.threshold, y + 4, GATE_H - 8);
      // confidence band: upper bounds left to right, lower bounds back
      var up = [], down = [];
      pts.forEach(function (p) {
        if (p[2] !== null && p[3] !== null) {
          up.push(x(p[0]).toFixed(1) + ',' + ys(p[3]).toFixed(1));
          down.unshift(x(p[0]).toFixed(1) + ',' + ys(p[2]).toFixed(1));
        }
      });
      if (up.length) el('polygon', { 'class': 'tg-band', points: up.concat(down).join(' ') }, g);
      var d = '', pen = false;
      pts.forEach(function (p) {
        if (p[1] === null) { pen = false; return; }
        d += (pen ? 'L' : 'M') + x(p[0]).toFixed(1) + ',' + ys(p[1]).toFixed(1);
        pen = true;
      });
      if (d) el('path', { 'class': 'tg-estimate', d: d }, g);
      var ty = ys(gate.threshold);
      el('line', { 'class': 'tg-threshold', x1: LEFT, x2: LEFT + plotW, y1: ty, y2: ty,
        'data-threshold': gate.threshold }, g);
      txt(g, LEFT + plotW - 4, ty - 4, 'threshold ' + fmt(gate.threshold), 'tg-threshold-label', 'end');
      txt(g, LEFT + 4, y + 12, fmt(ys.hi), 'tg-axis-label');
      txt(g, LEFT + 4, y + GATE_H - 4, fmt(ys.lo), 'tg-axis-label');
      y += GATE_H + GAP;
    });

    // requests per minute per revision (timeline minutes)
    if (hasMinutes) {
      var mg = el('g', { 'class': 'tg-minutes' }, svg);
      el('rect', { 'class': 'tg-panel-bg', x: LEFT, y: y, width: plotW, height: MIN_H }, mg);
      txt(mg, LEFT - 8, y + 14, 'requests/min', 'tg-gate-name', 'end');
      var maxR = 1;
      rel.minutes.forEach(function (m) { m.points.forEach(function (p) { maxR = Math.max(maxR, p[2]); }); });
      rel.minutes.forEach(function (m, i) {
        var c = COLORS[i % COLORS.length];
        var pd = '';
        m.points.forEach(function (p, j) {
          pd += (j ? 'L' : 'M') + x((p[0] + p[1]) / 2).toFixed(1) + ',' + (y + MIN_H - 4 - p[2] / maxR * (MIN_H - 8)).toFixed(1);
        });
        el('path', { 'class': 'tg-minutes-line', d: pd, stroke: c, 'data-revision': m.revision }, mg);
        var lt = txt(mg, LEFT - 8, y + 30 + 14 * i, m.revision, 'tg-minutes-label', 'end');
        lt.setAttribute('fill', c);
      });
      txt(mg, LEFT + 4, y + 12, String(maxR), 'tg-axis-label');
      y += MIN_H + GAP;
    }

    // decision lines over the panels, not under their backgrounds
    svg.appendChild(decs);

    // time axis
    var ax = el('g', { 'class': 'tg-axis' }, svg);
    el('line', { x1: LEFT, x2: LEFT + plotW, y1: bottom, y2: bottom }, ax);
    for (var k = 0; k <= 6; k++) {
      var tt = t0 + (t1 - t0) * k / 6;
      el('line', { x1: x(tt), x2: x(tt), y1: bottom, y2: bottom + 4 }, ax);
      txt(ax, x(tt), bottom + 16, time(tt), 'tg-tick', k === 0 ? 'start' : k === 6 ? 'end' : 'middle');
    }

    // the decisions with their reasons, as text
    var ol = h('ol', 'tg-decisions', null, sec);
    if (!rel.decisions.length) h('li', 'tg-empty', 'no decision yet', ol);
    rel.decisions.forEach(function (dd) {
      var li = h('li', 'tg-decision-item', null, ol);
      li.setAttribute('data-action', dd.action);
      li.setAttribute('data-step-index', dd.stepIndex);
      h('span', 'tg-time', time(dd.t) + ' ', li);
      h('span', 'tg-act tg-action-' + dd.action, dd.action, li);
      h('span', null, ' at step ' + dd.stepIndex + ' (' + pct(dd.trafficPercent) + ')' +
        (dd.failingGates.length ? ' – failing: ' + dd.failingGates.join(', ') : ''), li);
      if (dd.reasons.length) {
        var ul = h('ul', 'tg-reasons', null, li);
        dd.reasons.forEach(function (r) { h('li', 'tg-reason', r, ul); });
      }
    });
  }

  function drawService(parent, svc, heading) {
    var div = h('div', 'tg-service', null, parent);
    div.setAttribute('data-service', svc.service);
    if (heading) h('h2', null, svc.service, div);
    if (!svc.releases.length) h('p', 'tg-empty', 'no rollout seen yet', div);
    svc.releases.forEach(function (rel) { drawRelease(div, rel); });
  }

  function render(data) {
    while (root.firstChild) root.removeChild(root.firstChild);
    if (!data) {
      h('p', 'tg-empty', 'no history for ' + (config.service || 'this input') + ' yet (Tollgate has published no result ' +
        'or decision for it since it started); this page updates by itself', root);
    } else if (data.services) {
      if (!data.services.length) h('p', 'tg-empty', 'no rollout in the input', root);
      data.services.forEach(function (s) { drawService(root, s, true); });
    } else {
      drawService(root, data, false);
    }
    renders++;
    root.setAttribute('data-rendered', String(renders));
  }

  function poll() {
    fetch(config.dataUrl, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (data) {
        render(data);
        status.textContent = 'live: updated ' + new Date().toISOString().substring(11, 19) + ' UTC, every ' +
          (config.pollMs / 1000) + ' s';
      })
      .catch(function (e) { status.textContent = 'cannot load ' + config.dataUrl + ': ' + e.message + ' (retrying)'; })
      .then(function () { setTimeout(poll, config.pollMs); });
  }

  if (config.mode === 'live') {
    poll();
  } else {
    render(JSON.parse(document.getElementById('tg-data').textContent));
    status.textContent = 'replayed: all times are event times (UTC)';
  }
})();
