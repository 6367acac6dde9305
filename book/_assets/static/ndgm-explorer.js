// Static explorers: controls and SVG plots over a precomputed grid (see lib/ndgm/explorer.py).
// Each <div class="ndgm-explorer"> carries its spec as JSON; nothing is fetched from anywhere.
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  // A panel's drawing units are CSS pixels: drawPanel sizes the viewBox to the panel's rendered width,
  // so the text is drawn at the font sizes of ndgm-explorer.css at any screen width (redrawn on resize).
  // The legend sits in a band above the axes, never over the data.
  var W = 420, H = 270, M = { left: 70, right: 12, top: 30, bottom: 52 };
  var FONT = 14, LEGEND_ROW = 19, TITLE_BAND = 28;

  // Lay the legend out in rows across the panel; set W, H and M for this panel.
  function layout(svg, labels) {
    var width = svg.getBoundingClientRect().width;
    W = Math.round(Math.max(300, width || 420));
    var x = M.left, rows = labels.length ? 1 : 0, at = [];
    labels.forEach(function (label) {
      var w = 26 + 0.6 * FONT * String(label).length + 14;
      if (x + w > W - M.right && x > M.left) { rows += 1; x = M.left; }
      at.push({ x: x, row: rows - 1 });
      x += w;
    });
    M.top = TITLE_BAND + rows * LEGEND_ROW + 6;
    H = Math.round(M.top + Math.min(260, Math.max(170, 0.45 * W)) + M.bottom);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    return at;
  }

  function decode(a) {
    var bytes = Uint8Array.from(atob(a.b64), function (c) { return c.charCodeAt(0); });
    return { axes: a.axes, shape: a.shape, data: new Float32Array(bytes.buffer) };
  }

  // Values of `arr` at the current control indices; if `free` names one of its axes, the whole
  // line along that axis; otherwise the trailing axis if any (or a single number).
  function slice(arr, index, free) {
    var strides = [], s = 1, k;
    for (k = arr.shape.length - 1; k >= 0; k--) { strides[k] = s; s *= arr.shape[k]; }
    var base = 0, freeAxis = -1;
    for (k = 0; k < arr.axes.length; k++) {
      if (arr.axes[k] === free) { freeAxis = k; } else { base += index[arr.axes[k]] * strides[k]; }
    }
    if (freeAxis < 0 && arr.shape.length > arr.axes.length) { freeAxis = arr.axes.length; }
    if (freeAxis < 0) { return [arr.data[base]]; }
    var out = [];
    for (k = 0; k < arr.shape[freeAxis]; k++) { out.push(arr.data[base + k * strides[freeAxis]]); }
    return out;
  }

  function fmt(v, digits) {
    if (!isFinite(v)) { return "diverged (" + (isNaN(v) ? "nan" : "∞") + ")"; }
    if (v === 0) { return "0"; }
    var a = Math.abs(v);
    return (a >= 1e4 || a < 1e-3) ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
  }

  function el(tag, attrs, parent, ns) {
    var e = ns ? document.createElementNS(SVGNS, tag) : document.createElement(tag);
    for (var k in attrs) { if (attrs.hasOwnProperty(k)) { e.setAttribute(k, attrs[k]); } }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function niceTicks(lo, hi, log) {
    var ticks = [], t;
    if (log) {
      for (t = Math.ceil(lo - 1e-9); t <= Math.floor(hi + 1e-9); t++) { ticks.push(t); }
      if (ticks.length > 7) { var step = Math.ceil(ticks.length / 6); ticks = ticks.filter(function (x) { return x % step === 0; }); }
      return ticks;
    }
    var span = hi - lo || 1, mag = Math.pow(10, Math.floor(Math.log10(span / 5))), unit = mag;
    [1, 2, 5, 10].some(function (m) { unit = m * mag; return span / unit <= 6; });
    for (t = Math.ceil(lo / unit) * unit; t <= hi + 1e-12 * span; t += unit) { ticks.push(t); }
    return ticks;
  }

  function tickLabel(t, log) {
    if (log) { return t === 0 ? "1" : "1e" + t; }
    return String(Number(t.toPrecision(6)));
  }

  // Draw one panel; returns the drawn data ({x, ys}) for inspection by tests.
  function drawPanel(svg, panel, xs, ys, marker, vlines, hlines) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var legendAt = layout(svg, ys.map(function (y) { return y.label; }));
    var tx = function (v) { return panel.xlog ? Math.log10(v) : v; };
    var ty = function (v) { return panel.ylog ? Math.log10(v) : v; };
    var ok = function (x, y) { return isFinite(tx(x)) && isFinite(ty(y)); };
    var xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
    xs.forEach(function (x) { if (isFinite(tx(x))) { xlo = Math.min(xlo, tx(x)); xhi = Math.max(xhi, tx(x)); } });
    ys.forEach(function (y) {
      y.values.forEach(function (v, i) { if (ok(xs[i], v)) { ylo = Math.min(ylo, ty(v)); yhi = Math.max(yhi, ty(v)); } });
    });
    el("text", { x: W / 2, y: 19, "text-anchor": "middle", "class": "ndgm-title" }, svg, true).textContent = panel.title;
    if (!isFinite(ylo)) {
      el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "ndgm-empty" }, svg, true).textContent =
        "every value diverged or is not positive";
      return;
    }
    hlines.forEach(function (h) { if (isFinite(ty(h.at))) { ylo = Math.min(ylo, ty(h.at)); yhi = Math.max(yhi, ty(h.at)); } });
    if (panel.ylim.length === 2) {
      ylo = ty(panel.ylim[0]); yhi = ty(panel.ylim[1]);
    } else {
      if (yhi - ylo < 1e-12) { ylo -= 0.5; yhi += 0.5; }
    }
    var pad = 0.05 * (yhi - ylo); ylo -= pad; yhi += pad;
    var px = function (x) { return M.left + (tx(x) - xlo) / ((xhi - xlo) || 1) * (W - M.left - M.right); };
    var py = function (y) { return H - M.bottom - (ty(y) - ylo) / (yhi - ylo) * (H - M.top - M.bottom); };
    var clipY = function (y) { return Math.max(M.top, Math.min(H - M.bottom, y)); };
    var axes = el("g", { "class": "ndgm-axes" }, svg, true);
    el("rect", { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom, fill: "none" }, axes, true);
    niceTicks(xlo, xhi, panel.xlog).forEach(function (t) {
      var X = M.left + (t - xlo) / ((xhi - xlo) || 1) * (W - M.left - M.right);
      el("line", { x1: X, x2: X, y1: M.top, y2: H - M.bottom, "class": "ndgm-grid" }, axes, true);
      el("text", { x: X, y: H - M.bottom + FONT + 4, "text-anchor": "middle" }, axes, true).textContent = tickLabel(t, panel.xlog);
    });
    niceTicks(ylo, yhi, panel.ylog).forEach(function (t) {
      var Y = H - M.bottom - (t - ylo) / (yhi - ylo) * (H - M.top - M.bottom);
      el("line", { x1: M.left, x2: W - M.right, y1: Y, y2: Y, "class": "ndgm-grid" }, axes, true);
      el("text", { x: M.left - 6, y: Y + FONT / 3, "text-anchor": "end" }, axes, true).textContent = tickLabel(t, panel.ylog);
    });
    el("text", { x: (M.left + W - M.right) / 2, y: H - 9, "text-anchor": "middle" }, axes, true).textContent = panel.xlabel;
    el("text", { x: FONT + 2, y: (M.top + H - M.bottom) / 2, "text-anchor": "middle",
                 transform: "rotate(-90 " + (FONT + 2) + " " + (M.top + H - M.bottom) / 2 + ")" }, axes, true).textContent = panel.ylabel;
    vlines.forEach(function (v) {
      if (!isFinite(tx(v.at))) { return; }
      var X = px(v.at);
      if (X < M.left || X > W - M.right) { return; }
      el("line", { x1: X, x2: X, y1: M.top, y2: H - M.bottom, "class": "ndgm-vline" }, svg, true);
      el("text", { x: X + 3, y: M.top + FONT, "class": "ndgm-vlabel" }, svg, true).textContent = v.label;
    });
    hlines.forEach(function (h) {
      if (!isFinite(ty(h.at))) { return; }
      var Y = py(h.at);
      if (Y < M.top || Y > H - M.bottom) { return; }
      el("line", { x1: M.left, x2: W - M.right, y1: Y, y2: Y, "class": "ndgm-vline" }, svg, true);
      el("text", { x: M.left + 4, y: Y - 4, "class": "ndgm-vlabel" }, svg, true).textContent = h.label;
    });
    ys.forEach(function (y) {
      var pts = [], runs = [];
      y.values.forEach(function (v, i) {
        if (ok(xs[i], v)) { pts.push(px(xs[i]).toFixed(1) + "," + clipY(py(v)).toFixed(1)); }
        else if (pts.length) { runs.push(pts); pts = []; }
      });
      if (pts.length) { runs.push(pts); }
      runs.forEach(function (r) {
        if (r.length === 1) {                      // a lone finite value: a dot, since a line needs two
          var q = r[0].split(",");
          el("circle", { cx: q[0], cy: q[1], r: 2.5, fill: y.color }, svg, true);
        } else {
          el("polyline", { points: r.join(" "), fill: "none", stroke: y.color, "stroke-width": 1.8,
                           "stroke-dasharray": y.style === "dash" ? "5 3" : "none" }, svg, true);
        }
      });
    });
    if (marker && ok(marker.x, marker.y)) {
      el("circle", { cx: px(marker.x), cy: clipY(py(marker.y)), r: 5, "class": "ndgm-marker" }, svg, true);
    }
    var legend = el("g", { "class": "ndgm-legend" }, svg, true);
    ys.forEach(function (y, i) {
      var lx = legendAt[i].x, ly = TITLE_BAND + LEGEND_ROW * legendAt[i].row + LEGEND_ROW / 2;
      el("line", { x1: lx, x2: lx + 20, y1: ly, y2: ly, stroke: y.color, "stroke-width": 2,
                   "stroke-dasharray": y.style === "dash" ? "5 3" : "none" }, legend, true);
      el("text", { x: lx + 26, y: ly + FONT / 3 }, legend, true).textContent = y.label;
    });
  }

  function build(root) {
    var spec = JSON.parse(root.querySelector("script.ndgm-explorer-spec").textContent);
    var arrays = {}, k;
    for (k in spec.arrays) { if (spec.arrays.hasOwnProperty(k)) { arrays[k] = decode(spec.arrays[k]); } }
    var index = {}, controls = {};
    var fallback = root.querySelector(".ndgm-explorer-fallback");
    if (fallback) { fallback.remove(); }
    var form = el("div", { "class": "ndgm-controls" }, root);
    spec.controls.forEach(function (c) {
      index[c.name] = c.default;
      var wrap = el("label", { "class": "ndgm-control" }, form);
      el("span", { "class": "ndgm-control-label" }, wrap).textContent = c.label;
      var input;
      if (c.scale === "choice") {
        input = el("select", { name: c.name }, wrap);
        c.values.forEach(function (v, i) { var o = el("option", { value: i }, input); o.textContent = c.labels[i]; });
        input.value = c.default;
      } else {
        input = el("input", { type: "range", name: c.name, min: 0, max: c.values.length - 1, step: 1, value: c.default }, wrap);
      }
      var shown = el("output", { "class": "ndgm-control-value" }, wrap);
      controls[c.name] = { spec: c, input: input, shown: shown };
      input.addEventListener("input", function () { index[c.name] = Number(input.value); update(); });
    });
    var readouts = el("div", { "class": "ndgm-readouts" }, root);
    var readoutEls = spec.readouts.map(function (r) {
      var box = el("div", { "class": "ndgm-readout" }, readouts);
      el("span", { "class": "ndgm-readout-label" }, box).textContent = r.label;
      var v = el("span", { "class": "ndgm-readout-value", "data-array": r.array }, box);
      return { spec: r, el: v };
    });
    var grid = el("div", { "class": "ndgm-panels" }, root);
    var svgs = spec.panels.map(function () {
      return el("svg", { viewBox: "0 0 " + W + " " + H, "class": "ndgm-panel", role: "img" }, grid, true);
    });
    if (spec.caption) { el("p", { "class": "ndgm-caption" }, root).textContent = spec.caption; }

    function update() {
      var t0 = performance.now();
      var state = { config: {}, panels: [], readouts: {} };
      spec.controls.forEach(function (c) {
        var v = c.values[index[c.name]];
        state.config[c.name] = v;
        controls[c.name].shown.textContent = c.scale === "choice" ? "" : fmt(v, 3);
      });
      readoutEls.forEach(function (r) {
        var v = slice(arrays[r.spec.array], index, null)[0];
        state.readouts[r.spec.array] = v;
        r.el.textContent = r.spec.labels.length ? r.spec.labels[Math.round(v)] : fmt(v, r.spec.digits);
      });
      spec.panels.forEach(function (p, i) {
        var control = spec.controls.filter(function (c) { return c.name === p.x; })[0];
        var xs = control ? control.values : slice(arrays[p.x], index, null);
        var ys = p.series.map(function (s) {
          return { label: s.label, color: s.color, style: s.style, values: slice(arrays[s.array], index, control ? p.x : null) };
        });
        var marker = control ? { x: control.values[index[p.x]], y: ys[0].values[index[p.x]] } : null;
        var refs = function (lines) {
          return lines.map(function (v) {
            return { at: typeof v.at === "string" ? slice(arrays[v.at], index, null)[0] : v.at, label: v.label };
          });
        };
        drawPanel(svgs[i], p, xs, ys, marker, refs(p.vlines), refs(p.hlines));
        state.panels.push({ x: Array.from(xs), ys: ys.map(function (y) { return Array.from(y.values); }) });
      });
      root.ndgmState = state;
      root.dataset.redrawMs = (performance.now() - t0).toFixed(2);
      root.dataset.redraws = String(Number(root.dataset.redraws || 0) + 1);
    }
    update();
    // The drawing follows the panel's width: redraw when it changes (window resize, sidebar toggle).
    if (window.ResizeObserver) {
      var lastWidth = grid.getBoundingClientRect().width, pending = false;
      new ResizeObserver(function () {
        var w = grid.getBoundingClientRect().width;
        if (pending || Math.abs(w - lastWidth) < 1) { return; }
        pending = true;
        requestAnimationFrame(function () { pending = false; lastWidth = grid.getBoundingClientRect().width; update(); });
      }).observe(grid);
    }
  }

  function init() { document.querySelectorAll("div.ndgm-explorer").forEach(build); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
