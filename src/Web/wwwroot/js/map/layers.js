// The Leaflet map and its layers: optional background tiles, the neighbourhoods' choropleth (each area a link to its
// page, named by its figures, in alphabetical Tab order), the rings (a picture on top, neither focusable nor clickable:
// a click falls through to the area), the district outlines and names, and the zoom, layer and attribution controls.
// Leaflet is the global L of /lib/leaflet/leaflet.js (a classic deferred script that runs before the modules).
import { PALETTE } from './constants.js';
import { labelHtml } from './glyphs.js';
import { scheduleLabels } from './labels.js';
import { baseOutline, renderAll } from './render.js';
import { state } from './state.js';
import { texts, lang } from './texts.js';
import { element, escapeHtml } from './util.js';

const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
const SVG_NS = 'http://www.w3.org/2000/svg';
let fitting = false;

/** A neighbourhood's page ("{code}" in data-place-url is replaced). */
function placeUrl(code) {
  const template = state.data.placeUrl || '/places/{code}';
  return template.replace('{code}', encodeURIComponent(code));
}

/** The map canvas: [data-map-canvas], #map or .map in the section (created after the form when missing). */
export function findCanvas() {
  const root = state.root;
  let canvas = root.querySelector('[data-map-canvas]') || root.querySelector('#map') || root.querySelector('.map');
  if (!canvas) {
    canvas = element('div', 'map');
    canvas.setAttribute('role', 'region');
    canvas.setAttribute('aria-label', texts.mapLabel);
    const after = root.querySelector('form');
    if (after) after.after(canvas);
    else root.append(canvas);
  }
  canvas.hidden = false;
  canvas.classList.add('map-canvas');
  return canvas;
}

/** Creates the map in canvas from the neighbourhoods' GeoJSON (and the districts', or null); fills state.places. */
export function createMap(canvas, geojson, districts) {
  const L = window.L;
  const data = state.data;
  const places = state.places;
  const tileUrl = (data.tileUrl || '').trim();
  const motion = !reduceMotion.matches;
  const map = L.map(canvas, {
    zoomControl: false,
    attributionControl: false,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    // One finger scrolls the page on phones; pinch (or the buttons) zooms and pans the map.
    dragging: !L.Browser.mobile,
    scrollWheelZoom: false,
    fadeAnimation: motion,
    zoomAnimation: motion,
    markerZoomAnimation: motion,
    inertia: motion,
  });
  state.map = map;
  L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
  // The wheel zooms only once the map has the focus (a click or Tab), so scrolling the page is not hijacked.
  map.on('focus', () => map.scrollWheelZoom.enable());
  map.on('blur', () => map.scrollWheelZoom.disable());

  const attribution = Array.isArray(geojson.attribution) ? geojson.attribution.map(String) : [];
  state.attribution = attribution;
  const control = L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);

  map.createPane('districts').style.zIndex = '450';
  // District names above the rings, so the five names stay readable (they move aside when a ring is in the way).
  map.createPane('districtLabels').style.zIndex = '640';

  let base = null;
  if (tileUrl) {
    base = L.tileLayer(tileUrl, { maxZoom: 19, attribution: escapeHtml(data.tileAttribution || '') }).addTo(map);
    canvas.classList.add('has-tiles');
  }

  const creditLink = attribution.map((line) => /\((https?:\/\/[^\s)]+)\)/.exec(line)).find(Boolean);
  const credit = creditLink
    ? '<a href="' + escapeHtml(creditLink[1]) + '">' + escapeHtml(texts.attributionShort) + '</a>'
    : escapeHtml(texts.attributionShort);
  const neighbourhoodLayer = L.geoJSON(geojson, {
    attribution: credit,
    style: () => Object.assign({ className: 'map-neighbourhood', fillColor: PALETTE[0], fillOpacity: tileUrl ? 0.7 : 0.92, opacity: 1 }, baseOutline()),
    onEachFeature: (feature, layer) => {
      const p = feature.properties || {};
      const place = { code: p.code, props: p, layer, marker: null, value: 0, cls: 0 };
      places.set(p.code, place);
      layer.bindTooltip('', { sticky: true, direction: 'top', className: 'map-tooltip', opacity: 1 });
      // The area's <a> (linkNeighbourhoods) follows the click; a drag of the map that ends on it is no click.
      layer.on('mouseover', () => highlight(place, true));
      layer.on('mouseout', () => highlight(place, false));
    },
  });
  state.neighbourhoodLayer = neighbourhoodLayer;
  // The view first: Leaflet only creates a layer's elements once the map has a centre and zoom.
  fit();
  neighbourhoodLayer.addTo(map);
  // Leaflet puts the paths back bare when the layer is switched off and on again.
  neighbourhoodLayer.on('add', linkNeighbourhoods);
  neighbourhoodLayer.on('remove', () => {
    for (const place of places.values()) if (place.link) place.link.remove();
  });

  // The rings: a picture of each area's participants, hidden from assistive technology (the area's link names the
  // same figures) and from the pointer, so overlapping rings are never small targets in each other's way.
  const glyphLayer = L.layerGroup().addTo(map);
  state.glyphLayer = glyphLayer;
  const ordered = [...places.values()].sort((a, b) => a.props.name.localeCompare(b.props.name, lang));
  state.ordered = ordered;
  for (const place of ordered) {
    const point = Array.isArray(place.props.labelPoint) ? place.props.labelPoint : null;
    const latlng = point ? L.latLng(point[1], point[0]) : place.layer.getBounds().getCenter();
    const icon = L.divIcon({
      className: 'map-marker',
      iconSize: null,
      html: '<span class="map-glyph" aria-hidden="true"></span><span class="map-count" aria-hidden="true"></span>' +
        '<span class="map-label" aria-hidden="true">' + labelHtml(place.props.name) + '</span>',
    });
    const marker = L.marker(latlng, { icon, keyboard: false, interactive: false });
    place.marker = marker;
    marker.addTo(glyphLayer);
    const el = marker.getElement();
    el.dataset.code = place.code;
    el.setAttribute('aria-hidden', 'true');
  }
  linkNeighbourhoods();

  const overlays = {};
  overlays[escapeHtml(texts.layerNeighbourhoods)] = neighbourhoodLayer;
  overlays[escapeHtml(texts.layerGlyphs)] = glyphLayer;
  if (districts && Array.isArray(districts.features)) {
    const districtLayer = L.layerGroup();
    state.districtLayer = districtLayer;
    L.geoJSON(districts, {
      pane: 'districts',
      interactive: false,
      style: () => ({ className: 'map-district', color: '#1d2428', weight: 2.5, opacity: 0.8, fill: false, dashArray: '6 4' }),
      onEachFeature: (feature, layer) => {
        const p = feature.properties || {};
        const point = p.labelPoint || p.label_point;
        const latlng = Array.isArray(point) ? L.latLng(point[1], point[0]) : layer.getBounds().getCenter();
        const label = L.marker(latlng, {
          pane: 'districtLabels',
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: 'map-district-label', iconSize: null, html: '<span>' + escapeHtml(p.name || '') + '</span>' }),
        });
        state.districtLabels.push(label);
        districtLayer.addLayer(label);
      },
    }).addTo(districtLayer);
    districtLayer.addTo(map);
    overlays[escapeHtml(texts.layerDistricts)] = districtLayer;
  }
  const baseLayers = {};
  if (base) baseLayers[escapeHtml(texts.layerTiles)] = base;
  const layers = L.control.layers(base ? baseLayers : null, overlays, { collapsed: true }).addTo(map);
  const toggle = layers.getContainer().querySelector('.leaflet-control-layers-toggle');
  if (toggle) {
    toggle.title = texts.layers;
    toggle.setAttribute('aria-label', texts.layers);
  }
  map.on('overlayadd overlayremove', scheduleLabels);

  map.on('movestart', (event) => {
    if (event.hard !== true && !fitting) state.userMoved = true;
  });
  map.on('zoomend', () => {
    renderAll();
  });
  map.on('moveend', scheduleLabels);
  map.on('resize', () => {
    const size = map.getSize();
    if (size.x <= 0 || size.y <= 0) return;
    if (!state.userMoved) fit();
    renderAll();
  });
  control.getContainer().classList.add('map-attribution-control');
}

/**
 * Wraps each neighbourhood's path in an SVG <a href> to its page: a link named by its figures (render.js sets the
 * aria-label), opened with Enter, in alphabetical order so Tab walks through the neighbourhoods by name.
 */
function linkNeighbourhoods() {
  for (const place of state.ordered || []) {
    const path = place.layer.getElement();
    if (!path || !path.parentNode) continue;
    path.setAttribute('data-code', place.code);
    let link = place.link;
    if (!link) {
      link = document.createElementNS(SVG_NS, 'a');
      link.setAttribute('href', placeUrl(place.code));
      link.setAttribute('class', 'map-neighbourhood-link');
      link.setAttribute('data-code', place.code);
      link.setAttribute('aria-label', place.props.name);
      link.addEventListener('click', (event) => {
        const dragging = state.map.dragging;
        if (dragging && dragging.moved()) event.preventDefault();
      });
      link.addEventListener('focus', () => {
        highlight(place, true);
        place.layer.openTooltip(place.marker ? place.marker.getLatLng() : place.layer.getBounds().getCenter());
      });
      link.addEventListener('blur', () => {
        highlight(place, false);
        place.layer.closeTooltip();
      });
      place.link = link;
    }
    const group = path.parentNode === link ? link.parentNode : path.parentNode;
    if (path.parentNode !== link) link.append(path);
    // Appending in alphabetical order is the Tab order; the areas do not overlap, so the drawing order is free.
    group.append(link);
  }
}

/** A neighbourhood under the pointer or the keyboard focus: a darker outline, its ring marked and its name shown. */
function highlight(place, on) {
  place.hover = on;
  place.layer.setStyle(on ? { color: '#1d2428', weight: 3 } : baseOutline());
  const el = place.marker && place.marker.getElement();
  if (el) el.classList.toggle('has-focus', on);
}

/** Fits the view to the city (and remembers that zoom: labels and ring sizes are relative to it). */
function fit() {
  const map = state.map;
  const size = map.getSize();
  if (size.x <= 0 || size.y <= 0) return;
  const bounds = state.neighbourhoodLayer.getBounds();
  fitting = true;
  map.setMinZoom(0);
  map.fitBounds(bounds, { padding: [6, 6], animate: false });
  state.fitZoom = map.getZoom();
  map.setMinZoom(state.fitZoom - 1);
  map.setMaxBounds(bounds.pad(0.5));
  fitting = false;
}
