/*
 * Civic Contracting — a commitment's widget (Pages/Embed/Commitment.cshtml), an ES module.
 * The live stream (live.js) pushes goal and place aggregates, not single commitments: when a scope the commitment counts
 * in changes (data-embed-scopes, space-separated), the widget reads the commitment again from the public API
 * (data-embed-commitment, redacted like every public read) and updates its progress bar and figure. At most one read
 * at a time, and one more if changes arrived meanwhile. Without JavaScript the widget keeps the figures it was rendered with.
 */
import { onChange } from './live.js';

const root = document.querySelector('[data-embed-commitment]');
if (root) {
  const url = root.getAttribute('data-embed-commitment');
  const scopes = new Set((root.getAttribute('data-embed-scopes') || '').split(' ').filter(Boolean));
  const lang = document.documentElement.lang || 'nl-BE';
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  let reading = false;
  let again = false;

  const show = (progress) => {
    const fraction = typeof progress === 'number' && Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : null;
    for (const bar of root.querySelectorAll('[data-embed-progress-bar]')) {
      const value = fraction === null ? 0 : Math.round(fraction * bar.max * 10) / 10;
      if (bar.value !== value) bar.value = value;
    }
    const text = fraction === null ? '–' : percent.format(fraction);
    for (const el of root.querySelectorAll('[data-embed-progress]')) {
      if (el.textContent !== text) {
        el.textContent = text;
        el.classList.remove('live-updated');
        void el.offsetWidth;
        el.classList.add('live-updated');
      }
    }
  };

  const read = async () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'omit' });
        if (response.ok) show((await response.json()).progress);
      } while (again);
    } catch {
      // Offline for a moment: the next change tries again.
    } finally {
      reading = false;
    }
  };

  onChange((change) => {
    if (scopes.has(change.scope)) read();
  }, { replay: false });
}
