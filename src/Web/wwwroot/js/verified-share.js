/*
 * Civic Contracting — the verified share beside a goal's progress (an ES module).
 *
 * js/live.js keeps the figures of [data-live-scope] elements current; this keeps the data-verified-share and
 * data-verified-progress attributes of such an element (e.g. <p id="goal-verified" data-live-scope="goal:…"
 * data-verified-share="0.5">) in step with each live change for its scope (live.js's onChange; changes that arrived
 * before this module ran are replayed to it). An empty data-verified-share means there is no share (no progress, or
 * progress 0).
 */
import { onChange } from './live.js';

function apply(change) {
  if (!change || typeof change.scope !== 'string' || !change.snapshot) return;
  const s = change.snapshot;
  const selector = '[data-verified-share][data-live-scope="' + CSS.escape(change.scope) + '"]';
  for (const el of document.querySelectorAll(selector)) {
    el.setAttribute('data-verified-share', typeof s.verifiedShare === 'number' ? String(s.verifiedShare) : '');
    el.setAttribute('data-verified-progress', typeof s.verifiedProgress === 'number' ? String(s.verifiedProgress) : '0');
  }
}

onChange(apply);
