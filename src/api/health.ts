import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';

export const healthRouter = new Hono<AppEnv>()
  // The process is up and serving.
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  // The database answers: take this instance out of rotation when it does not.
  .get('/readyz', async (c) => {
    try {
      await c.get('candor').db.run(sql`select 1`);
      return c.json({ status: 'ready' });
    } catch (error) {
      return c.json({ status: 'unavailable', detail: String(error) }, 503);
    }
  });
