import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Candor } from '#services/candor.ts';
import { createSite } from '../../src/boot.ts';

/**
 * The whole site (API and the built Astro pages) over an existing Candor, on a loopback port in
 * this process: for tests that build data through a harness and must read the rendered pages.
 * The build (npm run build) must have run.
 */
export async function startPagesServer(candor: Candor) {
  const { app } = await createSite(candor);
  const server = createServer(getRequestListener(app.fetch, { autoCleanupIncoming: false }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
