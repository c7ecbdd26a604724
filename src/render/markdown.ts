import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { memoByText } from '#lib/memo.ts';

// Update bodies are Markdown written under pressure, sometimes pasted from elsewhere. They are
// rendered to HTML and then sanitised with an allow-list: no script, no style, no event handler,
// no iframe, only http(s) and mailto links.

const marked = new Marked({ gfm: true, breaks: true, async: false });

const allowList: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'b',
    'em',
    'i',
    'del',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    // Headings inside an update must not outrank the page's own.
    h1: 'h3',
    h2: 'h3',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
  },
  disallowedTagsMode: 'discard',
};

/**
 * Markdown to safe HTML.
 * @example markdownToHtml('**Fixed** <script>x</script>') // '<p><strong>Fixed</strong> </p>'
 */
export const markdownToHtml = memoByText(
  (markdown) => sanitizeHtml(marked.parse(markdown) as string, allowList).trim(),
  // Every change renders the open incidents' updates again: the same words, sanitised once.
  { limit: 1_000, maxLength: 20_000 },
);

/** Markdown to plain text, for feeds' titles and email subjects. */
export const markdownToText = memoByText(
  (markdown) =>
    sanitizeHtml(marked.parse(markdown) as string, { allowedTags: [], allowedAttributes: {} })
      .replace(/\s+/g, ' ')
      .trim(),
  { limit: 1_000, maxLength: 20_000 },
);
