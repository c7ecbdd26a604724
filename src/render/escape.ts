// Escaping for the markup Candor writes by hand (feeds, badges, the embed page).

const markupEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe for HTML or XML content and for double- or single-quoted attribute values.
 * @example escapeMarkup(`<a href="x">Tom's</a>`) // '&lt;a href=&quot;x&quot;&gt;Tom&#39;s&lt;/a&gt;'
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => markupEscapes[char] ?? char);
}

/** Everything but XML 1.0's `Char` production; with `u`, a lone surrogate is one code point. */
const notXmlChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Removes what XML 1.0 cannot carry at all (C0 controls but tab and newlines, U+FFFE/U+FFFF, lone
 * surrogates): one such character in a title would make a whole feed or SVG unreadable.
 */
export function xmlSafe(text: string): string {
  return text.replace(notXmlChar, '');
}
