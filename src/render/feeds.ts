// The incident history feeds, shaped as Atlassian Statuspage writes them (statuspage-api.md §4):
// one entry per incident or maintenance, the 25 most recent by their latest update, each holding
// every public update newest first as `<p><small>date</small><br><strong>Label</strong> - body</p>`.
//
// RSS 2.0 comes from the `rss` package. Atom is written here, not with `feed`: `feed` 6 (through
// xml-js) escapes only the first `]]>` of a CDATA section, so a title holding two of them breaks
// out of the CDATA and into the document; it also un-escapes `&amp;` in text, types every entry
// title as HTML, writes milliseconds and has no `type` on links. The Atom document is small, and
// every string in it goes through `xmlText` below.

import RSS from 'rss';
import type {
  PageInfo,
  PublicComponent,
  PublicIncident,
  PublicMaintenance,
  PublicUpdate,
} from '#services/read/public-model.ts';
import { escapeMarkup, xmlSafe } from './escape.ts';
import { incidentStatusLabels, maintenanceStatusLabels } from './labels.ts';
import { markdownToHtml } from './markdown.ts';

/** Entries per feed, as on Statuspage. */
export const feedLimit = 25;

export type FeedEvent = PublicIncident | PublicMaintenance;

/** What one feed shows: the site's history, or one component's. */
export interface HistoryFeed {
  page: PageInfo;
  incidents: readonly PublicIncident[];
  maintenances: readonly PublicMaintenance[];
  /** Set for a component's own feed. */
  component?: Pick<PublicComponent, 'id' | 'name'>;
  /** The employees' feed: every incident, links to the internal pages. Never a public output. */
  internal?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Entries and their HTML
// ---------------------------------------------------------------------------------------------

/**
 * Where an event sits in the feed: its latest public update; an upcoming maintenance at the start
 * of its window (so it sorts first). The `<published>` / `<pubDate>` of its entry.
 */
export function eventDate(event: FeedEvent): Date {
  if (event.kind === 'maintenance' && event.status === 'scheduled') return event.scheduledFor;
  const latest = latestUpdate(event.updates);
  if (latest) return latest;
  return event.kind === 'incident' ? event.startedAt : (event.startedAt ?? event.scheduledFor);
}

function latestUpdate(updates: readonly PublicUpdate<string>[]): Date | null {
  let max: Date | null = null;
  for (const update of updates) {
    if (!max || update.displayAt.getTime() > max.getTime()) max = update.displayAt;
  }
  return max;
}

/**
 * When an entry last changed, from public updates only: the incident's own `updatedAt` also moves
 * when an internal note is added, and a feed must not tell when that happened.
 */
function entryUpdated(event: FeedEvent): Date {
  let max: Date | null = null;
  for (const update of event.updates) {
    for (const date of [update.displayAt, update.updatedAt]) {
      if (!max || date.getTime() > max.getTime()) max = date;
    }
  }
  if (event.kind === 'incident' && event.postmortem) {
    const at = event.postmortem.updatedAt;
    if (!max || at.getTime() > max.getTime()) max = at;
  }
  return max ?? eventDate(event);
}

/** The events of a feed: the 25 most recent by `eventDate`, newest first; ties by id. */
export function feedEvents(feed: Pick<HistoryFeed, 'incidents' | 'maintenances'>): FeedEvent[] {
  return [...feed.incidents, ...feed.maintenances]
    .sort(
      (a, b) =>
        eventDate(b).getTime() - eventDate(a).getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    .slice(0, feedLimit);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, {
      timeZone,
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(key, found);
  }
  return found;
}

function parts(date: Date, locale: string, timeZone: string) {
  const list = formatter(locale, timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    list.find((p) => p.type === type)?.value ?? '';
  return {
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    zone: part('timeZoneName'),
  };
}

/**
 * The zone's abbreviation at `date`: en-US knows the US names (PST, EDT) and UTC, en-GB the
 * European ones (CET, BST); elsewhere Intl has only the offset (GMT+9).
 */
export function zoneAbbreviation(date: Date, timeZone: string): string {
  const us = parts(date, 'en-US', timeZone).zone;
  if (!/^GMT[+-]/.test(us)) return us;
  const gb = parts(date, 'en-GB', timeZone).zone;
  return /^GMT[+-]/.test(gb) ? us : gb;
}

/**
 * Statuspage's date in a feed: `Aug <var data-var='date'> 1</var>, <var data-var='time'>00:37</var> UTC`
 * (day padded with a space to two characters, 24 h clock, the page's zone).
 */
export function feedDate(date: Date, timeZone: string): string {
  const p = parts(date, 'en-US', timeZone);
  return `${p.month} <var data-var='date'>${p.day.padStart(2, ' ')}</var>, <var data-var='time'>${p.hour}:${p.minute}</var> ${escapeMarkup(zoneAbbreviation(date, timeZone))}`;
}

function statusLabel(event: FeedEvent, status: string): string {
  if (event.kind === 'incident') {
    return incidentStatusLabels[status as PublicIncident['status']] ?? status;
  }
  return maintenanceStatusLabels[status as PublicMaintenance['status']] ?? status;
}

/** One update's paragraph. The body's first Markdown paragraph joins the label's, as on Statuspage. */
function updateHtml(
  label: string,
  update: Pick<PublicUpdate<string>, 'body' | 'displayAt'>,
  timeZone: string,
): string {
  const head = `<p><small>${feedDate(update.displayAt, timeZone)}</small><br><strong>${escapeMarkup(label)}</strong> - `;
  const body = markdownToHtml(update.body);
  // The sanitiser writes `<p>` without attributes and never nests paragraphs, so the first
  // `</p>` closes the first one: the rest (lists, more paragraphs) follows as its own blocks.
  if (body.startsWith('<p>')) {
    const end = body.indexOf('</p>');
    if (end !== -1) return `${head}${body.slice(3, end)}</p>${body.slice(end + 4)}`;
  }
  return `${head}</p>${body}`;
}

/** The HTML of one entry: the scheduled window of an upcoming maintenance, then every update. */
export function entryHtml(event: FeedEvent, timeZone: string): string {
  const html: string[] = [];
  if (event.kind === 'maintenance' && event.status === 'scheduled') {
    html.push(
      `<p><strong>THIS IS A SCHEDULED EVENT ${feedDate(event.scheduledFor, timeZone)} &nbsp;-&nbsp; ${feedDate(event.scheduledUntil, timeZone)}</strong></p>`,
    );
  }
  // A published postmortem comes first, as the newest word on the incident.
  if (event.kind === 'incident' && event.postmortem) {
    const { body, publishedAt } = event.postmortem;
    html.push(updateHtml('Postmortem', { body, displayAt: publishedAt }, timeZone));
  }
  // Newest first; an update that kept the status of the one before it is labelled `Update`.
  event.updates.forEach((update, index) => {
    const previous = event.updates[index + 1];
    const label =
      previous && previous.status === update.status ? 'Update' : statusLabel(event, update.status);
    html.push(updateHtml(label, update, timeZone));
  });
  return html.join('');
}

// ---------------------------------------------------------------------------------------------
// Links and ids
// ---------------------------------------------------------------------------------------------

function eventLink(page: PageInfo, event: FeedEvent, internal = false): string {
  const path =
    event.kind === 'incident' ? (internal ? 'internal/incidents' : 'incidents') : 'maintenance';
  return `${page.url}/${path}/${encodeURIComponent(event.id)}`;
}

/** The path of a feed's page under the site URL: '' for the whole site, or the component's. */
function basePath(feed: HistoryFeed): string {
  if (feed.internal) return '/internal';
  return feed.component ? `/components/${encodeURIComponent(feed.component.id)}` : '';
}

/** A tag URI (RFC 4151) under the site's host: stable as long as the site URL is. */
function tagUri(page: PageInfo, specific: string): string {
  const url = new URL(page.url);
  return `tag:${url.hostname},2005:${specific}`;
}

function feedTitle(feed: HistoryFeed): string {
  if (feed.internal) return `${feed.page.name} Status - Internal Incident History`;
  return feed.component
    ? `${feed.page.name} Status - ${feed.component.name} Incident History`
    : `${feed.page.name} Status - Incident History`;
}

// ---------------------------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------------------------

/**
 * Text for XML content and double-quoted attribute values. `'` stays as it is (every attribute
 * here is double-quoted), as in Statuspage's Atom: `<var data-var='date'>`.
 */
function xmlText(text: string): string {
  return xmlSafe(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** RFC 3339 in UTC without milliseconds, as Statuspage's Atom feed writes times. */
function atomTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The history as RSS 2.0 (through the `rss` package); `<guid>` is the entry's link.
 * @example historyRss({ page, incidents, maintenances }) // '<?xml version="1.0" …<rss version="2.0" …'
 */
export function historyRss(feed: HistoryFeed): string {
  const { page } = feed;
  const site = `${page.url}${basePath(feed)}`;
  const title = xmlSafe(feedTitle(feed));
  const rss = new RSS({
    title,
    description: title,
    site_url: site,
    feed_url: `${site}/history.rss`,
    generator: 'Candor',
    pubDate: page.updatedAt,
  });
  for (const event of feedEvents(feed)) {
    rss.item({
      title: xmlSafe(event.title),
      description: xmlSafe(entryHtml(event, page.timeZone)),
      // No `guid`: the package then writes the link as a permalink guid.
      url: eventLink(page, event, feed.internal),
      date: eventDate(event),
    });
  }
  // The package stamps <lastBuildDate> with the wall clock; the feed says when its content last
  // changed instead, so the same snapshot always renders the same bytes. The channel's title and
  // description before it are CDATA of the page name, and the first match is the element.
  return rss
    .xml({ indent: '  ' })
    .replace(
      /<lastBuildDate>[^<]*<\/lastBuildDate>/,
      `<lastBuildDate>${page.updatedAt.toUTCString()}</lastBuildDate>`,
    );
}

/**
 * The history as Atom (RFC 4287). Entry ids are `tag:{host},2005:Incident/{id}` or
 * `…:Maintenance/{id}`, as Statuspage's are.
 */
export function historyAtom(feed: HistoryFeed): string {
  const { page } = feed;
  const base = basePath(feed);
  const site = `${page.url}${base}`;
  const sitePath = new URL(page.url).pathname.replace(/\/+$/, '');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xml:lang="en-US" xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(tagUri(page, `${sitePath}${base}/history`))}</id>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(site)}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(`${site}/history.atom`)}"/>`,
    `  <title>${xmlText(feedTitle(feed))}</title>`,
    `  <updated>${atomTime(page.updatedAt)}</updated>`,
    '  <author>',
    `    <name>${xmlText(page.name)}</name>`,
    '  </author>',
  ];
  for (const event of feedEvents(feed)) {
    const kind = event.kind === 'incident' ? 'Incident' : 'Maintenance';
    lines.push(
      '  <entry>',
      `    <id>${xmlText(tagUri(page, `${kind}/${event.id}`))}</id>`,
      `    <published>${atomTime(eventDate(event))}</published>`,
      `    <updated>${atomTime(entryUpdated(event))}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(eventLink(page, event, feed.internal))}"/>`,
      `    <title>${xmlText(event.title)}</title>`,
      `    <content type="html">${xmlText(entryHtml(event, page.timeZone))}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
