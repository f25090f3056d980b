// Small helpers without map state: JSON, templates, HTML escaping, elements, fetching.

export function parseJson(text) {
  if (!text) return {};
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/** Replaces {key} in a text template with values[key] (unknown keys are left as they are). */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
}

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json, application/geo+json' }, credentials: 'same-origin' });
  if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
  return response.json();
}
