// Candor at scale: the data set of `npm run bench:data` (500 components, 100,000 incidents,
// 1,000,000 status-history rows, 100,000 subscribers), measured against the targets:
//
//   start-up < 5 s              spawn of `node src/server.ts` → first 200 from /healthz
//   `/` uncached < 20 ms        median of in-process renders, every one without a cached read
//   peak RSS < 300 MB           the server process's VmHWM after start-up and a render of each page
//
//   npm run bench:scale                       (data/scale.db; generated first when missing)
//   npm run bench:scale -- --db PATH --runs 20 --warmups 3
//
// Two parts. A child process, as in production, gives start-up and peak memory; its front cache
// answers a repeated GET from memory, so over HTTP only the first GET of each path is a render.
// Render times come from the app in this process instead (as tests/support/pages-server.ts
// builds it), called with app.fetch() behind no front cache, with the one-second read-model cache
// dropped before every call, as any public write drops it: each timed render reads the database
// and renders in full (the incident and component pages read the current status too). The last
// column times the page's own read-model call alone.
// Both work on a copy of the database in a temporary folder; this process runs with the server's
// V8 flags (src/server-args.mjs) so that its renders collect garbage as the server's do. Exits 1
// when a target is missed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@libsql/client';
import { loadConfig } from '#config';
import { openCandor } from '#services/open.ts';
import { createSite } from '../src/boot.ts';
import { serverArgs } from '../src/server-args.mjs';
import { freePort } from '../tests/support/server.ts';

const { values: options } = parseArgs({
  options: {
    db: { type: 'string', default: 'data/scale.db' },
    runs: { type: 'string', default: '20' },
    warmups: { type: 'string', default: '3' },
  },
});
const runs = Number(options.runs);
const warmups = Number(options.warmups);
const startupCount = 3;
/** Each measurement stops early after this long: a render of seconds still gets a few samples. */
const budgetMs = 30_000;
const targets = { startupMs: 5_000, homeMs: 20, peakRssMb: 300 };

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => ms.toFixed(1).padStart(7);

// ---------------------------------------------------------------------------------------------
// Preparation: the build, the data set and a private copy of it

/** Runs a command to completion with its output shown, or stops the benchmark. */
function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

function prepare(): { dir: string; database: string } {
  if (!existsSync('dist/server/entry.mjs')) run('npm', ['run', 'build']);
  if (!existsSync(options.db)) {
    run(process.execPath, ['--import', './src/preload.mjs', 'bench/data.ts', '--out', options.db]);
  }
  const dir = mkdtempSync(join(tmpdir(), 'candor-scale-'));
  const database = join(dir, 'scale.db');
  copyFileSync(options.db, database);
  return { dir, database };
}

// ---------------------------------------------------------------------------------------------
// The server as its own process: start-up and peak memory

interface Startup {
  readyMs: number;
  /** What the server itself says start-up took (module loading included). */
  internalMs: number;
  /** Peak RSS when it became ready. */
  readyPeakMb: number;
}

interface ServerRun {
  startups: Startup[];
  /** The first GET of each path: a render, plus filling the front cache (compression). */
  firstGets: { path: string; ms: number; status: number }[];
  peakRssMb: number;
  rssMb: number;
}

/** Reads a `VmHWM:   123456 kB` line of /proc/<pid>/status, in MB. */
function procMemory(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1]);
  return kb / 1024;
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

/** Spawns the server and waits for /healthz; the caller stops it. */
async function startServer(database: string) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, serverArgs, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `file:${database}`,
      NODE_ENV: 'production',
      ASTRO_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  while (performance.now() - started < 60_000 && child.exitCode === null) {
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) {
      const startup: Startup = {
        readyMs: performance.now() - started,
        internalMs: Number(output.match(/ready in (\d+) ms/)?.[1] ?? Number.NaN),
        readyPeakMb: procMemory(child.pid as number, 'VmHWM'),
      };
      return { child, url, startup };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await stopChild(child);
  throw new Error(`The server did not start:\n${output}`);
}

/**
 * Starts the server `startups` times (the machine is shared: one start-up can be unlucky), and
 * on the last start GETs each path once before reading the process's peak memory.
 */
async function measureServer(database: string, paths: readonly string[]): Promise<ServerRun> {
  const startups: Startup[] = [];
  for (let i = 0; i < startupCount; i++) {
    const { child, url, startup } = await startServer(database);
    startups.push(startup);
    try {
      if (i < startupCount - 1) continue;
      const firstGets = [];
      for (const path of paths) {
        const t = performance.now();
        const response = await fetch(`${url}${path}`);
        await response.arrayBuffer();
        firstGets.push({ path, ms: performance.now() - t, status: response.status });
      }
      const pid = child.pid as number;
      return {
        startups,
        firstGets,
        peakRssMb: procMemory(pid, 'VmHWM'),
        rssMb: procMemory(pid, 'VmRSS'),
      };
    } finally {
      await stopChild(child);
    }
  }
  throw new Error('unreachable');
}

// ---------------------------------------------------------------------------------------------
// The app in this process: uncached renders

interface Timing {
  path: string;
  bytes: number;
  status: number;
  median: number;
  p95: number;
  /** How many timed renders. */
  n: number;
  /** The same for the read model alone (database reads and shaping, no HTML or JSON). */
  read?: { median: number; p95: number; n: number };
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5) ?? Number.NaN, p95: at(0.95) ?? Number.NaN };
}

/**
 * Times `task` `runs` times after `warmups` untimed calls, `before` running untimed each time;
 * stops after the time budget once it has at least three samples.
 */
async function timeIt(task: () => Promise<unknown>, before: () => void) {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < warmups + runs; i++) {
    before();
    const t = performance.now();
    await task();
    if (i >= warmups) samples.push(performance.now() - t);
    if (samples.length >= 3 && performance.now() - started > budgetMs) break;
  }
  return { ...summarise(samples), n: samples.length };
}

type Ids = { incident: string; component: string };

/** Ids to render: the newest public incident, and the public component most incidents touched. */
async function pickIds(database: string): Promise<Ids> {
  const client = createClient({ url: `file:${database}` });
  try {
    const incident = await client.execute(
      "SELECT id FROM incidents WHERE audience = 'public' ORDER BY started_at DESC LIMIT 1",
    );
    const component = await client.execute(
      `SELECT l.component_id AS id FROM incident_components l
         JOIN components c ON c.id = l.component_id AND c.audience = 'public'
       GROUP BY l.component_id ORDER BY count(*) DESC LIMIT 1`,
    );
    return { incident: String(incident.rows[0]?.id), component: String(component.rows[0]?.id) };
  } finally {
    client.close();
  }
}

/** What is measured. History page 20 is five years back, near the oldest data; 50 is past it. */
const pathsFor = (ids: Ids) => [
  '/',
  '/history',
  '/history?page=20',
  '/history?page=50',
  '/history?page=2000',
  '/api/v2/summary.json',
  '/api/v2/incidents.json',
  `/incidents/${ids.incident}`,
  `/components/${ids.component}`,
];

async function measureInProcess(database: string, ids: Ids) {
  const openStarted = performance.now();
  const config = loadConfig({ DATABASE_URL: `file:${database}`, NODE_ENV: 'production' });
  const { candor, database: handle } = await openCandor(config);
  const openMs = performance.now() - openStarted;
  try {
    const { app } = await createSite(candor);
    // What a public write that moves no component does: drops the read model's one-second
    // cache (and the v2 documents rendered from it). The catalogue and the uptime inputs stay.
    const uncached = () => candor.changed(['status']);
    // What a write that moves a component's status does besides: the catalogue and the open
    // status intervals are read again.
    const afterStatusChange = () => candor.changed(['status', 'catalogue']);
    const reads: Record<string, () => Promise<unknown>> = {
      '/': () => candor.publicReads.status(),
      '/history': () => candor.publicReads.history(1),
      '/history?page=20': () => candor.publicReads.history(20),
      '/history?page=50': () => candor.publicReads.history(50),
      '/history?page=2000': () => candor.publicReads.history(2000),
      [`/incidents/${ids.incident}`]: () => candor.publicReads.incident(ids.incident),
      [`/components/${ids.component}`]: () => candor.publicReads.component(ids.component),
    };
    const timings: Timing[] = [];
    for (const path of pathsFor(ids)) {
      let last = { bytes: 0, status: 0 };
      const render = async () => {
        const response = await app.fetch(new Request(new URL(path, candor.site.siteUrl)));
        last = { bytes: (await response.arrayBuffer()).byteLength, status: response.status };
      };
      const timing: Timing = { path, ...(await timeIt(render, uncached)), ...last };
      const read = reads[path];
      if (read) timing.read = await timeIt(read, uncached);
      timings.push(timing);
      if (path === '/') {
        const moved: Timing = {
          path: '/ (after a status change)',
          ...(await timeIt(render, afterStatusChange)),
          ...last,
        };
        if (read) moved.read = await timeIt(read, afterStatusChange);
        timings.push(moved);
      }
    }
    return { openMs, timings };
  } finally {
    handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function printServer(server: ServerRun) {
  console.log('\nServer process (NODE_ENV=production, its own copy of the database)');
  for (const [i, startup] of server.startups.entries()) {
    console.log(
      `  start-up ${i + 1}: ${seconds(startup.readyMs)} from spawn to /healthz 200 (${startup.internalMs} ms by its "ready in" line), peak RSS when ready ${startup.readyPeakMb.toFixed(0)} MB`,
    );
  }
  console.log('  first GET of each path on the last start (a render plus the front cache fill):');
  for (const get of server.firstGets) {
    console.log(`    ${get.path.padEnd(34)} ${millis(get.ms)} ms  ${get.status}`);
  }
  console.log(
    `  memory after those GETs: peak RSS (VmHWM) ${server.peakRssMb.toFixed(0)} MB, RSS ${server.rssMb.toFixed(0)} MB`,
  );
}

const medianStartup = (server: ServerRun) =>
  summarise(server.startups.map((startup) => startup.readyMs)).median;

function printRenders(openMs: number, timings: readonly Timing[]) {
  console.log(
    `\nIn-process renders, uncached (up to ${runs} runs after ${warmups} warm-ups, ${budgetMs / 1000} s budget each; opening took ${seconds(openMs)})`,
  );
  console.log(
    'path                                 status    bytes  median ms   p95 ms   n   read model median/p95 ms',
  );
  for (const t of timings) {
    const read = t.read ? `${millis(t.read.median)} / ${millis(t.read.p95)}` : '';
    console.log(
      `${t.path.padEnd(36)} ${String(t.status).padStart(6)} ${String(t.bytes).padStart(8)}  ${millis(t.median)}  ${millis(t.p95)} ${String(t.n).padStart(3)}   ${read}`,
    );
  }
}

function printTargets(server: ServerRun, timings: readonly Timing[]): boolean {
  const home = timings.find((t) => t.path === '/') as Timing;
  const startup = medianStartup(server);
  const rows = [
    [
      'start-up (median)',
      seconds(startup),
      `< ${seconds(targets.startupMs)}`,
      startup < targets.startupMs,
    ],
    [
      '`/` uncached (median)',
      `${home.median.toFixed(1)} ms`,
      `< ${targets.homeMs} ms`,
      home.median < targets.homeMs,
    ],
    [
      'peak RSS (after renders)',
      `${server.peakRssMb.toFixed(0)} MB`,
      `< ${targets.peakRssMb} MB`,
      server.peakRssMb < targets.peakRssMb,
    ],
  ] as const;
  console.log('\ntarget                     measured     limit      result');
  for (const [name, measured, limit, pass] of rows) {
    console.log(
      `${name.padEnd(26)} ${measured.padStart(9)}   ${limit.padEnd(9)}  ${pass ? 'PASS' : 'FAIL'}`,
    );
  }
  return rows.every((row) => row[3]);
}

const { dir, database } = prepare();
try {
  const ids = await pickIds(database);
  // The server first: its start-up is the one production sees, with nothing else loaded.
  const server = await measureServer(database, pathsFor(ids));
  const inProcess = await measureInProcess(database, ids);
  printServer(server);
  printRenders(inProcess.openMs, inProcess.timings);
  const passed = printTargets(server, inProcess.timings);
  process.exitCode = passed ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
