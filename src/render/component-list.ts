// The front page's list of components, written as strings: at 500 components the list is most
// of a 316 KB page, and a template's work per element was most of its render (11 of 19 ms).
// Everything written here is escaped; StatusLabel.astro and the component page use the same
// writers, so the markup has one source.

import { formatUptime } from '#domain/uptime.ts';
import type { ComponentUptime, PublicComponent, PublicGroup } from '#services/read/public-model.ts';
import { uptimeBarsMarkup } from './bars.ts';
import { escapeMarkup } from './escape.ts';
import { componentStatusLabels, componentTone, type Tone, toneSymbol } from './labels.ts';

/**
 * The symbols as character references: a page of 500 rows written only in Latin-1 stays a
 * one-byte string in V8, half the memory, and its UTF-8 is a copy (measured: `/` at 500
 * components rendered in 14 ms instead of 20).
 */
const symbolReference = Object.fromEntries(
  Object.entries(toneSymbol).map(([tone, symbol]) => [tone, `&#${symbol.codePointAt(0)};`]),
) as Record<Tone, string>;

/** A status in words with its symbol: colour is never the only signal. */
export function statusLabelMarkup(tone: Tone, label: string): string {
  return `<span class="status tone-${tone}"><span aria-hidden="true">${symbolReference[tone]}</span>${escapeMarkup(label)}</span>`;
}

const componentStatusMarkup = (status: PublicComponent['status']) =>
  statusLabelMarkup(componentTone[status], componentStatusLabels[status]);

/** 90 daily bars and the uptime over them. `href`: the component's page; null for a group. */
export function uptimeMarkup(uptime: ComponentUptime, href: string | null, name: string): string {
  const days = uptime.days.length;
  return (
    `<div class="uptime"><div class="bars" role="group" aria-label="${escapeMarkup(`${name}, last ${days} days`)}">` +
    `${uptimeBarsMarkup(uptime, href)}</div>` +
    `<p class="uptime-legend"><span>${days} days ago</span><span>${escapeMarkup(formatUptime(uptime.uptime90))} uptime</span><span>Today</span></p></div>`
  );
}

const description = (text: string | null) =>
  text ? `<span class="description">${escapeMarkup(text)}</span>` : '';

/** One component: its name (a link to its page), status, and its bars when given. */
function componentRowMarkup(component: PublicComponent, uptime: ComponentUptime | undefined) {
  const href = `/components/${component.id}`;
  const bars = component.showcase && uptime ? uptimeMarkup(uptime, href, component.name) : '';
  return (
    `<li><div class="row"><span><a class="plain" href="${escapeMarkup(href)}">${escapeMarkup(component.name)}</a>` +
    `${description(component.description)}</span>${componentStatusMarkup(component.status)}</div>${bars}</li>`
  );
}

/**
 * A group's card. With `groupBars` (a large page), one row of bars for the whole group above a
 * folded list of its components, open when one of them has a problem; otherwise each component
 * with its own bars.
 */
export function groupCardMarkup(
  group: PublicGroup,
  members: readonly PublicComponent[],
  uptimeOf: (id: string) => ComponentUptime | undefined,
  groupBars: boolean,
): string {
  const head =
    `<div class="row group-head"><span>${escapeMarkup(group.name)}${description(group.description)}</span>` +
    `${componentStatusMarkup(group.status)}</div>`;
  const list = `<ul class="rows" aria-label="${escapeMarkup(`${group.name} components`)}">`;
  if (!groupBars) {
    const rows = members.map((c) => componentRowMarkup(c, uptimeOf(c.id))).join('');
    return `<li class="card group">${head}${list}${rows}</ul></li>`;
  }
  const bars = members.some((c) => c.showcase) ? uptimeOf(group.id) : undefined;
  const open = members.some((c) => c.status !== 'operational') ? ' open' : '';
  const count = `${members.length} ${members.length === 1 ? 'component' : 'components'}`;
  const rows = members.map((c) => componentRowMarkup(c, undefined)).join('');
  return (
    `<li class="card group">${head}${bars ? uptimeMarkup(bars, null, group.name) : ''}` +
    `<details class="members"${open}><summary>${count}</summary>${list}${rows}</ul></details></li>`
  );
}

/** A component outside any group: a card of its own. */
export function componentCardMarkup(
  component: PublicComponent,
  uptime: ComponentUptime | undefined,
) {
  return `<li class="card group"><ul class="rows top">${componentRowMarkup(component, uptime)}</ul></li>`;
}
