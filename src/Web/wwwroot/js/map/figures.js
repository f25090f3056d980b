// What a neighbourhood shows now: its figures (live, filtered or a replay frame), its choropleth class and the summary
// that names it for tooltips and screen readers.
import { KINDS, COUNT_LIMITS, PER_1000_LIMITS } from './constants.js';
import { state } from './state.js';
import { texts, count, percentFormat, timeFormat } from './texts.js';
import { fill } from './util.js';

/** The figures on display: the live properties, the filtered replay's last step, or the replay frame. */
export function figures(place) {
  const { replay, filtered } = state;
  const source = replay ? replay.data : filtered;
  if (source) {
    const series = source.places && source.places[place.code];
    const step = replay ? replay.frame : source.steps.length - 1;
    const byKind = {};
    let participants = 0;
    if (series) {
      for (const kind of KINDS) {
        const values = series.participantsByKind && series.participantsByKind[kind];
        byKind[kind] = values ? values[step] || 0 : 0;
      }
      participants = series.participants ? series.participants[step] || 0 : 0;
    }
    return { commitments: series && series.commitments ? series.commitments[step] || 0 : 0, participants, byKind };
  }
  const p = place.props;
  const byKind = {};
  for (const kind of KINDS) byKind[kind] = (p.participantsByKind && p.participantsByKind[kind]) || 0;
  return { commitments: p.engagedCommitments || 0, participants: p.participants || 0, byKind };
}

/** The choropleth's value: commitments, or commitments per 1,000 residents when every neighbourhood has a population. */
export function intensity(place, commitments) {
  if (!state.per1000) return commitments;
  const p = place.props;
  if (typeof p.residents === 'number' && p.residents > 0) return (commitments * 1000) / p.residents;
  if (p.engagedCommitments > 0 && typeof p.commitmentsPer1000Residents === 'number') {
    return (commitments * p.commitmentsPer1000Residents) / p.engagedCommitments;
  }
  return commitments === 0 ? 0 : p.commitmentsPer1000Residents || 0;
}

/** The class limits in use: counts, or per 1,000 residents. */
export function classLimits() {
  return state.per1000 ? PER_1000_LIMITS : COUNT_LIMITS;
}

export function classOf(value) {
  const limits = classLimits();
  for (let i = 0; i < limits.length; i++) {
    if (value <= limits[i]) return i;
  }
  return limits.length;
}

export function summary(place, f) {
  const { replay, filtered } = state;
  const name = place.props.name;
  let text;
  if (f.commitments === 0 && f.participants === 0) {
    text = fill(texts.summaryNone, { name });
  } else {
    const kinds = KINDS.filter((k) => f.byKind[k] > 0).sort((a, b) => f.byKind[b] - f.byKind[a]).map((k) => count(f.byKind[k], k));
    text = fill(texts.summary, { name, commitments: count(f.commitments, 'commitment'), participants: count(f.participants, 'participant'), kinds: kinds.join(', ') });
    if (!kinds.length) text = text.replace(/:\s*$/, '');
    // The live figures only (the replay and a filter have no verified progress): the share of the neighbourhood's
    // progress that rests on claims verified by the support team, when it has progress.
    const p = place.props;
    if (!replay && !filtered && typeof p.progress === 'number' && p.progress > 0 && typeof p.verifiedShare === 'number') {
      text = fill(texts.summaryVerified, { summary: text, share: percentFormat.format(p.verifiedShare) });
    }
  }
  if (replay) text = fill(texts.summaryAt, { summary: text, time: timeFormat.format(new Date(replay.data.steps[replay.frame])) });
  return text;
}

/** The most participants any neighbourhood has (over the whole replay or filter, so ring sizes stay put while it plays). */
export function maxParticipants() {
  const source = state.replay ? state.replay.data : state.filtered;
  let max = 0;
  for (const place of state.places.values()) {
    let n;
    if (source) {
      const series = source.places && source.places[place.code];
      n = series && series.participants ? Math.max(...series.participants) : 0;
    } else {
      n = place.props.participants || 0;
    }
    if (n > max) max = n;
  }
  return max;
}
