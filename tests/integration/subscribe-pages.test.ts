import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '#tests/support/server.ts';

// The subscription pages as a person's browser uses them: form posts with an Origin header.

const token = 'subscribe-pages-token-0123456789';
let server: StartedServer;
beforeAll(async () => {
  server = await startServer({ BOOTSTRAP_TOKEN: token, SUBSCRIBE_LIMIT_PER_MINUTE: '12' });
});
afterAll(() => server.stop());

const post = (path: string, form: Record<string, string | string[]>, origin = server.url) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form))
    for (const v of [value].flat()) body.append(key, v);
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
};
const api = async (path: string) =>
  (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
const tokenFrom = (text: string, path: string) =>
  new URL(
    text.match(new RegExp(`http\\S+${path}\\?token=\\S+`))?.[0] ?? 'http://x/',
  ).searchParams.get('token') ?? '';

describe('the subscription pages', () => {
  it('answer the same for a new and a known address, and refuse cross-site posts', async () => {
    const form = await (await fetch(`${server.url}/subscribe`)).text();
    expect(form).toContain('name="email"');
    const first = await post('/subscribe', { email: 'known@example.com' });
    const again = await post('/subscribe', { email: 'known@example.com' });
    const fresh = await post('/subscribe', { email: 'fresh@example.com' });
    const texts = await Promise.all([first, again, fresh].map((r) => r.text()));
    expect([first.status, again.status, fresh.status]).toEqual([200, 200, 200]);
    const strip = (html: string) =>
      html.replace(/known@example\.com|fresh@example\.com/g, 'ADDRESS');
    expect(strip(texts[0] ?? '')).toBe(strip(texts[1] ?? ''));
    expect(strip(texts[0] ?? '')).toBe(strip(texts[2] ?? ''));
    expect(texts[0]).toContain('Check your inbox');
    const crossSite = await post(
      '/subscribe',
      { email: 'evil@example.com' },
      'https://evil.example',
    );
    expect(crossSite.status).toBe(403);
    const outbox = await api('/api/v1/outbox');
    expect(outbox.map((e: { to: string }) => e.to).sort()).toEqual([
      'fresh@example.com',
      'known@example.com',
    ]);
  });

  it('say what is wrong with a bad address, in words', async () => {
    const response = await post('/subscribe', { email: 'not an address' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Enter an email address, like name@example.com.');
  });

  it('confirm, manage the choice, and leave; a GET of the unsubscribe link changes nothing', async () => {
    await post('/subscribe', { email: 'manager@example.com' });
    const [confirmation] = (await api('/api/v1/outbox')).filter(
      (e: { to: string }) => e.to === 'manager@example.com',
    );
    const confirmed = await fetch(
      `${server.url}/subscribe/confirm?token=${encodeURIComponent(tokenFrom(confirmation.text, '/subscribe/confirm'))}`,
    );
    expect(await confirmed.text()).toContain('You are subscribed');
    const components = await api('/api/v1/components');
    const restApi = components.find((c: { name: string }) => c.name === 'REST API').id;
    const incident = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'API errors',
        status: 'investigating',
        body: 'Looking.',
        notify: true,
      }),
    });
    expect(incident.status).toBe(201);
    const [update] = (await api('/api/v1/outbox?state=queued')).filter(
      (e: { to: string; kind: string }) =>
        e.to === 'manager@example.com' && e.kind === 'incident_update',
    );
    const manage = tokenFrom(update.text, '/subscribe/manage');
    const unsubscribe = tokenFrom(update.text, '/unsubscribe');

    const scanned = await fetch(
      `${server.url}/unsubscribe?token=${encodeURIComponent(unsubscribe)}`,
    );
    expect(await scanned.text()).toContain('Unsubscribe from');
    let subscribers = await api('/api/v1/subscribers');
    expect(
      subscribers.find((s: { email: string }) => s.email === 'manager@example.com').state,
    ).toBe('active');

    const saved = await post(`/subscribe/manage?token=${encodeURIComponent(manage)}`, {
      action: 'save',
      components: [restApi],
    });
    expect(await saved.text()).toContain('Saved.');
    subscribers = await api('/api/v1/subscribers');
    expect(
      subscribers.find((s: { email: string }) => s.email === 'manager@example.com').components,
    ).toEqual([restApi]);

    const left = await post(`/subscribe/manage?token=${encodeURIComponent(manage)}`, {
      action: 'leave',
    });
    expect(await left.text()).toContain('You are unsubscribed');
    subscribers = await api('/api/v1/subscribers');
    expect(
      subscribers.find((s: { email: string }) => s.email === 'manager@example.com').state,
    ).toBe('unsubscribed');
    const badLink = await fetch(`${server.url}/subscribe/manage?token=forged`);
    expect(badLink.status).toBe(400);
  });

  it('limit one network to its share of subscriptions per minute, with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 14; i++) {
      const response = await post('/subscribe', { email: `burst${i}@example.com` });
      statuses.push(response.status);
      retryAfter ??= response.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
