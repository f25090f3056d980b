// The replay ("how the stain grew"): the controls rendered into #map-replay (play/pause, a time slider, back to live)
// and the frames they show. While replaying the section has data-state="replay" and data-frame="<step>".
import { renderLegend } from './legend.js';
import { scheduleLabels } from './labels.js';
import { renderAll, renderPlace } from './render.js';
import { normaliseReplay, replayUrl, scheduleFilteredRefresh } from './spread.js';
import { setState, state } from './state.js';
import { texts, timeFormat } from './texts.js';
import { element, getJson } from './util.js';

let controls = null;

/** Renders the controls into #map-replay (nothing without it). */
export function renderReplayControls() {
  const host = state.root.querySelector('#map-replay');
  if (!host) return;
  host.hidden = false;
  host.replaceChildren();
  const heading = element('h3', 'map-replay__heading', texts.replayHeading);
  heading.id = 'map-replay-heading';
  const row = element('div', 'map-replay__row');
  const play = element('button', 'map-replay__play');
  play.type = 'button';
  play.setAttribute('aria-describedby', 'map-replay-heading');
  const icon = element('span', 'map-replay__icon');
  icon.setAttribute('aria-hidden', 'true');
  const playText = element('span', 'map-replay__play-text', texts.replayPlay);
  play.append(icon, playText);
  const label = element('label', 'map-replay__label', texts.replayTime);
  label.htmlFor = 'map-replay-range';
  const range = element('input', 'map-replay__range');
  range.type = 'range';
  range.id = 'map-replay-range';
  range.min = '0';
  range.max = '1';
  range.step = '1';
  range.value = '1';
  range.disabled = true;
  const output = element('output', 'map-replay__time', texts.replayNow);
  output.htmlFor = 'map-replay-range';
  output.id = 'map-replay-time';
  output.setAttribute('aria-live', 'off');
  const live = element('button', 'map-replay__live', texts.replayLive);
  live.type = 'button';
  live.hidden = true;
  const message = element('p', 'map-replay__message');
  message.setAttribute('role', 'status');
  const slider = element('div', 'map-replay__slider');
  slider.append(label, range, output);
  row.append(play, slider, live);
  host.append(heading, row, message);
  controls = { host, play, playText, range, output, live, message };

  play.addEventListener('click', () => (state.replay && state.replay.playing ? pause() : startReplay()));
  live.addEventListener('click', () => stopReplay(true));
  range.addEventListener('input', () => seek(Number(range.value)));
  // Before any replay is loaded the slider is disabled; focusing the play button is the way in.
  updateControls();
}

/** Brings the controls in line with the replay (or the live figures when not replaying). */
export function updateControls() {
  if (!controls) return;
  const replay = state.replay;
  const playing = !!(replay && replay.playing);
  controls.playText.textContent = playing ? texts.replayPause : texts.replayPlay;
  controls.play.classList.toggle('is-playing', playing);
  controls.play.setAttribute('aria-pressed', playing ? 'true' : 'false');
  const source = replay ? replay.data : state.replayCache;
  if (source && source.steps.length > 1) {
    controls.range.disabled = false;
    controls.range.max = String(source.steps.length - 1);
  }
  if (replay) {
    const text = timeFormat.format(new Date(replay.data.steps[replay.frame]));
    controls.range.value = String(replay.frame);
    controls.range.setAttribute('aria-valuetext', text);
    controls.output.textContent = text;
    controls.live.hidden = false;
  } else {
    controls.range.value = controls.range.max;
    controls.range.setAttribute('aria-valuetext', texts.replayNow);
    controls.output.textContent = texts.replayNow;
    controls.live.hidden = true;
  }
}

async function replayData() {
  const filter = state.filter;
  if (filter.goal || filter.kind) return normaliseReplay(await getJson(replayUrl(filter.goal, filter.kind)));
  // A replay up to a minute old is fine: its last frame hands over to the live figures anyway.
  if (!state.replayCache || Date.now() - state.replayCache.fetchedAt > 60000) {
    state.replayCache = normaliseReplay(await getJson(replayUrl('', '')));
    state.replayCache.fetchedAt = Date.now();
  }
  return state.replayCache;
}

/** Loads the unfiltered replay once the map is up, so the time slider can be used at once. */
export function prefetchReplay() {
  const filter = state.filter;
  if (filter.goal || filter.kind || state.replayCache) return;
  getJson(replayUrl('', '')).then((result) => {
    if (!state.replayCache) state.replayCache = Object.assign(normaliseReplay(result), { fetchedAt: Date.now() });
    if (!state.replay) updateControls();
  }, (error) => console.warn('Civic Contracting map: the replay could not be loaded yet', error));
}

async function ensureReplay() {
  if (state.replay) return true;
  if (!controls) return false;
  controls.play.setAttribute('aria-busy', 'true');
  controls.message.textContent = texts.replayLoading;
  try {
    const source = await replayData();
    state.replay = { data: source, frame: source.steps.length - 1, playing: false, timer: 0, filteredRefresh: state.filtered ? false : undefined };
    controls.message.textContent = '';
    return true;
  } catch (error) {
    console.warn('Civic Contracting map: the replay could not be loaded', error);
    controls.message.textContent = texts.replayError;
    return false;
  } finally {
    controls.play.removeAttribute('aria-busy');
  }
}

async function startReplay() {
  if (!state.loaded || !(await ensureReplay())) return;
  const replay = state.replay;
  const last = replay.data.steps.length - 1;
  if (replay.frame >= last) replay.frame = 0;
  replay.playing = true;
  showFrame();
  const interval = Math.max(80, Math.round(10000 / Math.max(1, last)));
  clearInterval(replay.timer);
  replay.timer = setInterval(() => {
    const current = state.replay;
    if (!current) return;
    if (current.frame >= last) {
      stopReplay(true);
      return;
    }
    current.frame += 1;
    showFrame();
  }, interval);
  updateControls();
}

function pause() {
  const replay = state.replay;
  if (!replay) return;
  replay.playing = false;
  clearInterval(replay.timer);
  updateControls();
}

async function seek(frame) {
  if (!state.loaded) return;
  if (!state.replay && !(await ensureReplay())) return;
  pause();
  const replay = state.replay;
  const last = replay.data.steps.length - 1;
  if (frame >= last) {
    stopReplay(true);
    return;
  }
  replay.frame = Math.max(0, frame);
  showFrame();
  updateControls();
}

function showFrame() {
  setState('replay');
  state.root.dataset.frame = String(state.replay.frame);
  for (const place of state.places.values()) renderPlace(place, false);
  renderLegend();
  scheduleLabels();
  updateControls();
}

/** Leaves the replay: back to the live figures (or the filter's newest ones); render: redraw the map now. */
export function stopReplay(render) {
  const replay = state.replay;
  if (!replay) return;
  const refresh = replay.filteredRefresh === true;
  clearInterval(replay.timer);
  state.replay = null;
  delete state.root.dataset.frame;
  setState('live');
  updateControls();
  if (render) renderAll();
  if (refresh) scheduleFilteredRefresh();
}
