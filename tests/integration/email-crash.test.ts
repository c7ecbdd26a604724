import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, type ExpectStatic, it } from 'vitest';
import {
  type FakeResend,
  headerOf,
  NOTIFICATION_HEADER,
  type RandomFaults,
  startFakeResend,
} from '#tests/support/fake-resend.ts';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// The outbox's promise under the worst crash: the server is SIGKILLed in the middle of a
// 1,000-subscriber fan-out, while the provider is processing one of its batches (it will send
// those emails, but the server never learns so). Started again on the same database file, it
// must finish the fan-out with every subscriber getting exactly one email: batches already sent
// stay sent, the batch that was in flight is retried with the same idempotency key and bytes (so
// the provider answers it from its record instead of sending again), the rest go out.
//
// Pacing: EMAIL_RATE_PER_SECOND=5 and 100 ms of provider latency spread the 10 batches over
// about 2 s, so the kill reliably lands mid-way and during a call. (At 20/s the whole fan-out
// takes half a second.) The batch in flight at the kill stays leased to the dead process for
// `leaseMs` (30 s) before the new one may retry it: that, not the retry backoff (1–2 s, then
// 2–4 s), is what each scenario spends most of its time on, so the two run concurrently.

const token = 'email-crash-bootstrap-token-0123';
const subscriberCount = 1_000;
const root = mkdtempSync(join(tmpdir(), 'candor-email-crash-'));
const servers: StartedServer[] = [];
const fakes: FakeResend[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop().catch(() => {})));
  await Promise.all(fakes.map((fake) => fake.stop()));
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, or fails after `timeoutMs` saying what it waited for. */
async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; everyMs?: number; state?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `Gave up after ${timeoutMs / 1000} s waiting for ${what}${options.state ? `: ${options.state()}` : ''}`,
      );
    }
    await sleep(options.everyMs ?? 250);
  }
}

/** The management API of `server`, with the bootstrap token. */
const api = (server: StartedServer, method: string, path: string, body?: unknown) =>
  apiClient(() => server.url, token)(method, path, body);

interface OutboxRow {
  state: string;
  to: string;
  update_id: string | null;
  provider_id: string | null;
}

async function outbox(server: StartedServer, state: string, limit = 1_000): Promise<OutboxRow[]> {
  const { status, json } = await api(server, 'GET', `/api/v1/outbox?state=${state}&limit=${limit}`);
  if (status !== 200) throw new Error(`GET /api/v1/outbox answered ${status}`);
  return json;
}

/** SIGKILL: no shutdown handler runs. Waits until the process is gone, then removes its temp dir. */
async function killHard(server: StartedServer): Promise<void> {
  process.kill(server.pid, 'SIGKILL');
  await waitFor(
    `process ${server.pid} to exit after SIGKILL`,
    () => {
      try {
        process.kill(server.pid, 0);
        return undefined;
      } catch {
        return true;
      }
    },
    { timeoutMs: 10_000, everyMs: 20 },
  );
  // The database lives outside the temp dir that stop() removes.
  await server.stop().catch(() => {});
}

async function crashMidFanOut(expect: ExpectStatic, name: string, faults?: RandomFaults) {
  const fake = await startFakeResend({ rateLimit: 50, latencyMs: 100 });
  fakes.push(fake);
  if (faults) fake.inject({ random: faults });
  const env = {
    BOOTSTRAP_TOKEN: token,
    SITE_URL: 'http://status.example.test',
    DATABASE_URL: `file:${join(root, name, 'candor.db')}`,
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    EMAIL_FROM: 'Acme Cloud Status <status@example.test>',
    EMAIL_RATE_PER_SECOND: '5',
  };
  const state = () =>
    `fake accepted ${fake.sent.length} emails in ${fake.requests.length} requests ` +
    `(${JSON.stringify(fake.requests.map((r) => r.status))})`;

  const first = await startServer(env);
  servers.push(first);
  const addresses = Array.from(
    { length: subscriberCount },
    (_, i) => `${name}-${String(i).padStart(4, '0')}@example.test`,
  );
  const imported = await api(
    first,
    'POST',
    '/api/v1/subscribers',
    addresses.map((email) => ({ email, confirmed: true })),
  );
  expect(imported.status).toBe(201);
  expect(imported.json.created).toBe(subscriberCount);

  const title = `Elevated error rates (${name})`;
  const declared = await api(first, 'POST', '/api/v1/incidents', {
    title,
    status: 'investigating',
    body: 'We are investigating elevated error rates on the REST API.',
    notify: true,
  });
  expect(declared.status).toBe(201);

  // Kill once some batches are out and while the provider is processing another one.
  const inFlight = await waitFor(
    'a batch call in flight after at least two batches were accepted',
    () => {
      if (fake.sent.length >= subscriberCount) {
        throw new Error(`The fan-out finished before the server could be killed: ${state()}`);
      }
      const last = fake.requests.at(-1);
      return fake.sent.length >= 200 && last?.status === 'pending' ? last : undefined;
    },
    { everyMs: 2, state },
  );
  await killHard(first);
  const sentAtKill = fake.sent.length;
  expect(sentAtKill).toBeGreaterThanOrEqual(200);
  expect(sentAtKill).toBeLessThan(subscriberCount);

  const restartedAt = Date.now();
  const second = await startServer(env);
  servers.push(second);
  await waitFor(
    'the outbox to have nothing queued or batched',
    async () => {
      const open = [
        ...(await outbox(second, 'queued', 1)),
        ...(await outbox(second, 'batched', 1)),
      ];
      return open.length === 0 ? true : undefined;
    },
    { everyMs: 500, state },
  );
  const recoveryMs = Date.now() - restartedAt;
  await fake.idle();

  // Every subscriber got exactly one email, for that update.
  const perRecipient = new Map(addresses.map((address) => [address, 0]));
  for (const email of fake.sent) {
    for (const to of email.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  }
  const notExactlyOnce = [...perRecipient].filter(([, count]) => count !== 1);
  expect(notExactlyOnce, 'recipients without exactly one email').toEqual([]);
  expect(fake.sent).toHaveLength(subscriberCount);
  expect(fake.duplicates()).toEqual([]);
  expect(fake.duplicates((_, recipient) => recipient)).toEqual([]);
  expect(fake.sent.every((email) => email.subject.includes(title))).toBe(true);
  expect(new Set(fake.sent.map((email) => headerOf(email, NOTIFICATION_HEADER))).size).toBe(
    subscriberCount,
  );

  // Nothing lost or given up on: all 1,000 are recorded as sent, each with the id the provider
  // gave that very recipient.
  const sent = await outbox(second, 'sent');
  expect(sent).toHaveLength(subscriberCount);
  expect(new Set(sent.map((row) => row.update_id)).size).toBe(1);
  const recipientOf = new Map(fake.sent.map((email) => [email.id, email.to[0]]));
  expect(sent.filter((row) => recipientOf.get(row.provider_id ?? '') !== row.to)).toEqual([]);
  expect(await outbox(second, 'failed')).toEqual([]);
  expect(await outbox(second, 'skipped')).toEqual([]);

  // The batch the provider was processing at the kill was retried after the restart and answered
  // from the provider's idempotency record, not sent twice.
  expect(
    fake.requests.some(
      (request) =>
        request.seq > inFlight.seq &&
        request.idempotencyKey === inFlight.idempotencyKey &&
        request.replayed,
    ),
    `a replayed retry of ${inFlight.idempotencyKey}`,
  ).toBe(true);
  expect(second.output()).not.toContain('failed for good');
  return {
    sentAtKill,
    recoveryMs,
    requests: fake.requests.length,
    faults: fake.requests.flatMap((request) => (request.fault ? [request.fault] : [])),
  };
}

describe('the email outbox across a SIGKILL mid fan-out', () => {
  it.concurrent('sends each of 1,000 subscribers exactly one email', async ({ expect }) => {
    const result = await crashMidFanOut(expect, 'plain');
    console.log(
      `plain: killed after ${result.sentAtKill} emails; restarted server finished in ${result.recoveryMs} ms (${result.requests} provider calls)`,
    );
  }, 90_000);

  it.concurrent('still exactly one each with 5 % lost answers and 5 % server errors', async ({
    expect,
  }) => {
    // A 10-batch fan-out makes only about a dozen provider calls. With seed 42 the first fault
    // would fall on the 19th call, so none would fire; seed 13 makes the 3rd call lose its answer
    // and the 4th to 7th answer 500 or lose theirs, before and after the kill.
    const result = await crashMidFanOut(expect, 'faults', {
      loseAnswer: 0.05,
      status500: 0.05,
      seed: 13,
    });
    console.log(
      `faults: killed after ${result.sentAtKill} emails; restarted server finished in ${result.recoveryMs} ms (${result.requests} provider calls, faults: ${result.faults.join(', ')})`,
    );
    expect(result.faults).toContain('loseAnswer');
    expect(result.faults).toContain('status500');
  }, 90_000);
});
