import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export const healthRouter = new Hono<AppEnv>()
  // The process is up and serving.
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  // The database answers: take this instance out of rotation when it does not.
  .get('/readyz', async (c) =>
    (await c.get('candor').databaseAnswers())
      ? c.json({ status: 'ready' })
      : c.json({ status: 'unavailable', detail: 'The database does not answer.' }, 503),
  );
