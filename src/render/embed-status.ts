import type { PublicStatus } from '#services/read/public-model.ts';
import { indicatorTone, type Tone } from './labels.ts';

// The one-line status page for an <iframe> on someone else's site (/embed/status): a dot and a
// few words, linking to the status page. Self-contained: inline CSS, no script, no images.

import { escapeMarkup } from './escape.ts';

export const embedThemes = ['light', 'dark', 'auto'] as const;
export type EmbedTheme = (typeof embedThemes)[number];

const darkColours =
  'color-scheme:dark;--bg:#171a21;--text:#e8eaee;--focus:#9bb8ff;--ok:#4cc38a;--maintenance:#7aa7ff;--minor:#f0b94b;--major:#ff9a57;--critical:#ff7a70';

/**
 * The page's whole style sheet. A constant, so the response's Content-Security-Policy can allow
 * exactly it by hash. Text is #16181d on #fff (17:1) and #e8eaee on #171a21 (14:1).
 */
export const embedStatusCss = [
  ':root{color-scheme:light;--bg:#fff;--text:#16181d;--focus:#1d4ed8;--ok:#13795b;--maintenance:#2456b8;--minor:#9a6700;--major:#b34700;--critical:#b3261e}',
  `:root.dark{${darkColours}}`,
  `@media (prefers-color-scheme:dark){:root.auto{${darkColours}}}`,
  'html,body,section{height:100%;margin:0}',
  'section{display:flex;align-items:center;min-width:0}',
  'body{background:var(--bg);color:var(--text);font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
  'a{display:flex;align-items:center;gap:8px;min-width:0;max-width:100%;box-sizing:border-box;padding:4px 8px;color:inherit;text-decoration:none;border-radius:4px}',
  'a:hover .text{text-decoration:underline}',
  'a:focus-visible{outline:2px solid var(--focus);outline-offset:-2px}',
  '.dot{flex:none;width:10px;height:10px;border-radius:50%;background:var(--tone)}',
  '.text{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
  '.hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
  ...(['ok', 'maintenance', 'minor', 'major', 'critical'] satisfies Tone[]).map(
    (tone) => `.tone-${tone}{--tone:var(--${tone})}`,
  ),
].join('\n');

interface Line {
  /** What the line says. */
  text: string;
  /** Said before it to readers only, when the words alone do not tell the status. */
  prefix: string;
  href: string;
  tone: Tone;
}

/** What the line shows: the newest unresolved incident, else a running maintenance, else all. */
function lineFor(status: PublicStatus): Line {
  const { page, overall } = status;
  const tone = indicatorTone[overall.indicator];
  const incident = status.unresolvedIncidents[0];
  if (incident) {
    return {
      text: incident.title,
      prefix: `${overall.description}: `,
      href: `${page.url}/incidents/${encodeURIComponent(incident.id)}`,
      tone,
    };
  }
  const maintenance = status.openMaintenances.find(
    (m) => m.status === 'in_progress' || m.status === 'verifying',
  );
  if (maintenance) {
    return {
      text: maintenance.title,
      prefix: 'Maintenance in progress: ',
      href: `${page.url}/maintenance/${encodeURIComponent(maintenance.id)}`,
      tone: 'maintenance',
    };
  }
  return { text: overall.description, prefix: '', href: `${page.url}/`, tone };
}

/** The whole HTML document of /embed/status for one public status snapshot and theme. */
export function renderEmbedStatus(status: PublicStatus, theme: EmbedTheme): string {
  const line = lineFor(status);
  const scheme = theme === 'auto' ? 'light dark' : theme;
  const title = `${status.page.name} status`;
  const label = `${line.prefix}${line.text}`;
  return [
    '<!doctype html>',
    `<html lang="en" class="${theme}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="color-scheme" content="${scheme}">`,
    `<title>${escapeMarkup(title)}</title>`,
    `<style>${embedStatusCss}</style>`,
    '</head>',
    '<body>',
    // A labelled region, not a second <main> in the page that frames it.
    `<section aria-label="${escapeMarkup(title)}">`,
    `<a class="tone-${line.tone}" href="${escapeMarkup(line.href)}" target="_blank" rel="noopener" title="${escapeMarkup(label)}">` +
      '<span class="dot" aria-hidden="true"></span>' +
      (line.prefix ? `<span class="hidden">${escapeMarkup(line.prefix)}</span>` : '') +
      `<span class="text">${escapeMarkup(line.text)}</span></a>`,
    '</section>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
