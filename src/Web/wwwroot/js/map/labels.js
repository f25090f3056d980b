// Names on the map: a neighbourhood's name beside its ring once zoomed in enough, the district names otherwise; each
// placed where it covers no other name, ring or map control.
import { spreadRings } from './rings.js';
import { state } from './state.js';
import { lang } from './texts.js';

const LABEL_SPOTS = ['below', 'above', 'right', 'left'];
const DISTRICT_SPOTS = [[0, 0], [0, -26], [0, 26], [-40, 0], [40, 0], [-40, -26], [40, -26], [-40, 26], [40, 26],
  [0, -50], [0, 50], [-70, 0], [70, 0], [-60, -45], [60, -45], [-60, 45], [60, 45]];

let labelsFrame = 0;

/** Places the labels at the next animation frame (once, however often it is asked for meanwhile). */
export function scheduleLabels() {
  if (labelsFrame) return;
  labelsFrame = requestAnimationFrame(() => {
    labelsFrame = 0;
    placeLabels();
  });
}

/** Puts a neighbourhood's name below, above, right or left of its ring of radius r. */
export function positionLabel(label, r, where) {
  const gap = Math.ceil(r + 3);
  const style = label.style;
  if (where === 'above') {
    style.left = '0px';
    style.top = -gap + 'px';
    style.transform = 'translate(-50%, -100%)';
  } else if (where === 'right') {
    style.left = gap + 'px';
    style.top = '0px';
    style.transform = 'translate(0, -50%)';
  } else if (where === 'left') {
    style.left = -gap + 'px';
    style.top = '0px';
    style.transform = 'translate(-100%, -50%)';
  } else {
    style.left = '0px';
    style.top = gap + 'px';
    style.transform = 'translate(-50%, 0)';
  }
}

/**
 * Shows the neighbourhood names that fit once zoomed in enough (the most engaged first; each tries below, above,
 * right and left of its ring and is left out when it would cover another name or ring); district names otherwise.
 */
function placeLabels() {
  const { map, glyphLayer, places } = state;
  if (!map) return;
  // The rings first (their sizes may just have changed), then the names around them.
  spreadRings();
  const size = map.getSize();
  const labelZoom = state.fitZoom + (size.x < 600 ? 0.5 : 0);
  const showNames = map.getZoom() >= labelZoom - 0.01 && map.hasLayer(glyphLayer);
  const bounds = map.getContainer().getBoundingClientRect();
  const glyphs = [];
  if (map.hasLayer(glyphLayer)) {
    for (const place of places.values()) {
      const el = place.marker.getElement();
      const glyph = el && el.querySelector('.map-glyph');
      if (glyph) glyphs.push({ code: place.code, rect: glyph.getBoundingClientRect() });
    }
  }
  const hits = (rect, other) => rect.left < other.right + 2 && rect.right + 2 > other.left && rect.top < other.bottom + 1 && rect.bottom + 1 > other.top;
  const inside = (rect) => rect.left >= bounds.left && rect.right <= bounds.right && rect.top >= bounds.top && rect.bottom <= bounds.bottom;
  const free = (rect, code) => inside(rect) && !placed.some((p) => hits(rect, p)) && !glyphs.some((g) => g.code !== code && hits(rect, g.rect));
  // Leaflet's controls (zoom, layers, attribution) are in the way too.
  const placed = [...map.getContainer().querySelectorAll('.leaflet-control')].map((c) => c.getBoundingClientRect());
  const ordered = [...places.values()].sort((a, b) => (b.value || 0) - (a.value || 0) || a.props.name.localeCompare(b.props.name, lang));
  for (const place of ordered) {
    const el = place.marker.getElement();
    if (!el) continue;
    const label = el.querySelector('.map-label');
    label.classList.remove('is-hidden');
    if (!showNames) {
      label.classList.add('is-hidden');
      continue;
    }
    let found = null;
    for (const spot of LABEL_SPOTS) {
      positionLabel(label, place.r || 8, spot);
      const rect = label.getBoundingClientRect();
      if (free(rect, place.code)) {
        found = { spot, rect };
        break;
      }
    }
    if (found) {
      place.labelAt = found.spot;
      placed.push(found.rect);
    } else {
      place.labelAt = 'below';
      positionLabel(label, place.r || 8, 'below');
      label.classList.add('is-hidden');
    }
  }
  for (const marker of state.districtLabels) {
    const el = marker.getElement();
    if (!el) continue;
    el.classList.toggle('is-hidden', showNames);
    if (showNames) continue;
    const span = el.firstElementChild;
    let chosen = DISTRICT_SPOTS[0];
    for (const spot of DISTRICT_SPOTS) {
      span.style.marginLeft = spot[0] + 'px';
      span.style.marginTop = spot[1] + 'px';
      const rect = span.getBoundingClientRect();
      if (free(rect, null)) {
        chosen = spot;
        placed.push(rect);
        break;
      }
    }
    span.style.marginLeft = chosen[0] + 'px';
    span.style.marginTop = chosen[1] + 'px';
  }
}
