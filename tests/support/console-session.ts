import { expect } from 'vitest';
import { createUserWithCli, type StartedServer } from './server.ts';

/** A person signed in to a started server, browsing as a browser without JavaScript does. */
export interface ConsoleSession {
  get(path: string): Promise<Response>;
  /** Posts a form with the site's Origin, as the browser sends it; redirects are not followed. */
  post(path: string, fields: Record<string, string | string[]>): Promise<Response>;
}

/** Makes an account with the CLI and signs it in through /login. */
export async function signInToConsole(
  server: StartedServer,
  email: string,
  role: string,
): Promise<ConsoleSession> {
  const password = createUserWithCli(server, email, role);
  const response = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
  expect(response.status, `signing in ${email}`).toBe(303);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    get: (path) => fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' }),
    post: (path, fields) => {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) {
        for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
      }
      return fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          cookie,
          origin: server.url,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
        redirect: 'manual',
      });
    },
  };
}
