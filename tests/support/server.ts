import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverArgs } from '../../src/server-args.mjs';

/** A free loopback port, found by letting the kernel pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface StartedServer {
  url: string;
  pid: number;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node src/server.ts` as its own process on a free loopback port and waits until it
 * answers /healthz. The process is stopped by its PID; its temporary data folder is removed.
 */
export async function startServer(env: Record<string, string> = {}): Promise<StartedServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'candor-server-'));
  const child: ChildProcess = spawn(process.execPath, serverArgs, {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: `file:${join(dataDir, 'candor.db')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`The server exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (Date.now() >= deadline) {
    await stop();
    throw new Error(`The server did not answer /healthz within 30 s:\n${output}`);
  }
  return { url, pid: child.pid as number, dataDir, output: () => output, stop };
}

/**
 * Calls the management API of a started server with a bearer token.
 * @example const api = apiClient(() => server.url, token); await api('GET', '/api/v1/components')
 */
export function apiClient(baseUrl: () => string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: response.status, json, text };
  };
}

/**
 * Makes an account with the CLI (`npm run user -- create`), as an operator would, on a started
 * server's database, and returns the one-time password it prints on its last line.
 */
export function createUserWithCli(server: StartedServer, email: string, role: string): string {
  const created = spawnSync(
    process.execPath,
    [
      '--import',
      './src/preload.mjs',
      'src/cli/user.ts',
      'create',
      '--email',
      email,
      '--role',
      role,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: `file:${join(server.dataDir, 'candor.db')}`,
      },
      encoding: 'utf8',
    },
  );
  if (created.status !== 0) throw new Error(`npm run user -- create failed: ${created.stderr}`);
  return created.stdout.trim().split('\n').at(-1) ?? '';
}
