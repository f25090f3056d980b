// Rings that would overlap (the small neighbourhoods of the city centre, most of all on a phone, where they piled up)
// are moved apart from their neighbourhoods' label points just enough to touch no other ring. A few rounds of pairwise
// pushes in pixels at the current zoom, always started from the label points, so the result depends only on the zoom
// and the radii; the smaller ring of a pair moves the most. The areas stay the links: a ring is a picture on top.
import { state } from './state.js';

/** Pixels kept free between two rings' halos (more than Leaflet's rounding of marker positions to whole pixels). */
const GAP = 3;
const HALO = 1.5;
const ROUNDS = 120;

export function spreadRings() {
  const map = state.map;
  if (!map || !map.hasLayer(state.glyphLayer)) return;
  const rings = [];
  for (const place of state.ordered || state.places.values()) {
    if (!place.marker) continue;
    if (!place.anchor) place.anchor = place.marker.getLatLng();
    const p = map.latLngToLayerPoint(place.anchor);
    rings.push({ place, x: p.x, y: p.y, r: (place.r || 7) + HALO + GAP / 2 });
  }
  for (let round = 0; round < ROUNDS; round++) {
    let moved = false;
    for (let i = 0; i < rings.length; i++) {
      for (let j = i + 1; j < rings.length; j++) {
        const a = rings[i];
        const b = rings[j];
        const need = a.r + b.r;
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d = Math.hypot(dx, dy);
        if (d >= need - 0.01) continue;
        if (d < 0.01) {
          // The same point: apart along a direction fixed by the pair, never at random.
          dx = Math.cos(i + j);
          dy = Math.sin(i + j);
          d = 1;
        }
        const overlap = need - d + 0.02;
        const ux = dx / d;
        const uy = dy / d;
        a.x -= ux * overlap * (b.r / need);
        a.y -= uy * overlap * (b.r / need);
        b.x += ux * overlap * (a.r / need);
        b.y += uy * overlap * (a.r / need);
        moved = true;
      }
    }
    if (!moved) break;
  }
  for (const ring of rings) {
    const latlng = map.layerPointToLatLng([ring.x, ring.y]);
    if (!latlng.equals(ring.place.marker.getLatLng())) ring.place.marker.setLatLng(latlng);
  }
}
