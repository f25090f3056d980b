// Keeps the table beside the map in step with the map's filters (an ES module): when the map applies a goal or kind
// filter without reloading the page (js/map/filters.js, its MAP_FILTER_EVENT), the server renders the filtered table
// once more and it replaces the one on the page.
import { mapFilters, MAP_FILTER_EVENT } from './map/filters.js';

const table = document.getElementById('neighbourhood-table');
let pending = null;
if (table) {
  mapFilters.addEventListener(MAP_FILTER_EVENT, (event) => {
    const { goal, kind } = event.detail || {};
    const query = new URLSearchParams();
    if (goal) query.set('goal', goal);
    if (kind) query.set('kind', kind);
    if (pending) pending.abort();
    pending = new AbortController();
    fetch('/?' + query.toString(), { signal: pending.signal, headers: { Accept: 'text/html' } })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('#neighbourhood-table tbody');
        const current = table.querySelector('tbody');
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      })
      .catch((error) => {
        if (error.name !== 'AbortError') console.warn('Could not refresh the neighbourhood table', error);
      });
  });
}
