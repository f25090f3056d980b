/*
 * Civic Contracting — live figures (an ES module; the layout loads it with <script type="module" src="/js/live.js">).
 *
 * When <body data-live-url="/api/live"> is set, opens ONE server-sent-events connection and, for every "change"
 * event (JSON {scope, version, snapshot}) newer than the last one seen for its scope:
 *   - updates every element with data-live-field="<dot.path into snapshot>" whose data-live-scope (its own, or the
 *     nearest ancestor's) is the change's scope, e.g. data-live-scope="place:24062" data-live-field="totals.engagedCommitments";
 *     data-live-format: "number" (default), "percent" (0..1), "decimal", "date", "datetime";
 *     <progress>/<meter> get .value: the field is a 0..1 fraction, scaled to the element's max (max="100" shows
 *     0.44 as 44, as the server renders it); data-live-css-var="--name" also sets that custom property to the raw value;
 *     data-live-empty="…" is shown for a null value (default "–");
 *     an element with data-live-one / data-live-other (and data-live-many) is the word after a count: it shows the form
 *     that the page language's plural rule (Intl.PluralRules for <html lang>) picks for the field's value — the server
 *     renders the forms, already translated, so the script holds no words;
 *   - briefly adds the class "live-updated" to elements whose text changed;
 *   - tells the scripts that subscribed through the interface below.
 * [data-live-status] shows data-text-connecting / data-text-live / data-text-offline and gets data-state
 * connecting|live|offline. Without JavaScript the page keeps the figures it was rendered with.
 *
 * THE CHANGE INTERFACE (import it; there is no global and no document event):
 *
 *   import { onChange, liveChanges } from '/js/live.js';   // or a relative path, e.g. '../live.js'
 *
 *   onChange(callback, { replay = true } = {}) → unsubscribe()
 *       Calls callback(change) for every accepted change, in arrival order. With replay (the default) it is first
 *       called, synchronously, with the newest change of every scope already received, so a script that subscribes
 *       late misses nothing.
 *   liveChanges — an EventTarget with:
 *       event "change"  (LIVE_CHANGE_EVENT)  detail: LiveChange  — an accepted change (newer than the last of its scope)
 *       event "status"  (LIVE_STATUS_EVENT)  detail: { state }    — "connecting" | "live" | "offline"
 *       event "ready"   (LIVE_READY_EVENT)   no detail            — the server said the stream is live
 *       .state    the current status
 *       .latest() the newest change per scope received so far (LiveChange[])
 *
 * Every module that imports this one must use the same URL (/js/live.js, no query string): a module is evaluated once
 * per URL, and a second copy would open a second connection.
 */

/**
 * One pushed change: the aggregate of a goal or place after a write (see src/Web/Live/LiveFrames.cs).
 * @typedef {object} LiveChange
 * @property {string} scope      "goal:{id}" or "place:{code}"
 * @property {number} version    increases per scope (64-bit: compared as the digits sent, not as this number)
 * @property {object} snapshot   the aggregate's JSON (totals, progress, verifiedShare, updatedAt, …)
 */

export const LIVE_CHANGE_EVENT = 'change';
export const LIVE_STATUS_EVENT = 'status';
export const LIVE_READY_EVENT = 'ready';

class LiveChanges extends EventTarget {
  #latest;

  constructor(latest) {
    super();
    this.#latest = latest;
    /** @type {'connecting' | 'live' | 'offline'} */
    this.state = 'offline';
  }

  /** @returns {LiveChange[]} the newest change per scope received so far */
  latest() {
    return [...this.#latest.values()];
  }
}

const latest = new Map();

/** The page's one live stream: see the interface at the top. */
export const liveChanges = new LiveChanges(latest);

/**
 * Calls callback(change) for every accepted change (and first for the newest change per scope already received,
 * unless replay is false).
 * @param {(change: LiveChange) => void} callback
 * @param {{ replay?: boolean }} [options]
 * @returns {() => void} unsubscribes
 */
export function onChange(callback, { replay = true } = {}) {
  const listener = (event) => callback(event.detail);
  liveChanges.addEventListener(LIVE_CHANGE_EVENT, listener);
  if (replay) for (const change of latest.values()) callback(change);
  return () => liveChanges.removeEventListener(LIVE_CHANGE_EVENT, listener);
}

const body = document.body;
const url = body && body.dataset.liveUrl;
const lang = document.documentElement.lang || 'nl-BE';
const versions = new Map();
const formats = new Map();
const pluralRules = new Intl.PluralRules(lang);
const statusElements = () => document.querySelectorAll('[data-live-status]');

function setStatus(state) {
  liveChanges.state = state;
  for (const el of statusElements()) {
    const text = el.getAttribute('data-text-' + state);
    el.dataset.state = state;
    if (text !== null && el.textContent !== text) el.textContent = text;
  }
  liveChanges.dispatchEvent(new CustomEvent(LIVE_STATUS_EVENT, { detail: { state } }));
}

function formatter(kind) {
  let f = formats.get(kind);
  if (f) return f;
  switch (kind) {
    case 'percent': f = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }); break;
    case 'decimal': f = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }); break;
    case 'date': f = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }); break;
    case 'datetime': f = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }); break;
    default: f = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }); break;
  }
  formats.set(kind, f);
  return f;
}

/** The value at a dot path; a key missing from an existing object (e.g. a kind nobody has yet) counts as 0. */
function resolve(snapshot, path) {
  let value = snapshot;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!(parts[i] in value)) return i === parts.length - 1 ? 0 : undefined;
    value = value[parts[i]];
  }
  return value;
}

function format(value, kind, el) {
  if (value === null) return el.getAttribute('data-live-empty') ?? '–';
  if (kind === 'date' || kind === 'datetime') {
    const time = Date.parse(value);
    return Number.isFinite(time) ? formatter(kind).format(time) : String(value);
  }
  if (typeof value === 'number') return formatter(kind || 'number').format(value);
  return String(value);
}

/** The form of a counted word for value (nl and en: "one" for 1; fr: "one" for 0 and 1), or null for no number. */
function pluralForm(el, value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const category = pluralRules.select(value);
  return el.getAttribute('data-live-' + category) ?? el.getAttribute('data-live-other');
}

function flash(el) {
  el.classList.remove('live-updated');
  // Restart the animation when two changes come in quick succession.
  void el.offsetWidth;
  el.classList.add('live-updated');
  clearTimeout(el._liveTimer);
  el._liveTimer = setTimeout(() => el.classList.remove('live-updated'), 1500);
}

function update(el, snapshot) {
  const field = el.getAttribute('data-live-field');
  if (!field) return;
  const value = resolve(snapshot, field);
  if (value === undefined) return;
  const cssVar = el.getAttribute('data-live-css-var');
  if (cssVar && typeof value === 'number') el.style.setProperty(cssVar, String(value));
  if (el instanceof HTMLProgressElement || el instanceof HTMLMeterElement) {
    const fraction = typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
    // One decimal of the element's scale, as SiteFormat.ProgressValue renders it on the server.
    const number = Math.round(fraction * el.max * 10) / 10;
    if (el.value !== number) {
      el.value = number;
      flash(el);
    }
    return;
  }
  const text = el.hasAttribute('data-live-other') ? pluralForm(el, value) : format(value, el.getAttribute('data-live-format'), el);
  if (text === null) return;
  if (el.textContent !== text) {
    el.textContent = text;
    flash(el);
  }
}

function apply(change) {
  const selector = '[data-live-scope="' + CSS.escape(change.scope) + '"]';
  for (const scoped of document.querySelectorAll(selector)) {
    update(scoped, change.snapshot);
    // Fields inside a scope element that have no scope of their own.
    for (const inner of scoped.querySelectorAll('[data-live-field]:not([data-live-scope])')) {
      if (inner.parentElement.closest('[data-live-scope]') === scoped) update(inner, change.snapshot);
    }
  }
}

function receive(event) {
  let change;
  try {
    change = JSON.parse(event.data);
  } catch {
    return;
  }
  if (!change || typeof change.scope !== 'string' || !change.snapshot) return;
  // Versions are 64-bit integers, beyond a double's exact range: compare the digits as sent.
  const digits = /"version"\s*:\s*(\d+)/.exec(event.data);
  const version = digits ? BigInt(digits[1]) : BigInt(Math.trunc(Number(change.version) || 0));
  const known = versions.get(change.scope);
  if (known !== undefined && known >= version) return;
  versions.set(change.scope, version);
  latest.set(change.scope, change);
  apply(change);
  liveChanges.dispatchEvent(new CustomEvent(LIVE_CHANGE_EVENT, { detail: change }));
}

// EventSource reconnects by itself after a dropped connection (its retry delay, a few seconds). When it gives up
// (an HTTP error, a wrong content type; a full web host answers 503) it is CLOSED: then reopen with a growing delay,
// so nothing spins, and jittered, so that browsers refused together do not all come back at the same moment.
let source = null;
let retryDelay = 2000;
let retryTimer = 0;

function open() {
  clearTimeout(retryTimer);
  if (source) return;
  setStatus('connecting');
  source = new EventSource(url);
  source.addEventListener('change', receive);
  source.addEventListener('ready', () => {
    retryDelay = 2000;
    setStatus('live');
    liveChanges.dispatchEvent(new Event(LIVE_READY_EVENT));
  });
  source.addEventListener('open', () => setStatus('connecting'));
  source.addEventListener('error', () => {
    if (!source) return;
    if (source.readyState === EventSource.CLOSED) {
      close();
      setStatus('offline');
      retryTimer = setTimeout(open, retryDelay * (0.75 + Math.random() / 2));
      retryDelay = Math.min(retryDelay * 2, 60000);
    } else {
      setStatus('connecting');
    }
  });
}

function close() {
  if (source) {
    source.close();
    source = null;
  }
}

if (!url || typeof window.EventSource !== 'function') {
  setStatus('offline');
} else {
  // An open connection keeps the page out of the back/forward cache: close it when leaving, reopen when shown again.
  window.addEventListener('pagehide', () => {
    clearTimeout(retryTimer);
    close();
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) open();
  });

  open();
}
