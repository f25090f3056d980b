/*
 * Civic Contracting — the live "oil stain" map (Leaflet, served from /lib/leaflet; nothing from a CDN). The entry of
 * the map's ES modules: <script type="module" src="/js/map/main.js"> after the classic deferred /lib/leaflet/leaflet.js
 * (module scripts run after the deferred ones before them, in order, so the global L is there).
 *
 * Initialises on <section id="live-map"> with these data attributes (see map.css for the classes):
 *   data-map-url        GeoJSON of the 24 neighbourhoods with live properties and an `attribution` array (/api/map)
 *   data-districts-url  GeoJSON of the 5 districts (optional; an outline layer)
 *   data-replay-url     the spread over time: {steps: [ISO…], places: {code: {commitments: [], participants: [],
 *                       participantsByKind: {kind: []}}}}, accepts ?goal=&kind=
 *   data-place-url      a neighbourhood's page, "{code}" is replaced (/places/{code})
 *   data-tile-url, data-tile-attribution   optional background tiles (empty: a plain background)
 *   data-i18n           JSON of UI texts (keys: DEFAULT_TEXTS in texts.js; missing keys fall back to Dutch)
 * Inside it: the map canvas ([data-map-canvas], #map or .map; created when missing), .map-legend (created when
 * missing), #map-replay (replay controls are rendered into it) and a GET form with <select name="goal"> and
 * <select name="kind"> (the filters; it works without JavaScript too).
 * State for tests and styling, on the section: data-state loading|live|replay|error, data-frame (replay step),
 * data-updated (count of live changes applied). Live changes come from js/live.js (its onChange interface).
 *
 * The modules: state.js (shared state), constants.js, texts.js, util.js; figures.js (what a neighbourhood shows),
 * glyphs.js (the rings), render.js, labels.js, legend.js, layers.js (Leaflet); spread.js (the data over time),
 * filters.js, replay.js, live-changes.js.
 */
import { findCanvas, createMap } from './layers.js';
import { findLegend } from './legend.js';
import { applyPendingChanges, followLiveChanges, updateEngagedNeighbourhoods } from './live-changes.js';
import { applyFilter, readFilter, wireFilters } from './filters.js';
import { renderAll, renderPlace } from './render.js';
import { prefetchReplay, renderReplayControls } from './replay.js';
import { setState, state } from './state.js';
import { loadTexts, texts } from './texts.js';
import { element, getJson } from './util.js';

const root = document.getElementById('live-map');
if (root) {
  if (!window.L) {
    root.dataset.state = 'error';
  } else {
    root.classList.add('js-map');
    state.root = root;
    state.data = root.dataset;
    state.form = root.querySelector('form');
    state.updated = Number(root.dataset.updated) || 0;
    loadTexts(root.dataset.i18n);
    followLiveChanges();
    wireFilters();
    start();
  }
}

async function start() {
  const data = state.data;
  setState('loading');
  const canvas = findCanvas();
  if (!canvas.getAttribute('aria-label')) canvas.setAttribute('aria-label', texts.mapLabel);
  state.legend = findLegend(canvas);
  renderReplayControls();
  const status = element('p', 'map-status', texts.loading);
  status.setAttribute('role', 'status');
  canvas.append(status);

  let geojson;
  let districts = null;
  try {
    const districtsRequest = data.districtsUrl ? getJson(data.districtsUrl).catch((error) => {
      console.warn('Civic Contracting map: no districts layer', error);
      return null;
    }) : Promise.resolve(null);
    [geojson, districts] = await Promise.all([getJson(data.mapUrl || '/api/map'), districtsRequest]);
  } catch (error) {
    console.error('Civic Contracting map: the map could not be loaded', error);
    status.textContent = texts.loadError;
    status.classList.add('is-error');
    setState('error');
    return;
  }
  status.remove();

  const features = Array.isArray(geojson.features) ? geojson.features : [];
  state.per1000 = features.length > 0 && features.every((f) => f.properties && typeof f.properties.commitmentsPer1000Residents === 'number');
  createMap(canvas, geojson, districts);

  state.loaded = true;
  for (const place of state.places.values()) renderPlace(place, false);
  applyPendingChanges();
  updateEngagedNeighbourhoods();

  state.filter = readFilter();
  if (state.filter.goal || state.filter.kind) await applyFilter(false);
  else renderAll();
  setState('live');
  prefetchReplay();
}
