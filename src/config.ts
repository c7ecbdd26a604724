import { z } from 'zod';
import { proxyEntryProblem } from '#lib/trusted-proxy.ts';

/** Read every setting from the environment once, at start; nothing else reads process.env. */
const settingsSchema = z.object({
  // Where the one HTTP server listens. Loopback by default: put a proxy or CDN in front.
  PORT: z.coerce
    .number({ error: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65_535, 'must be a port number from 0 to 65535')
    .default(4321),
  HOST: z.string().min(1).default('127.0.0.1'),
  // libSQL URL: file:…, :memory:, libsql://… or http(s)://… (Turso, sqld), all through one client.
  DATABASE_URL: z
    .string()
    .default('file:data/candor.db')
    .refine((url) => /^(file:|:memory:$|libsql:\/\/|https?:\/\/|wss?:\/\/)/.test(url), {
      message: 'must start with file:, libsql://, http(s):// or ws(s)://, or be :memory:',
    }),
  // Token for remote libSQL servers; local files need none.
  DATABASE_AUTH_TOKEN: z.string().min(1).optional(),
  // The page's public address: every absolute link (feeds, email, JSON) is built from it, never
  // from request headers, which a client controls.
  SITE_URL: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .optional()
    .transform((url) => url?.replace(/\/+$/, '')),
  // Accepted as an admin API token: for the first set-up and for automation.
  BOOTSTRAP_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters: it grants admin access')
    .optional(),
  // The folder holding site.yaml and components.yaml (status as code).
  CONTENT_DIR: z.string().min(1).default('content'),
  // Sender of subscriber email, "Name <address>" or a bare address.
  EMAIL_FROM: z
    .string()
    .regex(
      /^(?:[^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/,
      'must be an email address or "Name <address>"',
    )
    .optional(),
  // Resend: email stays in the outbox until a key is given.
  RESEND_API_KEY: z.string().min(1).optional(),
  // The Resend API's address; only tests and proxies change it (the SDK's own setting).
  RESEND_BASE_URL: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .optional(),
  // Verifies bounce and complaint webhooks; without it the webhook route answers 503.
  RESEND_WEBHOOK_SECRET: z
    .string()
    .regex(
      /^whsec_[A-Za-z0-9+/=]+$/,
      'must be the whsec_… signing secret Resend shows for the webhook',
    )
    .optional(),
  // Provider calls per second across all instances: Resend's team default has been 2, now 5.
  EMAIL_RATE_PER_SECOND: z.coerce
    .number({ error: 'must be a number of requests per second' })
    .positive('must be more than 0')
    .max(100, 'must be at most 100')
    .default(2),
  // Where replies to notifications go, and a mailbox that unsubscribes (List-Unsubscribe mailto).
  EMAIL_REPLY_TO: z.email('must be an email address').optional(),
  EMAIL_UNSUBSCRIBE_MAILTO: z.email('must be an email address').optional(),
  // Subscriptions one address (IP) may make per minute: generous, since offices share one.
  SUBSCRIBE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(10),
  // How long before a public maintenance starts its subscribers are reminded (once); 0: never.
  MAINTENANCE_REMINDER_MINUTES: z.coerce
    .number({ error: 'must be a whole number of minutes' })
    .int('must be a whole number of minutes')
    .min(0, 'must be 0 (no reminders) or more')
    .max(10_080, 'must be at most 10080 (a week)')
    .default(60),
  // Keys for signing sessions and links; generated on first start and stored when not given.
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Addresses (IPs or CIDR ranges, comma-separated) of an authenticating reverse proxy whose user
  // header is trusted, and of proxies whose X-Forwarded-For names the client. Empty: trust none.
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const problem = proxyEntryProblem(entry);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    }),
  // The header in which that proxy names the signed-in person by email (oauth2-proxy's default).
  TRUSTED_PROXY_USER_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
    .default('X-Forwarded-Email'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Settings = z.output<typeof settingsSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  /** SITE_URL, or the listening address when unset. No trailing slash. */
  siteUrl: string;
  /** Whether SITE_URL was given; without it links point at the local address. */
  siteUrlConfigured: boolean;
  bootstrapToken: string | undefined;
  contentDir: string;
  emailFrom: string | undefined;
  resendApiKey: string | undefined;
  resendBaseUrl: string | undefined;
  resendWebhookSecret: string | undefined;
  emailRatePerSecond: number;
  emailReplyTo: string | undefined;
  emailUnsubscribeMailto: string | undefined;
  subscribeLimitPerMinute: number;
  /** Minutes before a maintenance's start that subscribers are reminded of it; 0 turns it off. */
  maintenanceReminderMinutes: number;
  sessionSecret: string | undefined;
  /** Addresses and CIDR ranges of trusted reverse proxies; empty when none is trusted. */
  trustedProxies: string[];
  trustedProxyUserHeader: string;
  production: boolean;
  logLevel: Settings['LOG_LEVEL'];
}

/** A setting that cannot be used; its message is the one line start-up prints. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment. Unknown variables are ignored; empty strings count as unset, as
 * shells and .env files often leave them.
 * @example loadConfig({ PORT: '8080' }).port // 8080
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.keys(settingsSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? 'environment');
    const shown = key in present ? ` (got ${JSON.stringify(redact(key, present[key]))})` : '';
    throw new ConfigError(`Invalid setting ${key}${shown}: ${issue?.message ?? 'invalid'}`);
  }
  const s = parsed.data;
  if (s.RESEND_API_KEY && !s.EMAIL_FROM) {
    throw new ConfigError(
      'Invalid setting EMAIL_FROM: required when RESEND_API_KEY is set (the sender of subscriber email)',
    );
  }
  const displayHost = s.HOST === '0.0.0.0' || s.HOST === '::' ? '127.0.0.1' : s.HOST;
  return {
    port: s.PORT,
    host: s.HOST,
    databaseUrl: s.DATABASE_URL,
    databaseAuthToken: s.DATABASE_AUTH_TOKEN,
    siteUrl:
      s.SITE_URL ??
      `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${s.PORT}`,
    siteUrlConfigured: s.SITE_URL !== undefined,
    bootstrapToken: s.BOOTSTRAP_TOKEN,
    contentDir: s.CONTENT_DIR,
    emailFrom: s.EMAIL_FROM,
    resendApiKey: s.RESEND_API_KEY,
    resendBaseUrl: s.RESEND_BASE_URL,
    resendWebhookSecret: s.RESEND_WEBHOOK_SECRET,
    emailRatePerSecond: s.EMAIL_RATE_PER_SECOND,
    emailReplyTo: s.EMAIL_REPLY_TO,
    emailUnsubscribeMailto: s.EMAIL_UNSUBSCRIBE_MAILTO,
    subscribeLimitPerMinute: s.SUBSCRIBE_LIMIT_PER_MINUTE,
    maintenanceReminderMinutes: s.MAINTENANCE_REMINDER_MINUTES,
    sessionSecret: s.SESSION_SECRET,
    trustedProxies: s.TRUSTED_PROXIES,
    trustedProxyUserHeader: s.TRUSTED_PROXY_USER_HEADER,
    production: s.NODE_ENV === 'production',
    logLevel: s.LOG_LEVEL,
  };
}

function redact(key: string, value: unknown): unknown {
  return /TOKEN|SECRET|KEY/.test(key) ? '…' : value;
}
