import { Resend } from 'resend';

/** One email as the Resend SDK takes it in a batch. */
export interface OutgoingEmail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  replyTo?: string;
}

/** What became of one provider call. */
export type SendOutcome =
  /** Accepted. Per email, in order: the provider's id, or why it refused that one email. */
  | { kind: 'sent'; results: ({ id: string } | { error: string })[] }
  /** Try again later. `maybeSent`: the provider may have accepted it (no answer came). */
  | { kind: 'retry'; afterMs: number | null; error: string; maybeSent: boolean }
  /** The provider refused it for good (invalid address, invalid request). */
  | { kind: 'permanent'; error: string };

export interface Mailer {
  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome>;
}

export interface MailerOptions {
  apiKey: string;
  /** Resend's API address; tests point it at a local fake. */
  baseUrl?: string | undefined;
  /** A call that takes longer is abandoned and counted as "maybe sent". */
  timeoutMs?: number;
}

/**
 * The Resend batch endpoint behind a small interface, with every answer sorted into sent, retry
 * or permanent. The SDK passes `signal` to fetch and turns a network failure or an abort into an
 * error without a status: both mean the provider may have the batch, so it is retried with the
 * same idempotency key.
 * @example createMailer({ apiKey: 're_…' }).sendBatch(emails, 'candor-batch-abc')
 */
export function createMailer(options: MailerOptions): Mailer {
  const resend = new Resend(
    options.apiKey,
    options.baseUrl ? { baseUrl: options.baseUrl } : undefined,
  );
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async sendBatch(emails, idempotencyKey) {
      // Permissive: one invalid address must not sink the 99 good emails beside it.
      const { data, error, headers } = await resend.batch.send(emails, {
        idempotencyKey,
        batchValidation: 'permissive',
        signal: AbortSignal.timeout(timeoutMs),
      } as Parameters<typeof resend.batch.send>[1]);
      if (!error && data) {
        const refused = new Map(
          ((data as { errors?: { index: number; message: string }[] }).errors ?? []).map((e) => [
            e.index,
            e.message,
          ]),
        );
        const ids = data.data.map((email) => email.id);
        const results = emails.map((_, index) => {
          const message = refused.get(index);
          return message === undefined
            ? { id: ids.shift() ?? '' }
            : { error: `refused: ${message}` };
        });
        return { kind: 'sent', results };
      }
      const status = error?.statusCode ?? null;
      const message = `${error?.name ?? 'unknown_error'}: ${error?.message ?? 'no answer'}`;
      if (status === null) return { kind: 'retry', afterMs: null, error: message, maybeSent: true };
      if (status === 429) {
        const seconds = Number(headers?.['retry-after']);
        return {
          kind: 'retry',
          afterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null,
          error: message,
          maybeSent: false,
        };
      }
      if (status >= 500 || error?.name === 'concurrent_idempotent_requests') {
        return { kind: 'retry', afterMs: null, error: message, maybeSent: status >= 500 };
      }
      // A wrong or missing key is a setting to fix, not a reason to drop the emails.
      if (status === 401 || status === 403) {
        return { kind: 'retry', afterMs: 5 * 60_000, error: message, maybeSent: false };
      }
      return { kind: 'permanent', error: message };
    },
  };
}
