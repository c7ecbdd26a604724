import { SaxesParser } from 'saxes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

/** An anonymous GET (or another method) with the given headers. */
async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await h.app.request(path, { method, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The accessible name of a badge: its `<title>`, from a strict XML parse. */
function titleOf(svg: string): string {
  const parser = new SaxesParser({ xmlns: true });
  let inTitle = false;
  let title = '';
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    inTitle = tag.local === 'title';
  });
  parser.on('text', (text) => {
    if (inTitle) title += text;
  });
  parser.on('closetag', () => {
    inTitle = false;
  });
  parser.write(svg).close();
  return title;
}

const setStatus = async (id: string, status: string) => {
  const { status: code } = await h.request('PATCH', `/api/v1/components/${id}`, { status });
  expect(code).toBe(200);
};

const groupOf = async (id: string): Promise<string> =>
  (await h.request('GET', `/api/v1/components/${id}`)).json.group_id;

const cacheControl = 'public, max-age=60, stale-while-revalidate=60';
const strongEtag = /^"[A-Za-z0-9_-]{43}"$/;

describe('GET /badge.svg', () => {
  it('draws the overall status for anyone, cacheable and tagged', async () => {
    const { status, headers, text } = await get('/badge.svg');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(headers.get('cache-control')).toBe(cacheControl);
    expect(headers.get('etag')).toMatch(strongEtag);
    expect(headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(titleOf(text)).toBe('Testco: all systems operational');
    expect(text).toContain('fill="#13795b"');
  });

  it.each([
    ['degraded_performance', 'degraded service', '#946200'],
    ['partial_outage', 'partial outage', '#b34700'],
    ['major_outage', 'major outage', '#b3261e'],
    ['under_maintenance', 'under maintenance', '#2456b8'],
  ])('follows the overall indicator: a component %s → %s', async (componentStatus, words, fill) => {
    await setStatus(h.ids.api, componentStatus);
    const { text } = await get('/badge.svg');
    expect(titleOf(text)).toBe(`Testco: ${words}`);
    expect(text).toContain(`fill="${fill}"`);
    // The indicator is the worst public status: a milder one elsewhere does not lower it.
    await setStatus(h.ids.web, 'operational');
    expect(titleOf((await get('/badge.svg')).text)).toBe(`Testco: ${words}`);
  });

  it('follows the impact of an unresolved public incident', async () => {
    const created = await h.request('POST', '/api/v1/incidents', {
      title: 'Elevated errors',
      status: 'investigating',
      body: 'We are looking into it.',
      impact: 'major',
    });
    expect(created.status).toBe(201);
    expect(titleOf((await get('/badge.svg')).text)).toBe('Testco: partial outage');
  });

  it('answers 304 with no body while the badge is unchanged, 200 with a new tag after', async () => {
    const first = await get('/badge.svg');
    const etag = first.headers.get('etag') ?? '';
    const again = await get('/badge.svg', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe(cacheControl);
    // Weak comparison and lists, as RFC 9110 has If-None-Match compare.
    expect((await get('/badge.svg', { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get('/badge.svg', { 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await get('/badge.svg', { 'if-none-match': '"other"' })).status).toBe(200);

    await setStatus(h.ids.auth, 'major_outage');
    const changed = await get('/badge.svg', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toMatch(strongEtag);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(titleOf(changed.text)).toBe('Testco: major outage');

    await setStatus(h.ids.auth, 'operational');
    const back = await get('/badge.svg', { 'if-none-match': etag });
    expect(back.status).toBe(304);
  });

  it('the tag is a hash of the bytes: each style and label has its own', async () => {
    const tags = await Promise.all(
      ['/badge.svg', '/badge.svg?style=flat-square', '/badge.svg?label=Status'].map(async (path) =>
        (await get(path)).headers.get('etag'),
      ),
    );
    expect(new Set(tags).size).toBe(3);
    expect((await get('/badge.svg?style=flat')).headers.get('etag')).toBe(tags[0]);
  });

  it('does not move for an internal component', async () => {
    const before = await get('/badge.svg');
    await setStatus(h.ids.deploys, 'major_outage');
    const after = await get('/badge.svg');
    expect(titleOf(after.text)).toBe('Testco: all systems operational');
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it.each([
    ['flat', 20],
    ['flat-square', 20],
    ['for-the-badge', 28],
  ])('draws style %s', async (style, height) => {
    const { status, text } = await get(`/badge.svg?style=${style}`);
    expect(status).toBe(200);
    expect(text).toMatch(new RegExp(`^<svg [^>]*height="${height}"`));
    expect(text.includes('<linearGradient')).toBe(style === 'flat');
    expect(titleOf(text)).toBe('Testco: all systems operational');
  });

  it.each(['plastic', 'social', 'FLAT', '', 'flat,flat-square'])(
    'refuses style=%j with 422 naming style',
    async (style) => {
      const { status, headers, text } = await get(`/badge.svg?style=${encodeURIComponent(style)}`);
      expect(status).toBe(422);
      expect(headers.get('content-type')).toBe('application/problem+json');
      const problem = JSON.parse(text);
      expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['style']);
      expect(problem.detail).toMatch(/^style: /);
    },
  );

  it('takes a label of up to 100 characters, escaped', async () => {
    const label = `<script>alert("x")</script> & 'q'`;
    const { status, text } = await get(`/badge.svg?label=${encodeURIComponent(label)}`);
    expect(status).toBe(200);
    expect(text).not.toContain('<script');
    expect(titleOf(text)).toBe(`${label}: all systems operational`);
    expect((await get(`/badge.svg?label=${'x'.repeat(100)}`)).status).toBe(200);
    const tooLong = await get(`/badge.svg?label=${'x'.repeat(101)}`);
    expect(tooLong.status).toBe(422);
    expect(JSON.parse(tooLong.text).errors[0].field).toBe('label');
  });

  it('refuses control characters in the label', async () => {
    const { status, text } = await get('/badge.svg?label=a%01b');
    expect(status).toBe(422);
    expect(JSON.parse(text).errors[0].field).toBe('label');
  });

  it('hides the label when it is empty, and ignores parameters it does not know', async () => {
    expect(titleOf((await get('/badge.svg?label=')).text)).toBe('all systems operational');
    const busted = await get('/badge.svg?v=2&color=pink');
    expect(busted.status).toBe(200);
    expect(busted.text).toBe((await get('/badge.svg')).text);
  });

  it('answers HEAD with the headers and no body', async () => {
    const { status, headers, text } = await get('/badge.svg', {}, 'HEAD');
    expect(status).toBe(200);
    expect(headers.get('etag')).toMatch(strongEtag);
    expect(text).toBe('');
  });
});

describe('GET /components/:id/badge.svg', () => {
  it('draws a public component under its own name, following its status', async () => {
    const first = await get(`/components/${h.ids.api}/badge.svg`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(titleOf(first.text)).toBe('API: operational');
    await setStatus(h.ids.api, 'degraded_performance');
    const second = await get(`/components/${h.ids.api}/badge.svg`, {
      'if-none-match': first.headers.get('etag') ?? '',
    });
    expect(second.status).toBe(200);
    expect(titleOf(second.text)).toBe('API: degraded performance');
    expect(second.text).toContain('fill="#946200"');
    expect(titleOf((await get(`/components/${h.ids.web}/badge.svg`)).text)).toBe(
      'Website: operational',
    );
  });

  it('draws a group as the worst status of its components', async () => {
    const core = await groupOf(h.ids.api);
    expect(core).toMatch(/^[a-z0-9]{12}$/);
    expect(titleOf((await get(`/components/${core}/badge.svg`)).text)).toBe('Core: operational');
    await setStatus(h.ids.auth, 'partial_outage');
    await setStatus(h.ids.api, 'degraded_performance');
    expect(titleOf((await get(`/components/${core}/badge.svg?label=Core%20services`)).text)).toBe(
      'Core services: partial outage',
    );
  });

  it('answers 404 alike for an unknown id and for internal components and groups', async () => {
    await setStatus(h.ids.deploys, 'major_outage');
    const ops = await groupOf(h.ids.deploys);
    expect(ops).toMatch(/^[a-z0-9]{12}$/);
    const answers = await Promise.all(
      ['zzzzzzzzzzzz', h.ids.deploys, ops].flatMap((id) => [
        get(`/components/${id}/badge.svg`),
        get(`/components/${id}/badge.svg?style=for-the-badge&label=x`),
      ]),
    );
    const [unknown] = answers;
    expect(unknown?.status).toBe(404);
    expect(unknown?.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(unknown?.text ?? '').detail).toBe(
      'No public component or group has this id.',
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.text).toBe(unknown?.text);
      expect([...answer.headers]).toEqual([...(unknown?.headers ?? [])]);
      expect(answer.text).not.toContain('Deploys');
      expect(answer.text).not.toContain(h.ids.deploys);
    }
  });
});

describe('GET /badge.json and /components/:id/badge.json', () => {
  it('serves the shields.io endpoint format, open to any origin', async () => {
    const { status, headers, text } = await get('/badge.json', { origin: 'https://x.example' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(headers.get('access-control-allow-origin')).toBe('*');
    expect(headers.get('cache-control')).toBe(cacheControl);
    expect(headers.get('etag')).toMatch(strongEtag);
    expect(JSON.parse(text)).toEqual({
      schemaVersion: 1,
      label: 'Testco',
      message: 'all systems operational',
      color: '13795b',
    });
  });

  it('follows status, style and label, and revalidates by tag', async () => {
    const first = await get(`/components/${h.ids.api}/badge.json`);
    expect(JSON.parse(first.text)).toEqual({
      schemaVersion: 1,
      label: 'API',
      message: 'operational',
      color: '13795b',
    });
    const etag = first.headers.get('etag') ?? '';
    const unchanged = await get(`/components/${h.ids.api}/badge.json`, { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.get('access-control-allow-origin')).toBe('*');

    await setStatus(h.ids.api, 'major_outage');
    const changed = await get(`/components/${h.ids.api}/badge.json?style=flat-square&label=Api`, {
      'if-none-match': etag,
    });
    expect(changed.status).toBe(200);
    expect(JSON.parse(changed.text)).toEqual({
      schemaVersion: 1,
      label: 'Api',
      message: 'major outage',
      color: 'b3261e',
      style: 'flat-square',
    });
    expect(JSON.parse((await get('/badge.json')).text).message).toBe('major outage');
  });

  it('answers a browser preflight', async () => {
    const { status, headers } = await get(
      '/badge.json',
      {
        origin: 'https://x.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
      'OPTIONS',
    );
    expect(status).toBe(204);
    expect(headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses a bad style and hides internal ids, as the SVG does', async () => {
    const bad = await get('/badge.json?style=social');
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.text).errors[0].field).toBe('style');
    const internal = await get(`/components/${h.ids.deploys}/badge.json`);
    const unknown = await get('/components/zzzzzzzzzzzz/badge.json');
    expect(internal.status).toBe(404);
    expect(internal.text).toBe(unknown.text);
  });
});
