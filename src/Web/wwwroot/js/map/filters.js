/*
 * The goal and kind filters: the section's GET form (<select name="goal">, <select name="kind">), which works without
 * JavaScript too; with it, a change redraws the map with the filter's figures without reloading the page.
 *
 * THE FILTER INTERFACE (for scripts beside the map, e.g. js/neighbourhood-table.js):
 *   import { mapFilters, MAP_FILTER_EVENT } from './map/filters.js';
 *   mapFilters.addEventListener(MAP_FILTER_EVENT, (event) => { const { goal, kind } = event.detail; … });
 * MAP_FILTER_EVENT ("filter") is dispatched once the map shows a goal or kind filter's figures (detail: {goal, kind},
 * "" for no choice); not when the filter is cleared.
 */
import { stopReplay } from './replay.js';
import { renderAll } from './render.js';
import { noteFilteredRefreshed, normaliseReplay, replayUrl } from './spread.js';
import { state } from './state.js';
import { getJson } from './util.js';

export const MAP_FILTER_EVENT = 'filter';

/** Tells the scripts beside the map which filter it applied: see the interface above. */
export const mapFilters = new EventTarget();

/** The filter chosen in the form. */
export function readFilter() {
  const form = state.form;
  if (!form) return { goal: '', kind: '' };
  const goal = form.elements.namedItem('goal');
  const kind = form.elements.namedItem('kind');
  return { goal: goal ? goal.value : '', kind: kind ? kind.value : '' };
}

/** Shows the form's filter (fromUser: also put it in the address, so a reload or a shared link keeps it). */
export async function applyFilter(fromUser) {
  const root = state.root;
  const filter = readFilter();
  state.filter = filter;
  if (fromUser) {
    const url = new URL(window.location.href);
    for (const key of ['goal', 'kind']) {
      if (filter[key]) url.searchParams.set(key, filter[key]);
      else url.searchParams.delete(key);
    }
    window.history.replaceState(window.history.state, '', url);
  }
  stopReplay(false);
  const request = ++state.filterRequest;
  if (!filter.goal && !filter.kind) {
    state.filtered = null;
    root.classList.remove('is-filtered');
    renderAll();
    return;
  }
  root.classList.add('is-filtered');
  root.setAttribute('aria-busy', 'true');
  try {
    const result = await getJson(replayUrl(filter.goal, filter.kind));
    if (request !== state.filterRequest) return;
    state.filtered = normaliseReplay(result);
    noteFilteredRefreshed();
  } catch (error) {
    if (request !== state.filterRequest) return;
    console.warn('Civic Contracting map: the filtered figures could not be loaded', error);
    state.filtered = null;
  } finally {
    if (request === state.filterRequest) root.removeAttribute('aria-busy');
  }
  renderAll();
  mapFilters.dispatchEvent(new CustomEvent(MAP_FILTER_EVENT, { detail: { goal: filter.goal, kind: filter.kind } }));
}

/** Applies the filter when the form changes or is submitted (instead of reloading the page). */
export function wireFilters() {
  const form = state.form;
  if (!form) return;
  form.addEventListener('change', (event) => {
    if (event.target && (event.target.name === 'goal' || event.target.name === 'kind')) applyFilter(true);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilter(true);
  });
}
