import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Context } from 'hono';
import { type App, createApp } from '#api/app.ts';
import type { AppEnv } from '#api/env.ts';
import type { Config } from '#config';
import { frontHandler } from '#http/front.ts';
import { createPublicCache } from '#http/public-cache.ts';
import { startChangeWatcher } from '#jobs/change-watcher.ts';
import { startEmailSender } from '#jobs/email-sender.ts';
import { startMaintenanceScheduler } from '#jobs/maintenance-scheduler.ts';
import { longestMessage, longestPostmortemPart } from '#lib/console-forms.ts';
import { crossSiteRefusal } from '#lib/csrf.ts';
import { maxImportBytes } from '#lib/subscriber-csv.ts';
import { identify, trustedProxies } from '#lib/trusted-proxy.ts';
import type { Candor } from '#services/candor.ts';
import { createMailer } from '#services/email/mailer.ts';
import { openCandor } from '#services/open.ts';
import { createStaticFiles, loadPages, type PagesHandler } from './pages-bridge.ts';

export interface Running {
  candor: Candor;
  app: App;
  server: Server;
  /** The address it listens on, e.g. http://127.0.0.1:4321 */
  url: string;
  close(): Promise<void>;
}

/**
 * Everything start-up does, in order: database, migrations, content, services, HTTP. Separate from
 * the entry so tests can start a real server in their own process.
 */
export async function boot(
  config: Config,
  options: { pages?: boolean; emailSender?: boolean } = {},
): Promise<Running> {
  const { candor, database } = await openCandor(config);

  const app = options.pages === false ? createApp(candor) : (await createSite(candor)).app;
  const listener = getRequestListener(app.fetch, { autoCleanupIncoming: false });
  const publicCache = createPublicCache(app, candor);
  // The front handler: the one place that sees every request before any framework does.
  const server = createServer(
    frontHandler(publicCache.cache, (req, res) => {
      void listener(req, res);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  // The most read outputs are ready before the first reader asks.
  void publicCache.warm();
  const stopScheduler = startMaintenanceScheduler(candor);
  // Other instances on the same database: their writes reach this cache within a second.
  const stopWatcher = await startChangeWatcher(candor);
  // Without a key, emails wait in the outbox (GET /api/v1/outbox shows them).
  const stopSender =
    config.resendApiKey && options.emailSender !== false
      ? startEmailSender(
          candor,
          createMailer({ apiKey: config.resendApiKey, baseUrl: config.resendBaseUrl }),
        )
      : async () => {};
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    candor,
    app,
    server,
    url: `http://${host}:${port}`,
    async close() {
      stopScheduler();
      stopWatcher();
      publicCache.stop();
      await stopSender();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      database.close();
    },
  };
}

/**
 * The whole site over `candor`: the API and the built pages in one app, as the server, the static
 * export and tests render it. The build (npm run build) must have run.
 */
export async function createSite(candor: Candor): Promise<{ app: App; clientDir: string }> {
  const pages = await loadPages();
  return {
    app: createApp(candor, { pages: await pagesRoute(pages, candor) }),
    clientDir: pages.clientDir,
  };
}

/** The largest form a page takes: a sign-in or a subscription is well under a kilobyte. */
export const maxFormBytes = 64 * 1024;
/** A form is URL-encoded: a character outside ASCII takes up to 9 bytes there (`%E4%B8%AD`). */
const encoded = (characters: number) => characters * 9;
/**
 * Forms that carry more, each sized for its longest texts written in any script: the subscriber
 * import a CSV file of up to 2 MiB, a postmortem its two Markdown parts, and the console's other
 * forms (updates, declarations, maintenance, corrections) one long message.
 */
const largeForms: [RegExp, number][] = [
  [/^\/admin\/subscribers$/, maxImportBytes + maxFormBytes],
  [/^\/admin\/incidents\/[^/]+\/postmortem$/, encoded(2 * longestPostmortemPart) + maxFormBytes],
  [/^\/admin\//, encoded(longestMessage) + maxFormBytes],
];

/**
 * Pages read posted forms whole, so a post must say its length (browsers always do) and stay
 * under the limit; otherwise it is refused before anything reads it.
 */
function formTooLarge(method: string, path: string, contentLength: string | undefined) {
  if (method === 'GET' || method === 'HEAD') return null;
  if (contentLength === undefined || !/^\d+$/.test(contentLength)) {
    return { status: 411, message: 'Length Required: send the form with a Content-Length.' };
  }
  const limit = largeForms.find(([pattern]) => pattern.test(path))?.[1] ?? maxFormBytes;
  return Number(contentLength) > limit
    ? { status: 413, message: `Content Too Large: this form may have at most ${limit} bytes.` }
    : null;
}

/**
 * Serves built assets, then hands the request to Astro with the services in `locals`. Every form
 * post to a page is checked here first: pages are where cookies authenticate, so a post that may
 * come from another site is refused before any page sees it.
 */
async function pagesRoute(pages: PagesHandler, candor: Candor) {
  const assets = await createStaticFiles(pages.clientDir);
  const siteOrigin = new URL(candor.site.siteUrl).origin;
  const proxies = trustedProxies(
    candor.config.trustedProxies,
    candor.config.trustedProxyUserHeader,
  );
  return async (c: Context<AppEnv>): Promise<Response> => {
    const asset = assets(c);
    if (asset) return asset;
    const refusal = crossSiteRefusal(
      { method: c.req.method, header: (name) => c.req.header(name) },
      () => [siteOrigin, new URL(c.req.url).origin],
    );
    if (refusal) {
      return new Response(`403 Forbidden: ${refusal}\n`, {
        status: 403,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      });
    }
    const tooLarge = formTooLarge(c.req.method, c.req.path, c.req.header('content-length'));
    if (tooLarge) {
      return new Response(`${tooLarge.status} ${tooLarge.message}\n`, {
        status: tooLarge.status,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      });
    }
    const incoming = c.env?.incoming;
    const who = identify(proxies, incoming?.socket.remoteAddress, (name) => c.req.header(name));
    return pages.render(
      c.req.raw,
      { candor, clientIp: who.ip, proxyEmail: who.proxyEmail },
      incoming,
    );
  };
}
