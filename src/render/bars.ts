import { formatDay } from '#render/format.ts';
import { barClass, componentStatusLabels } from '#render/labels.ts';
import type { DayBar } from '#services/read/public-model.ts';
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
