// Live changes on the map: each place change from js/live.js (its onChange interface) updates that neighbourhood's
// figures and redraws it with a pulse; the section's data-updated counts the changes applied, and
// [data-live-engaged-neighbourhoods] elements show how many neighbourhoods have an engaged commitment.
import { onChange } from '../live.js';
import { renderLegend } from './legend.js';
import { scheduleLabels } from './labels.js';
import { renderPlace } from './render.js';
import { scheduleFilteredRefresh } from './spread.js';
import { state } from './state.js';
import { numberFormat } from './texts.js';

const PLACE = 'place:';

/** Subscribes to the live changes (those received before are replayed; until the map is loaded they wait). */
export function followLiveChanges() {
  onChange(applyChange);
}

/** Applies the changes that arrived while the map was loading (the newest per neighbourhood). */
export function applyPendingChanges() {
  for (const change of state.pending.values()) applyChange(change);
  state.pending.clear();
}

/** @param {import('../live.js').LiveChange} change */
function applyChange(change) {
  if (!change || typeof change.scope !== 'string' || !change.scope.startsWith(PLACE)) return;
  if (!state.loaded) {
    state.pending.set(change.scope, change);
    return;
  }
  const place = state.places.get(change.scope.slice(PLACE.length));
  if (!place) return;
  const s = change.snapshot;
  if (!s || !s.totals) return;
  const known = Date.parse(place.props.updatedAt);
  const incoming = Date.parse(s.updatedAt);
  if (Number.isFinite(known) && Number.isFinite(incoming) && incoming < known) return;
  Object.assign(place.props, {
    engagedCommitments: s.totals.engagedCommitments,
    participants: s.totals.participants,
    participantsByKind: s.totals.participantsByKind || {},
    distinctKinds: s.distinctKinds,
    shannonIndex: s.shannonIndex,
    meanProgress: s.meanProgress,
    progress: s.progress,
    verifiedProgress: s.verifiedProgress,
    verifiedShare: s.verifiedShare,
    firstEngagementAt: s.totals.firstEngagementAt,
    byLevel: s.totals.engagedByLevel || {},
    updatedAt: s.updatedAt,
  });
  if (typeof s.commitmentsPer1000Residents === 'number') place.props.commitmentsPer1000Residents = s.commitmentsPer1000Residents;
  if (typeof s.participantsPer1000Residents === 'number') place.props.participantsPer1000Residents = s.participantsPer1000Residents;
  state.updated += 1;
  state.root.dataset.updated = String(state.updated);
  updateEngagedNeighbourhoods();
  if (state.replay) {
    if (state.replay.filteredRefresh !== undefined) state.replay.filteredRefresh = true;
    return;
  }
  if (state.filtered) {
    scheduleFilteredRefresh();
    return;
  }
  const before = place.cls;
  renderPlace(place, true);
  if (place.cls !== before) renderLegend();
  scheduleLabels();
}

/** Shows in [data-live-engaged-neighbourhoods] how many neighbourhoods have an engaged commitment. */
export function updateEngagedNeighbourhoods() {
  let engaged = 0;
  for (const place of state.places.values()) if ((place.props.engagedCommitments || 0) > 0) engaged++;
  const text = numberFormat.format(engaged);
  for (const el of document.querySelectorAll('[data-live-engaged-neighbourhoods]')) {
    if (el.textContent !== text) {
      el.textContent = text;
      el.classList.remove('live-updated');
      void el.offsetWidth;
      el.classList.add('live-updated');
      setTimeout(() => el.classList.remove('live-updated'), 1500);
    }
  }
}
