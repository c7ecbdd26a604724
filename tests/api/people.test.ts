import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { absoluteMs, idleMs } from '#services/people/sessions.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

const password = 'a long enough passphrase';
const createUser = (email: string, role = 'editor') =>
  h.request('POST', '/api/v1/users', { email, name: email.split('@')[0], role, password });

describe('users API (admin)', () => {
  it('creates, lists, changes and deletes users, never showing a password hash', async () => {
    const created = await createUser('Dana@Example.com', 'admin');
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: 'dana@example.com', role: 'admin' });
    const list = await h.request('GET', '/api/v1/users');
    expect(list.text).not.toMatch(/scrypt|password/);
    const changed = await h.request('PATCH', `/api/v1/users/${created.json.id}`, {
      name: 'Dana Lee',
    });
    expect(changed.json.name).toBe('Dana Lee');
    const second = await createUser('sam@example.com', 'viewer');
    expect((await h.request('DELETE', `/api/v1/users/${second.json.id}`)).status).toBe(204);
  });

  it.each([
    [{ password: 'short' }, 'password'],
    [{ password: 'password1234' }, 'password'],
    [{ role: 'owner' }, 'role'],
    [{ email: 'nope' }, 'email'],
  ])('refuses %j naming %s', async (patch, field) => {
    const { status, json } = await h.request('POST', '/api/v1/users', {
      email: 'x@example.com',
      name: 'X',
      role: 'viewer',
      password,
      ...patch,
    });
    expect(status).toBe(422);
    expect(json.errors[0].field).toBe(field);
  });

  it('keeps one admin at least, and one account per address', async () => {
    const admin = await createUser('only@example.com', 'admin');
    expect(
      (await h.request('PATCH', `/api/v1/users/${admin.json.id}`, { role: 'viewer' })).status,
    ).toBe(409);
    expect((await h.request('DELETE', `/api/v1/users/${admin.json.id}`)).status).toBe(409);
    expect((await createUser('ONLY@example.com')).status).toBe(409);
  });

  it('is for admin tokens only', async () => {
    const { json } = await h.request('POST', '/api/v1/tokens', { name: 'w', scopes: ['write'] });
    expect((await h.request('GET', '/api/v1/users', undefined, json.token)).status).toBe(403);
  });
});

describe('sessions', () => {
  const signIn = (email: string, pass: string, ip = '203.0.113.7') =>
    h.candor.people.signIn({ email, password: pass, ip });

  it('open with the right password, and answer the same for unknown accounts and wrong passwords', async () => {
    await createUser('dana@example.com');
    const ok = await signIn('DANA@example.com', password);
    expect(ok).toMatchObject({ ok: true, user: { email: 'dana@example.com', role: 'editor' } });
    expect(await signIn('dana@example.com', 'wrong password here')).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await signIn('nobody@example.com', password)).toEqual({ ok: false, reason: 'invalid' });
    if (!ok.ok) throw new Error('no session');
    expect(await h.candor.people.sessionUser(ok.token)).toMatchObject({
      email: 'dana@example.com',
    });
    expect(await h.candor.people.sessionUser(`${ok.token}x`)).toBeNull();
  });

  it('rotate: every sign-in gets a new token, and signing out ends it', async () => {
    await createUser('dana@example.com');
    const first = await signIn('dana@example.com', password);
    const second = await signIn('dana@example.com', password);
    if (!first.ok || !second.ok) throw new Error('no session');
    expect(first.token).not.toBe(second.token);
    await h.candor.people.signOut(first.token);
    expect(await h.candor.people.sessionUser(first.token)).toBeNull();
    expect(await h.candor.people.sessionUser(second.token)).not.toBeNull();
  });

  it('end after 12 idle hours and after 7 days whatever the activity', async () => {
    await createUser('dana@example.com');
    const idle = await signIn('dana@example.com', password);
    if (!idle.ok) throw new Error('no session');
    h.clock.advance(idleMs + 1000);
    expect(await h.candor.people.sessionUser(idle.token)).toBeNull();
    const busy = await signIn('dana@example.com', password);
    if (!busy.ok) throw new Error('no session');
    for (let t = 0; t < absoluteMs; t += 6 * 3_600_000) {
      h.clock.advance(6 * 3_600_000);
      if (t + 6 * 3_600_000 < absoluteMs)
        expect(await h.candor.people.sessionUser(busy.token)).not.toBeNull();
    }
    expect(await h.candor.people.sessionUser(busy.token)).toBeNull();
  });

  it('all end when the password changes', async () => {
    const { json } = await createUser('dana@example.com');
    const session = await signIn('dana@example.com', password);
    if (!session.ok) throw new Error('no session');
    await h.request('PATCH', `/api/v1/users/${json.id}`, { password: 'another long passphrase' });
    expect(await h.candor.people.sessionUser(session.token)).toBeNull();
  });

  it('slow down repeated failures per account and per network, with a growing wait', async () => {
    await createUser('dana@example.com');
    for (let i = 0; i < 5; i++)
      expect((await signIn('dana@example.com', 'wrong password here')).ok).toBe(false);
    const throttled = await signIn('dana@example.com', password);
    expect(throttled).toMatchObject({ ok: false, reason: 'throttled' });
    // Another account from the same network is slowed too; another network for this account too.
    expect(await signIn('other@example.com', password)).toMatchObject({ reason: 'throttled' });
    expect(await signIn('dana@example.com', password, '198.51.100.9')).toMatchObject({
      reason: 'throttled',
    });
  });
});

describe('audit API (admin)', () => {
  it('tells who did what to which entity, newest first, with before and after', async () => {
    const { json } = await createUser('dana@example.com', 'viewer');
    await h.request('PATCH', `/api/v1/users/${json.id}`, { role: 'editor' });
    const { status, json: entries } = await h.request(
      'GET',
      `/api/v1/audit?entity_type=user&entity_id=${json.id}`,
    );
    expect(status).toBe(200);
    expect(entries.map((e: { action: string }) => e.action)).toEqual([
      'user.updated',
      'user.created',
    ]);
    expect(entries[0]).toMatchObject({
      actor: 'bootstrap',
      detail: { before: { role: 'viewer' }, after: { role: 'editor' } },
    });
  });
});
