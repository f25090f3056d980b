// The map's texts (Dutch defaults, overridden by the section's data-i18n JSON, see src/Web/Site/MapTexts.cs) and the
// number and date formats of the page's language.
import { parseJson } from './util.js';

export const DEFAULT_TEXTS = {
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

/** The texts in use: DEFAULT_TEXTS with the page's own (see loadTexts). */
export const texts = Object.assign({}, DEFAULT_TEXTS);

/** Takes the page's texts (the JSON of data-i18n; missing keys keep the Dutch default). */
export function loadTexts(json) {
  Object.assign(texts, parseJson(json));
}

export const lang = document.documentElement.lang || 'nl-BE';
export const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
export const decimalFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
export const percentFormat = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
export const timeFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
const plural = new Intl.PluralRules(lang);

/** "3 engagementen": a number with the singular or plural of texts[key + 'One' | 'Other']. */
export function count(n, key) {
  const form = plural.select(n) === 'one' ? 'One' : 'Other';
  return numberFormat.format(n) + ' ' + texts[key + form];
}
