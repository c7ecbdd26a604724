import { Resend } from 'resend';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeResend,
  type FakeResendOptions,
  headerOf,
  manualClock,
  startFakeResend,
} from '#tests/support/fake-resend.ts';

// The fake Resend API driven by the real `resend` SDK (v6), so that what the sender code will
// see — `{ data, error, headers }` — is what these tests pin down.

const started: FakeResend[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.stop()));
});

async function start(options: FakeResendOptions = {}) {
  const fake = await startFakeResend(options);
  started.push(fake);
  return { fake, resend: new Resend(fake.apiKey, { baseUrl: fake.url }) };
}

const email = (to: string, subject = 'Investigating: API errors', notification = 'n-1') => ({
  from: 'Candor <status@example.test>',
  to: [to],
  subject,
  html: `<p>${subject}</p>`,
  text: subject,
  headers: { 'X-Candor-Notification': notification },
});

const emails = (count: number, notification = 'n-1') =>
  Array.from({ length: count }, (_, i) =>
    email(`subscriber${i}@example.test`, 'Update', notification),
  );

describe('sending', () => {
  it('accepts a batch and records every email in order, with its headers', async () => {
    const { fake, resend } = await start();
    const { data, error, headers } = await resend.batch.send(emails(3));
    expect(error).toBeNull();
    expect(data?.data).toHaveLength(3);
    expect(fake.sent.map((e) => e.id)).toEqual(data?.data.map((d) => d.id));
    expect(fake.sent.map((e) => e.to)).toEqual([
      ['subscriber0@example.test'],
      ['subscriber1@example.test'],
      ['subscriber2@example.test'],
    ]);
    const first = fake.sent[0];
    expect(first && headerOf(first, 'x-candor-notification')).toBe('n-1');
    expect(first).toMatchObject({
      subject: 'Update',
      endpoint: '/emails/batch',
      idempotencyKey: null,
    });
    expect(fake.sentTo('Someone <SUBSCRIBER1@example.test>')).toHaveLength(1);
    expect(fake.duplicates()).toEqual([]);
    expect(fake.requests).toMatchObject([
      { path: '/emails/batch', status: 200, emailCount: 3, sentCount: 3, replayed: false },
    ]);
    // Rate-limit headers come with every answer, and the SDK hands them back.
    expect(headers?.['ratelimit-limit']).toBe('10');
    expect(headers?.['ratelimit-remaining']).toBe('9');
  });

  it('accepts a single email on POST /emails', async () => {
    const { fake, resend } = await start();
    const { data, error } = await resend.emails.send(email('one@example.test'), {
      idempotencyKey: 'single/1',
    });
    expect(error).toBeNull();
    expect(data?.id).toBe(fake.sent[0]?.id);
    expect(fake.sent[0]).toMatchObject({ endpoint: '/emails', idempotencyKey: 'single/1' });
  });

  it('rejects 101 emails with 422 validation_error and sends nothing', async () => {
    const { fake, resend } = await start();
    const { data, error } = await resend.batch.send(emails(101));
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(fake.sent).toHaveLength(0);
    expect((await resend.batch.send(emails(100))).data?.data).toHaveLength(100);
  });

  it('strict batches fail whole on one invalid email; permissive ones send the valid ones', async () => {
    const { fake, resend } = await start();
    const tooMany = Array.from({ length: 51 }, (_, i) => `r${i}@example.test`);
    const batch = [email('ok@example.test'), { ...email('x@example.test'), to: tooMany }];
    const strict = await resend.batch.send(batch);
    expect(strict.error).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(strict.error?.message).toContain('emails[1]');
    expect(fake.sent).toHaveLength(0);

    const noBody = [{ from: 'a@example.test', to: 'b@example.test', subject: 'no body' }];
    // @ts-expect-error deliberately invalid: neither html nor text
    expect((await resend.batch.send(noBody)).error?.statusCode).toBe(422);

    const permissive = await resend.batch.send(batch, { batchValidation: 'permissive' });
    expect(permissive.error).toBeNull();
    expect(permissive.data?.data).toHaveLength(1);
    expect(permissive.data?.errors).toEqual([{ index: 1, message: expect.any(String) }]);
    expect(fake.sent.map((e) => e.to)).toEqual([['ok@example.test']]);
  });
});

describe('authentication', () => {
  it('answers a wrong key with 403 invalid_api_key and a missing one with 401 missing_api_key', async () => {
    const { fake } = await start();
    const wrong = new Resend('re_wrong', { baseUrl: fake.url });
    const { error } = await wrong.batch.send(emails(1));
    expect(error).toEqual({
      statusCode: 403,
      name: 'invalid_api_key',
      message: expect.any(String),
    });

    // The SDK refuses to run without a key, so the missing-key case goes through fetch.
    const response = await fetch(`${fake.url}/emails/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emails(1)),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, name: 'missing_api_key' });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('rate limit', () => {
  it('answers 429 rate_limit_exceeded with retry-after in the headers the SDK returns', async () => {
    const clock = manualClock();
    const { fake, resend } = await start({ rateLimit: 2, now: clock.now });
    expect((await resend.batch.send(emails(1))).error).toBeNull();
    expect((await resend.batch.send(emails(1))).error).toBeNull();
    const limited = await resend.batch.send(emails(1));
    expect(limited.error).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(limited.headers).toMatchObject({
      'retry-after': '1',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '1',
    });
    expect(fake.sent).toHaveLength(2);
    clock.advance(1_000);
    expect((await resend.batch.send(emails(1))).error).toBeNull();
    expect(fake.requests.map((r) => r.status)).toEqual([200, 200, 429, 200]);
  });

  it('allows 10 requests per second by default, on the real clock', async () => {
    const { resend } = await start();
    const results = await Promise.all(
      Array.from({ length: 11 }, () => resend.batch.send(emails(1))),
    );
    const statuses = results.map((r) => r.error?.statusCode ?? 200).sort();
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
  });
});

describe('idempotency', () => {
  it('replays the stored answer for the same key and body without sending again', async () => {
    const { fake, resend } = await start();
    const first = await resend.batch.send(emails(2), { idempotencyKey: 'update-7/batch-0' });
    const again = await resend.batch.send(emails(2), { idempotencyKey: 'update-7/batch-0' });
    expect(again.error).toBeNull();
    expect(again.data).toEqual(first.data);
    expect(fake.sent).toHaveLength(2);
    expect(fake.requests.map((r) => [r.status, r.replayed, r.sentCount])).toEqual([
      [200, false, 2],
      [200, true, 0],
    ]);
  });

  it('answers 409 invalid_idempotent_request for the same key with a different body', async () => {
    const { fake, resend } = await start();
    await resend.batch.send(emails(2), { idempotencyKey: 'k' });
    const other = await resend.batch.send(emails(3), { idempotencyKey: 'k' });
    expect(other.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
    const otherEndpoint = await resend.emails.send(email('a@example.test'), {
      idempotencyKey: 'k',
    });
    expect(otherEndpoint.error?.name).toBe('invalid_idempotent_request');
    expect(fake.sent).toHaveLength(2);
  });

  it('answers 409 concurrent_idempotent_requests while the first request is in flight', async () => {
    const { fake, resend } = await start();
    fake.inject({ slow: 1, slowMs: 150 });
    const [first, second] = await Promise.all([
      resend.batch.send(emails(1), { idempotencyKey: 'race' }),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() =>
        resend.batch.send(emails(1), { idempotencyKey: 'race' }),
      ),
    ]);
    expect(first.error).toBeNull();
    expect(second.error).toMatchObject({ statusCode: 409, name: 'concurrent_idempotent_requests' });
    expect(fake.sent).toHaveLength(1);
  });

  it('rejects keys longer than 256 characters and forgets keys after 24 hours', async () => {
    const clock = manualClock();
    const { fake, resend } = await start({ now: clock.now });
    const long = await resend.batch.send(emails(1), { idempotencyKey: 'x'.repeat(257) });
    expect(long.error).toMatchObject({ statusCode: 400, name: 'invalid_idempotency_key' });
    expect(
      (await resend.batch.send(emails(1), { idempotencyKey: 'x'.repeat(256) })).error,
    ).toBeNull();

    await resend.batch.send(emails(1), { idempotencyKey: 'day' });
    clock.advance(24 * 60 * 60 * 1000 - 1);
    await resend.batch.send(emails(1), { idempotencyKey: 'day' });
    expect(fake.sent).toHaveLength(2);
    clock.advance(1);
    await resend.batch.send(emails(1), { idempotencyKey: 'day' });
    expect(fake.sent).toHaveLength(3);
  });
});

describe('faults', () => {
  it('a lost answer is an SDK error with statusCode null; a retry with the key gets the stored answer', async () => {
    const { fake, resend } = await start();
    fake.inject({ loseAnswer: 1 });
    const lost = await resend.batch.send(emails(2), { idempotencyKey: 'lost-1' });
    expect(lost).toEqual({
      data: null,
      error: { name: 'application_error', statusCode: null, message: expect.any(String) },
      headers: null,
    });
    expect(fake.sent).toHaveLength(2);
    expect(fake.requests[0]?.status).toBe('lost');

    const retry = await resend.batch.send(emails(2), { idempotencyKey: 'lost-1' });
    expect(retry.error).toBeNull();
    expect(retry.data?.data.map((d) => d.id)).toEqual(fake.sent.map((e) => e.id));
    expect(fake.sent).toHaveLength(2);
    expect(fake.duplicates()).toEqual([]);
  });

  it('without a key, retrying after a lost answer sends twice, and duplicates() shows it', async () => {
    const { fake, resend } = await start();
    fake.inject({ loseAnswer: 1 });
    await resend.batch.send(emails(2));
    await resend.batch.send(emails(2));
    const duplicates = fake.duplicates();
    expect(duplicates).toHaveLength(2);
    expect(duplicates[0]?.emails).toHaveLength(2);
    // A caller-chosen key: per notification only.
    expect(fake.duplicates((e) => headerOf(e, 'X-Candor-Notification') ?? '')).toHaveLength(1);
  });

  it('a held answer is cut by an AbortSignal passed as `signal`: the SDK returns, it does not throw', async () => {
    const { fake, resend } = await start();
    fake.inject({ holdAnswer: 1 });
    const signal = AbortSignal.timeout(200);
    const began = performance.now();
    const held = await resend.batch.send(emails(1), { idempotencyKey: 'held-1', signal });
    const waited = performance.now() - began;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(5_000);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('TimeoutError');
    // Indistinguishable from a network failure except through `signal.aborted`.
    expect(held).toEqual({
      data: null,
      error: { name: 'application_error', statusCode: null, message: expect.any(String) },
      headers: null,
    });
    expect(fake.sent).toHaveLength(1);
    expect(fake.requests[0]?.status).toBe('held');

    const retry = await resend.batch.send(emails(1), { idempotencyKey: 'held-1' });
    expect(retry.data?.data[0]?.id).toBe(fake.sent[0]?.id);
    expect(fake.sent).toHaveLength(1);
  });

  it('stop() cuts held answers at once and can be called twice', async () => {
    const { fake, resend } = await start();
    fake.inject({ holdAnswer: 1 });
    const pending = resend.batch.send(emails(1));
    while (fake.heldCount() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([fake.stop(), fake.stop()]);
    await fake.stop();
    expect((await pending).error?.statusCode).toBeNull();
  });

  it('an injected 500 sends nothing and leaves the key free for the retry', async () => {
    const { fake, resend } = await start();
    fake.inject({ status500: 1 });
    const failed = await resend.batch.send(emails(2), { idempotencyKey: 'five' });
    expect(failed.error).toMatchObject({ statusCode: 500, name: 'application_error' });
    expect(fake.sent).toHaveLength(0);
    const retry = await resend.batch.send(emails(2), { idempotencyKey: 'five' });
    expect(retry.error).toBeNull();
    expect(fake.sent).toHaveLength(2);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  it('random faults are reproducible from the seed, and keyed retries still send once', async () => {
    const run = async () => {
      const { fake, resend } = await start({ rateLimit: 0 });
      fake.inject({ random: { status500: 0.2, loseAnswer: 0.2, seed: 42 } });
      for (let batch = 0; batch < 15; batch += 1) {
        const payload = emails(3, `n-${batch}`);
        let attempts = 0;
        for (;;) {
          attempts += 1;
          const { error } = await resend.batch.send(payload, { idempotencyKey: `n-${batch}` });
          if (!error) break;
          expect(attempts).toBeLessThan(20);
        }
      }
      expect(fake.duplicates()).toEqual([]);
      expect(fake.sent).toHaveLength(45);
      return fake.requests.map((r) => `${r.status}${r.replayed ? 'r' : ''}`);
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain('lost');
    expect(first).toContain('500');
    expect(first).toContain('200r');
  });

  it('reset() forgets emails, requests, keys and faults', async () => {
    const { fake, resend } = await start();
    const sent = fake.sent;
    await resend.batch.send(emails(1), { idempotencyKey: 'r' });
    fake.inject({ status500: 5 });
    fake.reset({ rateLimit: 0 });
    expect(sent).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
    expect((await resend.batch.send(emails(1), { idempotencyKey: 'r' })).error).toBeNull();
    expect(fake.sent).toHaveLength(1);
    expect(fake.requests[0]?.replayed).toBe(false);
  });
});
