import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startServer } from '#tests/support/server.ts';

// A new install: no one can sign in until the first admin is made from the printed link.

let server: StartedServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

const post = (path: string, form: Record<string, string>) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });

describe('first start', () => {
  it('prints a one-time setup link that makes the first admin, once', async () => {
    const link = server.output().match(/Create the first admin within 24 hours at: (\S+)/)?.[1];
    expect(link, server.output()).toBeTruthy();
    const url = new URL(link ?? '');
    const path = `/setup${url.search}`;
    expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    expect((await fetch(`${server.url}/setup?token=forged`)).status).toBe(400);

    const weak = await post(path, { email: 'admin@example.com', password: 'short' });
    expect(weak.status).toBe(422);
    expect(await weak.text()).toContain('The password must be at least 12 characters.');

    const made = await post(path, {
      email: 'admin@example.com',
      name: 'Ada',
      password: 'a long enough passphrase',
    });
    expect(made.status).toBe(200);
    expect(await made.text()).toContain('Done.');
    expect(
      (await post(path, { email: 'second@example.com', password: 'a long enough passphrase' }))
        .status,
    ).toBe(422);

    const login = await post('/login', {
      email: 'admin@example.com',
      password: 'a long enough passphrase',
    });
    expect(login.status).toBe(303);
  });
});
