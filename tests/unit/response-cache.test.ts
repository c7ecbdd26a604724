import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { publicOutput } from '#http/public-outputs.ts';
import { chooseCoding, createResponseCache, type Rendered } from '#http/response-cache.ts';

const page = (text: string, status = 200): Rendered => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'x-frame-options': 'DENY' },
  body: Buffer.from(`<!doctype html><p>${text}</p>${' padding'.repeat(60)}`),
});

/** A cache over a fake site whose pages say what `content` holds, counting renders. */
function setup(options: { maxEntries?: number } = {}) {
  const content = new Map<string, string>([
    ['/', 'all good'],
    ['/incidents/aaa', 'incident a'],
    ['/incidents/bbb', 'incident b'],
  ]);
  const renders: string[] = [];
  const logs: string[] = [];
  let clock = 1_000_000;
  let failing: Error | null = null;
  let gate: Promise<void> = Promise.resolve();
  const cache = createResponseCache({
    async render(key) {
      renders.push(key);
      await gate;
      if (failing) throw failing;
      const text = content.get(key);
      return text ? page(text) : page('not found', 404);
    },
    refreshAfterMs: 30_000,
    maxEntries: options.maxEntries ?? 100,
    maxBytes: 10_000_000,
    now: () => clock,
    log: (message) => logs.push(message),
  });
  const output = (key: string) => {
    const found = publicOutput(key);
    if (!found) throw new Error(`not a public output: ${key}`);
    return found;
  };
  const text = async (key: string) => {
    const result = await cache.get(output(key));
    const body = 'variants' in result ? result.variants.identity.body : result.body;
    return body.toString().match(/<p>(.*?)<\/p>/)?.[1];
  };
  return {
    cache,
    content,
    renders,
    logs,
    output,
    text,
    advance: (ms: number) => {
      clock += ms;
    },
    fail: (error: Error | null) => {
      failing = error;
    },
    hold: () => {
      let open = () => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      return open;
    },
  };
}

describe('the response cache', () => {
  it('renders a key once however many ask at the same time', async () => {
    const t = setup();
    const open = t.hold();
    const answers = Promise.all(Array.from({ length: 50 }, () => t.text('/')));
    open();
    expect(new Set(await answers)).toEqual(new Set(['all good']));
    expect(t.renders).toEqual(['/']);
    expect(t.cache.peek('/')).toBeDefined();
  });

  it('drops exactly the outputs that show what a write changed', async () => {
    const t = setup();
    for (const key of ['/', '/incidents/aaa', '/incidents/bbb']) await t.text(key);
    t.content.set('/incidents/aaa', 'incident a, updated');
    t.content.set('/', 'one incident');
    const stale = t.cache.invalidate(['status', 'incident:aaa']);
    expect(stale.map((e) => e.key).sort()).toEqual(['/', '/incidents/aaa']);
    expect(t.cache.peek('/incidents/bbb')?.stale).toBe(false);
    // Still served while it is rendered again: readers never wait for a write's render.
    expect(t.cache.peek('/')?.stale).toBe(true);
    await t.cache.refresh(t.output('/'));
    await t.cache.refresh(t.output('/incidents/aaa'));
    expect(t.cache.peek('/')?.stale).toBe(false);
    expect(await t.text('/incidents/aaa')).toBe('incident a, updated');
    expect(await t.text('/')).toBe('one incident');
    // Nothing public changed: nothing touched.
    expect(t.cache.invalidate([])).toEqual([]);
    expect(t.cache.peek('/')?.stale).toBe(false);
  });

  it('drops, rather than renders again, what nobody read for a minute', async () => {
    const t = setup();
    await t.text('/');
    t.advance(61_000);
    expect(t.cache.invalidate(['status'])).toEqual([]);
    expect(t.cache.peek('/')).toBeUndefined();
  });

  it('forgets an output that is no longer there', async () => {
    const t = setup();
    await t.text('/incidents/aaa');
    t.content.delete('/incidents/aaa');
    t.cache.invalidate(['incident:aaa']);
    await t.cache.refresh(t.output('/incidents/aaa'));
    expect(t.cache.peek('/incidents/aaa')).toBeUndefined();
  });

  it('never stores a render that a write overtook', async () => {
    const t = setup();
    const open = t.hold();
    const before = t.text('/');
    t.content.set('/', 'changed meanwhile');
    t.cache.invalidate(['status']);
    open();
    await before;
    expect(t.cache.peek('/')).toBeUndefined();
    expect(await t.text('/')).toBe('changed meanwhile');
  });

  it('keeps serving the last good copy when rendering fails, and says so', async () => {
    const t = setup();
    await t.text('/');
    t.cache.invalidate(['status']);
    t.fail(new Error('CLIENT_CLOSED'));
    expect(await t.text('/')).toBe('all good');
    expect(t.logs.join('\n')).toMatch(/SERVING STALE \/: .*CLIENT_CLOSED/);
    // Retried at most once a second meanwhile.
    const rendersSoFar = t.renders.length;
    await t.text('/');
    expect(t.renders.length).toBe(rendersSoFar);
    t.advance(1_500);
    t.fail(null);
    t.content.set('/', 'back');
    expect(await t.text('/')).toBe('back');
    await expect(t.cache.get(t.output('/history.atom'))).resolves.toMatchObject({ status: 404 });
  });

  it('fails a render with no earlier copy', async () => {
    const t = setup();
    t.fail(new Error('CLIENT_CLOSED'));
    await expect(t.cache.get(t.output('/'))).rejects.toThrow('CLIENT_CLOSED');
  });

  it('does not keep answers other than 200', async () => {
    const t = setup();
    expect(await t.text('/incidents/zzz')).toBe('not found');
    expect(t.cache.peek('/incidents/zzz')).toBeUndefined();
  });

  it('keeps the compressed copies when a render finds the same bytes, and makes new ones when not', async () => {
    const t = setup();
    const first = await t.cache.get(t.output('/'));
    if (!('variants' in first)) throw new Error('not cached');
    t.advance(31_000);
    await t.cache.refresh(t.output('/'));
    const same = t.cache.peek('/');
    expect(same?.variants.gzip).toBe(first.variants.gzip);
    expect(same?.renderedAt).toBe(first.renderedAt + 31_000);
    expect(t.cache.due(same as NonNullable<typeof same>)).toBe(false);
    t.content.set('/', 'something broke');
    t.advance(31_000);
    await t.cache.refresh(t.output('/'));
    const changed = t.cache.peek('/');
    expect(changed?.variants.gzip).not.toBe(first.variants.gzip);
    expect(changed?.hash).not.toBe(first.hash);
    expect(gunzipSync(changed?.variants.gzip.body ?? Buffer.alloc(0)).toString()).toContain(
      'something broke',
    );
  });

  it('renders again in the background once an output is older than the refresh interval', async () => {
    const t = setup();
    await t.text('/');
    const entry = t.cache.peek('/');
    expect(entry && t.cache.due(entry)).toBe(false);
    t.advance(31_000);
    expect(entry && t.cache.due(entry)).toBe(true);
    t.content.set('/', 'later');
    t.cache.refresh(t.output('/'));
    await t.cache.get(t.output('/'));
    expect(await t.text('/')).toBe('later');
  });

  it('forgets the least recently used outputs when full', async () => {
    const t = setup({ maxEntries: 2 });
    await t.text('/');
    await t.text('/incidents/aaa');
    t.cache.peek('/');
    await t.text('/incidents/bbb');
    expect(t.cache.peek('/')).toBeDefined();
    expect(t.cache.peek('/incidents/aaa')).toBeUndefined();
    expect(t.cache.stats().entries).toBe(2);
  });

  it('precompresses, with one strong ETag per coding and the public caching policy', async () => {
    const t = setup();
    const entry = await t.cache.get(t.output('/'));
    if (!('variants' in entry)) throw new Error('not cached');
    const { identity, gzip, br } = entry.variants;
    expect(gunzipSync(gzip.body).equals(identity.body)).toBe(true);
    expect(br.headers['content-encoding']).toBe('br');
    expect(new Set([identity, gzip, br].map((v) => v.headers.etag)).size).toBe(3);
    expect(identity.headers['cache-control']).toBe(
      'public, max-age=15, stale-while-revalidate=60, stale-if-error=86400',
    );
    expect(identity.headers.vary).toBe('Accept-Encoding');
    expect(identity.headers['x-frame-options']).toBe('DENY');
    expect(identity.headers['content-length']).toBe(identity.body.length);
  });
});

describe('chooseCoding', () => {
  it.each([
    [undefined, 'identity'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip;q=0.8', 'gzip'],
    ['GZIP', 'gzip'],
    ['identity', 'identity'],
    ['deflate', 'identity'],
  ] as const)('%s → %s', (header, coding) => {
    expect(chooseCoding(header)).toBe(coding);
  });
});

describe('publicOutput', () => {
  it('keys an output by its path and the parameters it reads, sorted', () => {
    expect(publicOutput('/')?.key).toBe('/');
    expect(publicOutput('/?utm_source=x')?.key).toBe('/');
    expect(publicOutput('/badge.svg?v=3&style=flat&label=API')?.key).toBe(
      '/badge.svg?label=API&style=flat',
    );
    expect(publicOutput('/history?page=2')?.key).toBe('/history?page=2');
    // Values the page would ignore make no copy of their own.
    expect(publicOutput('/history?page=abc')?.key).toBe('/history');
    expect(publicOutput('/history?page=-1')?.key).toBe('/history');
    expect(publicOutput('/components/abc?day=2026-11-01')?.key).toBe(
      '/components/abc?day=2026-11-01',
    );
    expect(publicOutput('/components/abc?day=yesterday')?.key).toBe('/components/abc');
    expect(publicOutput('/incidents/abc123')?.tags).toEqual(['incident:abc123', 'catalogue']);
    expect(publicOutput('/api/v2/summary.json')?.tags).toEqual(['status']);
  });

  it('knows nothing inside, no form, no management API', () => {
    for (const url of [
      '/internal',
      '/internal/history.atom?token=x',
      '/admin/audit',
      '/login',
      '/subscribe/manage?token=x',
      '/api/v1/components',
      '/unsubscribe',
      '/healthz',
      '/incidents/ABC',
      '/incidents/a/b',
    ]) {
      expect(publicOutput(url), url).toBeNull();
    }
  });
});

describe('brotliWindowBits', () => {
  it("fits the window to the body, within brotli's bounds", async () => {
    const { brotliWindowBits } = await import('#http/response-cache.ts');
    expect(brotliWindowBits(100)).toBe(10);
    expect(brotliWindowBits(300_000)).toBe(19);
    expect(brotliWindowBits(2 ** 19)).toBe(20);
    expect(brotliWindowBits(100_000_000)).toBe(24);
  });
});
