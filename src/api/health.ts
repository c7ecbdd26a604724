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
      // The cause goes to the log, not to the public: it can name hosts and paths.
      console.error('readyz: the database does not answer:', error);
      return c.json({ status: 'unavailable', detail: 'The database does not answer.' }, 503);
    }
  });
