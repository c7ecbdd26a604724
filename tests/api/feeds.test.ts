// The history feeds through the HTTP app: well-formed XML under a strict, namespace-aware parser,
// the RSS 2.0 and Atom shapes Statuspage's readers expect, per-component selection, and the
// audience rule (internal incidents, notes, maintenances and components never show). Data is made
// through the management API; expectations are written out here, not imported from src/.

import { SaxesParser, type SaxesTagNS } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

const SITE_URL = 'https://status.testco.example';
const ATOM_NS = 'http://www.w3.org/2005/Atom';
const HOST = 'status.testco.example';

// ---------------------------------------------------------------------------------------------
// A small DOM from saxes: strict XML 1.0 with namespaces; any error fails the parse.
// ---------------------------------------------------------------------------------------------

interface El {
  name: string;
  local: string;
  uri: string;
  attributes: Record<string, { uri: string; value: string }>;
  children: El[];
  text: string;
}

function parseXml(xml: string): El {
  const parser = new SaxesParser({ xmlns: true });
  const root: El = {
    name: '#document',
    local: '',
    uri: '',
    attributes: {},
    children: [],
    text: '',
  };
  const stack: El[] = [root];
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const element: El = {
      name: tag.name,
      local: tag.local,
      uri: tag.uri,
      attributes: Object.fromEntries(
        Object.values(tag.attributes).map((a) => [a.name, { uri: a.uri, value: a.value }]),
      ),
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const append = (value: string) => {
    const current = stack.at(-1);
    if (current) current.text += value;
  };
  parser.on('text', append);
  parser.on('cdata', append);
  parser.write(xml).close();
  if (failure) throw failure;
  const [document] = root.children;
  if (!document || root.children.length !== 1) throw new Error('not one root element');
  return document;
}

function child(element: El | undefined, local: string): El {
  const found = element?.children.find((c) => c.local === local);
  if (!found) throw new Error(`<${element?.name}> has no <${local}>`);
  return found;
}
const children = (element: El, local: string) => element.children.filter((c) => c.local === local);
const textOf = (element: El, local: string) => child(element, local).text;
const attr = (element: El, name: string) => element.attributes[name]?.value;

/** An instant as a feed writes it: whole seconds. */
const seconds = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);
const atomTime = (date: Date) => seconds(date).toISOString().replace('.000Z', 'Z');

// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

describe('history feeds', () => {
  let h: Harness;
  const at: Record<string, Date> = {};
  const id: Record<string, string> = {};
  let scheduledFor: Date;
  const feeds: Record<string, Answer> = {};

  async function get(path: string, init: RequestInit = {}): Promise<Answer> {
    const response = await h.app.request(path, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  async function feed(path: string): Promise<Answer> {
    const answer = await get(path);
    expect(answer.status, `GET ${path}: ${answer.text}`).toBe(200);
    return answer;
  }

  beforeAll(async () => {
    // 250 ms past the second: feeds write whole seconds.
    h = await makeHarness({ clock: testClock(new Date('2026-11-20T10:00:00.250Z')) });
    const { api, auth, web, deploys } = h.ids;
    const step = async (name: string, method: 'POST' | 'PATCH', path: string, body: unknown) => {
      h.clock.advance(60_000);
      at[name] = h.clock.now();
      const answer = await h.request(method, path, body);
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBeLessThan(300);
      if (answer.json?.id) id[name] = answer.json.id;
    };
    const window = (startInMs: number) => {
      const start = new Date(h.clock.now().getTime() + 60_000 + startInMs);
      return {
        scheduled_for: start.toISOString(),
        scheduled_until: new Date(start.getTime() + 3_600_000).toISOString(),
      };
    };

    await step('A', 'POST', '/api/v1/incidents', {
      title: 'PUBLIC-A API errors',
      status: 'investigating',
      body: 'PUBLIC-A1 investigating',
      components: { [api]: 'degraded_performance' },
    });
    await step('A2', 'POST', `/api/v1/incidents/${id.A}/updates`, {
      status: 'identified',
      body: 'PUBLIC-A2 identified',
    });
    await step('A3', 'POST', `/api/v1/incidents/${id.A}/updates`, {
      status: 'identified',
      body: 'PUBLIC-A3 still identified',
    });
    await step('A4', 'POST', `/api/v1/incidents/${id.A}/updates`, {
      status: 'resolved',
      body: 'PUBLIC-A4 resolved',
    });
    await step('I', 'POST', '/api/v1/incidents', {
      title: 'INTERNAL-MARKER-1 deploy pipeline wedged',
      status: 'investigating',
      body: 'INTERNAL-MARKER-2 runner stuck',
      audience: 'internal',
      components: { [deploys]: 'major_outage' },
    });
    await step('B', 'POST', '/api/v1/incidents', {
      title: 'PUBLIC-B Login failures',
      status: 'identified',
      body: 'PUBLIC-B1 logins failing',
      components: { [auth]: 'partial_outage' },
    });
    await step('Bnote', 'POST', `/api/v1/incidents/${id.B}/updates`, {
      status: 'identified',
      body: 'INTERNAL-MARKER-3 rollback of build 4411',
      audience: 'internal',
    });
    await step('C', 'POST', '/api/v1/incidents', {
      title: 'PUBLIC-C Website slow',
      status: 'investigating',
      body: 'PUBLIC-C1 pages load slowly',
      components: { [web]: 'degraded_performance' },
    });
    await step('Mprog', 'POST', '/api/v1/maintenances', {
      title: 'PUBLIC-M API database upgrade',
      body: 'PUBLIC-M1 planned',
      ...window(5 * 60_000),
      components: [api],
    });
    await step('Mprog1', 'PATCH', `/api/v1/maintenances/${id.Mprog}`, { status: 'in_progress' });
    const upcoming = window(2 * 86_400_000);
    scheduledFor = new Date(upcoming.scheduled_for);
    await step('Mup', 'POST', '/api/v1/maintenances', {
      title: 'PUBLIC-U Auth provider migration',
      body: 'PUBLIC-U1 scheduled',
      ...upcoming,
      components: [web, api],
    });
    await step('Mint', 'POST', '/api/v1/maintenances', {
      title: 'INTERNAL-MARKER-4 deploy host patching',
      body: 'INTERNAL-MARKER-5 patching',
      audience: 'internal',
      ...window(0),
      components: [deploys],
    });
    await step('B2', 'POST', `/api/v1/incidents/${id.B}/updates`, {
      status: 'identified',
      body: 'PUBLIC-B2 still working on logins',
    });

    for (const format of ['rss', 'atom']) {
      feeds[`site.${format}`] = await feed(`/history.${format}`);
      for (const key of ['api', 'auth', 'web'] as const) {
        feeds[`${key}.${format}`] = await feed(`/components/${h.ids[key]}/history.${format}`);
      }
    }
  });
  afterAll(() => h?.close());

  const rssItems = (key: string) =>
    children(child(parseXml(feeds[key]?.text ?? ''), 'channel'), 'item');
  const atomEntries = (key: string) => children(parseXml(feeds[key]?.text ?? ''), 'entry');
  const incidentUrl = (key: string) => `${SITE_URL}/incidents/${id[key]}`;
  const maintenanceUrl = (key: string) => `${SITE_URL}/maintenance/${id[key]}`;

  describe('every feed', () => {
    it('is well-formed XML under a strict namespace-aware parser', () => {
      expect(Object.keys(feeds)).toHaveLength(8);
      for (const [key, answer] of Object.entries(feeds)) {
        expect(() => parseXml(answer.text), key).not.toThrow();
      }
      // The parser is strict: a stray ampersand or an unbound prefix fails.
      expect(() => parseXml('<a>&</a>')).toThrow();
      expect(() => parseXml('<a><x:b/></a>')).toThrow();
    });

    it('answers with the feed content type and a one-minute public cache', () => {
      for (const [key, answer] of Object.entries(feeds)) {
        const type = key.endsWith('.rss') ? 'application/rss+xml' : 'application/atom+xml';
        expect(answer.headers.get('content-type'), key).toBe(`${type}; charset=utf-8`);
        expect(answer.headers.get('cache-control'), key).toBe('public, max-age=60');
      }
    });

    it('shows no internal incident, note, maintenance or component', () => {
      for (const [key, answer] of Object.entries(feeds)) {
        expect(answer.text, key).not.toContain('INTERNAL-MARKER');
        expect(answer.text, key).not.toContain(h.ids.deploys);
        expect(answer.text, key).not.toContain(id.I);
        expect(answer.text, key).not.toContain(id.Mint);
      }
      // The scan looks where it should: the public note's neighbours are there.
      for (const format of ['rss', 'atom']) {
        const site = feeds[`site.${format}`]?.text ?? '';
        for (const marker of ['PUBLIC-B1', 'PUBLIC-B2', 'PUBLIC-A3', 'PUBLIC-U1', 'PUBLIC-M1']) {
          expect(site, `${marker} in site.${format}`).toContain(marker);
        }
      }
    });
  });

  describe('RSS 2.0', () => {
    it('has an rss version="2.0" root with the channel Statuspage readers expect', () => {
      const rss = parseXml(feeds['site.rss']?.text ?? '');
      expect(rss.name).toBe('rss');
      expect(attr(rss, 'version')).toBe('2.0');
      const channel = child(rss, 'channel');
      expect(textOf(channel, 'title')).toBe('Testco Status - Incident History');
      expect(textOf(channel, 'link')).toBe(SITE_URL);
      expect(textOf(channel, 'description').length).toBeGreaterThan(0);
      expect(new Date(textOf(channel, 'pubDate'))).toEqual(seconds(at.B2 as Date));
      const self = children(channel, 'link').find((link) => link.uri === ATOM_NS);
      expect(self && attr(self, 'href')).toBe(`${SITE_URL}/history.rss`);
    });

    it('has one item per incident or maintenance, by latest update, with link, guid and date', () => {
      const items = rssItems('site.rss');
      expect(items.map((item) => textOf(item, 'title'))).toEqual([
        'PUBLIC-U Auth provider migration',
        'PUBLIC-B Login failures',
        'PUBLIC-M API database upgrade',
        'PUBLIC-C Website slow',
        'PUBLIC-A API errors',
      ]);
      const links = [
        maintenanceUrl('Mup'),
        incidentUrl('B'),
        maintenanceUrl('Mprog'),
        incidentUrl('C'),
        incidentUrl('A'),
      ];
      expect(items.map((item) => textOf(item, 'link'))).toEqual(links);
      expect(items.map((item) => textOf(item, 'guid'))).toEqual(links);
      expect(items.map((item) => new Date(textOf(item, 'pubDate')).toISOString())).toEqual(
        [scheduledFor, at.B2, at.Mprog1, at.C, at.A4].map((d) => seconds(d as Date).toISOString()),
      );
    });

    it('lists every public update newest first with Statuspage’s labels', () => {
      const a = rssItems('site.rss').find(
        (item) => textOf(item, 'title') === 'PUBLIC-A API errors',
      );
      const html = a ? textOf(a, 'description') : '';
      const labels = [...html.matchAll(/<strong>(\w[\w ]*)<\/strong> - PUBLIC-(A\d)/g)].map(
        (m) => `${m[2]} ${m[1]}`,
      );
      expect(labels).toEqual(['A4 Resolved', 'A3 Update', 'A2 Identified', 'A1 Investigating']);
      const time = (at.A4 as Date).toISOString().slice(11, 16);
      expect(html).toContain(`<var data-var='time'>${time}</var> UTC</small>`);
    });
  });

  describe('Atom', () => {
    it('has the Atom namespace, a tag id, alternate and self links, title and updated', () => {
      const atom = parseXml(feeds['site.atom']?.text ?? '');
      expect(atom.local).toBe('feed');
      expect(atom.uri).toBe(ATOM_NS);
      expect(textOf(atom, 'id')).toBe(`tag:${HOST},2005:/history`);
      expect(textOf(atom, 'title')).toBe('Testco Status - Incident History');
      const links = children(atom, 'link').map((link) => [attr(link, 'rel'), attr(link, 'href')]);
      expect(links).toEqual([
        ['alternate', SITE_URL],
        ['self', `${SITE_URL}/history.atom`],
      ]);
      expect(textOf(atom, 'updated')).toBe(atomTime(at.B2 as Date));
      expect(textOf(child(atom, 'author'), 'name')).toBe('Testco');
    });

    it('has entries with stable tag ids, links, published times and HTML content', () => {
      const entries = atomEntries('site.atom');
      expect(entries.map((entry) => textOf(entry, 'id'))).toEqual([
        `tag:${HOST},2005:Maintenance/${id.Mup}`,
        `tag:${HOST},2005:Incident/${id.B}`,
        `tag:${HOST},2005:Maintenance/${id.Mprog}`,
        `tag:${HOST},2005:Incident/${id.C}`,
        `tag:${HOST},2005:Incident/${id.A}`,
      ]);
      expect(entries.map((entry) => attr(child(entry, 'link'), 'href'))).toEqual([
        maintenanceUrl('Mup'),
        incidentUrl('B'),
        maintenanceUrl('Mprog'),
        incidentUrl('C'),
        incidentUrl('A'),
      ]);
      expect(entries.map((entry) => textOf(entry, 'published'))).toEqual(
        [scheduledFor, at.B2, at.Mprog1, at.C, at.A4].map((d) => atomTime(d as Date)),
      );
      for (const entry of entries) {
        expect(entry.uri).toBe(ATOM_NS);
        expect(attr(child(entry, 'content'), 'type')).toBe('html');
        expect(textOf(entry, 'updated')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
      const upcoming = textOf(entries[0] as El, 'content');
      expect(upcoming.startsWith('<p><strong>THIS IS A SCHEDULED EVENT ')).toBe(true);
      // The same entries as the RSS feed.
      expect(entries.map((entry) => textOf(entry, 'title'))).toEqual(
        rssItems('site.rss').map((item) => textOf(item, 'title')),
      );
    });
  });

  describe('per-component feeds', () => {
    it('hold only the incidents and maintenances that touched the component', () => {
      const titles = (key: string) => rssItems(key).map((item) => textOf(item, 'title'));
      expect(titles('api.rss')).toEqual([
        'PUBLIC-U Auth provider migration',
        'PUBLIC-M API database upgrade',
        'PUBLIC-A API errors',
      ]);
      expect(titles('auth.rss')).toEqual(['PUBLIC-B Login failures']);
      expect(titles('web.rss')).toEqual([
        'PUBLIC-U Auth provider migration',
        'PUBLIC-C Website slow',
      ]);
      for (const key of ['api', 'auth', 'web']) {
        expect(
          atomEntries(`${key}.atom`).map((entry) => textOf(entry, 'title')),
          key,
        ).toEqual(titles(`${key}.rss`));
      }
    });

    it('name the component and link to its page and to themselves', () => {
      const atom = parseXml(feeds['api.atom']?.text ?? '');
      expect(textOf(atom, 'title')).toBe('Testco Status - API Incident History');
      expect(textOf(atom, 'id')).toBe(`tag:${HOST},2005:/components/${h.ids.api}/history`);
      expect(children(atom, 'link').map((link) => attr(link, 'href'))).toEqual([
        `${SITE_URL}/components/${h.ids.api}`,
        `${SITE_URL}/components/${h.ids.api}/history.atom`,
      ]);
      const channel = child(parseXml(feeds['api.rss']?.text ?? ''), 'channel');
      expect(textOf(channel, 'link')).toBe(`${SITE_URL}/components/${h.ids.api}`);
    });

    it('answer 404 for an internal component exactly as for an unknown one', async () => {
      const unknown = 'nosuchcompnt';
      for (const format of ['rss', 'atom']) {
        const internal = await get(`/components/${h.ids.deploys}/history.${format}`);
        const missing = await get(`/components/${unknown}/history.${format}`);
        expect(internal.status).toBe(404);
        expect(missing.status).toBe(404);
        expect(internal.headers.get('content-type')).toBe('application/problem+json');
        expect(internal.text).not.toMatch(/deploys|internal/i);
        expect(internal.text.replaceAll(h.ids.deploys, unknown)).toBe(missing.text);
      }
    });
  });

  describe('links', () => {
    it('come from SITE_URL, never from the Host header or the request URL', async () => {
      const headers = {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
      };
      for (const path of [
        '/history.rss',
        '/history.atom',
        `/components/${h.ids.web}/history.rss`,
        `/components/${h.ids.web}/history.atom`,
      ]) {
        const answer = await get(`http://evil.example${path}`, { headers });
        expect(answer.status, path).toBe(200);
        expect(answer.text, path).not.toContain('evil.example');
        const root = parseXml(answer.text);
        const hrefs = [
          ...children(root, 'link').map((link) => attr(link, 'href') ?? link.text),
          ...children(root, 'entry').map((entry) => attr(child(entry, 'link'), 'href')),
          ...root.children
            .filter((c) => c.local === 'channel')
            .flatMap((channel) => [
              ...children(channel, 'link').map((link) => attr(link, 'href') ?? link.text),
              ...children(channel, 'item').flatMap((item) => [
                textOf(item, 'link'),
                textOf(item, 'guid'),
              ]),
            ]),
        ];
        expect(hrefs.length, path).toBeGreaterThan(3);
        for (const href of hrefs)
          expect(href, path).toMatch(/^https:\/\/status\.testco\.example(\/|$)/);
      }
    });
  });

  describe('freshness', () => {
    it('serves the same bytes until a write, then the new update', async () => {
      const first = await feed('/history.atom');
      expect((await feed('/history.atom')).text).toBe(first.text);
      h.clock.advance(60_000);
      const answer = await h.request('POST', `/api/v1/incidents/${id.C}/updates`, {
        status: 'identified',
        body: 'PUBLIC-C2 cause found',
      });
      expect(answer.status).toBe(201);
      for (const path of [
        '/history.atom',
        '/history.rss',
        `/components/${h.ids.web}/history.rss`,
      ]) {
        const after = await feed(path);
        expect(after.text, path).toContain('PUBLIC-C2 cause found');
      }
    });
  });
});

describe('per-component feed limit', () => {
  let h: Harness;
  afterAll(() => h?.close());

  it('keeps the 25 incidents with the latest public updates, whenever they started', async () => {
    h = await makeHarness();
    const web = h.ids.web;
    const ids: string[] = [];
    for (let i = 1; i <= 27; i++) {
      h.clock.advance(60_000);
      const answer = await h.request('POST', '/api/v1/incidents', {
        title: `Incident ${i}`,
        status: 'investigating',
        body: `first update of ${i}`,
        components: { [web]: 'degraded_performance' },
      });
      expect(answer.status).toBe(201);
      ids.push(answer.json.id);
    }
    // The oldest incident gets the newest public update; the second oldest only an internal note,
    // which must not lift it into the feed.
    h.clock.advance(60_000);
    const update = await h.request('POST', `/api/v1/incidents/${ids[0]}/updates`, {
      status: 'identified',
      body: 'late public update',
    });
    expect(update.status).toBe(201);
    h.clock.advance(60_000);
    const note = await h.request('POST', `/api/v1/incidents/${ids[1]}/updates`, {
      status: 'investigating',
      body: 'late internal note',
      audience: 'internal',
    });
    expect(note.status).toBe(201);

    const expected = ['Incident 1', ...Array.from({ length: 24 }, (_, i) => `Incident ${27 - i}`)];
    for (const format of ['rss', 'atom']) {
      const answer = await h.app.request(`/components/${web}/history.${format}`);
      expect(answer.status).toBe(200);
      const root = parseXml(await answer.text());
      const entries =
        format === 'rss' ? children(child(root, 'channel'), 'item') : children(root, 'entry');
      expect(
        entries.map((entry) => textOf(entry, 'title')),
        format,
      ).toEqual(expected);
    }
    // The site-wide feed keeps 25 too.
    const site = parseXml(await (await h.app.request('/history.atom')).text());
    expect(children(site, 'entry').map((entry) => textOf(entry, 'title'))).toEqual(expected);
  });
});
