import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(() => h.close());

describe('GET /api/v1/openapi.json', () => {
  it('is public and describes every management route from the same schemas', async () => {
    const { status, json } = await h.request('GET', '/api/v1/openapi.json', undefined, '');
    expect(status).toBe(200);
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths).sort()).toEqual([
      '/api/v1/action-items',
      '/api/v1/action-items/{id}',
      '/api/v1/audit',
      '/api/v1/components',
      '/api/v1/components/{id}',
      '/api/v1/incidents',
      '/api/v1/incidents/{id}',
      '/api/v1/incidents/{id}/action-items',
      '/api/v1/incidents/{id}/postmortem',
      '/api/v1/incidents/{id}/reopen',
      '/api/v1/incidents/{id}/updates',
      '/api/v1/incidents/{id}/updates/{updateId}',
      '/api/v1/maintenances',
      '/api/v1/maintenances/{id}',
      '/api/v1/outbox',
      '/api/v1/subscribers',
      '/api/v1/subscribers.csv',
      '/api/v1/subscribers/{id}',
      '/api/v1/templates',
      '/api/v1/tokens',
      '/api/v1/tokens/{id}',
      '/api/v1/users',
      '/api/v1/users/{id}',
    ]);
    const create = json.paths['/api/v1/incidents'].post;
    const schema = create.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? json.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(resolved.required).toEqual(expect.arrayContaining(['title', 'status', 'body']));
    expect(resolved.properties.title.maxLength).toBe(255);
    expect(resolved.properties.severity.enum).toEqual(['sev1', 'sev2', 'sev3', 'sev4', 'sev5']);
    expect(json.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });
});
