import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local stand-in for the part of Resend's HTTP API that Candor uses (POST /emails and
 * POST /emails/batch), for driving the real `resend` SDK through `new Resend(key, { baseUrl })`.
 *
 * What it copies from Resend (docs: api-reference/errors, api-reference/rate-limit,
 * dashboard/emails/idempotency-keys, dashboard/emails/batch-sending, changelog/batch-validation-modes):
 * - errors are JSON `{ statusCode, name, message }`;
 * - `Authorization: Bearer <key>`: missing → 401 missing_api_key, wrong → 403 invalid_api_key;
 * - a batch is a JSON array of 1..100 emails, each with from, to (1..50), subject and html/text
 *   (or a template); `x-batch-validation: strict` (the SDK's default) rejects the whole batch
 *   with 422 validation_error if any email is invalid, `permissive` sends the valid ones and
 *   answers `{ data, errors: [{ index, message }] }`; attachments and scheduled_at are not
 *   accepted in a batch;
 * - a per-key rate limit answered with 429 rate_limit_exceeded and the `retry-after`,
 *   `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` headers (seconds);
 * - `Idempotency-Key` (1..256 chars, else 400 invalid_idempotency_key), remembered for 24 h:
 *   same key and same body → the stored answer again without sending; same key, different body
 *   (or endpoint) → 409 invalid_idempotent_request; same key while the first request is still
 *   being processed → 409 concurrent_idempotent_requests.
 *
 * Choices of the fake where Resend's documentation is silent:
 * - only 2xx answers are stored under an idempotency key; a 4xx answer releases the key, and
 *   an injected 500 never reaches the key at all, so a retry is processed normally;
 * - the rate limit is a sliding one-second window over the injected clock, counting only the
 *   requests it lets through (401/403 answers and 429 answers do not count);
 * - order of checks: auth → route (404/405) → rate limit → injected 500 → idempotency key →
 *   (latency) → validation and sending → injected lost/held answer.
 */

export const MAX_BATCH_EMAILS = 100;
export const MAX_RECIPIENTS = 50;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Candor's own header naming the notification an email belongs to (used by `duplicates()`). */
export const NOTIFICATION_HEADER = 'X-Candor-Notification';

export type ResendErrorName =
  | 'validation_error'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limit_exceeded'
  | 'invalid_idempotency_key'
  | 'invalid_idempotent_request'
  | 'concurrent_idempotent_requests'
  | 'application_error';

export interface ResendErrorBody {
  statusCode: number;
  name: ResendErrorName;
  message: string;
}

export interface FakeResendOptions {
  /** The only key the fake accepts. Default: a fresh random `re_test_…` key. */
  apiKey?: string;
  /** Requests per second allowed for the key (sliding one-second window); 0 = no limit. Default 10. */
  rateLimit?: number;
  /**
   * The fake's clock in ms since the epoch: timestamps in `sent`/`requests`, idempotency expiry
   * and the rate-limit window. Default `Date.now`. See `manualClock()`.
   */
  now?: () => number;
  /** How long an idempotency key is remembered. Default 24 h. */
  idempotencyTtlMs?: number;
  /** Real milliseconds every request spends "processing" (its idempotency key is in flight). */
  latencyMs?: number;
}

export type ResetOptions = Pick<FakeResendOptions, 'rateLimit' | 'latencyMs' | 'idempotencyTtlMs'>;

export type FaultKind = 'status500' | 'loseAnswer' | 'holdAnswer';

export interface RandomFaults {
  /** Probability (0..1) that a request answers 500 application_error without sending. */
  status500?: number;
  /** Probability that a request is processed and its connection then destroyed unanswered. */
  loseAnswer?: number;
  /** Probability that a request is processed and its answer then never sent. */
  holdAnswer?: number;
  /** PRNG seed, so a run is reproducible. Default 1. */
  seed?: number;
}

export interface Faults {
  /** The next n requests answer 500 application_error without sending. */
  status500?: number;
  /** The next n requests are processed (emails sent, idempotent answer stored), then the socket is destroyed. */
  loseAnswer?: number;
  /** The next n requests are processed, then never answered; the connection stays open until `stop()`/`reset()`. */
  holdAnswer?: number;
  /** The next n requests take `slowMs` real milliseconds to process (their idempotency key is in flight meanwhile). */
  slow?: number;
  /** Processing time for `slow` requests. Default 200. */
  slowMs?: number;
  /** Probabilistic faults for every request no counted fault applies to; `null` turns them off. */
  random?: RandomFaults | null;
}

export interface SentEmail {
  /** The id answered for this email. */
  id: string;
  endpoint: '/emails' | '/emails/batch';
  from: string;
  /** Recipients as given (a single string becomes a one-element array). */
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string | undefined;
  text: string | undefined;
  /** Custom email headers as given (`{}` when none). Look them up with `headerOf()`. */
  headers: Record<string, string>;
  /** The Idempotency-Key of the request that sent it, or null. */
  idempotencyKey: string | null;
  /** `seq` of the request in `requests`. */
  requestSeq: number;
  /** Position of the email in its request's body (0 for POST /emails). */
  index: number;
  /** Fake-clock time it was accepted. */
  at: number;
  /** The email object exactly as received. */
  payload: Record<string, unknown>;
}

/** A number is the HTTP status answered; 'lost'/'held' are injected faults; 'pending' is still being handled. */
export type RequestOutcome = number | 'pending' | 'lost' | 'held';

export interface LoggedRequest {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  method: string;
  path: string;
  status: RequestOutcome;
  /** `name` of the error answered (or that would have been answered, for lost/held), else null. */
  errorName: ResendErrorName | null;
  idempotencyKey: string | null;
  /** Emails in the request body (array length, 1 for an object, 0 if unparseable). */
  emailCount: number;
  /** Emails this request actually added to `sent`. */
  sentCount: number;
  /** True when the answer was a stored idempotent answer (nothing sent). */
  replayed: boolean;
  fault: FaultKind | null;
  /** Fake-clock arrival time. */
  at: number;
}

export interface DuplicateGroup {
  key: string;
  emails: SentEmail[];
}

/** The default `duplicates()` key: one per (recipient, subject, X-Candor-Notification). */
export type DuplicateKey = (email: SentEmail, recipient: string) => string;

export interface FakeResend {
  /** Base URL for `new Resend(apiKey, { baseUrl: url })` or RESEND_BASE_URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly apiKey: string;
  /** Every email accepted, in order. Live array, cleared in place by `reset()`. */
  readonly sent: readonly SentEmail[];
  /** Every request, in arrival order. Live array, cleared in place by `reset()`. */
  readonly requests: readonly LoggedRequest[];
  /** Emails with `address` among to/cc/bcc (compared case-insensitively, `Name <a@b>` allowed). */
  sentTo(address: string): SentEmail[];
  /**
   * Groups of more than one email sharing a key. The key function is called once per `to`
   * recipient (bare, lower-cased address); default: recipient + subject + X-Candor-Notification.
   */
  duplicates(keyOf?: DuplicateKey): DuplicateGroup[];
  /** Sets the given fault counters (others keep their value). */
  inject(faults: Faults): void;
  /** Forgets sent emails, requests, idempotency keys, rate-limit window and faults; cuts held answers. */
  reset(options?: ResetOptions): void;
  /** Number of answers currently held open. */
  heldCount(): number;
  /** Resolves when no request is being read or processed (held answers do not count). */
  idle(): Promise<void>;
  /** Closes the server, destroying held and idle connections. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface ManualClock {
  now: () => number;
  advance(ms: number): number;
  set(ms: number): void;
}

/** A clock that only moves when told to, for `startFakeResend({ now: clock.now })`. */
export function manualClock(start = Date.UTC(2025, 0, 1)): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
      return t;
    },
    set(ms) {
      t = ms;
    },
  };
}

/** A custom email header, looked up case-insensitively. */
export function headerOf(email: SentEmail, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(email.headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** `Name <A@Example.com>` → `a@example.com`. */
export function bareAddress(address: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(address);
  return (angle?.[1] ?? address).trim().toLowerCase();
}

const defaultDuplicateKey: DuplicateKey = (email, recipient) =>
  JSON.stringify([recipient, email.subject, headerOf(email, NOTIFICATION_HEADER) ?? null]);

const ERROR_MESSAGES: Record<ResendErrorName, string> = {
  validation_error: 'We found an error with one or more fields in the request.',
  missing_api_key: 'Missing API key in the authorization header.',
  invalid_api_key: 'API key is invalid.',
  not_found: 'The requested endpoint does not exist.',
  method_not_allowed: 'Method is not allowed for the requested path.',
  rate_limit_exceeded:
    'Too many requests. You can only make 10 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.',
  invalid_idempotency_key: 'The key must be between 1-256 chars.',
  invalid_idempotent_request: 'Same idempotency key used with a different request payload.',
  concurrent_idempotent_requests:
    'Same idempotency key used while original request is still in progress.',
  application_error: 'An unexpected error occurred.',
};

interface Answer {
  status: number;
  body: string;
  errorName: ResendErrorName | null;
  headers?: Record<string, string>;
}

function errorAnswer(
  status: number,
  name: ResendErrorName,
  message = ERROR_MESSAGES[name],
  headers?: Record<string, string>,
): Answer {
  const body: ResendErrorBody = { statusCode: status, name, message };
  return { status, body: JSON.stringify(body), errorName: name, ...(headers ? { headers } : {}) };
}

function okAnswer(data: unknown): Answer {
  return { status: 200, body: JSON.stringify(data), errorName: null };
}

type IdempotencyRecord =
  | { state: 'in_flight'; fingerprint: string }
  | { state: 'done'; fingerprint: string; answer: Answer; expiresAt: number };

/** mulberry32: small, fast, good enough for reproducible fault schedules. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+$/;

function isAddress(value: unknown): value is string {
  return typeof value === 'string' && ADDRESS.test(bareAddress(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addressList(
  value: unknown,
  field: string,
  required: boolean,
): { ok: true; list: string[] } | { ok: false; message: string } {
  if (value === undefined || value === null) {
    return required
      ? { ok: false, message: `Missing \`${field}\` field.` }
      : { ok: true, list: [] };
  }
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    return { ok: false, message: `Invalid \`${field}\` field: expected a string or an array.` };
  }
  if (required && list.length === 0) return { ok: false, message: `Missing \`${field}\` field.` };
  if (list.length > MAX_RECIPIENTS) {
    return {
      ok: false,
      message: `Invalid \`${field}\` field: at most ${MAX_RECIPIENTS} recipients, got ${list.length}.`,
    };
  }
  for (const address of list) {
    if (!isAddress(address)) {
      return {
        ok: false,
        message: `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
      };
    }
  }
  return { ok: true, list: list as string[] };
}

type Checked =
  | {
      ok: true;
      email: Omit<SentEmail, 'id' | 'endpoint' | 'idempotencyKey' | 'requestSeq' | 'index' | 'at'>;
    }
  | { ok: false; message: string };

function checkEmail(value: unknown, inBatch: boolean): Checked {
  if (!isRecord(value)) return { ok: false, message: 'Each email must be a JSON object.' };
  if (typeof value.from !== 'string' || value.from === '') {
    return { ok: false, message: 'Missing `from` field.' };
  }
  if (!isAddress(value.from)) {
    return {
      ok: false,
      message:
        'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    };
  }
  const to = addressList(value.to, 'to', true);
  if (!to.ok) return to;
  const cc = addressList(value.cc, 'cc', false);
  if (!cc.ok) return cc;
  const bcc = addressList(value.bcc, 'bcc', false);
  if (!bcc.ok) return bcc;
  const template = value.template;
  if (typeof value.subject !== 'string' || value.subject === '') {
    if (!isRecord(template)) return { ok: false, message: 'Missing `subject` field.' };
  }
  const html = typeof value.html === 'string' ? value.html : undefined;
  const text = typeof value.text === 'string' ? value.text : undefined;
  if (value.html !== undefined && html === undefined) {
    return { ok: false, message: 'Invalid `html` field: expected a string.' };
  }
  if (value.text !== undefined && text === undefined) {
    return { ok: false, message: 'Invalid `text` field: expected a string.' };
  }
  if (html === undefined && text === undefined && !isRecord(template)) {
    return { ok: false, message: 'Missing `html` or `text` field.' };
  }
  const headers: Record<string, string> = {};
  if (value.headers !== undefined) {
    if (!isRecord(value.headers)) {
      return { ok: false, message: 'Invalid `headers` field: expected an object.' };
    }
    for (const [name, headerValue] of Object.entries(value.headers)) {
      if (typeof headerValue !== 'string') {
        return { ok: false, message: `Invalid \`headers\` field: \`${name}\` must be a string.` };
      }
      headers[name] = headerValue;
    }
  }
  if (inBatch && value.attachments !== undefined) {
    return { ok: false, message: 'The `attachments` field is not supported in batch emails.' };
  }
  if (inBatch && value.scheduled_at !== undefined) {
    return { ok: false, message: 'The `scheduled_at` field is not supported in batch emails.' };
  }
  return {
    ok: true,
    email: {
      from: value.from,
      to: to.list,
      cc: cc.list,
      bcc: bcc.list,
      subject: typeof value.subject === 'string' ? value.subject : '',
      html,
      text,
      headers,
      payload: value,
    },
  };
}

/**
 * Starts the fake on 127.0.0.1 with a port the kernel picks. Stop it with `stop()`.
 */
export async function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  const apiKey = options.apiKey ?? `re_test_${randomUUID().replaceAll('-', '')}`;
  const now = options.now ?? Date.now;
  let rateLimit = options.rateLimit ?? 10;
  let latencyMs = options.latencyMs ?? 0;
  let idempotencyTtlMs = options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;

  const sent: SentEmail[] = [];
  const requests: LoggedRequest[] = [];
  const idempotency = new Map<string, IdempotencyRecord>();
  const windowStamps: number[] = [];
  const held = new Set<ServerResponse>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  let idleWaiters: Array<() => void> = [];
  let active = 0;
  let seq = 0;
  let stopped = false;
  let stopping: Promise<void> | undefined;

  const counters = { status500: 0, loseAnswer: 0, holdAnswer: 0, slow: 0, slowMs: 200 };
  let random: {
    status500: number;
    loseAnswer: number;
    holdAnswer: number;
    next: () => number;
  } | null = null;

  function takeRate(t: number): { ok: boolean; headers: Record<string, string> } {
    if (rateLimit <= 0) return { ok: true, headers: {} };
    while (windowStamps.length > 0 && (windowStamps[0] ?? t) <= t - 1000) windowStamps.shift();
    const resetIn = () => Math.max(1, Math.ceil(((windowStamps[0] ?? t) + 1000 - t) / 1000));
    if (windowStamps.length >= rateLimit) {
      const wait = String(resetIn());
      return {
        ok: false,
        headers: {
          'ratelimit-limit': String(rateLimit),
          'ratelimit-remaining': '0',
          'ratelimit-reset': wait,
          'retry-after': wait,
        },
      };
    }
    windowStamps.push(t);
    return {
      ok: true,
      headers: {
        'ratelimit-limit': String(rateLimit),
        'ratelimit-remaining': String(rateLimit - windowStamps.length),
        'ratelimit-reset': String(resetIn()),
      },
    };
  }

  function pickFault(): FaultKind | null {
    if (counters.status500 > 0) {
      counters.status500 -= 1;
      return 'status500';
    }
    if (counters.loseAnswer > 0) {
      counters.loseAnswer -= 1;
      return 'loseAnswer';
    }
    if (counters.holdAnswer > 0) {
      counters.holdAnswer -= 1;
      return 'holdAnswer';
    }
    if (random) {
      const r = random.next();
      if (r < random.status500) return 'status500';
      if (r < random.status500 + random.loseAnswer) return 'loseAnswer';
      if (r < random.status500 + random.loseAnswer + random.holdAnswer) return 'holdAnswer';
    }
    return null;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        wake: resolve,
      };
      sleepers.add(sleeper);
    });
  }

  function lookupKey(key: string): IdempotencyRecord | undefined {
    const record = idempotency.get(key);
    if (record?.state === 'done' && now() >= record.expiresAt) {
      idempotency.delete(key);
      return undefined;
    }
    return record;
  }

  function accept(
    checked: Extract<Checked, { ok: true }>['email'],
    endpoint: SentEmail['endpoint'],
    entry: LoggedRequest,
    index: number,
  ): string {
    const id = randomUUID();
    sent.push({
      id,
      endpoint,
      idempotencyKey: entry.idempotencyKey,
      requestSeq: entry.seq,
      index,
      at: now(),
      ...checked,
    });
    entry.sentCount += 1;
    return id;
  }

  function processBatch(body: unknown, permissive: boolean, entry: LoggedRequest): Answer {
    if (!Array.isArray(body)) {
      return errorAnswer(422, 'validation_error', 'The request body must be an array of emails.');
    }
    if (body.length === 0) {
      return errorAnswer(422, 'validation_error', 'The batch must contain at least one email.');
    }
    if (body.length > MAX_BATCH_EMAILS) {
      return errorAnswer(
        422,
        'validation_error',
        `Too many emails in the batch: the maximum is ${MAX_BATCH_EMAILS}, got ${body.length}.`,
      );
    }
    const checked = body.map((email) => checkEmail(email, true));
    if (!permissive) {
      const bad = checked.findIndex((result) => !result.ok);
      const failure = checked[bad];
      if (failure && !failure.ok) {
        return errorAnswer(422, 'validation_error', `emails[${bad}]: ${failure.message}`);
      }
    }
    const data: Array<{ id: string }> = [];
    const errors: Array<{ index: number; message: string }> = [];
    checked.forEach((result, index) => {
      if (result.ok) data.push({ id: accept(result.email, '/emails/batch', entry, index) });
      else errors.push({ index, message: result.message });
    });
    return okAnswer(permissive ? { data, errors } : { data });
  }

  function processSingle(body: unknown, entry: LoggedRequest): Answer {
    const result = checkEmail(body, false);
    if (!result.ok) return errorAnswer(422, 'validation_error', result.message);
    return okAnswer({ id: accept(result.email, '/emails', entry, 0) });
  }

  function deliver(
    res: ServerResponse,
    entry: LoggedRequest,
    answer: Answer,
    fault: FaultKind | null,
    rateHeaders: Record<string, string>,
  ): void {
    entry.errorName = answer.errorName;
    if (fault === 'loseAnswer') {
      entry.status = 'lost';
      res.socket?.destroy();
      return;
    }
    if (fault === 'holdAnswer') {
      entry.status = 'held';
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    entry.status = answer.status;
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      ...rateHeaders,
      ...answer.headers,
    });
    res.end(answer.body);
  }

  function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof keyHeader === 'string' ? keyHeader : null;
    const entry: LoggedRequest = {
      seq: ++seq,
      method: req.method ?? 'GET',
      path,
      status: 'pending',
      errorName: null,
      idempotencyKey,
      emailCount: 0,
      sentCount: 0,
      replayed: false,
      fault: null,
      at: now(),
    };
    requests.push(entry);

    const raw = await readBody(req);
    let body: unknown;
    let parsed = true;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      parsed = false;
    }
    entry.emailCount = Array.isArray(body) ? body.length : isRecord(body) ? 1 : 0;

    const authorization = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S.*)$/i.exec(authorization.trim());
    if (!bearer) return deliver(res, entry, errorAnswer(401, 'missing_api_key'), null, {});
    if (bearer[1] !== apiKey) {
      return deliver(res, entry, errorAnswer(403, 'invalid_api_key'), null, {});
    }
    if (path !== '/emails' && path !== '/emails/batch') {
      return deliver(res, entry, errorAnswer(404, 'not_found'), null, {});
    }
    if (entry.method !== 'POST') {
      return deliver(res, entry, errorAnswer(405, 'method_not_allowed'), null, {});
    }

    const rate = takeRate(now());
    if (!rate.ok) {
      const message = `Too many requests. You can only make ${rateLimit} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`;
      return deliver(
        res,
        entry,
        errorAnswer(429, 'rate_limit_exceeded', message),
        null,
        rate.headers,
      );
    }

    const fault = pickFault();
    entry.fault = fault;
    if (fault === 'status500') {
      return deliver(res, entry, errorAnswer(500, 'application_error'), null, rate.headers);
    }

    let fingerprint = '';
    if (idempotencyKey !== null) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        return deliver(
          res,
          entry,
          errorAnswer(400, 'invalid_idempotency_key'),
          fault,
          rate.headers,
        );
      }
      fingerprint = createHash('sha256').update(`POST ${path}\n`).update(raw).digest('hex');
      const record = lookupKey(idempotencyKey);
      if (record && record.fingerprint !== fingerprint) {
        const answer = errorAnswer(409, 'invalid_idempotent_request');
        return deliver(res, entry, answer, fault, rate.headers);
      }
      if (record?.state === 'in_flight') {
        const answer = errorAnswer(409, 'concurrent_idempotent_requests');
        return deliver(res, entry, answer, fault, rate.headers);
      }
      if (record?.state === 'done') {
        entry.replayed = true;
        return deliver(res, entry, record.answer, fault, rate.headers);
      }
      idempotency.set(idempotencyKey, { state: 'in_flight', fingerprint });
    }

    let delay = latencyMs;
    if (counters.slow > 0) {
      counters.slow -= 1;
      delay = counters.slowMs;
    }
    if (delay > 0) await sleep(delay);
    if (stopped) return;

    let answer: Answer;
    if (!parsed) {
      answer = errorAnswer(400, 'validation_error', 'The request body is not valid JSON.');
    } else if (path === '/emails/batch') {
      const mode = String(req.headers['x-batch-validation'] ?? 'strict').toLowerCase();
      answer = processBatch(body, mode === 'permissive', entry);
    } else {
      answer = processSingle(body, entry);
    }

    if (idempotencyKey !== null) {
      const current = idempotency.get(idempotencyKey);
      if (current?.state === 'in_flight' && current.fingerprint === fingerprint) {
        if (answer.status >= 200 && answer.status < 300) {
          idempotency.set(idempotencyKey, {
            state: 'done',
            fingerprint,
            answer,
            expiresAt: now() + idempotencyTtlMs,
          });
        } else {
          idempotency.delete(idempotencyKey);
        }
      }
    }
    deliver(res, entry, answer, fault, rate.headers);
  }

  const server = createServer((req, res) => {
    active += 1;
    handle(req, res)
      .catch(() => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(errorAnswer(500, 'application_error').body);
        }
      })
      .finally(() => {
        active -= 1;
        if (active === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const wake of waiters) wake();
        }
      });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  function cutHeld(): void {
    for (const res of held) res.socket?.destroy();
    held.clear();
  }

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    sent,
    requests,

    sentTo(address) {
      const wanted = bareAddress(address);
      return sent.filter((email) =>
        [...email.to, ...email.cc, ...email.bcc].some((r) => bareAddress(r) === wanted),
      );
    },

    duplicates(keyOf = defaultDuplicateKey) {
      const groups = new Map<string, SentEmail[]>();
      for (const email of sent) {
        for (const recipient of new Set(email.to.map(bareAddress))) {
          const key = keyOf(email, recipient);
          const group = groups.get(key);
          if (group) group.push(email);
          else groups.set(key, [email]);
        }
      }
      return [...groups]
        .filter(([, emails]) => emails.length > 1)
        .map(([key, emails]) => ({ key, emails }));
    },

    inject(faults) {
      if (faults.status500 !== undefined) counters.status500 = faults.status500;
      if (faults.loseAnswer !== undefined) counters.loseAnswer = faults.loseAnswer;
      if (faults.holdAnswer !== undefined) counters.holdAnswer = faults.holdAnswer;
      if (faults.slow !== undefined) counters.slow = faults.slow;
      if (faults.slowMs !== undefined) counters.slowMs = faults.slowMs;
      if (faults.random === null) random = null;
      else if (faults.random !== undefined) {
        const { status500 = 0, loseAnswer = 0, holdAnswer = 0, seed = 1 } = faults.random;
        random = { status500, loseAnswer, holdAnswer, next: prng(seed) };
      }
    },

    reset(resetOptions = {}) {
      sent.length = 0;
      requests.length = 0;
      idempotency.clear();
      windowStamps.length = 0;
      Object.assign(counters, { status500: 0, loseAnswer: 0, holdAnswer: 0, slow: 0, slowMs: 200 });
      random = null;
      cutHeld();
      if (resetOptions.rateLimit !== undefined) rateLimit = resetOptions.rateLimit;
      if (resetOptions.latencyMs !== undefined) latencyMs = resetOptions.latencyMs;
      if (resetOptions.idempotencyTtlMs !== undefined) {
        idempotencyTtlMs = resetOptions.idempotencyTtlMs;
      }
    },

    heldCount: () => held.size,

    idle() {
      if (active === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    stop() {
      stopping ??= new Promise<void>((resolve) => {
        stopped = true;
        for (const sleeper of sleepers) {
          clearTimeout(sleeper.timer);
          sleeper.wake();
        }
        sleepers.clear();
        cutHeld();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
