// The spread over time (data-replay-url, GET /api/map/replay?goal=&kind=): {steps: [ISO…], places: {code:
// {commitments: [], participants: [], participantsByKind: {kind: []}}}}. The replay plays it; a filter shows its last
// step, and keeps it fresh while live changes come in.
import { renderLegend } from './legend.js';
import { scheduleLabels } from './labels.js';
import { pulseMarker, renderPlace } from './render.js';
import { state } from './state.js';
import { getJson } from './util.js';

let refreshTimer = 0;
let lastRefresh = 0;

export function replayUrl(goal, kind) {
  const url = new URL(state.data.replayUrl || '/api/map/replay', window.location.href);
  if (goal) url.searchParams.set('goal', goal);
  if (kind) url.searchParams.set('kind', kind);
  return url.toString();
}

export function normaliseReplay(result) {
  const steps = Array.isArray(result && result.steps) ? result.steps : [];
  return { steps: steps.length ? steps : [new Date().toISOString()], places: (result && result.places) || {} };
}

/** The filter's figures were just fetched (the next refresh waits 2 s from now). */
export function noteFilteredRefreshed() {
  lastRefresh = Date.now();
}

/** Filtered figures follow live changes too: the filter's replay is fetched again, at most once every 2 s. */
export function scheduleFilteredRefresh() {
  if (refreshTimer) return;
  const wait = Math.max(0, 2000 - (Date.now() - lastRefresh));
  refreshTimer = setTimeout(async () => {
    refreshTimer = 0;
    if (!state.filtered || state.replay) return;
    const request = state.filterRequest;
    const filter = state.filter;
    try {
      const result = await getJson(replayUrl(filter.goal, filter.kind));
      if (request !== state.filterRequest || state.replay || !state.filtered) return;
      state.filtered = normaliseReplay(result);
      lastRefresh = Date.now();
      for (const place of state.places.values()) {
        const before = place.cls;
        const el = place.marker.getElement();
        const participantsBefore = el ? el.dataset.participants : '';
        const commitmentsBefore = el ? el.dataset.commitments : '';
        renderPlace(place, false);
        if (el && (el.dataset.participants !== participantsBefore || el.dataset.commitments !== commitmentsBefore || place.cls !== before)) pulseMarker(el, place);
      }
      renderLegend();
      scheduleLabels();
    } catch (error) {
      console.warn('Civic Contracting map: the filtered figures could not be refreshed', error);
    }
  }, wait);
}
