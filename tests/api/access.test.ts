import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens } from '#db/schema/index.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// Who may do what, over every management route: one table, as a reviewer would read it.

let h: Harness;
const tokens: Record<'read' | 'write' | 'admin', string> = { read: '', write: '', admin: '' };

beforeAll(async () => {
  h = await makeHarness();
  for (const scope of ['read', 'write', 'admin'] as const) {
    const { status, json } = await h.request('POST', '/api/v1/tokens', {
      name: scope,
      scopes: [scope],
    });
    expect(status).toBe(201);
    tokens[scope] = json.token;
  }
});
afterAll(() => h.close());

const routes: [method: string, path: string, needs: 'read' | 'write' | 'admin'][] = [
  ['GET', '/api/v1/components', 'read'],
  ['POST', '/api/v1/components', 'write'],
  ['GET', '/api/v1/components/x', 'read'],
  ['PATCH', '/api/v1/components/x', 'write'],
  ['DELETE', '/api/v1/components/x', 'write'],
  ['GET', '/api/v1/incidents', 'read'],
  ['POST', '/api/v1/incidents', 'write'],
  ['GET', '/api/v1/incidents/x', 'read'],
  ['PATCH', '/api/v1/incidents/x', 'write'],
  ['POST', '/api/v1/incidents/x/updates', 'write'],
  ['GET', '/api/v1/maintenances', 'read'],
  ['POST', '/api/v1/maintenances', 'write'],
  ['PATCH', '/api/v1/maintenances/x', 'write'],
  ['GET', '/api/v1/tokens', 'admin'],
  ['POST', '/api/v1/tokens', 'admin'],
  ['DELETE', '/api/v1/tokens/x', 'admin'],
  ['GET', '/api/v1/users', 'admin'],
  ['POST', '/api/v1/users', 'admin'],
  ['PATCH', '/api/v1/users/x', 'admin'],
  ['DELETE', '/api/v1/users/x', 'admin'],
  ['GET', '/api/v1/subscribers', 'write'],
  ['POST', '/api/v1/subscribers', 'write'],
  ['GET', '/api/v1/outbox', 'write'],
  ['GET', '/api/v1/audit', 'admin'],
];

const rank = { read: 0, write: 1, admin: 2 };

describe.each(routes)('%s %s (needs %s)', (method, path, needs) => {
  it('answers 401 without a token and with an unknown one', async () => {
    const none = await h.request(method, path, method === 'GET' ? undefined : {}, '');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await h.request(
      method,
      path,
      method === 'GET' ? undefined : {},
      'candor_not-a-real-token',
    );
    expect(wrong.status).toBe(401);
  });

  it.each(['read', 'write', 'admin'] as const)('with a %s token', async (scope) => {
    const { status } = await h.request(
      method,
      path,
      method === 'GET' || method === 'DELETE' ? undefined : {},
      tokens[scope],
    );
    if (rank[scope] < rank[needs]) expect(status).toBe(403);
    else expect([200, 204, 404, 422]).toContain(status);
  });
});

describe('API tokens', () => {
  it('are stored only as a hash, and work until revoked', async () => {
    const { json } = await h.request('POST', '/api/v1/tokens', { name: 'ci', scopes: ['write'] });
    expect(json.token).toMatch(/^candor_[A-Za-z0-9_-]{43}$/);
    const [row] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, json.id));
    expect(JSON.stringify(row)).not.toContain(json.token.slice(10));
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await h.request('GET', '/api/v1/incidents', undefined, json.token)).status).toBe(200);
    const listed = (await h.request('GET', '/api/v1/tokens')).json.find(
      (t: { id: string }) => t.id === json.id,
    );
    expect(listed.last_used_at).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(json.token);
    expect((await h.request('DELETE', `/api/v1/tokens/${json.id}`)).status).toBe(204);
    expect((await h.request('GET', '/api/v1/incidents', undefined, json.token)).status).toBe(401);
  });

  it('keep the OpenAPI document and the public JSON open to all', async () => {
    expect((await h.request('GET', '/api/v1/openapi.json', undefined, '')).status).toBe(200);
    expect((await h.request('GET', '/api/v2/summary.json', undefined, '')).status).toBe(200);
  });
});
