// The ring drawn on each neighbourhood: participants per kind as coloured arcs, its size, the count in its hole and
// the name beside it.
import { KINDS, KIND_COLOURS } from './constants.js';
import { maxParticipants } from './figures.js';
import { state } from './state.js';
import { decimalFormat, numberFormat } from './texts.js';
import { escapeHtml } from './util.js';

/** The ring's outer radius in pixels: area grows with participants (square root), capped for the biggest. */
export function radius(participants) {
  if (participants <= 0) return 5;
  const map = state.map;
  const narrow = map.getSize().x < 600;
  const zoomFactor = Math.pow(2, (map.getZoom() - state.fitZoom) / 2);
  const largest = Math.max(1, maxParticipants());
  const cap = (narrow ? 15 : 19) * zoomFactor;
  const perRoot = Math.min(3.2 * zoomFactor, cap / Math.sqrt(largest));
  return Math.max(7, perRoot * Math.sqrt(participants));
}

export function glyphSvg(f, r) {
  const size = Math.ceil(r * 2 + 4);
  const c = size / 2;
  if (f.participants <= 0) {
    return '<svg class="map-glyph__svg" width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + ' ' + size + '" aria-hidden="true" focusable="false">' +
      '<circle cx="' + c + '" cy="' + c + '" r="' + r + '" fill="#ffffff" stroke="#56606b" stroke-width="1.5"/></svg>';
  }
  const ring = Math.max(4, r * 0.42);
  const ringRadius = r - ring / 2;
  const circumference = 2 * Math.PI * ringRadius;
  const present = KINDS.filter((k) => f.byKind[k] > 0);
  const total = present.reduce((sum, k) => sum + f.byKind[k], 0) || 1;
  const gap = present.length > 1 ? Math.min(2, circumference / 60) : 0;
  // The ring lies on a white halo with an opaque dark edge: its colours meet only white (≥ 3:1, see constants.js),
  // and the halo stands out from every stain class, light (the dark edge) or dark (the white).
  let svg = '<svg class="map-glyph__svg" width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + ' ' + size + '" aria-hidden="true" focusable="false">' +
    '<circle cx="' + c + '" cy="' + c + '" r="' + (r + 1.5) + '" fill="#ffffff"/>' +
    '<circle cx="' + c + '" cy="' + c + '" r="' + (r + 1.5) + '" fill="none" stroke="#1d2428" stroke-width="1"/>';
  let offset = 0;
  for (const kind of present) {
    const length = (f.byKind[kind] / total) * circumference;
    const visible = Math.max(0.5, length - gap);
    svg += '<circle cx="' + c + '" cy="' + c + '" r="' + ringRadius.toFixed(2) + '" fill="none" stroke="' + KIND_COLOURS[kind] + '" stroke-width="' + ring.toFixed(2) + '"' +
      ' stroke-dasharray="' + visible.toFixed(2) + ' ' + (circumference - visible).toFixed(2) + '" stroke-dashoffset="' + (-offset).toFixed(2) + '"' +
      ' transform="rotate(-90 ' + c + ' ' + c + ')"/>';
    offset += length;
  }
  return svg + '</svg>';
}

/** The participants in the ring's hole, when there is room (an overlay outside the link, see layers.js). */
export function showCount(el, f, r) {
  const inner = r - Math.max(4, r * 0.42);
  const fits = f.participants > 0 && inner >= 5;
  el.hidden = !fits;
  if (!fits) return;
  el.style.fontSize = Math.max(9, Math.min(inner * 1.15, 16)).toFixed(1) + 'px';
  el.textContent = f.participants > 999 ? decimalFormat.format(f.participants / 1000) + 'k' : numberFormat.format(f.participants);
}

/** A long name on two lines, broken at the space or slash nearest its middle, so the label box fits the text. */
export function labelHtml(name) {
  const text = String(name);
  if (text.length <= 14) return escapeHtml(text);
  let best = -1;
  for (let i = 1; i < text.length - 1; i++) {
    if ((text[i] === ' ' || text[i] === '/') && (best < 0 || Math.abs(i - text.length / 2) < Math.abs(best - text.length / 2))) best = i;
  }
  if (best < 0) return escapeHtml(text);
  const cut = text[best] === '/' ? best + 1 : best;
  return escapeHtml(text.slice(0, cut).trim()) + '<br>' + escapeHtml(text.slice(cut).trim());
}
