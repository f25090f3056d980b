// The legend (.map-legend): the choropleth's classes, the ring's kind colours and sizes, the filter in use and the
// map data's credit lines.
import { KINDS, KIND_COLOURS, PALETTE } from './constants.js';
import { classLimits, maxParticipants } from './figures.js';
import { radius } from './glyphs.js';
import { state } from './state.js';
import { texts, count, decimalFormat, numberFormat } from './texts.js';
import { element, fill } from './util.js';

/** The section's .map-legend after the canvas (created when missing). */
export function findLegend(canvas) {
  let el = state.root.querySelector('.map-legend');
  if (!el) {
    el = element('div', 'map-legend');
    canvas.after(el);
  }
  el.hidden = false;
  return el;
}

function legendClasses() {
  const per1000 = state.per1000;
  const limits = classLimits();
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

export function renderLegend() {
  const legend = state.legend;
  if (!legend) return;
  legend.replaceChildren();

  const intensityBlock = element('div', 'map-legend__block');
  intensityBlock.append(element('h3', 'map-legend__title', state.per1000 ? texts.legendIntensityPer1000 : texts.legendIntensity));
  const classes = element('ul', 'map-legend__classes');
  const used = new Set([...state.places.values()].map((p) => p.cls));
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
  const attribution = state.attribution;
  if (attribution.length && !state.root.querySelector('.map-attribution')) {
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

/** The chosen goal and kind, as the filter form shows them ("" without a filter). */
function describeFilter() {
  const form = state.form;
  const parts = [];
  for (const name of ['goal', 'kind']) {
    const select = form && form.elements.namedItem(name);
    if (select && select.value && select.selectedOptions && select.selectedOptions[0]) {
      parts.push(select.selectedOptions[0].textContent.trim());
    }
  }
  return parts.join(' · ');
}
