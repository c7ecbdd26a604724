import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';
import { serverArgs } from '../../src/server-args.mjs';

// The whole product as a user runs it: its own process, a real database file, the real content.

const token = 'integration-bootstrap-token-0123';
const dir = mkdtempSync(join(tmpdir(), 'candor-server-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The management API of `server`, with the bootstrap token. */
const api = (server: StartedServer, method: string, path: string, body?: unknown) =>
  apiClient(() => server.url, token)(method, path, body);

const page = async (server: StartedServer, path: string) => {
  const response = await fetch(`${server.url}${path}`);
  return {
    status: response.status,
    html: await response.text(),
    type: response.headers.get('content-type'),
  };
};

describe('a fresh start', () => {
  let server: StartedServer;
  beforeAll(async () => {
    // Only the settings a deployment needs, in production mode.
    server = await startServer({
      NODE_ENV: 'production',
      SITE_URL: 'http://status.example.test',
      BOOTSTRAP_TOKEN: token,
    });
  });
  afterAll(() => server.stop());

  it('creates and migrates the database and shows the declared components', async () => {
    const home = await page(server, '/');
    expect(home.status).toBe(200);
    expect(home.type).toContain('text/html');
    expect(home.html).toContain('All Systems Operational');
    for (const name of ['Core platform', 'REST API', 'Managed databases', 'Website and docs']) {
      expect(home.html).toContain(name);
    }
    expect(home.html).not.toContain('Deploy pipeline');
    const components = (await api(server, 'GET', '/api/v2/components.json')).json.components;
    expect(components.filter((c: { group: boolean }) => !c.group)).toHaveLength(9);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('shows a declared incident everywhere as soon as the write returns, and its resolution', async () => {
    const components = (await api(server, 'GET', '/api/v1/components')).json;
    const restApi = components.find((c: { name: string }) => c.name === 'REST API').id;
    const declared = await api(server, 'POST', '/api/v1/incidents', {
      title: 'Elevated error rates on the REST API',
      status: 'investigating',
      body: 'We are investigating elevated error rates.',
      components: { [restApi]: 'partial_outage' },
    });
    expect(declared.status).toBe(201);
    const id = declared.json.id;
    const started = Date.now();
    const [home, detail, history, summary] = await Promise.all([
      page(server, '/'),
      page(server, `/incidents/${id}`),
      page(server, '/history'),
      api(server, 'GET', '/api/v2/summary.json'),
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(home.html).toContain('Elevated error rates on the REST API');
    expect(home.html).toContain('Partial System Outage');
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('We are investigating elevated error rates.');
    expect(history.html).toContain(`/incidents/${id}`);
    expect(summary.json.incidents[0].id).toBe(id);
    expect(summary.json.incidents[0].shortlink).toBe(`http://status.example.test/incidents/${id}`);

    for (const [status, body] of [
      ['identified', 'A faulty deploy; rolling back.'],
      ['monitoring', 'Rolled back; watching error rates.'],
      ['resolved', 'Error rates are back to normal.'],
    ]) {
      expect(
        (await api(server, 'POST', `/api/v1/incidents/${id}/updates`, { status, body })).status,
      ).toBe(201);
    }
    const after = await page(server, `/incidents/${id}`);
    for (const text of [
      'Identified',
      'Monitoring',
      'Resolved',
      'Rolled back; watching error rates.',
    ]) {
      expect(after.html).toContain(text);
    }
    expect((await page(server, '/')).html).toContain('All Systems Operational');
    const component = (await api(server, 'GET', `/api/v1/components/${restApi}`)).json;
    expect(component.status).toBe('operational');
  });

  it('shows scheduled maintenance on the page and its own page; internal ones stay hidden', async () => {
    const components = (await api(server, 'GET', '/api/v1/components')).json;
    const storage = components.find((c: { name: string }) => c.name === 'Object storage').id;
    const deploys = components.find((c: { name: string }) => c.name === 'Deploy pipeline').id;
    const start = Date.now() + 86_400_000;
    const window = {
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 3_600_000).toISOString(),
    };
    const publicOne = await api(server, 'POST', '/api/v1/maintenances', {
      title: 'Storage firmware upgrade',
      body: 'Uploads may be slower for a few minutes.',
      components: [storage],
      ...window,
    });
    const internalOne = await api(server, 'POST', '/api/v1/maintenances', {
      title: 'Rotate deploy runners',
      body: 'Internal only.',
      components: [deploys],
      audience: 'internal',
      ...window,
    });
    expect([publicOne.status, internalOne.status]).toEqual([201, 201]);
    const home = await page(server, '/');
    expect(home.html).toContain('Scheduled maintenance');
    expect(home.html).toContain(`/maintenance/${publicOne.json.id}`);
    expect(home.html).not.toContain('Rotate deploy runners');
    const own = await page(server, `/maintenance/${publicOne.json.id}`);
    expect(own.status).toBe(200);
    expect(own.html).toContain('Uploads may be slower for a few minutes.');
    expect((await page(server, `/maintenance/${internalOne.json.id}`)).status).toBe(404);
  });

  it('keeps an internal incident off every public page: its id answers 404', async () => {
    const components = (await api(server, 'GET', '/api/v1/components')).json;
    const deploys = components.find((c: { name: string }) => c.name === 'Deploy pipeline').id;
    const internal = await api(server, 'POST', '/api/v1/incidents', {
      title: 'Deploy runners wedged',
      status: 'investigating',
      body: 'Runner pool exhausted.',
      audience: 'internal',
      components: { [deploys]: 'major_outage' },
    });
    expect(internal.status).toBe(201);
    expect((await page(server, `/incidents/${internal.json.id}`)).status).toBe(404);
    for (const path of ['/', '/history', '/api/v2/summary.json', '/api/v2/incidents.json']) {
      expect((await page(server, path)).html).not.toContain('Deploy runners wedged');
    }
  });

  it('answers 404 pages and problems for what does not exist', async () => {
    expect((await page(server, '/incidents/doesnotexist')).status).toBe(404);
    expect((await page(server, '/no/such/page')).status).toBe(404);
    const problem = await fetch(`${server.url}/api/v1/nothing`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(problem.status).toBe(404);
    expect(problem.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('restarts and content', () => {
  it('keep live status and API-made components; content renames update in place', async () => {
    const content = join(dir, 'content');
    cpSync('content', content, { recursive: true });
    const env = {
      DATABASE_URL: `file:${join(dir, 'restart.db')}`,
      CONTENT_DIR: content,
      BOOTSTRAP_TOKEN: token,
    };
    let server = await startServer(env);
    const listed = (await api(server, 'GET', '/api/v1/components')).json;
    const dashboard = listed.find((c: { name: string }) => c.name === 'Dashboard');
    await api(server, 'PATCH', `/api/v1/components/${dashboard.id}`, {
      status: 'degraded_performance',
    });
    const made = (
      await api(server, 'POST', '/api/v1/components', {
        name: 'Made by API',
        group: 'Applications',
      })
    ).json;
    await server.stop();

    const file = join(content, 'components.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('name: Dashboard', 'name: Web dashboard'),
    );
    server = await startServer(env);
    try {
      const again = (await api(server, 'GET', '/api/v1/components')).json;
      const renamed = again.find((c: { id: string }) => c.id === dashboard.id);
      expect(renamed).toMatchObject({ name: 'Web dashboard', status: 'degraded_performance' });
      expect(again.find((c: { id: string }) => c.id === made.id)).toBeTruthy();
      expect(again).toHaveLength(listed.length + 1);
    } finally {
      await server.stop();
    }
  });

  it('stops on an invalid content file, naming the file and the field', async () => {
    const content = join(dir, 'broken-content');
    cpSync('content', content, { recursive: true });
    writeFileSync(join(content, 'site.yaml'), 'name: Broken\ntime_zone: Mars/Olympus\n');
    const error = await startServer({ CONTENT_DIR: content }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/site\.yaml: time_zone: must be an IANA time zone/);
  });

  it('stops on an invalid setting with one line naming it', () => {
    const result = spawnSync(process.execPath, serverArgs, {
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid setting PORT (got "eighty"): must be a port number from 0 to 65535',
    );
  });
});

describe('npm run token', () => {
  it('prints a new token once, and the running server accepts it', async () => {
    const env = { DATABASE_URL: `file:${join(dir, 'token.db')}` };
    const server = await startServer(env);
    try {
      const result = spawnSync(
        process.execPath,
        ['src/cli/token.ts', 'create', '--name', 'ci', '--scope', 'write'],
        {
          env: { PATH: process.env.PATH ?? '', ...env },
          encoding: 'utf8',
        },
      );
      expect(result.status, result.stderr).toBe(0);
      const printed = result.stdout.trim().split('\n').at(-1) ?? '';
      expect(printed).toMatch(/^candor_/);
      const response = await fetch(`${server.url}/api/v1/incidents`, {
        headers: { authorization: `Bearer ${printed}` },
      });
      expect(response.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
