// Draws a neighbourhood's current figures: the choropleth colour of its area, its ring, count and name, the data
// attributes tests and styles read, and the tooltips.
import { KINDS, PALETTE } from './constants.js';
import { classOf, figures, intensity, summary } from './figures.js';
import { glyphSvg, radius, showCount } from './glyphs.js';
import { positionLabel, scheduleLabels } from './labels.js';
import { renderLegend } from './legend.js';
import { state } from './state.js';
import { escapeHtml } from './util.js';

/** A neighbourhood's outline when it is neither hovered nor pulsing. */
export function baseOutline() {
  return { color: '#4b5661', weight: 1.2 };
}

/** Redraws one neighbourhood; pulse: briefly highlight it (a live change). */
export function renderPlace(place, pulse) {
  const f = figures(place);
  const value = intensity(place, f.commitments);
  const cls = classOf(value);
  place.value = value;
  place.cls = cls;
  place.layer.setStyle({ fillColor: PALETTE[cls] });
  const path = place.layer.getElement();
  if (path) {
    path.setAttribute('data-commitments', String(f.commitments));
    path.setAttribute('data-class', String(cls));
  }

  const r = radius(f.participants);
  const text = summary(place, f);
  if (place.link) place.link.setAttribute('aria-label', text);
  const el = place.marker.getElement();
  if (el) {
    const glyph = el.querySelector('.map-glyph');
    const size = Math.ceil(r * 2 + 4);
    glyph.style.width = size + 'px';
    glyph.style.height = size + 'px';
    glyph.innerHTML = glyphSvg(f, r);
    showCount(el.querySelector('.map-count'), f, r);
    place.r = r;
    positionLabel(el.querySelector('.map-label'), r, place.labelAt || 'below');
    el.dataset.commitments = String(f.commitments);
    el.dataset.participants = String(f.participants);
    el.dataset.kinds = String(KINDS.filter((k) => f.byKind[k] > 0).length);
    el.dataset.verifiedShare = !state.replay && !state.filtered && typeof place.props.verifiedShare === 'number' ? String(place.props.verifiedShare) : '';
    el.classList.toggle('is-empty', f.participants <= 0);
    if (pulse) pulseMarker(el, place);
  }
  place.layer.setTooltipContent(escapeHtml(text));
}

export function pulseMarker(el, place) {
  el.classList.remove('is-pulsing');
  void el.offsetWidth;
  el.classList.add('is-pulsing');
  place.layer.setStyle({ color: '#1d2428', weight: 3 });
  clearTimeout(place.pulseTimer);
  place.pulseTimer = setTimeout(() => {
    el.classList.remove('is-pulsing');
    if (!place.hover) place.layer.setStyle(baseOutline());
  }, 1600);
}

/** Redraws every neighbourhood, the legend and (at the next frame) the labels. */
export function renderAll() {
  for (const place of state.places.values()) renderPlace(place, false);
  renderLegend();
  scheduleLabels();
}
