import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Candor } from '#services/candor.ts';
import {
  DomainError,
  databaseUnavailableMessage,
  isDatabaseUnavailable,
} from '#services/errors.ts';
import { auditRouter } from './audit.ts';
import { requireMethodScope, requireScope } from './auth.ts';
import { badgesRouter } from './badges.ts';
import { componentsRouter } from './components.ts';
import { outboxRouter, webhooksRouter } from './email.ts';
import { embedRouter } from './embed.ts';
import type { AppEnv } from './env.ts';
import { feedsRouter } from './feeds.ts';
import { healthRouter } from './health.ts';
import { incidentsRouter } from './incidents.ts';
import { internalFeedsRouter } from './internal-feeds.ts';
import { maintenancesRouter } from './maintenances.ts';
import { problem } from './problem.ts';
import { reviewsRouter } from './reviews.ts';
import { statuspageRouter } from './statuspage.ts';
import { subscribersRouter } from './subscribers.ts';
import { templatesRouter } from './templates.ts';
import { tokensRouter } from './tokens.ts';
import { unsubscribeRouter } from './unsubscribe.ts';
import { uptimeRouter } from './uptime.ts';
import { usersRouter } from './users.ts';

const domainStatus: Record<DomainError['code'], number> = {
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  invalid_input: 422,
};

/** Requests whose body is larger are refused with 413 before they are read whole. */
export const maxBodyBytes = 1024 * 1024;

export interface AppOptions {
  /** Answers what no API route does: the Astro pages. Absent in API-only tests. */
  pages?: (c: import('hono').Context<AppEnv>) => Promise<Response>;
}

/**
 * The HTTP application: health, the Statuspage v2 API, the management API and, behind them, the
 * pages. Tests call `createApp(candor).request(...)`; the server mounts the same app.
 */
export function createApp(candor: Candor, options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('candor', candor);
    await next();
  });
  app.route('/', healthRouter);
  app.route('/api/v2', statuspageRouter);
  app.route('/', feedsRouter);
  app.route('/', badgesRouter);
  app.route('/', embedRouter);
  app.route('/', uptimeRouter);
  app.route('/', unsubscribeRouter);
  app.route('/', internalFeedsRouter);

  // A write answers once this instance's public outputs show it (src/http/public-cache.ts).
  app.use('/api/v1/*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') await candor.settled();
  });
  app.use(
    '/api/v1/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => problem(413, `The request body is larger than ${maxBodyBytes} bytes.`),
    }),
  );
  for (const path of [
    '/api/v1/tokens',
    '/api/v1/tokens/*',
    '/api/v1/users',
    '/api/v1/users/*',
    '/api/v1/audit',
  ]) {
    app.use(path, requireScope('admin'));
  }
  // Deleting an incident erases history: only admins may.
  app.use('/api/v1/incidents/:id', async (c, next) =>
    c.req.method === 'DELETE' ? requireScope('admin')(c, next) : next(),
  );
  // Subscriber addresses are personal data: even reading them takes a write token.
  for (const path of [
    '/api/v1/subscribers',
    '/api/v1/subscribers/*',
    '/api/v1/subscribers.csv',
    '/api/v1/outbox',
  ]) {
    app.use(path, requireScope('write'));
  }
  app.use('/api/v1/*', async (c, next) => {
    // Public: the API description. Signed instead of token-authenticated: provider webhooks.
    if (c.req.path === '/api/v1/openapi.json' || c.req.path.startsWith('/api/v1/webhooks/')) {
      return next();
    }
    return requireMethodScope(c, next);
  });
  const v1 = app.basePath('/api/v1');
  v1.route('/', componentsRouter);
  v1.route('/', incidentsRouter);
  v1.route('/', maintenancesRouter);
  v1.route('/', tokensRouter);
  v1.route('/', subscribersRouter);
  v1.route('/', usersRouter);
  v1.route('/', auditRouter);
  v1.route('/', templatesRouter);
  v1.route('/', reviewsRouter);
  v1.route('/', outboxRouter);
  v1.route('/', webhooksRouter);
  v1.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (npm run token -- create) or BOOTSTRAP_TOKEN.',
  });
  v1.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Candor management API',
      version: '1',
      description:
        'Records components, incidents, updates and maintenance. Errors are application/problem+json (RFC 9457) naming the failing field.',
    },
    servers: [{ url: `${candor.site.siteUrl}/api/v1` }],
  });
  app.all('/api/*', (c) => problem(404, `No API route ${c.req.method} ${c.req.path}.`));

  if (options.pages) app.all('*', options.pages);
  app.notFound(() => problem(404, 'Not found.'));

  app.onError((error, c) => {
    if (error instanceof DomainError) {
      return problem(domainStatus[error.code], error.message, {
        ...(error.field ? { errors: [{ field: error.field, message: error.message }] } : {}),
      });
    }
    if (isDatabaseUnavailable(error)) {
      console.error(`DATABASE UNREACHABLE on ${c.req.method} ${c.req.path}:`, error);
      return problem(503, databaseUnavailableMessage, { headers: { 'retry-after': '5' } });
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const detail =
        status === 400
          ? 'The request body is not valid JSON.'
          : error.message || 'Request refused.';
      return problem(status, detail);
    }
    console.error(`Unhandled error on ${c.req.method} ${c.req.path}:`, error);
    return problem(500, 'Something went wrong on our side. The error is logged.');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
