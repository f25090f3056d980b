// The map's shared state: one object, set up by main.js and read and written by the other modules.

export const state = {
  /** <section id="live-map"> and its dataset (see main.js for the attributes). */
  root: null,
  data: null,
  /** The GET form with the goal and kind filters, or null. */
  form: null,
  /** The Leaflet map, once created (layers.js). */
  map: null,
  /** code -> { code, props, layer, marker, value, cls, r, labelAt, hover, pulseTimer } */
  places: new Map(),
  /** scope -> live change that arrived before the map was loaded */
  pending: new Map(),
  /** The choropleth shows commitments per 1,000 residents (every neighbourhood has a population) instead of counts. */
  per1000: false,
  /** The zoom that fits the city (labels and ring sizes are relative to it). */
  fitZoom: 12,
  userMoved: false,
  loaded: false,
  /** Count of live changes applied (the section's data-updated). */
  updated: 0,
  filter: { goal: '', kind: '' },
  /** Replay data for the current filter (its last step is shown), or null. */
  filtered: null,
  /** Increases with every filter applied, so that a late answer for an older filter is dropped. */
  filterRequest: 0,
  /** { data, frame, playing, timer, filteredRefresh } while replaying, else null. */
  replay: null,
  /** The unfiltered replay (prefetched; refetched when older than a minute). */
  replayCache: null,
  /** The .map-legend element. */
  legend: null,
  /** The map data's credit lines. */
  attribution: [],
  neighbourhoodLayer: null,
  glyphLayer: null,
  districtLayer: null,
  districtLabels: [],
};

/** The section's data-state: loading | live | replay | error. */
export function setState(value) {
  if (state.root.dataset.state !== value) state.root.dataset.state = value;
}
