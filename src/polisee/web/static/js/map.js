/*
 * polisee maps: Leaflet choropleths from GeoJSON boundaries plus a spec built by
 * polisee.web.charts.choropleth.
 *
 * Markup: <div data-map data-geojson="/maps/nuts2.geojson" data-values="/maps/lq.json"
 *              data-href-template="/regions/{code}" data-bounds="[-25,34,45,72]"></div>
 * No tile layer (no network beyond the two URLs). Hover or focus a region for its value,
 * click or press Enter to open data-href-template. Changing data-values (e.g. by an htmx
 * swap) re-colours the map; the boundaries are fetched once per URL.
 */
(() => {
  "use strict";

  const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
  const boundaries = new Map();
  const BORDER = { color: "#ffffff", weight: 0.7, opacity: 1, fillOpacity: 1 };
  const HIGHLIGHT = { color: "#1f2933", weight: 2.5 };

  async function fetchJSON(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  function geojson(url) {
    if (!boundaries.has(url)) {
      boundaries.set(url, fetchJSON(url).catch((err) => { boundaries.delete(url); throw err; }));
    }
    return boundaries.get(url);
  }

  const codeOf = (feature) => String(feature.properties?.code ?? feature.id ?? "");
  const nameOf = (feature) => String(feature.properties?.name ?? codeOf(feature));

  function label(state, feature) {
    const code = codeOf(feature);
    const spec = state.spec || {};
    const text = spec.labels?.[code] ?? spec.legend?.no_data?.label ?? "no data";
    return { code, name: nameOf(feature), text, indicator: spec.indicator || "" };
  }

  function fill(state, feature) {
    const spec = state.spec || {};
    const colour = spec.colors?.[codeOf(feature)] ?? spec.legend?.no_data?.color ?? "#d9d9d9";
    return { ...BORDER, fillColor: colour };
  }

  function tooltipHTML(state, feature) {
    const l = label(state, feature);
    return `<strong>${esc(l.name)}</strong> <span class="map-code">${esc(l.code)}</span>` +
      `<br>${esc(l.indicator)}: <b>${esc(l.text)}</b>`;
  }

  function open(el, feature) {
    const template = el.dataset.hrefTemplate;
    if (template) window.location.assign(template.replace("{code}", encodeURIComponent(codeOf(feature))));
  }

  function makeAccessible(el, state, layer) {
    const path = layer.getElement();
    if (!path) return;
    const l = label(state, layer.feature);
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", el.dataset.hrefTemplate ? "link" : "img");
    path.setAttribute("aria-label", `${l.name} (${l.code}), ${l.indicator}: ${l.text}`);
    if (path._polisee) return;
    path._polisee = true;
    path.addEventListener("focus", () => {
      state.layer.eachLayer((other) => other.closeTooltip());
      layer.setStyle(HIGHLIGHT);
      layer.bringToFront();
      layer.openTooltip(layer.getBounds().getCenter());
    });
    path.addEventListener("blur", () => { layer.setStyle(fill(state, layer.feature)); layer.closeTooltip(); });
    path.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        open(el, layer.feature);
      }
    });
  }

  function legendControl(state) {
    const control = L.control({ position: "bottomright" });
    control.onAdd = () => {
      const box = L.DomUtil.create("div", "leaflet-control map-legend");
      Object.assign(box.style, {
        background: "rgba(255,255,255,0.95)", padding: "8px 10px", borderRadius: "6px",
        boxShadow: "0 1px 4px rgba(0,0,0,0.25)", font: "12px/1.5 system-ui, sans-serif",
        color: "#1f2933", maxWidth: "240px",
      });
      L.DomEvent.disableClickPropagation(box);
      state.legendBox = box;
      return box;
    };
    return control;
  }

  function drawLegend(state) {
    const box = state.legendBox;
    const legend = state.spec?.legend;
    if (!box || !legend) return;
    box.replaceChildren();
    const title = document.createElement("div");
    title.textContent = legend.title;
    title.style.fontWeight = "600";
    title.style.marginBottom = "4px";
    const list = document.createElement("ul");
    Object.assign(list.style, { listStyle: "none", margin: "0", padding: "0" });
    const items = [...(legend.items || []), ...(legend.no_data?.count ? [legend.no_data] : [])];
    for (const item of items) {
      const li = document.createElement("li");
      Object.assign(li.style, { display: "flex", alignItems: "center", gap: "6px" });
      const swatch = document.createElement("span");
      Object.assign(swatch.style, {
        width: "18px", height: "12px", background: item.color, border: "1px solid #9aa5b1",
        display: "inline-block", flex: "none",
      });
      swatch.setAttribute("aria-hidden", "true");
      const text = document.createElement("span");
      text.textContent = item.label;
      li.append(swatch, text);
      list.append(li);
    }
    box.setAttribute("aria-label", `Legend: ${legend.title}`);
    box.append(title, list);
  }

  function fit(el, state) {
    let target = state.layer.getBounds();
    try {
      const [w, s, e, n] = JSON.parse(el.dataset.bounds || "null") || [];
      if ([w, s, e, n].every(Number.isFinite)) target = L.latLngBounds([s, w], [n, e]);
    } catch (err) { /* a malformed data-bounds falls back to the layer's extent */ }
    if (target.isValid()) state.map.fitBounds(target, { padding: [8, 8] });
  }

  function draw(el, state, collection, geoUrl) {
    if (!state.map) {
      state.map = L.map(el, { zoomSnap: 0.25, zoomDelta: 0.5, keyboard: true, attributionControl: true });
      state.map.attributionControl.setPrefix("Leaflet");
      state.map.attributionControl.addAttribution("Boundaries © EuroGeographics");
      state.map.getContainer().style.background = el.dataset.background || "#eef2f5";
      legendControl(state).addTo(state.map);
    }
    if (state.geoUrl !== geoUrl) {
      if (state.layer) state.layer.remove();
      state.geoUrl = geoUrl;
      state.layer = L.geoJSON(collection, {
        style: (feature) => fill(state, feature),
        onEachFeature: (feature, layer) => {
          layer.bindTooltip(() => tooltipHTML(state, feature), { sticky: true, direction: "top", offset: [0, -6] });
          layer.on({
            mouseover: () => { layer.setStyle(HIGHLIGHT); layer.bringToFront(); },
            mouseout: () => layer.setStyle(fill(state, feature)),
            click: () => open(el, feature),
          });
        },
      }).addTo(state.map);
      fit(el, state);
    }
    state.layer.eachLayer((layer) => {
      layer.setStyle(fill(state, layer.feature));
      makeAccessible(el, state, layer);
    });
    drawLegend(state);
    const title = state.spec?.legend?.title;
    el.setAttribute("aria-label", title ? `Map: ${title}` : "Map");
    el.dataset.mapReady = "true";
  }

  async function render(el) {
    const geoUrl = el.dataset.geojson;
    const valuesUrl = el.dataset.values;
    const state = el._polisee || (el._polisee = {});
    const key = `${geoUrl}\n${valuesUrl}`;
    if (!geoUrl || !valuesUrl || state.key === key) return;
    state.key = key;
    el.setAttribute("aria-busy", "true");
    delete el.dataset.mapReady;
    try {
      const [collection, spec] = await Promise.all([geojson(geoUrl), fetchJSON(valuesUrl)]);
      if (state.key !== key) return; // a newer data-values won the race
      state.spec = spec;
      draw(el, state, collection, geoUrl);
      delete el.dataset.mapError;
    } catch (err) {
      state.key = null;
      el.dataset.mapError = String(err.message || err);
    } finally {
      el.removeAttribute("aria-busy");
    }
  }

  function scan(root = document) {
    const base = root.querySelectorAll ? root : document;
    const found = [...base.querySelectorAll("[data-map]")];
    if (base.matches && base.matches("[data-map]")) found.push(base);
    found.forEach(render);
  }

  function start() {
    scan();
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === "attributes") render(record.target);
        else if (record.addedNodes.length) scan();
      }
    }).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["data-values", "data-geojson"],
    });
    document.addEventListener("htmx:load", (event) => scan(event.target));
  }

  window.polisee = Object.assign(window.polisee || {}, { maps: { render, scan } });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
