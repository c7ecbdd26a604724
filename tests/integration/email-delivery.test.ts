import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { emailBatches, notifications, subscribers } from '#db/schema/index.ts';
import { createMailer, type OutgoingEmail } from '#services/email/mailer.ts';
import { formBatches, giveUpAfterMs, retryDelayMs, sendNextBatch } from '#services/email/outbox.ts';
import { importSubscribers } from '#services/subscribers/admin.ts';
import { type FakeResend, startFakeResend } from '#tests/support/fake-resend.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

// The real Resend SDK against the local fake, with the real outbox on a real database file.

const dirs: string[] = [];
const fakes: FakeResend[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) h.close();
  for (const fake of fakes.splice(0)) await fake.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup(options: {
  subscribers: number;
  rateLimit?: number;
  clock?: ReturnType<typeof testClock>;
  url?: string;
}) {
  const fake = await startFakeResend({ rateLimit: options.rateLimit ?? 0 });
  fakes.push(fake);
  let url = options.url;
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'candor-email-'));
    dirs.push(dir);
    url = `file:${join(dir, 'email.db')}`;
  }
  const h = await makeHarness({
    url,
    clock: options.clock ?? testClock(),
    env: { EMAIL_FROM: 'Testco Status <status@testco.example>' },
  });
  harnesses.push(h);
  if (options.subscribers > 0) {
    await importSubscribers(
      h.candor.context('test'),
      Array.from({ length: options.subscribers }, (_, i) => ({
        email: `s${i}@example.com`,
        confirmed: true,
      })),
    );
  }
  const mailer = createMailer({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 400 });
  return { fake, h, mailer };
}

async function notifyAll(h: Harness) {
  const { status } = await h.request('POST', '/api/v1/incidents', {
    title: 'API errors',
    status: 'investigating',
    body: 'Looking.',
    notify: true,
  });
  expect(status).toBe(201);
}

/** Sends until nothing is due, moving the test clock over every wait instead of sleeping. */
async function drain(h: Harness, mailer: ReturnType<typeof createMailer>, owner = 'test') {
  const options = {
    mailer,
    owner,
    ratePerSecond: 2,
    sleep: async (ms: number) => h.clock.advance(ms),
    random: () => 0.5,
  };
  for (let round = 0; round < 200; round++) {
    await formBatches(h.candor.context('sender'), h.candor.email);
    if (await sendNextBatch(h.candor.context('sender'), options)) continue;
    const pending = await h.db.select().from(emailBatches).where(eq(emailBatches.state, 'pending'));
    if (pending.length === 0) return;
    // Jump to the next retry, but never past a lease another sender holds: its call is in flight.
    const free = pending.filter((b) => !b.leaseExpiresAt || b.leaseExpiresAt <= h.clock.now());
    if (free.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    else
      h.clock.set(
        new Date(
          Math.max(
            h.clock.now().getTime(),
            Math.min(...free.map((b) => b.nextAttemptAt.getTime())),
          ),
        ),
      );
  }
  throw new Error('The outbox did not drain in 200 rounds');
}

const perRecipient = (fake: FakeResend) => {
  const counts = new Map<string, number>();
  for (const email of fake.sent)
    for (const to of email.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
};

describe('the outbox worker', () => {
  it('hands 250 emails to the provider in 3 batches of at most 100, paced, each once', async () => {
    const { fake, h, mailer } = await setup({ subscribers: 250 });
    await notifyAll(h);
    const started = h.clock.now().getTime();
    await drain(h, mailer);
    expect(
      fake.requests.filter((r) => r.path === '/emails/batch').map((r) => r.emailCount),
    ).toEqual([100, 100, 50]);
    expect(perRecipient(fake).size).toBe(250);
    expect([...perRecipient(fake).values()].every((n) => n === 1)).toBe(true);
    // Two calls a second: the third call waits a second after the first.
    expect(h.clock.now().getTime() - started).toBeGreaterThanOrEqual(1000);
    const states = await h.db
      .select({ state: notifications.state, providerId: notifications.providerId })
      .from(notifications);
    expect(states.every((n) => n.state === 'sent' && n.providerId)).toBe(true);
    const [email] = fake.sent;
    expect(email?.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email?.from).toBe('Testco Status <status@testco.example>');
  });

  it('retries lost answers, 500s and held answers with the same key and bytes, sending each email once', async () => {
    const { fake, h, mailer } = await setup({ subscribers: 300 });
    await notifyAll(h);
    fake.inject({ loseAnswer: 1, status500: 1, holdAnswer: 1 });
    await drain(h, mailer);
    expect(fake.duplicates()).toEqual([]);
    expect(perRecipient(fake).size).toBe(300);
    const byKey = new Map<string, Set<string>>();
    for (const request of fake.requests) {
      if (!request.idempotencyKey) continue;
      byKey.set(
        request.idempotencyKey,
        (byKey.get(request.idempotencyKey) ?? new Set()).add(String(request.status)),
      );
    }
    expect([...byKey.values()].some((outcomes) => outcomes.size > 1)).toBe(true);
    const batches = await h.db.select().from(emailBatches);
    expect(batches.every((b) => b.state === 'sent')).toBe(true);
    expect(batches.some((b) => b.attempts > 1)).toBe(true);
  });

  it('waits as long as a 429 says', async () => {
    const { fake, h, mailer } = await setup({ subscribers: 150, rateLimit: 1 });
    await notifyAll(h);
    // The fake's rate window runs on the real clock: a burst of two calls meets its limit.
    await formBatches(h.candor.context('sender'), h.candor.email);
    const fast = {
      mailer,
      owner: 't',
      ratePerSecond: 100,
      sleep: async () => {},
      random: () => 0.5,
    };
    await sendNextBatch(h.candor.context('sender'), fast);
    const before = h.clock.now().getTime();
    await sendNextBatch(h.candor.context('sender'), fast);
    expect(fake.requests.map((r) => r.status)).toEqual([200, 429]);
    const [pending] = await h.db
      .select()
      .from(emailBatches)
      .where(eq(emailBatches.state, 'pending'));
    expect(pending?.nextAttemptAt.getTime()).toBe(before + 1000);
    expect(pending?.lastError).toMatch(/rate_limit_exceeded/);
  });

  it('never sends a batch twice when two instances share the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'candor-email-shared-'));
    dirs.push(dir);
    const url = `file:${join(dir, 'shared.db')}`;
    const clock = testClock();
    const a = await setup({ subscribers: 500, url, clock });
    const b = await setup({ subscribers: 0, url, clock });
    await notifyAll(a.h);
    const mailer = createMailer({ apiKey: a.fake.apiKey, baseUrl: a.fake.url, timeoutMs: 400 });
    const bMailer = createMailer({ apiKey: a.fake.apiKey, baseUrl: a.fake.url, timeoutMs: 400 });
    await Promise.all([drain(a.h, mailer, 'a'), drain(b.h, bMailer, 'b')]);
    expect(a.fake.duplicates()).toEqual([]);
    expect(perRecipient(a.fake).size).toBe(500);
    expect(a.fake.requests.filter((r) => r.status === 200 && !r.replayed)).toHaveLength(5);
  });

  it('fails only the email whose address the provider refuses, and sends the rest', async () => {
    const { fake, h, mailer } = await setup({ subscribers: 3 });
    // An address the provider refuses, as it refuses suppressed ones.
    await h.db
      .update(subscribers)
      .set({ email: 'not-an-address' })
      .where(eq(subscribers.email, 's1@example.com'));
    await notifyAll(h);
    await drain(h, mailer);
    const rows = await h.db
      .select({
        to: subscribers.email,
        state: notifications.state,
        error: notifications.error,
        providerId: notifications.providerId,
      })
      .from(notifications)
      .innerJoin(subscribers, eq(subscribers.id, notifications.subscriberId))
      .where(eq(notifications.kind, 'incident_update'));
    expect(rows.map((r) => [r.to, r.state]).sort()).toEqual([
      ['not-an-address', 'failed'],
      ['s0@example.com', 'sent'],
      ['s2@example.com', 'sent'],
    ]);
    expect(rows.find((r) => r.to === 'not-an-address')?.error).toMatch(/^refused: /);
    expect(rows.filter((r) => r.state === 'sent').every((r) => r.providerId)).toBe(true);
    expect(fake.sent.map((e) => e.to[0]).sort()).toEqual(['s0@example.com', 's2@example.com']);
  });

  it('gives up after 23 hours of failures and says so on every email', async () => {
    const { fake, h, mailer } = await setup({ subscribers: 3 });
    await notifyAll(h);
    fake.inject({ status500: 10_000 });
    await formBatches(h.candor.context('sender'), h.candor.email);
    const options = {
      mailer,
      owner: 't',
      ratePerSecond: 100,
      sleep: async () => {},
      random: () => 0.5,
    };
    await sendNextBatch(h.candor.context('sender'), options);
    h.clock.advance(giveUpAfterMs + 60_000);
    await sendNextBatch(h.candor.context('sender'), options);
    const [batch] = await h.db.select().from(emailBatches);
    expect(batch?.state).toBe('failed');
    expect(batch?.lastError).toMatch(/gave up after 1 attempts over 23 hours/);
    const rows = await h.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'incident_update'));
    expect(rows.every((n) => n.state === 'failed' && n.error?.includes('gave up'))).toBe(true);
  });
});

describe('the mailer', () => {
  it('sorts provider answers into sent, retry and permanent', async () => {
    const fake = await startFakeResend({ rateLimit: 0 });
    fakes.push(fake);
    const mailer = createMailer({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 300 });
    const email: OutgoingEmail = {
      from: 'a@example.com',
      to: ['b@example.com'],
      subject: 's',
      html: '<p>x</p>',
      text: 'x',
      headers: {},
    };
    expect((await mailer.sendBatch([email], 'k1')).kind).toBe('sent');
    expect(await mailer.sendBatch(Array(101).fill(email), 'k2')).toMatchObject({
      kind: 'permanent',
    });
    fake.inject({ holdAnswer: 1 });
    expect(await mailer.sendBatch([email], 'k3')).toMatchObject({ kind: 'retry', maybeSent: true });
    const wrongKey = createMailer({ apiKey: 're_wrong', baseUrl: fake.url });
    expect(await wrongKey.sendBatch([email], 'k4')).toMatchObject({
      kind: 'retry',
      afterMs: 300_000,
    });
  });

  it('backs off exponentially with jitter, from about 2 s to at most 5 minutes', () => {
    expect(retryDelayMs(1, () => 0)).toBe(1000);
    expect(retryDelayMs(1, () => 1)).toBe(2000);
    expect(retryDelayMs(3, () => 1)).toBe(8000);
    expect(retryDelayMs(20, () => 1)).toBe(300_000);
  });
});
