import { createRoute, z } from '@hono/zod-openapi';
import { Webhook } from 'svix';
import { notificationKinds, notificationStates } from '#domain/enums.ts';
import { readOutbox } from '#services/email/read-outbox.ts';
import { recordDeliveryEvent } from '#services/subscribers/suppress.ts';
import { problem } from './problem.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json } from './routes.ts';

const outboxEntry = z
  .object({
    id: z.number().int(),
    kind: z.enum(notificationKinds),
    state: z.enum(notificationStates),
    to: z.string(),
    update_id: z.string().nullable(),
    batch_id: z.string().nullable(),
    provider_id: z.string().nullable(),
    error: z.string().nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
    subject: z.string().nullable(),
    text: z.string().nullable(),
  })
  .meta({ id: 'OutboxEntry' });

/** The events that change a subscriber; others are recorded and ignored. */
const deliveryEvent = z.object({
  type: z.string(),
  data: z.looseObject({ to: z.union([z.string(), z.array(z.string())]).optional() }),
});

export const outboxRouter = newRouter().openapi(
  createRoute({
    method: 'get',
    path: '/outbox',
    tags: ['Subscribers'],
    security: bearer,
    summary: 'The email outbox, newest first, with each email rendered',
    request: {
      query: z.object({
        state: z.enum(notificationStates).optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
    },
    responses: { 200: json(z.array(outboxEntry), 'Emails'), ...authProblems },
  }),
  async (c) => {
    const candor = c.get('candor');
    const rows = await readOutbox(candor.context('read'), candor.email, c.req.valid('query'));
    return c.json(
      rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        state: row.state,
        to: row.to,
        update_id: row.updateId,
        batch_id: row.batchId,
        provider_id: row.providerId,
        error: row.error,
        created_at: row.createdAt.toISOString(),
        sent_at: row.sentAt?.toISOString() ?? null,
        subject: row.subject,
        text: row.text,
      })),
      200,
    );
  },
);

/**
 * Resend's delivery webhooks (bounces, complaints), signed with Svix. No bearer token: the
 * signature over the raw body is the authentication, and it must be no older than 5 minutes.
 */
export const webhooksRouter = newRouter().post('/webhooks/resend', async (c) => {
  const candor = c.get('candor');
  const secret = candor.config.resendWebhookSecret;
  if (!secret) return problem(503, 'Webhooks are off: set RESEND_WEBHOOK_SECRET to receive them.');
  const raw = await c.req.text();
  const headers = {
    'svix-id': c.req.header('svix-id') ?? '',
    'svix-timestamp': c.req.header('svix-timestamp') ?? '',
    'svix-signature': c.req.header('svix-signature') ?? '',
  };
  try {
    new Webhook(secret).verify(raw, headers);
  } catch {
    return problem(401, 'The webhook signature is missing, wrong or too old.');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return problem(400, 'The webhook body is not valid JSON.');
  }
  const parsed = deliveryEvent.safeParse(body);
  if (!parsed.success) return problem(422, 'The webhook body is not a delivery event.');
  const to = parsed.data.data.to;
  const isNew = await recordDeliveryEvent(candor.context('webhook:resend'), {
    id: headers['svix-id'],
    type: parsed.data.type,
    addresses: to === undefined ? [] : Array.isArray(to) ? to : [to],
  });
  return c.json({ received: true, duplicate: !isNew });
});
