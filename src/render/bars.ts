import { formatDay } from '#render/format.ts';
import { barClass, componentStatusLabels } from '#render/labels.ts';
import type { ComponentUptime, DayBar } from '#services/read/public-model.ts';
import { escapeMarkup } from './escape.ts';

/** A day's words: "Sep 3: Partial outage, 2 incidents". */
export function describeDay(bar: DayBar): string {
  const status = bar.worst ? componentStatusLabels[bar.worst] : 'No data';
  const count = bar.incidentIds.length;
  return `${formatDay(bar.day)}: ${status}${count ? `, ${count} incident${count > 1 ? 's' : ''}` : ''}`;
}

/**
 * The markup of daily bars, written as one string: a large page has 2,000 of them, and a
 * template's work per element would be most of its render. Every bar carries its words as a
 * title (a tooltip); days with a problem or an incident are links, whose title is their
 * accessible name, so one copy of the words serves mouse, keyboard and screen reader alike:
 * to that day on the component's page (`href`), or for a group (null) to the day's newest
 * incident. Quiet days stay plain elements, to keep the page light.
 */
export function barsMarkup(days: readonly DayBar[], href: string | null): string {
  let markup = '';
  for (const bar of days) {
    const className = barClass[bar.worst ?? 'none'];
    const title = escapeMarkup(describeDay(bar));
    const eventful =
      bar.incidentIds.length > 0 || (bar.worst !== null && bar.worst !== 'operational');
    const newest = bar.incidentIds[0];
    const link = !eventful
      ? null
      : href !== null
        ? `${href}?day=${bar.day}#day`
        : newest
          ? `/incidents/${newest}`
          : null;
    markup += link
      ? `<a class="${className}" href="${escapeMarkup(link)}" title="${title}"></a>`
      : `<i class="${className}" title="${title}"></i>`;
  }
  return markup;
}

const pastMarkup = new WeakMap<readonly DayBar[], Map<string | null, string>>();

/**
 * The markup of a component's or group's 90 days: the days before today written once for as
 * long as they stay the same array (see ComponentUptime.past), today on every call.
 */
export function uptimeBarsMarkup(uptime: ComponentUptime, href: string | null): string {
  let byHref = pastMarkup.get(uptime.past);
  if (!byHref) {
    byHref = new Map();
    pastMarkup.set(uptime.past, byHref);
  }
  let past = byHref.get(href);
  if (past === undefined) {
    past = barsMarkup(uptime.past, href);
    byHref.set(href, past);
  }
  return past + barsMarkup(uptime.days.slice(uptime.past.length), href);
}
