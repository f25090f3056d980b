/*
 * Civic Contracting — the live "oil stain" map (Leaflet, served from /lib/leaflet; nothing from a CDN).
 *
 * Initialises on <section id="live-map"> with these data attributes (see map.css for the classes):
 *   data-map-url        GeoJSON of the 24 neighbourhoods with live properties and an `attribution` array (/api/map)
 *   data-districts-url  GeoJSON of the 5 districts (optional; an outline layer)
 *   data-replay-url     the spread over time: {steps: [ISO…], places: {code: {commitments: [], participants: [],
 *                       participantsByKind: {kind: []}}}}, accepts ?goal=&kind=
 *   data-place-url      a neighbourhood's page, "{code}" is replaced (/places/{code})
 *   data-tile-url, data-tile-attribution   optional background tiles (empty: a plain background)
 *   data-i18n           JSON of UI texts (keys: DEFAULT_TEXTS below; missing keys fall back to Dutch)
 * Inside it: the map canvas ([data-map-canvas], #map or .map; created when missing), .map-legend (created when
 * missing), #map-replay (replay controls are rendered into it) and a GET form with <select name="goal"> and
 * <select name="kind"> (the filters; it works without JavaScript too).
 * State for tests and styling, on the section: data-state loading|live|replay|error, data-frame (replay step),
 * data-updated (count of live changes applied). Live changes come from js/live.js ('civic:change' events).
 */
(() => {
  'use strict';

  const root = document.getElementById('live-map');
  if (!root) return;
  const L = window.L;
  if (!L) {
    root.dataset.state = 'error';
    return;
  }
  root.classList.add('js-map');

  // ---------------------------------------------------------------- constants

  const KINDS = ['resident', 'school', 'business', 'organisation', 'city', 'knowledgeInstitution'];
  // Okabe–Ito, colour-blind safe; the same as the site's swatches.
  const KIND_COLOURS = {
    resident: '#E69F00',
    school: '#56B4E9',
    business: '#009E73',
    organisation: '#CC79A7',
    city: '#0072B2',
    knowledgeInstitution: '#D55E00',
  };
  // The stain: a neutral slate ramp from paper to ink, which none of the kind colours resembles.
  const PALETTE = ['#f7f7f3', '#dde2e6', '#c0c8d1', '#9ba7b5', '#778596', '#566479', '#3a475b', '#222c3c'];
  // Fixed class limits (upper bounds; the last class is open), so a colour keeps its meaning while the stain grows
  // and during the replay: quantiles would recolour the whole city at every step.
  const COUNT_LIMITS = [0, 2, 5, 10, 25, 50, 100];
  const PER_1000_LIMITS = [0, 1, 2, 5, 10, 20, 50];

  const DEFAULT_TEXTS = {
    mapLabel: 'Kaart van de 24 Leuvense wijken met hun engagementen',
    loading: 'Kaart laden…',
    loadError: 'De kaart kon niet geladen worden. De tabel toont dezelfde cijfers.',
    legendIntensity: 'Engagementen per wijk',
    legendIntensityPer1000: 'Engagementen per 1.000 inwoners',
    legendKinds: 'Deelnemers per soort (de ring)',
    legendSize: 'Grootte van de ring: aantal deelnemers',
    legendFilter: 'Filter: {filter}',
    legendSources: 'Kaartgegevens',
    classUpTo: 'tot {n}',
    classAbove: 'meer dan {n}',
    commitmentOne: 'engagement',
    commitmentOther: 'engagementen',
    participantOne: 'deelnemer',
    participantOther: 'deelnemers',
    resident: 'Bewoners',
    residentOne: 'bewoner',
    residentOther: 'bewoners',
    school: 'Scholen',
    schoolOne: 'school',
    schoolOther: 'scholen',
    business: 'Handelaars en bedrijven',
    businessOne: 'handelaar of bedrijf',
    businessOther: 'handelaars en bedrijven',
    organisation: 'Organisaties',
    organisationOne: 'organisatie',
    organisationOther: 'organisaties',
    city: 'Stad',
    cityOne: 'stadsdienst',
    cityOther: 'stadsdiensten',
    knowledgeInstitution: 'Kennisinstellingen',
    knowledgeInstitutionOne: 'kennisinstelling',
    knowledgeInstitutionOther: 'kennisinstellingen',
    summary: '{name}: {commitments}, {participants}: {kinds}',
    summaryNone: '{name}: nog geen engagementen',
    summaryAt: '{summary} (op {time})',
    summaryVerified: '{summary}. Geverifieerd: {share} van de voortgang',
    layerNeighbourhoods: 'Wijken (kleur: engagementen)',
    layerGlyphs: 'Deelnemers per soort (ringen)',
    layerDistricts: 'Deelgemeenten',
    layerTiles: 'Achtergrondkaart',
    layers: 'Kaartlagen',
    zoomIn: 'Inzoomen',
    zoomOut: 'Uitzoomen',
    attributionShort: 'Wijken: © gemeentebesturen, Data & Analyse Vlaamse provincies · Statbel',
    replayHeading: 'Terugblik: zo groeide de olievlek',
    replayPlay: 'Afspelen',
    replayPause: 'Pauzeren',
    replayTime: 'Tijdstip',
    replayNow: 'nu (live)',
    replayLive: 'Terug naar nu',
    replayLoading: 'Tijdlijn laden…',
    replayError: 'De tijdlijn kon niet geladen worden.',
  };

  const data = root.dataset;
  const texts = Object.assign({}, DEFAULT_TEXTS, parseJson(data.i18n));
  const lang = document.documentElement.lang || 'nl-BE';
  const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const decimalFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const percentFormat = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const timeFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const plural = new Intl.PluralRules(lang);
  const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

  // ---------------------------------------------------------------- state

  const places = new Map();   // code -> { code, props, layer, marker, value, cls }
  const pending = new Map();  // scope -> change that arrived before the map
  let map = null;
  let per1000 = false;
  let fitZoom = 12;
  let userMoved = false;
  let loaded = false;
  let updated = Number(data.updated) || 0;
  let filter = { goal: '', kind: '' };
  let filtered = null;        // replay data for the current filter (its last step is shown), or null
  let replay = null;          // { data, frame, playing, timer } while replaying
  let replayCache = null;     // the unfiltered replay (prefetched; refetched when older than a minute)
  let labelsFrame = 0;
  let districtLabels = [];

  // ---------------------------------------------------------------- helpers

  function parseJson(text) {
    if (!text) return {};
    try {
      const value = JSON.parse(text);
      return value && typeof value === 'object' ? value : {};
    } catch {
      return {};
    }
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }

  function count(n, key) {
    const form = plural.select(n) === 'one' ? 'One' : 'Other';
    return numberFormat.format(n) + ' ' + texts[key + form];
  }

  /** A long name on two lines, broken at the space or slash nearest its middle, so the label box fits the text. */
  function labelHtml(name) {
    const text = String(name);
    if (text.length <= 14) return escapeHtml(text);
    let best = -1;
    for (let i = 1; i < text.length - 1; i++) {
      if ((text[i] === ' ' || text[i] === '/') && (best < 0 || Math.abs(i - text.length / 2) < Math.abs(best - text.length / 2))) best = i;
    }
    if (best < 0) return escapeHtml(text);
    const cut = text[best] === '/' ? best + 1 : best;
    return escapeHtml(text.slice(0, cut).trim()) + '<br>' + escapeHtml(text.slice(cut).trim());
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function setState(state) {
    if (root.dataset.state !== state) root.dataset.state = state;
  }

  function placeUrl(code) {
    const template = data.placeUrl || '/places/{code}';
    return template.replace('{code}', encodeURIComponent(code));
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json, application/geo+json' }, credentials: 'same-origin' });
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    return response.json();
  }

  // ---------------------------------------------------------------- what a neighbourhood shows now

  /** The figures on display: the live properties, the filtered replay's last step, or the replay frame. */
  function figures(place) {
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
  function intensity(place, commitments) {
    if (!per1000) return commitments;
    const p = place.props;
    if (typeof p.residents === 'number' && p.residents > 0) return (commitments * 1000) / p.residents;
    if (p.engagedCommitments > 0 && typeof p.commitmentsPer1000Residents === 'number') {
      return (commitments * p.commitmentsPer1000Residents) / p.engagedCommitments;
    }
    return commitments === 0 ? 0 : p.commitmentsPer1000Residents || 0;
  }

  function classOf(value) {
    const limits = per1000 ? PER_1000_LIMITS : COUNT_LIMITS;
    for (let i = 0; i < limits.length; i++) {
      if (value <= limits[i]) return i;
    }
    return limits.length;
  }

  function summary(place, f) {
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

  // ---------------------------------------------------------------- glyphs

  /** The ring's outer radius in pixels: area grows with participants (square root), capped for the biggest. */
  function radius(participants) {
    if (participants <= 0) return 5;
    const narrow = map.getSize().x < 600;
    const zoomFactor = Math.pow(2, (map.getZoom() - fitZoom) / 2);
    const largest = Math.max(1, maxParticipants());
    const cap = (narrow ? 15 : 19) * zoomFactor;
    const perRoot = Math.min(3.2 * zoomFactor, cap / Math.sqrt(largest));
    return Math.max(7, perRoot * Math.sqrt(participants));
  }

  function maxParticipants() {
    const source = replay ? replay.data : filtered;
    let max = 0;
    for (const place of places.values()) {
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

  function glyphSvg(f, r) {
    const size = Math.ceil(r * 2 + 4);
    const c = size / 2;
    if (f.participants <= 0) {
      return '<svg class="map-glyph__svg" width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + ' ' + size + '" aria-hidden="true" focusable="false">' +
        '<circle cx="' + c + '" cy="' + c + '" r="' + r + '" fill="#ffffff" stroke="#56606b" stroke-width="1.5"/></svg>';
    }
    const ring = Math.max(4, r * 0.42);
    const ringRadius = r - ring / 2;
    const circumference = 2 * Math.PI * ringRadius;
    const present = KINDS.filter((k) => f.byKind[k] > 0);
    const total = present.reduce((sum, k) => sum + f.byKind[k], 0) || 1;
    const gap = present.length > 1 ? Math.min(2, circumference / 60) : 0;
    let svg = '<svg class="map-glyph__svg" width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + ' ' + size + '" aria-hidden="true" focusable="false">' +
      '<circle cx="' + c + '" cy="' + c + '" r="' + (r + 1.5) + '" fill="#ffffff"/>' +
      '<circle cx="' + c + '" cy="' + c + '" r="' + (r + 1.5) + '" fill="none" stroke="#1d2428" stroke-opacity="0.55" stroke-width="1"/>';
    let offset = 0;
    for (const kind of present) {
      const length = (f.byKind[kind] / total) * circumference;
      const visible = Math.max(0.5, length - gap);
      svg += '<circle cx="' + c + '" cy="' + c + '" r="' + ringRadius.toFixed(2) + '" fill="none" stroke="' + KIND_COLOURS[kind] + '" stroke-width="' + ring.toFixed(2) + '"' +
        ' stroke-dasharray="' + visible.toFixed(2) + ' ' + (circumference - visible).toFixed(2) + '" stroke-dashoffset="' + (-offset).toFixed(2) + '"' +
        ' transform="rotate(-90 ' + c + ' ' + c + ')"/>';
      offset += length;
    }
    return svg + '</svg>';
  }

  /** The participants in the ring's hole, when there is room (an overlay outside the link, see createMap). */
  function showCount(el, f, r) {
    const inner = r - Math.max(4, r * 0.42);
    const fits = f.participants > 0 && inner >= 5;
    el.hidden = !fits;
    if (!fits) return;
    el.style.fontSize = Math.max(9, Math.min(inner * 1.15, 16)).toFixed(1) + 'px';
    el.textContent = f.participants > 999 ? decimalFormat.format(f.participants / 1000) + 'k' : numberFormat.format(f.participants);
  }

  function renderPlace(place, pulse) {
    const f = figures(place);
    const value = intensity(place, f.commitments);
    const cls = classOf(value);
    place.value = value;
    place.cls = cls;
    place.layer.setStyle({ fillColor: PALETTE[cls] });
    const path = place.layer.getElement();
    if (path) {
      path.setAttribute('data-commitments', String(f.commitments));
      path.setAttribute('data-class', String(cls));
    }

    const r = radius(f.participants);
    const text = summary(place, f);
    const el = place.marker.getElement();
    if (el) {
      const glyph = el.querySelector('.map-glyph');
      const size = Math.ceil(r * 2 + 4);
      glyph.style.width = size + 'px';
      glyph.style.height = size + 'px';
      glyph.innerHTML = glyphSvg(f, r);
      glyph.setAttribute('aria-label', text);
      showCount(el.querySelector('.map-count'), f, r);
      place.r = r;
      positionLabel(el.querySelector('.map-label'), r, place.labelAt || 'below');
      el.dataset.commitments = String(f.commitments);
      el.dataset.participants = String(f.participants);
      el.dataset.kinds = String(KINDS.filter((k) => f.byKind[k] > 0).length);
      el.dataset.verifiedShare = !replay && !filtered && typeof place.props.verifiedShare === 'number' ? String(place.props.verifiedShare) : '';
      el.classList.toggle('is-empty', f.participants <= 0);
      if (pulse) pulseMarker(el, place);
    }
    place.marker.setTooltipContent(escapeHtml(text));
    place.layer.setTooltipContent(escapeHtml(text));
  }

  function pulseMarker(el, place) {
    el.classList.remove('is-pulsing');
    void el.offsetWidth;
    el.classList.add('is-pulsing');
    place.layer.setStyle({ color: '#1d2428', weight: 3 });
    clearTimeout(place.pulseTimer);
    place.pulseTimer = setTimeout(() => {
      el.classList.remove('is-pulsing');
      if (!place.hover) place.layer.setStyle(baseOutline());
    }, 1600);
  }

  function baseOutline() {
    return { color: '#4b5661', weight: 1.2 };
  }

  function renderAll() {
    for (const place of places.values()) renderPlace(place, false);
    renderLegend();
    scheduleLabels();
  }

  // ---------------------------------------------------------------- labels

  function scheduleLabels() {
    if (labelsFrame) return;
    labelsFrame = requestAnimationFrame(() => {
      labelsFrame = 0;
      placeLabels();
    });
  }

  const LABEL_SPOTS = ['below', 'above', 'right', 'left'];
  const DISTRICT_SPOTS = [[0, 0], [0, -26], [0, 26], [-40, 0], [40, 0], [-40, -26], [40, -26], [-40, 26], [40, 26],
    [0, -50], [0, 50], [-70, 0], [70, 0], [-60, -45], [60, -45], [-60, 45], [60, 45]];

  function positionLabel(label, r, where) {
    const gap = Math.ceil(r + 3);
    const style = label.style;
    if (where === 'above') {
      style.left = '0px';
      style.top = -gap + 'px';
      style.transform = 'translate(-50%, -100%)';
    } else if (where === 'right') {
      style.left = gap + 'px';
      style.top = '0px';
      style.transform = 'translate(0, -50%)';
    } else if (where === 'left') {
      style.left = -gap + 'px';
      style.top = '0px';
      style.transform = 'translate(-100%, -50%)';
    } else {
      style.left = '0px';
      style.top = gap + 'px';
      style.transform = 'translate(-50%, 0)';
    }
  }

  /**
   * Shows the neighbourhood names that fit once zoomed in enough (the most engaged first; each tries below, above,
   * right and left of its ring and is left out when it would cover another name or ring); district names otherwise.
   */
  function placeLabels() {
    if (!map) return;
    const size = map.getSize();
    const labelZoom = fitZoom + (size.x < 600 ? 0.5 : 0);
    const showNames = map.getZoom() >= labelZoom - 0.01 && map.hasLayer(glyphLayer);
    const bounds = map.getContainer().getBoundingClientRect();
    const glyphs = [];
    if (map.hasLayer(glyphLayer)) {
      for (const place of places.values()) {
        const el = place.marker.getElement();
        const glyph = el && el.querySelector('.map-glyph');
        if (glyph) glyphs.push({ code: place.code, rect: glyph.getBoundingClientRect() });
      }
    }
    const hits = (rect, other) => rect.left < other.right + 2 && rect.right + 2 > other.left && rect.top < other.bottom + 1 && rect.bottom + 1 > other.top;
    const inside = (rect) => rect.left >= bounds.left && rect.right <= bounds.right && rect.top >= bounds.top && rect.bottom <= bounds.bottom;
    const free = (rect, code) => inside(rect) && !placed.some((p) => hits(rect, p)) && !glyphs.some((g) => g.code !== code && hits(rect, g.rect));
    // Leaflet's controls (zoom, layers, attribution) are in the way too.
    const placed = [...map.getContainer().querySelectorAll('.leaflet-control')].map((c) => c.getBoundingClientRect());
    const ordered = [...places.values()].sort((a, b) => (b.value || 0) - (a.value || 0) || a.props.name.localeCompare(b.props.name, lang));
    for (const place of ordered) {
      const el = place.marker.getElement();
      if (!el) continue;
      const label = el.querySelector('.map-label');
      label.classList.remove('is-hidden');
      if (!showNames) {
        label.classList.add('is-hidden');
        continue;
      }
      let found = null;
      for (const spot of LABEL_SPOTS) {
        positionLabel(label, place.r || 8, spot);
        const rect = label.getBoundingClientRect();
        if (free(rect, place.code)) {
          found = { spot, rect };
          break;
        }
      }
      if (found) {
        place.labelAt = found.spot;
        placed.push(found.rect);
      } else {
        place.labelAt = 'below';
        positionLabel(label, place.r || 8, 'below');
        label.classList.add('is-hidden');
      }
    }
    for (const marker of districtLabels) {
      const el = marker.getElement();
      if (!el) continue;
      el.classList.toggle('is-hidden', showNames);
      if (showNames) continue;
      const span = el.firstElementChild;
      let chosen = DISTRICT_SPOTS[0];
      for (const spot of DISTRICT_SPOTS) {
        span.style.marginLeft = spot[0] + 'px';
        span.style.marginTop = spot[1] + 'px';
        const rect = span.getBoundingClientRect();
        if (free(rect, null)) {
          chosen = spot;
          placed.push(rect);
          break;
        }
      }
      span.style.marginLeft = chosen[0] + 'px';
      span.style.marginTop = chosen[1] + 'px';
    }
  }

  // ---------------------------------------------------------------- legend

  let legend = null;

  function legendClasses() {
    const limits = per1000 ? PER_1000_LIMITS : COUNT_LIMITS;
    const format = per1000 ? decimalFormat : numberFormat;
    const labels = ['0'];
    for (let i = 1; i < limits.length; i++) {
      if (per1000) {
        labels.push(i === 1 ? fill(texts.classUpTo, { n: format.format(limits[i]) }) : format.format(limits[i - 1]) + '–' + format.format(limits[i]));
      } else {
        const from = limits[i - 1] + 1;
        labels.push(from === limits[i] ? format.format(from) : format.format(from) + '–' + format.format(limits[i]));
      }
    }
    labels.push(fill(texts.classAbove, { n: format.format(limits[limits.length - 1]) }));
    return labels;
  }

  function renderLegend() {
    if (!legend) return;
    legend.replaceChildren();

    const intensityBlock = element('div', 'map-legend__block');
    intensityBlock.append(element('h3', 'map-legend__title', per1000 ? texts.legendIntensityPer1000 : texts.legendIntensity));
    const classes = element('ul', 'map-legend__classes');
    const used = new Set([...places.values()].map((p) => p.cls));
    legendClasses().forEach((label, i) => {
      const item = element('li', 'map-legend__class' + (used.has(i) ? ' is-used' : ''));
      const swatch = element('span', 'map-legend__swatch');
      swatch.style.background = PALETTE[i];
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, element('span', 'map-legend__label', label));
      classes.append(item);
    });
    intensityBlock.append(classes);

    const kindsBlock = element('div', 'map-legend__block');
    kindsBlock.append(element('h3', 'map-legend__title', texts.legendKinds));
    const kinds = element('ul', 'map-legend__kinds');
    for (const kind of KINDS) {
      const item = element('li', 'map-legend__kind');
      const swatch = element('span', 'map-legend__ring');
      swatch.style.borderColor = KIND_COLOURS[kind];
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, element('span', 'map-legend__label', texts[kind]));
      kinds.append(item);
    }
    kindsBlock.append(kinds);

    const sizeBlock = element('div', 'map-legend__block');
    sizeBlock.append(element('h3', 'map-legend__title', texts.legendSize));
    const sizes = element('ul', 'map-legend__sizes');
    const largest = maxParticipants();
    const examples = [1, 5, 10, 25, 50, 100, 250, 500, 1000].filter((n) => n <= Math.max(largest, 1));
    const shown = examples.length > 3 ? [examples[0], examples[Math.floor(examples.length / 2)], examples[examples.length - 1]] : examples;
    for (const n of shown) {
      const r = radius(n);
      const item = element('li', 'map-legend__size');
      const circle = element('span', 'map-legend__circle');
      circle.style.width = circle.style.height = Math.round(r * 2) + 'px';
      circle.setAttribute('aria-hidden', 'true');
      item.append(circle, element('span', 'map-legend__label', count(n, 'participant')));
      sizes.append(item);
    }
    sizeBlock.append(sizes);

    legend.append(intensityBlock, kindsBlock, sizeBlock);

    const filterText = describeFilter();
    if (filterText) legend.append(element('p', 'map-legend__filter', fill(texts.legendFilter, { filter: filterText })));

    // The full credit lines, unless the page already shows them next to the map.
    if (attribution.length && !root.querySelector('.map-attribution')) {
      const sources = element('p', 'map-legend__sources');
      sources.id = 'map-sources';
      sources.append(texts.legendSources + ': ');
      attribution.forEach((line, i) => {
        if (i > 0) sources.append(' · ');
        const match = /^(.*?)\s*\((https?:\/\/[^\s)]+)\)\s*$/.exec(line);
        if (match) {
          const link = element('a', '', match[1]);
          link.href = match[2];
          sources.append(link);
        } else {
          sources.append(line);
        }
      });
      legend.append(sources);
    }
  }

  function describeFilter() {
    const parts = [];
    for (const name of ['goal', 'kind']) {
      const select = form && form.elements.namedItem(name);
      if (select && select.value && select.selectedOptions && select.selectedOptions[0]) {
        parts.push(select.selectedOptions[0].textContent.trim());
      }
    }
    return parts.join(' · ');
  }

  // ---------------------------------------------------------------- the map

  let attribution = [];
  let neighbourhoodLayer = null;
  let glyphLayer = null;
  let districtLayer = null;

  function findCanvas() {
    let canvas = root.querySelector('[data-map-canvas]') || root.querySelector('#map') || root.querySelector('.map');
    if (!canvas) {
      canvas = element('div', 'map');
      canvas.setAttribute('role', 'region');
      canvas.setAttribute('aria-label', texts.mapLabel);
      const after = root.querySelector('form');
      if (after) after.after(canvas);
      else root.append(canvas);
    }
    canvas.hidden = false;
    canvas.classList.add('map-canvas');
    return canvas;
  }

  function findLegend(canvas) {
    let el = root.querySelector('.map-legend');
    if (!el) {
      el = element('div', 'map-legend');
      canvas.after(el);
    }
    el.hidden = false;
    return el;
  }

  function createMap(canvas, geojson, districts) {
    const tileUrl = (data.tileUrl || '').trim();
    const motion = !reduceMotion.matches;
    map = L.map(canvas, {
      zoomControl: false,
      attributionControl: false,
      zoomSnap: 0.25,
      zoomDelta: 0.5,
      // One finger scrolls the page on phones; pinch (or the buttons) zooms and pans the map.
      dragging: !L.Browser.mobile,
      scrollWheelZoom: false,
      fadeAnimation: motion,
      zoomAnimation: motion,
      markerZoomAnimation: motion,
      inertia: motion,
    });
    L.control.zoom({ zoomInTitle: texts.zoomIn, zoomOutTitle: texts.zoomOut }).addTo(map);
    // The wheel zooms only once the map has the focus (a click or Tab), so scrolling the page is not hijacked.
    map.on('focus', () => map.scrollWheelZoom.enable());
    map.on('blur', () => map.scrollWheelZoom.disable());

    attribution = Array.isArray(geojson.attribution) ? geojson.attribution.map(String) : [];
    const control = L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);

    map.createPane('districts').style.zIndex = '450';
    // District names above the rings, so the five names stay readable (they move aside when a ring is in the way).
    map.createPane('districtLabels').style.zIndex = '640';

    let base = null;
    if (tileUrl) {
      base = L.tileLayer(tileUrl, { maxZoom: 19, attribution: escapeHtml(data.tileAttribution || '') }).addTo(map);
      canvas.classList.add('has-tiles');
    }

    const creditLink = attribution.map((line) => /\((https?:\/\/[^\s)]+)\)/.exec(line)).find(Boolean);
    const credit = creditLink
      ? '<a href="' + escapeHtml(creditLink[1]) + '">' + escapeHtml(texts.attributionShort) + '</a>'
      : escapeHtml(texts.attributionShort);
    neighbourhoodLayer = L.geoJSON(geojson, {
      attribution: credit,
      style: () => Object.assign({ className: 'map-neighbourhood', fillColor: PALETTE[0], fillOpacity: tileUrl ? 0.7 : 0.92, opacity: 1 }, baseOutline()),
      onEachFeature: (feature, layer) => {
        const p = feature.properties || {};
        const place = { code: p.code, props: p, layer, marker: null, value: 0, cls: 0 };
        places.set(p.code, place);
        layer.bindTooltip('', { sticky: true, direction: 'top', className: 'map-tooltip', opacity: 1 });
        layer.on('click', () => window.location.assign(placeUrl(place.code)));
        layer.on('mouseover', () => {
          place.hover = true;
          layer.setStyle({ color: '#1d2428', weight: 3 });
        });
        layer.on('mouseout', () => {
          place.hover = false;
          layer.setStyle(baseOutline());
        });
      },
    });
    // The view first: Leaflet only creates a layer's elements once the map has a centre and zoom.
    fit();
    neighbourhoodLayer.addTo(map);

    // Glyphs, in alphabetical order so Tab walks through the neighbourhoods by name.
    glyphLayer = L.layerGroup().addTo(map);
    const ordered = [...places.values()].sort((a, b) => a.props.name.localeCompare(b.props.name, lang));
    for (const place of ordered) {
      const point = Array.isArray(place.props.labelPoint) ? place.props.labelPoint : null;
      const latlng = point ? L.latLng(point[1], point[0]) : place.layer.getBounds().getCenter();
      // The ring is the link (focusable, named by the full summary); the count and the name drawn over and beside it
      // are outside the link and hidden from assistive technology, so the link's name needs no visible text.
      const icon = L.divIcon({
        className: 'map-marker',
        iconSize: null,
        html: '<span class="map-glyph" role="link" tabindex="0"></span><span class="map-count" aria-hidden="true"></span>' +
          '<span class="map-label" aria-hidden="true">' + labelHtml(place.props.name) + '</span>',
      });
      const marker = L.marker(latlng, { icon, keyboard: false, riseOnHover: true });
      marker.bindTooltip('', { direction: 'top', offset: [0, -12], className: 'map-tooltip', opacity: 1 });
      marker.on('click', () => window.location.assign(placeUrl(place.code)));
      place.marker = marker;
      marker.addTo(glyphLayer);
      const el = marker.getElement();
      el.dataset.code = place.code;
      const link = el.querySelector('.map-glyph');
      link.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          window.location.assign(placeUrl(place.code));
        }
      });
      link.addEventListener('focus', () => {
        el.classList.add('has-focus');
        marker.openTooltip();
      });
      link.addEventListener('blur', () => {
        el.classList.remove('has-focus');
        marker.closeTooltip();
      });
    }
    for (const place of places.values()) {
      const path = place.layer.getElement();
      if (path) path.setAttribute('data-code', place.code);
    }

    const overlays = {};
    overlays[escapeHtml(texts.layerNeighbourhoods)] = neighbourhoodLayer;
    overlays[escapeHtml(texts.layerGlyphs)] = glyphLayer;
    if (districts && Array.isArray(districts.features)) {
      districtLayer = L.layerGroup();
      L.geoJSON(districts, {
        pane: 'districts',
        interactive: false,
        style: () => ({ className: 'map-district', color: '#1d2428', weight: 2.5, opacity: 0.8, fill: false, dashArray: '6 4' }),
        onEachFeature: (feature, layer) => {
          const p = feature.properties || {};
          const point = p.labelPoint || p.label_point;
          const latlng = Array.isArray(point) ? L.latLng(point[1], point[0]) : layer.getBounds().getCenter();
          const label = L.marker(latlng, {
            pane: 'districtLabels',
            interactive: false,
            keyboard: false,
            icon: L.divIcon({ className: 'map-district-label', iconSize: null, html: '<span>' + escapeHtml(p.name || '') + '</span>' }),
          });
          districtLabels.push(label);
          districtLayer.addLayer(label);
        },
      }).addTo(districtLayer);
      districtLayer.addTo(map);
      overlays[escapeHtml(texts.layerDistricts)] = districtLayer;
    }
    const baseLayers = {};
    if (base) baseLayers[escapeHtml(texts.layerTiles)] = base;
    const layers = L.control.layers(base ? baseLayers : null, overlays, { collapsed: true }).addTo(map);
    const toggle = layers.getContainer().querySelector('.leaflet-control-layers-toggle');
    if (toggle) {
      toggle.title = texts.layers;
      toggle.setAttribute('aria-label', texts.layers);
    }
    map.on('overlayadd overlayremove', scheduleLabels);

    map.on('movestart', (event) => {
      if (event.hard !== true && !fitting) userMoved = true;
    });
    map.on('zoomend', () => {
      renderAll();
    });
    map.on('moveend', scheduleLabels);
    map.on('resize', () => {
      const size = map.getSize();
      if (size.x <= 0 || size.y <= 0) return;
      if (!userMoved) fit();
      renderAll();
    });
    control.getContainer().classList.add('map-attribution-control');
  }

  let fitting = false;

  function fit() {
    const size = map.getSize();
    if (size.x <= 0 || size.y <= 0) return;
    const bounds = neighbourhoodLayer.getBounds();
    fitting = true;
    map.setMinZoom(0);
    map.fitBounds(bounds, { padding: [6, 6], animate: false });
    fitZoom = map.getZoom();
    map.setMinZoom(fitZoom - 1);
    map.setMaxBounds(bounds.pad(0.5));
    fitting = false;
  }

  // ---------------------------------------------------------------- live changes

  function onChange(change) {
    if (!change || typeof change.scope !== 'string' || !change.scope.startsWith('place:')) return;
    if (!loaded) {
      pending.set(change.scope, change);
      return;
    }
    const place = places.get(change.scope.slice('place:'.length));
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
    updated += 1;
    root.dataset.updated = String(updated);
    updateEngagedNeighbourhoods();
    if (replay) {
      if (replay.filteredRefresh !== undefined) replay.filteredRefresh = true;
      return;
    }
    if (filtered) {
      scheduleFilteredRefresh();
      return;
    }
    const before = place.cls;
    renderPlace(place, true);
    if (place.cls !== before) renderLegend();
    scheduleLabels();
  }

  function updateEngagedNeighbourhoods() {
    let engaged = 0;
    for (const place of places.values()) if ((place.props.engagedCommitments || 0) > 0) engaged++;
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

  document.addEventListener('civic:change', (event) => onChange(event.detail));

  // ---------------------------------------------------------------- filters

  const form = root.querySelector('form');
  let filterRequest = 0;
  let refreshTimer = 0;
  let lastRefresh = 0;

  function replayUrl(goal, kind) {
    const url = new URL(data.replayUrl || '/api/map/replay', window.location.href);
    if (goal) url.searchParams.set('goal', goal);
    if (kind) url.searchParams.set('kind', kind);
    return url.toString();
  }

  function readFilter() {
    if (!form) return { goal: '', kind: '' };
    const goal = form.elements.namedItem('goal');
    const kind = form.elements.namedItem('kind');
    return { goal: goal ? goal.value : '', kind: kind ? kind.value : '' };
  }

  async function applyFilter(fromUser) {
    filter = readFilter();
    if (fromUser) {
      const url = new URL(window.location.href);
      for (const key of ['goal', 'kind']) {
        if (filter[key]) url.searchParams.set(key, filter[key]);
        else url.searchParams.delete(key);
      }
      window.history.replaceState(window.history.state, '', url);
    }
    stopReplay(false);
    const request = ++filterRequest;
    if (!filter.goal && !filter.kind) {
      filtered = null;
      root.classList.remove('is-filtered');
      renderAll();
      return;
    }
    root.classList.add('is-filtered');
    root.setAttribute('aria-busy', 'true');
    try {
      const result = await getJson(replayUrl(filter.goal, filter.kind));
      if (request !== filterRequest) return;
      filtered = normaliseReplay(result);
      lastRefresh = Date.now();
    } catch (error) {
      if (request !== filterRequest) return;
      console.warn('Civic Contracting map: the filtered figures could not be loaded', error);
      filtered = null;
    } finally {
      if (request === filterRequest) root.removeAttribute('aria-busy');
    }
    renderAll();
    document.dispatchEvent(new CustomEvent('civic:map-filter', { detail: { goal: filter.goal, kind: filter.kind } }));
  }

  /** Filtered figures follow live changes too: the filter's replay is fetched again, at most once every 2 s. */
  function scheduleFilteredRefresh() {
    if (refreshTimer) return;
    const wait = Math.max(0, 2000 - (Date.now() - lastRefresh));
    refreshTimer = setTimeout(async () => {
      refreshTimer = 0;
      if (!filtered || replay) return;
      const request = filterRequest;
      try {
        const result = await getJson(replayUrl(filter.goal, filter.kind));
        if (request !== filterRequest || replay || !filtered) return;
        filtered = normaliseReplay(result);
        lastRefresh = Date.now();
        for (const place of places.values()) {
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

  function normaliseReplay(result) {
    const steps = Array.isArray(result && result.steps) ? result.steps : [];
    return { steps: steps.length ? steps : [new Date().toISOString()], places: (result && result.places) || {} };
  }

  if (form) {
    form.addEventListener('change', (event) => {
      if (event.target && (event.target.name === 'goal' || event.target.name === 'kind')) applyFilter(true);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      applyFilter(true);
    });
  }

  // ---------------------------------------------------------------- replay

  let controls = null;

  function renderReplayControls() {
    const host = root.querySelector('#map-replay');
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

    play.addEventListener('click', () => (replay && replay.playing ? pause() : startReplay()));
    live.addEventListener('click', () => stopReplay(true));
    range.addEventListener('input', () => seek(Number(range.value)));
    // Before any replay is loaded the slider is disabled; focusing the play button is the way in.
    updateControls();
  }

  function updateControls() {
    if (!controls) return;
    const playing = !!(replay && replay.playing);
    controls.playText.textContent = playing ? texts.replayPause : texts.replayPlay;
    controls.play.classList.toggle('is-playing', playing);
    controls.play.setAttribute('aria-pressed', playing ? 'true' : 'false');
    const source = replay ? replay.data : replayCache;
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
    if (filter.goal || filter.kind) return normaliseReplay(await getJson(replayUrl(filter.goal, filter.kind)));
    // A replay up to a minute old is fine: its last frame hands over to the live figures anyway.
    if (!replayCache || Date.now() - replayCache.fetchedAt > 60000) {
      replayCache = normaliseReplay(await getJson(replayUrl('', '')));
      replayCache.fetchedAt = Date.now();
    }
    return replayCache;
  }

  async function ensureReplay() {
    if (replay) return true;
    if (!controls) return false;
    controls.play.setAttribute('aria-busy', 'true');
    controls.message.textContent = texts.replayLoading;
    try {
      const source = await replayData();
      replay = { data: source, frame: source.steps.length - 1, playing: false, timer: 0, filteredRefresh: filtered ? false : undefined };
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
    if (!loaded || !(await ensureReplay())) return;
    const last = replay.data.steps.length - 1;
    if (replay.frame >= last) replay.frame = 0;
    replay.playing = true;
    showFrame();
    const interval = Math.max(80, Math.round(10000 / Math.max(1, last)));
    clearInterval(replay.timer);
    replay.timer = setInterval(() => {
      if (!replay) return;
      if (replay.frame >= last) {
        stopReplay(true);
        return;
      }
      replay.frame += 1;
      showFrame();
    }, interval);
    updateControls();
  }

  function pause() {
    if (!replay) return;
    replay.playing = false;
    clearInterval(replay.timer);
    updateControls();
  }

  async function seek(frame) {
    if (!loaded) return;
    if (!replay && !(await ensureReplay())) return;
    pause();
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
    root.dataset.frame = String(replay.frame);
    for (const place of places.values()) renderPlace(place, false);
    renderLegend();
    scheduleLabels();
    updateControls();
  }

  /** Leaves the replay: back to the live figures (or the filter's newest ones). */
  function stopReplay(render) {
    if (!replay) return;
    const refresh = replay.filteredRefresh === true;
    clearInterval(replay.timer);
    replay = null;
    delete root.dataset.frame;
    setState('live');
    updateControls();
    if (render) renderAll();
    if (refresh) scheduleFilteredRefresh();
  }

  // ---------------------------------------------------------------- start

  async function start() {
    setState('loading');
    const canvas = findCanvas();
    if (!canvas.getAttribute('aria-label')) canvas.setAttribute('aria-label', texts.mapLabel);
    legend = findLegend(canvas);
    renderReplayControls();
    const status = element('p', 'map-status', texts.loading);
    status.setAttribute('role', 'status');
    canvas.append(status);

    let geojson;
    let districts = null;
    try {
      const districtsRequest = data.districtsUrl ? getJson(data.districtsUrl).catch((error) => {
        console.warn('Civic Contracting map: no districts layer', error);
        return null;
      }) : Promise.resolve(null);
      [geojson, districts] = await Promise.all([getJson(data.mapUrl || '/api/map'), districtsRequest]);
    } catch (error) {
      console.error('Civic Contracting map: the map could not be loaded', error);
      status.textContent = texts.loadError;
      status.classList.add('is-error');
      setState('error');
      return;
    }
    status.remove();

    const features = Array.isArray(geojson.features) ? geojson.features : [];
    per1000 = features.length > 0 && features.every((f) => f.properties && typeof f.properties.commitmentsPer1000Residents === 'number');
    createMap(canvas, geojson, districts);

    loaded = true;
    const early = window.civicLive && window.civicLive.latest ? [...window.civicLive.latest.values()] : [];
    for (const change of early) if (!pending.has(change.scope)) pending.set(change.scope, change);
    for (const place of places.values()) renderPlace(place, false);
    for (const change of pending.values()) onChange(change);
    pending.clear();
    updateEngagedNeighbourhoods();

    filter = readFilter();
    if (filter.goal || filter.kind) await applyFilter(false);
    else renderAll();
    setState('live');
    prefetchReplay();
  }

  /** Loads the unfiltered replay once the map is up, so the time slider can be used at once. */
  function prefetchReplay() {
    if (filter.goal || filter.kind || replayCache) return;
    getJson(replayUrl('', '')).then((result) => {
      if (!replayCache) replayCache = Object.assign(normaliseReplay(result), { fetchedAt: Date.now() });
      if (!replay) updateControls();
    }, (error) => console.warn('Civic Contracting map: the replay could not be loaded yet', error));
  }

  start();
})();
