// Measures start-up time and the cost of the public page and JSON, against a baseline measured in
// the same run: a bare node:http server sending the very same bytes. Ratios, not absolute
// numbers, are what to compare between runs on shared, noisy machines.
//
//   npm run bench:quick      (builds first if needed; loopback only; bounded in count and time)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverArgs } from '../src/server-args.mjs';
import { freePort } from '../tests/support/server.ts';

const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const token = 'bench-bootstrap-token-0123456789';

async function startCandor() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'candor-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, serverArgs, {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, 'bench.db')}`,
      BOOTSTRAP_TOKEN: token,
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${url}/healthz`).catch(() => null))?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - started;
  const internalMs = Number(output.match(/ready in (\d+) ms/)?.[1] ?? Number.NaN);
  return {
    url,
    readyMs,
    internalMs,
    stop() {
      if (child.pid) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function startBaseline(bodies: Map<string, { body: Buffer; type: string }>) {
  return new Promise<{ url: string; close(): void }>((resolve) => {
    const server = createServer((req, res) => {
      const found = bodies.get(req.url ?? '');
      res.writeHead(found ? 200 : 404, { 'content-type': found?.type ?? 'text/plain' });
      res.end(found?.body);
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}

async function load(url: string) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + 30_000;
  async function worker() {
    while (next < requests && performance.now() < deadline) {
      next += 1;
      const t = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

const candor = await startCandor();
try {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const components = (await (
    await fetch(`${candor.url}/api/v1/components`, { headers })
  ).json()) as { id: string }[];
  for (let i = 0; i < 3; i++) {
    await fetch(`${candor.url}/api/v1/incidents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        title: `Bench incident ${i}`,
        status: 'investigating',
        body: 'We are investigating **elevated** error rates.',
        components: { [components[i]?.id ?? '']: 'partial_outage' },
      }),
    });
  }
  const paths = ['/', '/api/v2/summary.json', '/history'];
  const bodies = new Map<string, { body: Buffer; type: string }>();
  for (const path of paths) {
    const response = await fetch(`${candor.url}${path}`);
    bodies.set(path, {
      body: Buffer.from(await response.arrayBuffer()),
      type: response.headers.get('content-type') ?? '',
    });
  }
  const baseline = await startBaseline(bodies);
  try {
    console.log(
      `start-up: ${candor.readyMs.toFixed(0)} ms from spawn to /healthz (${candor.internalMs} ms inside the process)`,
    );
    console.log(`load: ${requests} requests per path, ${concurrency} at a time, loopback\n`);
    console.log(
      'path                      bytes   candor req/s  p50 ms  p99 ms   baseline req/s  ratio',
    );
    for (const path of paths) {
      await load(`${candor.url}${path}`); // warm up
      const ours = await load(`${candor.url}${path}`);
      const base = await load(`${baseline.url}${path}`);
      console.log(
        `${path.padEnd(24)} ${String(bodies.get(path)?.body.length).padStart(6)}   ${ours.rps.toFixed(0).padStart(12)}  ${ours.p50.toFixed(2).padStart(6)}  ${ours.p99.toFixed(2).padStart(6)}   ${base.rps.toFixed(0).padStart(14)}  ${(ours.rps / base.rps).toFixed(2)}×`,
      );
    }
  } finally {
    baseline.close();
  }
} finally {
  candor.stop();
}
