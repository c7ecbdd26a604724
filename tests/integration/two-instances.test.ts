import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeResend, startFakeResend } from '#tests/support/fake-resend.ts';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// Two Candor processes on one database file, each with its scheduler, email sender, change
// watcher and cache, as two instances behind a load balancer: each page follows a write made
// through the other within a second, a maintenance moves once, and every subscriber gets one
// email per update.

const token = 'instances-bootstrap-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'candor-instances-'));
let fake: FakeResend;
let a: StartedServer;
let b: StartedServer;

beforeAll(async () => {
  fake = await startFakeResend({ rateLimit: 50 });
  const env = {
    BOOTSTRAP_TOKEN: token,
    DATABASE_URL: `file:${join(dir, 'candor.db')}`,
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    EMAIL_FROM: 'Status <status@example.test>',
    EMAIL_RATE_PER_SECOND: '20',
  };
  [a, b] = await Promise.all([startServer(env), startServer(env)]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('two instances on one database', () => {
  it('each shows a write made through the other within a second, both ways', async () => {
    for (const [writer, reader] of [
      [a, b],
      [b, a],
    ] as const) {
      const title = `Seen everywhere ${writer.pid}`;
      // The reader has its front page cached before the write.
      expect(await (await fetch(`${reader.url}/`)).text()).not.toContain(title);
      const started = Date.now();
      const made = await apiClient(() => writer.url, token)('POST', '/api/v1/incidents', {
        title,
        status: 'investigating',
        body: 'Posted through one instance.',
      });
      expect(made.status).toBe(201);
      const after = await waitFor(`${title} on the other instance`, async () =>
        (await (await fetch(`${reader.url}/`)).text()).includes(title)
          ? Date.now() - started
          : undefined,
      );
      expect(after).toBeLessThan(1_000);
    }
  });

  it('sends every subscriber one email per update, whichever instance sends', async () => {
    const api = apiClient(() => a.url, token);
    const subscribers = Array.from({ length: 120 }, (_, i) => ({
      email: `reader-${i}@example.test`,
      confirmed: true,
    }));
    expect((await api('POST', '/api/v1/subscribers', subscribers)).status).toBe(201);
    const made = await api('POST', '/api/v1/incidents', {
      title: 'Emailed once',
      status: 'investigating',
      body: 'Both instances have a sender running.',
      notify: true,
    });
    expect(made.status).toBe(201);
    await waitFor('120 emails', async () => (fake.sent.length >= 120 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fake.duplicates()).toEqual([]);
    expect(fake.sent.length).toBe(120);
  });

  it('moves a maintenance once, though both schedulers see it come due', async () => {
    const api = apiClient(() => b.url, token);
    const components = (await api('GET', '/api/v1/components')).json as { id: string }[];
    const now = Date.now();
    const made = await api('POST', '/api/v1/maintenances', {
      title: 'Moved once',
      body: 'A short window.',
      scheduled_for: new Date(now + 500).toISOString(),
      scheduled_until: new Date(now + 12_000).toISOString(),
      components: [components[0]?.id],
    });
    expect(made.status).toBe(201);
    // Each scheduler looks every 10 s: within two looks both have seen it due.
    const audit = await waitFor(
      'the maintenance to complete',
      async () => {
        const entries = (await api('GET', `/api/v1/audit?entity_id=${made.json.id}`)).json as {
          action: string;
        }[];
        return entries.some((e) => e.action === 'maintenance.completed') ? entries : undefined;
      },
      25_000,
    );
    // A window that passed before a scheduler looked completes at once; either way, each
    // move is made once, by one of the two.
    const moves = audit.map((e) => e.action).filter((action) => action !== 'maintenance.created');
    expect(moves).toContain('maintenance.completed');
    expect(new Set(moves).size).toBe(moves.length);
  }, 40_000);
});
