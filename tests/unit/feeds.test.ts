// The history feed renderer, from hand-made public read-model objects. Expected strings are
// written out from Statuspage's feeds (statuspage-api.md §4), not computed with the code's helpers.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IncidentStatus, MaintenanceStatus } from '#domain/enums.ts';
import { entryHtml, feedDate, historyAtom, historyRss } from '#render/feeds.ts';
import type {
  PageInfo,
  PublicIncident,
  PublicMaintenance,
  PublicUpdate,
} from '#services/read/public-model.ts';

const SITE = 'https://status.example.test';

function page(overrides: Partial<PageInfo> = {}): PageInfo {
  return {
    id: 'page00000001',
    name: 'Example',
    description: null,
    url: SITE,
    timeZone: 'Etc/UTC',
    supportUrl: null,
    brandColor: '#0055aa',
    logo: null,
    updatedAt: new Date('2026-11-20T12:00:00.500Z'),
    ...overrides,
  };
}

type UpdateSpec<S> = [status: S, body: string, at: string];

/** Updates given oldest first (as they happen); the model holds them newest first. */
function updates<S>(specs: UpdateSpec<S>[]): PublicUpdate<S>[] {
  return specs
    .map(([status, body, at], index) => ({
      id: `upd${index}`,
      status,
      body,
      displayAt: new Date(at),
      createdAt: new Date(at),
      updatedAt: new Date(at),
      notified: false,
      componentChanges: [],
      editedAt: null,
    }))
    .reverse();
}

function incident(
  id: string,
  title: string,
  specs: UpdateSpec<IncidentStatus>[],
  overrides: Partial<PublicIncident> = {},
): PublicIncident {
  const list = updates(specs);
  const first = new Date(specs[0]?.[2] ?? '2026-11-01T00:00:00Z');
  return {
    kind: 'incident',
    id,
    title,
    status: list[0]?.status ?? 'investigating',
    impact: 'minor',
    startedAt: first,
    createdAt: first,
    updatedAt: list[0]?.updatedAt ?? first,
    monitoringAt: null,
    resolvedAt: null,
    nextUpdateAt: null,
    postmortem: null,
    updates: list,
    componentIds: [],
    ...overrides,
  };
}

function maintenance(
  id: string,
  title: string,
  window: [string, string],
  specs: UpdateSpec<MaintenanceStatus>[],
): PublicMaintenance {
  const list = updates(specs);
  const first = new Date(specs[0]?.[2] ?? window[0]);
  return {
    kind: 'maintenance',
    id,
    title,
    status: list[0]?.status ?? 'scheduled',
    scheduledFor: new Date(window[0]),
    scheduledUntil: new Date(window[1]),
    startedAt: null,
    verifyingAt: null,
    completedAt: null,
    createdAt: first,
    updatedAt: list[0]?.updatedAt ?? first,
    updates: list,
    componentIds: [],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed XML is walked loosely
type Node = any;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: false,
  isArray: (_name, path) =>
    ['rss.channel.item', 'feed.entry', 'feed.link', 'feed.entry.link'].includes(String(path)),
});

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

const text = (node: Node): string => (typeof node === 'string' ? node : (node?.['#text'] ?? ''));

function rssItems(xml: string): { title: string; description: string; pubDate: string }[] {
  return (parse(xml).rss.channel.item ?? []).map((item: Node) => ({
    title: text(item.title),
    description: text(item.description),
    pubDate: text(item.pubDate),
  }));
}

function atomEntries(xml: string): Node[] {
  return parse(xml).feed.entry ?? [];
}

/** `<p>` paragraphs of an entry's HTML, split where Statuspage's template begins one. */
const paragraphs = (html: string) => html.split(/(?=<p>)/).filter(Boolean);
const labels = (html: string) =>
  [...html.matchAll(/<strong>([^<]+)<\/strong> - /g)].map((m) => m[1]);

afterEach(() => {
  vi.useRealTimers();
});

describe('entry HTML', () => {
  it('writes one paragraph per update, newest first, in Statuspage’s exact template', () => {
    const html = entryHtml(
      incident('inc1', 'Errors', [
        ['investigating', 'Looking into it.', '2026-11-03T09:05:00Z'],
        ['resolved', 'All good.', '2026-11-21T23:59:30Z'],
      ]),
      'Etc/UTC',
    );
    expect(paragraphs(html)).toEqual([
      "<p><small>Nov <var data-var='date'>21</var>, <var data-var='time'>23:59</var> UTC</small><br><strong>Resolved</strong> - All good.</p>",
      "<p><small>Nov <var data-var='date'> 3</var>, <var data-var='time'>09:05</var> UTC</small><br><strong>Investigating</strong> - Looking into it.</p>",
    ]);
  });

  it('labels an update that kept the previous status `Update`, and a change by its status', () => {
    const html = entryHtml(
      incident('inc1', 'Errors', [
        ['investigating', 'one', '2026-11-03T09:00:00Z'],
        ['investigating', 'two', '2026-11-03T09:10:00Z'],
        ['identified', 'three', '2026-11-03T09:20:00Z'],
        ['identified', 'four', '2026-11-03T09:30:00Z'],
        ['monitoring', 'five', '2026-11-03T09:40:00Z'],
        ['resolved', 'six', '2026-11-03T09:50:00Z'],
        ['resolved', 'seven', '2026-11-03T10:00:00Z'],
      ]),
      'Etc/UTC',
    );
    expect(labels(html)).toEqual([
      'Update',
      'Resolved',
      'Monitoring',
      'Update',
      'Identified',
      'Update',
      'Investigating',
    ]);
  });

  it('labels maintenance updates Scheduled, In progress, Verifying, Completed', () => {
    const html = entryHtml(
      maintenance(
        'mnt1',
        'DB upgrade',
        ['2026-11-10T02:00:00Z', '2026-11-10T04:00:00Z'],
        [
          ['scheduled', 'planned', '2026-11-01T10:00:00Z'],
          ['scheduled', 'reminder', '2026-11-09T10:00:00Z'],
          ['in_progress', 'started', '2026-11-10T02:00:00Z'],
          ['verifying', 'checking', '2026-11-10T03:00:00Z'],
          ['completed', 'done', '2026-11-10T03:30:00Z'],
        ],
      ),
      'Etc/UTC',
    );
    expect(labels(html)).toEqual(['Completed', 'Verifying', 'In progress', 'Update', 'Scheduled']);
    expect(html).not.toContain('THIS IS A SCHEDULED EVENT');
  });

  it('opens an upcoming maintenance with the scheduled-event paragraph', () => {
    const html = entryHtml(
      maintenance(
        'mnt1',
        'Codespaces maintenance',
        ['2026-04-21T16:30:00Z', '2026-04-22T16:30:00Z'],
        [['scheduled', 'We will upgrade.', '2026-04-17T15:30:00Z']],
      ),
      'Etc/UTC',
    );
    expect(paragraphs(html)).toEqual([
      "<p><strong>THIS IS A SCHEDULED EVENT Apr <var data-var='date'>21</var>, <var data-var='time'>16:30</var> UTC &nbsp;-&nbsp; Apr <var data-var='date'>22</var>, <var data-var='time'>16:30</var> UTC</strong></p>",
      "<p><small>Apr <var data-var='date'>17</var>, <var data-var='time'>15:30</var> UTC</small><br><strong>Scheduled</strong> - We will upgrade.</p>",
    ]);
  });

  it('renders bodies from Markdown: the first paragraph joins the label, the rest follows', () => {
    const html = entryHtml(
      incident('inc1', 'Errors', [
        ['identified', '**Cause** found\nin the cache.\n\n- API\n- Web', '2026-11-03T09:00:00Z'],
      ]),
      'Etc/UTC',
    );
    expect(html).toMatch(
      /<strong>Identified<\/strong> - <strong>Cause<\/strong> found<br \/>\s*in the cache\.<\/p>\s*<ul>\s*<li>API<\/li>\s*<li>Web<\/li>\s*<\/ul>$/,
    );
    const list = entryHtml(
      incident('inc2', 'Errors', [['identified', '- only a list', '2026-11-03T09:00:00Z']]),
      'Etc/UTC',
    );
    expect(list).toMatch(/<strong>Identified<\/strong> - <\/p>\s*<ul>\s*<li>only a list<\/li>/);
  });
});

describe('dates in the page’s time zone', () => {
  it.each([
    ['2026-11-20T00:37:00Z', 'Etc/UTC', 'Nov', '20', '00:37', 'UTC'],
    ['2026-08-01T09:09:59Z', 'Etc/UTC', 'Aug', ' 1', '09:09', 'UTC'],
    // Winter and summer time, and a UTC morning that is still the previous evening in LA.
    ['2026-01-05T17:07:00Z', 'America/Los_Angeles', 'Jan', ' 5', '09:07', 'PST'],
    ['2026-07-04T03:30:00Z', 'America/Los_Angeles', 'Jul', ' 3', '20:30', 'PDT'],
    ['2026-01-15T12:00:00Z', 'Europe/Berlin', 'Jan', '15', '13:00', 'CET'],
    ['2026-07-15T12:00:00Z', 'Europe/Berlin', 'Jul', '15', '14:00', 'CEST'],
    ['2026-09-15T12:00:00Z', 'Asia/Tokyo', 'Sep', '15', '21:00', 'GMT+9'],
  ])('%s in %s', (iso, zone, month, day, time, abbreviation) => {
    expect(feedDate(new Date(iso), zone)).toBe(
      `${month} <var data-var='date'>${day}</var>, <var data-var='time'>${time}</var> ${abbreviation}`,
    );
  });

  it('writes update times of a Los Angeles page in Pacific time', () => {
    const html = entryHtml(
      incident('inc1', 'Errors', [['investigating', 'x', '2026-01-05T17:07:00Z']]),
      'America/Los_Angeles',
    );
    expect(html).toContain(
      "<small>Jan <var data-var='date'> 5</var>, <var data-var='time'>09:07</var> PST</small>",
    );
  });
});

describe('untrusted text', () => {
  const payload =
    'Fixed <script>alert("body")</script><img src=x onerror=alert(1)> [x](javascript:alert(2)) <iframe src="https://evil.example"></iframe>';
  const title = 'Outage ]]> and ]]> again </title><script>alert("title")</script> & <b>bold</b>';
  const bodyFeed = {
    page: page(),
    incidents: [incident('inc1', 'Outage', [['investigating', payload, '2026-11-03T09:00:00Z']])],
    maintenances: [],
  };
  const feed = {
    page: page(),
    incidents: [incident('inc1', title, [['investigating', 'x', '2026-11-03T09:00:00Z']])],
    maintenances: [],
  };

  it.each([
    ['RSS', () => historyRss(bodyFeed), (xml: string) => rssItems(xml)[0]?.description ?? ''],
    ['Atom', () => historyAtom(bodyFeed), (xml: string) => text(atomEntries(xml)[0]?.content)],
  ])('keeps a hostile body out of the %s feed as markup', (_name, render, html) => {
    const xml = render();
    const decoded = html(xml);
    expect(decoded).toContain('Fixed');
    for (const forbidden of [/<script/i, /onerror/i, /javascript:/i, /<iframe/i, /<img/i]) {
      expect(decoded).not.toMatch(forbidden);
      // Nor anywhere in the document, escaped or not.
      expect(xml.replace(/&lt;/g, '<')).not.toMatch(forbidden);
    }
  });

  it('keeps a hostile title as plain text in both feeds, the XML intact', () => {
    expect(rssItems(historyRss(feed))[0]?.title).toBe(title);
    expect(text(atomEntries(historyAtom(feed))[0]?.title)).toBe(title);
    expect(historyAtom(feed)).not.toContain('<script>');
  });

  it('drops characters XML cannot carry instead of breaking the feed', () => {
    const broken = {
      page: page({ name: 'Ex\u0001ample' }),
      incidents: [
        incident('inc1', 'Bad\u0000 \u0008title\uFFFF \uD800x \u{1F525}', [
          ['investigating', 'body\u001B here', '2026-11-03T09:00:00Z'],
        ]),
      ],
      maintenances: [],
    };
    const rss = historyRss(broken);
    const atom = historyAtom(broken);
    expect(rssItems(rss)[0]?.title).toBe('Bad title x \u{1F525}');
    expect(text(atomEntries(atom)[0]?.title)).toBe('Bad title x \u{1F525}');
    expect(text(parse(atom).feed.title)).toBe('Example Status - Incident History');
    expect(rssItems(rss)[0]?.description).toContain('body here');
  });
});

describe('entries', () => {
  const upcoming = maintenance(
    'mntup',
    'Upcoming window',
    ['2026-12-01T02:00:00Z', '2026-12-01T03:00:00Z'],
    [['scheduled', 'soon', '2026-11-02T00:00:00Z']],
  );
  const done = maintenance(
    'mntdone',
    'Finished window',
    ['2026-11-05T02:00:00Z', '2026-11-05T03:00:00Z'],
    [
      ['scheduled', 'planned', '2026-10-20T00:00:00Z'],
      ['in_progress', 'go', '2026-11-05T02:00:00Z'],
      ['completed', 'done', '2026-11-05T02:45:10Z'],
    ],
  );
  // Started first but updated last: the latest update orders entries, not the start.
  const old = incident('incold', 'Old but updated', [
    ['investigating', 'a', '2026-10-01T00:00:00Z'],
    ['resolved', 'b', '2026-11-10T08:00:00.900Z'],
  ]);
  const recent = incident('increcent', 'Recent', [['investigating', 'c', '2026-11-08T00:00:00Z']]);
  const feed = { page: page(), incidents: [recent, old], maintenances: [done, upcoming] };

  it('orders items by their latest update, an upcoming maintenance first, with that date', () => {
    const items = rssItems(historyRss(feed));
    expect(items.map((item) => item.title)).toEqual([
      'Upcoming window',
      'Old but updated',
      'Recent',
      'Finished window',
    ]);
    expect(items.map((item) => new Date(item.pubDate).toISOString())).toEqual([
      '2026-12-01T02:00:00.000Z',
      '2026-11-10T08:00:00.000Z',
      '2026-11-08T00:00:00.000Z',
      '2026-11-05T02:45:10.000Z',
    ]);
    const entries = atomEntries(historyAtom(feed));
    expect(entries.map((entry) => text(entry.title))).toEqual(items.map((item) => item.title));
    expect(entries.map((entry) => text(entry.published))).toEqual([
      '2026-12-01T02:00:00Z',
      '2026-11-10T08:00:00Z',
      '2026-11-08T00:00:00Z',
      '2026-11-05T02:45:10Z',
    ]);
  });

  it('keeps the 25 most recent', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      incident(`inc${String(i).padStart(2, '0')}`, `Incident ${i}`, [
        ['investigating', 'x', new Date(Date.UTC(2026, 9, 1 + i)).toISOString()],
      ]),
    );
    const expected = Array.from({ length: 25 }, (_, i) => `Incident ${29 - i}`);
    const shuffled = [...many.slice(15), ...many.slice(0, 15)];
    const input = { page: page(), incidents: shuffled, maintenances: [] };
    expect(rssItems(historyRss(input)).map((item) => item.title)).toEqual(expected);
    expect(atomEntries(historyAtom(input)).map((entry) => text(entry.title))).toEqual(expected);
  });

  it('gives Atom entries stable tag ids, absolute links and public-only update times', () => {
    // An internal note moved the incident's own updatedAt; the entry must not show it.
    const noted = { ...old, updatedAt: new Date('2026-11-15T00:00:00Z') };
    const entries = atomEntries(
      historyAtom({ page: page(), incidents: [noted], maintenances: [upcoming] }),
    );
    expect(entries.map((entry) => text(entry.id))).toEqual([
      'tag:status.example.test,2005:Maintenance/mntup',
      'tag:status.example.test,2005:Incident/incold',
    ]);
    expect(entries.map((entry) => entry.link.map((link: Node) => link['@href']))).toEqual([
      [`${SITE}/maintenance/mntup`],
      [`${SITE}/incidents/incold`],
    ]);
    expect(text(entries[1]?.updated)).toBe('2026-11-10T08:00:00Z');
    expect(text(entries[1]?.content['@type'])).toBe('html');
  });

  it('gives RSS items the link as guid', () => {
    const channel = parse(historyRss(feed)).rss.channel;
    for (const item of channel.item) {
      expect(text(item.guid)).toBe(text(item.link));
      expect(text(item.link)).toMatch(
        /^https:\/\/status\.example\.test\/(incidents|maintenance)\//,
      );
    }
    expect(channel.item.map((item: Node) => text(item.link))).toEqual([
      `${SITE}/maintenance/mntup`,
      `${SITE}/incidents/incold`,
      `${SITE}/incidents/increcent`,
      `${SITE}/maintenance/mntdone`,
    ]);
  });

  it('writes a component’s feed with its own title, links and id', () => {
    const input = { ...feed, component: { id: 'cmp1', name: 'API' } };
    const atom = parse(historyAtom(input)).feed;
    expect(text(atom.title)).toBe('Example Status - API Incident History');
    expect(text(atom.id)).toBe('tag:status.example.test,2005:/components/cmp1/history');
    expect(atom.link.map((link: Node) => [link['@rel'], link['@href']])).toEqual([
      ['alternate', `${SITE}/components/cmp1`],
      ['self', `${SITE}/components/cmp1/history.atom`],
    ]);
    const channel = parse(historyRss(input)).rss.channel;
    expect(text(channel.title)).toBe('Example Status - API Incident History');
    expect(text(channel.link)).toBe(`${SITE}/components/cmp1`);
    expect(channel['atom:link']['@href']).toBe(`${SITE}/components/cmp1/history.rss`);
  });

  it('renders the same bytes for the same snapshot, whatever the wall clock says', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const first = historyRss(feed);
    vi.setSystemTime(new Date('2031-06-01T00:00:00Z'));
    expect(historyRss(feed)).toBe(first);
    const channel = parse(first).rss.channel;
    expect(new Date(text(channel.lastBuildDate)).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(new Date(text(channel.pubDate)).toISOString()).toBe('2026-11-20T12:00:00.000Z');
    expect(text(parse(historyAtom(feed)).feed.updated)).toBe('2026-11-20T12:00:00Z');
  });
});
