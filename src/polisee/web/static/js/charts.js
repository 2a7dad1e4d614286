/*
 * polisee charts: renders the ECharts specs built by polisee.web.charts.
 *
 * Markup:  <div data-chart data-spec='{...}'></div>
 *     or:  <div data-chart data-spec-id="spec-lq"></div>
 *          <script type="application/json" id="spec-lq">{...}</script>
 * Optional data-renderer="svg" (default "canvas"), data-height="420" (px, when CSS sets none).
 * No inline scripts needed (CSP); the spec is data only: string formatters
 * "polisee:item" and "polisee:axis" are replaced by the functions below.
 * Every chart gets "Download PNG" and "Download SVG" buttons after it; SVG is rendered by a
 * server-side-style ECharts instance with the SVG renderer, whatever the on-page renderer.
 */
(() => {
  "use strict";

  const live = new Set();

  // Tooltips are built as DOM nodes with CSSOM styles, not HTML strings with style
  // attributes, so that a strict style-src policy does not blank them.
  function tip(heading, rows) {
    const box = document.createElement("div");
    const head = document.createElement("strong");
    head.textContent = heading ?? "";
    box.append(head);
    for (const { color, label, value } of rows) {
      const line = document.createElement("div");
      if (color) {
        const dot = document.createElement("span");
        Object.assign(dot.style, {
          display: "inline-block", width: "10px", height: "10px", borderRadius: "50%",
          marginRight: "6px", background: color,
        });
        line.append(dot);
      }
      const strong = document.createElement("b");
      strong.textContent = String(value ?? "");
      line.append(`${label}: `, strong);
      box.append(line);
    }
    return box;
  }

  const FORMATTERS = {
    // Heading, then one "label: value" line per row (rows are formatted in Python).
    item(p) {
      const d = p.data && typeof p.data === "object" ? p.data : {};
      const rows = Array.isArray(d.rows) ? d.rows : [[p.seriesName, p.value]];
      return tip(d.heading || p.name || p.seriesName, rows.map(([label, value]) => ({ label, value })));
    },
    // Axis value, then one line per series; a missing point reads "no data", never 0.
    axis(params) {
      const list = Array.isArray(params) ? params : [params];
      if (!list.length) return "";
      return tip(list[0].axisValueLabel ?? list[0].name, list.map((p) => {
        const d = p.data;
        const value = d && typeof d === "object" && d.text != null ? d.text
          : d == null || Number.isNaN(p.value) ? "no data" : p.value;
        return { color: typeof p.color === "string" ? p.color : null, label: p.seriesName, value };
      }));
    },
  };

  // Item renderers of custom series, named in the spec as renderItem: "polisee:<name>".
  const RENDERERS = {
    // A bar on category row value[0] from time value[1] to time value[2] (Gantt charts).
    gantt(params, api) {
      const row = api.value(0);
      const start = api.coord([api.value(1), row]);
      const end = api.coord([api.value(2), row]);
      const height = api.size([0, 1])[1] * 0.55;
      const box = params.coordSys;
      const shape = window.echarts.graphic.clipRectByRect(
        { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height },
        { x: box.x, y: box.y, width: box.width, height: box.height },
      );
      return shape && { type: "rect", transition: ["shape"], shape, style: api.style() };
    },
  };
  const NAMED = { formatter: FORMATTERS, renderItem: RENDERERS };

  // Replace "polisee:<name>" formatter and renderItem strings by functions, in a copy of
  // the spec.
  function resolve(node) {
    if (Array.isArray(node)) return node.map(resolve);
    if (!node || typeof node !== "object") return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      const table = NAMED[key];
      const name = table && typeof value === "string" && value.startsWith("polisee:")
        ? value.slice(8) : null;
      out[key] = name && table[name] ? table[name] : resolve(value);
    }
    return out;
  }

  function specText(el) {
    if (el.dataset.specId) {
      const holder = document.getElementById(el.dataset.specId);
      return holder ? holder.textContent : null;
    }
    return el.dataset.spec || null;
  }

  const slug = (text) => String(text || "chart").toLowerCase()
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "chart";

  function save(url, filename) {
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
  }

  function download(el, format) {
    const state = el._polisee;
    if (!state) return;
    const title = state.spec.title && state.spec.title.text;
    const name = `${slug(title)}.${format}`;
    if (format === "png") {
      save(state.chart.getDataURL({
        type: "png", pixelRatio: 2, backgroundColor: "#ffffff", excludeComponents: ["toolbox"],
      }), name);
      return;
    }
    const twin = window.echarts.init(null, null, {
      renderer: "svg", ssr: true, width: el.clientWidth || 800, height: el.clientHeight || 450,
    });
    twin.setOption({ ...resolve(state.spec), animation: false, toolbox: { show: false } });
    const blob = new Blob([twin.renderToSVGString()], { type: "image/svg+xml" });
    twin.dispose();
    const url = URL.createObjectURL(blob);
    save(url, name);
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function addButtons(el) {
    const bar = document.createElement("div");
    bar.className = "chart-downloads";
    bar.setAttribute("role", "group");
    // Labels come translated from the page (data attributes); English is the fallback.
    bar.setAttribute("aria-label", el.dataset.downloadGroupLabel || "Download chart");
    bar.style.display = "flex";
    bar.style.gap = "0.5rem";
    bar.style.justifyContent = "flex-end";
    bar.style.marginTop = "0.25rem";
    for (const format of ["png", "svg"]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chart-download";
      button.dataset.format = format;
      button.textContent = (el.dataset.downloadLabel || "Download {format}").replace(
        "{format}", format.toUpperCase(),
      );
      button.addEventListener("click", () => download(el, format));
      bar.append(button);
    }
    el.after(bar);
    return bar;
  }

  function render(el) {
    const text = specText(el);
    const state = el._polisee;
    if (!text || (state && state.text === text)) return state ? state.chart : null;
    let spec;
    try {
      spec = JSON.parse(text);
    } catch (err) {
      el.dataset.chartError = `invalid chart spec: ${err.message}`;
      return null;
    }
    if (state) {
      state.text = text;
      state.spec = spec;
      state.chart.setOption(resolve(spec), true);
      return state.chart;
    }
    if (!el.clientHeight) el.style.height = `${Number(el.dataset.height) || 420}px`;
    const renderer = el.dataset.renderer === "svg" ? "svg" : "canvas";
    const chart = window.echarts.init(el, null, { renderer });
    chart.setOption(resolve(spec));
    const buttons = addButtons(el);
    const resizer = new ResizeObserver(() => chart.resize());
    resizer.observe(el);
    el._polisee = { chart, spec, text, buttons, resizer };
    el.dataset.chartReady = "true";
    live.add(el);
    return chart;
  }

  function scan(root = document) {
    for (const el of live) {
      if (!el.isConnected) {
        el._polisee.resizer.disconnect();
        el._polisee.chart.dispose();
        el._polisee.buttons.remove();
        delete el._polisee;
        live.delete(el);
      }
    }
    const base = root.querySelectorAll ? root : document;
    const found = [...base.querySelectorAll("[data-chart]")];
    if (base.matches && base.matches("[data-chart]")) found.push(base);
    found.forEach(render);
  }

  let pending = false;
  const observer = new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      scan();
    });
  });

  function start() {
    scan();
    observer.observe(document.body, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ["data-spec", "data-spec-id"],
    });
    document.addEventListener("htmx:load", (event) => scan(event.target));
  }

  window.polisee = Object.assign(window.polisee || {}, {
    charts: { render, scan, download, formatters: FORMATTERS, renderers: RENDERERS },
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
