import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

describe('GET /api/v1/templates', () => {
  it('lists the message templates with their placeholders, for any token', async () => {
    const { status, json } = await h.request('GET', '/api/v1/templates');
    expect(status).toBe(200);
    expect(json.map((t: { id: string }) => t.id)).toEqual([
      'apology',
      'identified',
      'investigating',
      'monitoring',
      'resolved',
    ]);
    const investigating = json.find((t: { id: string }) => t.id === 'investigating');
    expect(investigating).toMatchObject({
      name: 'Investigating',
      status: 'investigating',
      audience: 'public',
      placeholders: ['site_name', 'title', 'components', 'started_at', 'next_update_at'],
    });
    expect(investigating.body).toContain('{{next_update_at}}');
    expect((await h.request('GET', '/api/v1/templates', undefined, '')).status).toBe(401);
  });
});
