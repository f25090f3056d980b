/*
 * Civic Contracting — "copy the embed code" (Pages/Shared/_EmbedCode.cshtml), an ES module.
 * Shows the copy button (hidden without JavaScript, where the read-only textarea's text is simply selected and copied)
 * and copies the textarea's snippet, saying so in the button's status (data-text-copied / data-text-failed).
 */
for (const box of document.querySelectorAll('[data-embed-code]')) {
  const area = box.querySelector('textarea');
  const button = box.querySelector('[data-embed-copy]');
  const status = box.querySelector('[data-embed-copy-status]');
  if (!area || !button) continue;
  button.hidden = false;
  area.addEventListener('focus', () => area.select());
  button.addEventListener('click', async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(area.value);
      copied = true;
    } catch {
      area.focus();
      area.select();
      try {
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
    }
    if (status) status.textContent = status.getAttribute(copied ? 'data-text-copied' : 'data-text-failed') || '';
  });
}
