// Email fan-out: how close the outbox comes to the provider's rate, and what queueing costs.
//
//   npm run bench:fanout     (node --import ./src/preload.mjs bench/fanout.ts)
//
// (a) Throughput. 10,000 confirmed subscribers (imported through the service, 1,000 at a time as
//     the API takes them), a fake Resend allowing 10 requests/s and EMAIL_RATE_PER_SECOND=10. The
//     sender loop of src/jobs/email-sender.ts runs in this process, already idling as in a server,
//     against the fake through the real SDK (createMailer({ baseUrl: fake.url })). Measured: from
//     the notify write to the fake having accepted the 10,000th email, against the ideal
//     10,000 / 100 per batch / 10 per second = 10 s. Target ≥ 95 % of the ideal rate, no
//     duplicates, no losses.
// (b) Enqueue cost. 100,000 active subscribers; one createIncident with notify (the INSERT …
//     SELECT of 100,000 notifications inside the incident's transaction), then one
//     addIncidentUpdate with notify on it (another 100,000, next to the first). The subscribers
//     are seeded by a separate process (plain multi-row inserts: the import service writes an
//     audit row each and would take most of the time budget), so the peak RSS printed is that of
//     a process that only opens the database and enqueues.
//
// Each part runs in its own child process on a fresh database file. Loopback only; the whole run
// is aborted after 120 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '#config';
import { subscribers } from '#db/schema/index.ts';
import { startEmailSender } from '#jobs/email-sender.ts';
import { newId } from '#lib/ids.ts';
import { createMailer } from '#services/email/mailer.ts';
import { outboxCounts } from '#services/email/outbox.ts';
import { addIncidentUpdate } from '#services/incidents/add-incident-update.ts';
import { createIncident } from '#services/incidents/create-incident.ts';
import { openCandor } from '#services/open.ts';
import { importSubscribers } from '#services/subscribers/admin.ts';
import { startFakeResend } from '../tests/support/fake-resend.ts';

const budgetMs = 120_000;
const fanoutSubscribers = 10_000;
const fanoutRate = 10;
const enqueueSubscribers = 100_000;
const batchSize = 100;

const mb = (kilobytes: number) => `${(kilobytes / 1024).toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Opens the services as start-up does (src/services/open.ts), without HTTP. */
async function open(databaseUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    SITE_URL: 'http://status.example.test',
    EMAIL_FROM: 'Acme Cloud Status <status@example.test>',
    ...env,
  });
  return openCandor(config);
}

/** (a) From the notify write to the last email accepted by the fake provider. */
async function fanout(databaseUrl: string) {
  const fake = await startFakeResend({ rateLimit: fanoutRate });
  const { candor, database } = await open(databaseUrl, {
    RESEND_API_KEY: fake.apiKey,
    EMAIL_RATE_PER_SECOND: String(fanoutRate),
  });
  const ctx = candor.context('bench');
  const addresses = Array.from(
    { length: fanoutSubscribers },
    (_, i) => `subscriber-${String(i).padStart(5, '0')}@example.test`,
  );
  const importStarted = performance.now();
  for (let i = 0; i < addresses.length; i += 1_000) {
    await importSubscribers(
      ctx,
      addresses.slice(i, i + 1_000).map((email) => ({ email, confirmed: true })),
    );
  }
  const importMs = performance.now() - importStarted;

  // The sender runs as in a server: started before, idling (250 ms between rounds) until work comes.
  const stopSender = startEmailSender(
    candor,
    createMailer({ apiKey: fake.apiKey, baseUrl: fake.url }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  await createIncident(ctx, {
    title: 'Elevated error rates on the REST API',
    status: 'investigating',
    body: 'We are investigating elevated error rates.',
    notify: true,
  });
  const writtenMs = Date.now() - started;
  const deadline = started + 90_000;
  while (fake.sent.length < fanoutSubscribers && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const finished = fake.sent.at(-1)?.at ?? Date.now();
  const cpu = process.cpuUsage(cpuBefore);
  // Let the sender record the last batch as sent, then stop it.
  const recordDeadline = Date.now() + 10_000;
  while (Date.now() < recordDeadline) {
    const counts = await outboxCounts(candor);
    if (!counts.queued && !counts.batched) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stopSender();
  const counts = await outboxCounts(candor);
  const stored = (
    await database.client.execute('SELECT sum(length(payload)) AS bytes FROM email_batches')
  ).rows[0];
  await fake.idle();
  await fake.stop();
  database.close();

  const elapsedMs = finished - started;
  const idealMs = (fanoutSubscribers / batchSize / fanoutRate) * 1000;
  const received = new Set(fake.sent.flatMap((email) => email.to));
  const lost = addresses.filter((address) => !received.has(address)).length;
  const duplicateGroups = fake.duplicates();
  const extraEmails = fake.sent.length - received.size;
  const firstCall = fake.requests[0]?.at ?? Number.NaN;
  const statuses = new Map<string, number>();
  for (const request of fake.requests) {
    statuses.set(String(request.status), (statuses.get(String(request.status)) ?? 0) + 1);
  }
  const complete = fake.sent.length >= fanoutSubscribers;
  console.log(
    `(a) fan-out of ${fanoutSubscribers.toLocaleString('en')} emails at ${fanoutRate} requests/s (in-process sender, fake Resend over loopback HTTP)`,
  );
  console.log(
    `    imported ${fanoutSubscribers.toLocaleString('en')} confirmed subscribers through importSubscribers in ${seconds(importMs)}`,
  );
  console.log(
    `    notify write ${writtenMs} ms; first provider call after ${seconds(firstCall - started)}; last email accepted after ${seconds(elapsedMs)}${complete ? '' : ' (INCOMPLETE: gave up after 90 s)'}`,
  );
  console.log(
    `    ideal ${seconds(idealMs)} → ${((idealMs / elapsedMs) * 100).toFixed(1)} % of the ideal rate (${idealMs / elapsedMs >= 0.95 ? 'meets the' : 'BELOW the'} target ≥ 95 %); sending alone (first call to last email) ${seconds(finished - firstCall)} for an ideal ${seconds(idealMs - 1000 / fanoutRate)}`,
  );
  console.log(
    `    CPU ${seconds((cpu.user + cpu.system) / 1000)} (sender and fake together, ${((cpu.user + cpu.system) / 1000 / (fanoutSubscribers / batchSize)).toFixed(0)} ms per batch against ${1000 / fanoutRate} ms per slot); load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs; stored payloads ${mb(Number(stored?.bytes ?? 0) / 1024)} (${(Number(stored?.bytes ?? 0) / fanoutSubscribers / 1024).toFixed(1)} KB per email)`,
  );
  console.log(
    `    provider calls ${fake.requests.length} (${[...statuses].map(([status, n]) => `${n}× ${status}`).join(', ')})`,
  );
  console.log(
    `    duplicates ${duplicateGroups.length} (extra emails ${extraEmails}), losses ${lost}; outbox ${JSON.stringify(counts)}`,
  );
  return complete && lost === 0 && duplicateGroups.length === 0;
}

/** (b, first process) 100,000 active subscribers, written in plain multi-row inserts. */
async function seed(databaseUrl: string) {
  const { candor, database } = await open(databaseUrl);
  const started = performance.now();
  const now = new Date();
  for (let i = 0; i < enqueueSubscribers; i += 5_000) {
    await candor.db.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + 5_000, enqueueSubscribers); j += 500) {
        await tx.insert(subscribers).values(
          Array.from({ length: Math.min(500, enqueueSubscribers - j) }, (_, k) => ({
            id: newId(),
            email: `subscriber-${String(j + k).padStart(6, '0')}@example.test`,
            state: 'active' as const,
            componentIds: null,
            source: 'import' as const,
            confirmedAt: now,
            createdAt: now,
            updatedAt: now,
          })),
        );
      }
    });
  }
  database.close();
  console.log(
    `(b) seeded ${enqueueSubscribers.toLocaleString('en')} active subscribers in ${seconds(performance.now() - started)} (separate process)`,
  );
}

/** (b, second process) The notify writes themselves, and this process's peak RSS. */
async function enqueue(databaseUrl: string) {
  const { candor, database } = await open(databaseUrl);
  const ctx = candor.context('bench');
  const countQueued = async () =>
    Number(
      (
        await database.client.execute(
          "SELECT count(*) AS n FROM notifications WHERE state = 'queued'",
        )
      ).rows[0]?.n ?? 0,
    );
  // Warm the statement path with a write that queues nothing (an internal incident).
  await createIncident(ctx, {
    title: 'warm-up',
    status: 'investigating',
    body: '.',
    audience: 'internal',
  });
  const rssBefore = process.resourceUsage().maxRSS;
  // The embedded driver runs each statement on the main thread: how long is the event loop stuck?
  let lastTick = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const t = performance.now();
    longestGap = Math.max(longestGap, t - lastTick);
    lastTick = t;
  }, 5);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  await settle();
  longestGap = 0;

  const createStarted = performance.now();
  const incident = await createIncident(ctx, {
    title: 'Elevated error rates on the REST API',
    status: 'investigating',
    body: 'We are investigating elevated error rates.',
    notify: true,
  });
  const createMs = performance.now() - createStarted;
  await settle();
  const createBlockedMs = longestGap;
  longestGap = 0;
  const afterCreate = await countQueued();
  const rssAfterCreate = process.resourceUsage().maxRSS;

  const updateStarted = performance.now();
  await addIncidentUpdate(ctx, incident.id, {
    status: 'identified',
    body: 'We found the cause.',
    notify: true,
  });
  const updateMs = performance.now() - updateStarted;
  await settle();
  const updateBlockedMs = longestGap;
  clearInterval(ticker);
  const afterUpdate = await countQueued();
  const rssAfterUpdate = process.resourceUsage().maxRSS;
  const [size] = (
    await database.client.execute(
      'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
    )
  ).rows;
  database.close();

  console.log(
    `    createIncident with notify: ${createMs.toFixed(0)} ms, ${afterCreate.toLocaleString('en')} notifications queued; event loop blocked up to ${createBlockedMs.toFixed(0)} ms`,
  );
  console.log(
    `    addIncidentUpdate with notify: ${updateMs.toFixed(0)} ms, ${(afterUpdate - afterCreate).toLocaleString('en')} more queued; event loop blocked up to ${updateBlockedMs.toFixed(0)} ms`,
  );
  console.log(
    `    peak RSS: ${mb(rssBefore)} after opening the database, ${mb(rssAfterCreate)} after the first enqueue, ${mb(rssAfterUpdate)} after the second; database ${mb(Number(size?.bytes ?? 0) / 1024)}`,
  );
  return afterCreate === enqueueSubscribers && afterUpdate === 2 * enqueueSubscribers;
}

/** Runs one part of this file in its own process, killed when the overall deadline passes. */
function child(part: string, databaseUrl: string, deadline: number): Promise<number> {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      ['--import', './src/preload.mjs', fileURLToPath(import.meta.url), part, databaseUrl],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const timer = setTimeout(
      () => {
        console.error(`Aborted: the benchmark took more than ${budgetMs / 1000} s (in ${part}).`);
        if (proc.pid) process.kill(proc.pid, 'SIGKILL');
      },
      Math.max(0, deadline - Date.now()),
    );
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

const [part, databaseUrl] = process.argv.slice(2);
if (part && databaseUrl) {
  const run = { fanout, seed, enqueue }[part];
  if (!run) throw new Error(`Unknown part ${part}`);
  const ok = await run(databaseUrl);
  process.exit(ok === false ? 1 : 0);
} else {
  const deadline = Date.now() + budgetMs;
  const dir = mkdtempSync(join(tmpdir(), 'candor-bench-fanout-'));
  const codes: number[] = [];
  try {
    codes.push(await child('fanout', `file:${join(dir, 'fanout.db')}`, deadline));
    const enqueueDb = `file:${join(dir, 'enqueue.db')}`;
    const seeded = await child('seed', enqueueDb, deadline);
    codes.push(seeded);
    if (seeded === 0) codes.push(await child('enqueue', enqueueDb, deadline));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(codes.some((code) => code !== 0) ? 1 : 0);
}
