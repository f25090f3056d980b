/*
 * Civic Contracting — the verified share beside a goal's progress.
 *
 * js/live.js keeps the figures of [data-live-scope] elements current; this keeps the data-verified-share and
 * data-verified-progress attributes of such an element (e.g. <p id="goal-verified" data-live-scope="goal:…"
 * data-verified-share="0.5">) in step with each 'civic:change' for its scope. An empty data-verified-share means
 * there is no share (no progress, or progress 0).
 */
(() => {
  'use strict';

  function apply(change) {
    if (!change || typeof change.scope !== 'string' || !change.snapshot) return;
    const s = change.snapshot;
    const selector = '[data-verified-share][data-live-scope="' + CSS.escape(change.scope) + '"]';
    for (const el of document.querySelectorAll(selector)) {
      el.setAttribute('data-verified-share', typeof s.verifiedShare === 'number' ? String(s.verifiedShare) : '');
      el.setAttribute('data-verified-progress', typeof s.verifiedProgress === 'number' ? String(s.verifiedProgress) : '0');
    }
  }

  document.addEventListener('civic:change', (event) => apply(event.detail));
  // A change that arrived before this script ran.
  if (window.civicLive && window.civicLive.latest) {
    for (const change of window.civicLive.latest.values()) apply(change);
  }
})();
