// pretext's one charting script: line charts on a <canvas>, redrawn whole on every update (a run has at most a
// few thousand points, so there is nothing to gain from incremental drawing). No dependencies.
"use strict";
const PretextChart = (() => {
  const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

  function niceTicks(lo, hi, n) {
    if (!(hi > lo)) { hi = lo + 1; }
    const raw = (hi - lo) / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(m => m * mag).find(s => s >= raw);
    const ticks = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) { ticks.push(t); }
    return ticks;
  }

  function label(v) {
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) { return v.toExponential(1).replace("e+", "e"); }
    return String(Math.round(v * 1000) / 1000);
  }

  /** Draws series [{name, points: [[x, y], ...]}] with axis titles; logY plots log10(y) labelled with y. */
  function draw(canvas, series, opts) {
    const o = Object.assign({xLabel: "", yLabel: "", logY: false}, opts || {});
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 480, h = canvas.clientHeight || 260;
    canvas.width = w * dpr; canvas.height = h * dpr;
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.font = "12px system-ui, sans-serif";
    const ty = y => o.logY ? Math.log10(y) : y;
    const pts = series.map(s => s.points.filter(p => isFinite(p[0]) && isFinite(p[1]) && (!o.logY || p[1] > 0)));
    const all = pts.flat();
    const left = 70, right = 12, top = 12, bottom = 38;
    g.fillStyle = "#555";
    if (all.length === 0) {
      g.fillText("no points yet", left + 10, top + 20);
      return;
    }
    let x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]));
    let y0 = Math.min(...all.map(p => ty(p[1]))), y1 = Math.max(...all.map(p => ty(p[1])));
    if (x1 === x0) { x1 = x0 + 1; }
    if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
    const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    const sx = x => left + (x - x0) / (x1 - x0) * (w - left - right);
    const sy = y => top + (1 - (y - y0) / (y1 - y0)) * (h - top - bottom);
    g.strokeStyle = "#ddd"; g.lineWidth = 1;
    g.textAlign = "right"; g.textBaseline = "middle";
    for (const t of niceTicks(y0, y1, 5)) {
      g.beginPath(); g.moveTo(left, sy(t)); g.lineTo(w - right, sy(t)); g.stroke();
      g.fillText(label(o.logY ? Math.pow(10, t) : t), left - 6, sy(t));
    }
    g.textAlign = "center"; g.textBaseline = "top";
    for (const t of niceTicks(x0, x1, 6)) {
      g.beginPath(); g.moveTo(sx(t), top); g.lineTo(sx(t), h - bottom); g.stroke();
      g.fillText(label(t), sx(t), h - bottom + 4);
    }
    g.fillText(o.xLabel, left + (w - left - right) / 2, h - 16);
    g.save(); g.translate(12, top + (h - top - bottom) / 2); g.rotate(-Math.PI / 2);
    g.textBaseline = "middle"; g.fillText(o.yLabel + (o.logY ? " (log)" : ""), 0, 0); g.restore();
    pts.forEach((p, i) => {
      g.strokeStyle = series[i].colour || COLOURS[i % COLOURS.length]; g.lineWidth = 1.6;
      g.beginPath();
      p.forEach(([x, y], j) => j === 0 ? g.moveTo(sx(x), sy(ty(y))) : g.lineTo(sx(x), sy(ty(y))));
      g.stroke();
    });
    if (series.length > 1) {
      g.textAlign = "left"; g.textBaseline = "middle";
      series.forEach((s, i) => {
        g.fillStyle = s.colour || COLOURS[i % COLOURS.length];
        g.fillRect(w - right - 120, top + 8 + i * 16, 10, 3);
        g.fillText(s.name, w - right - 104, top + 9 + i * 16);
      });
    }
  }

  return {draw};
})();
