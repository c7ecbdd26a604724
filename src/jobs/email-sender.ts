import { hostname } from 'node:os';
import { newId } from '#lib/ids.ts';
import type { Candor } from '#services/candor.ts';
import type { Mailer } from '#services/email/mailer.ts';
import { expirePending, formBatches, sendNextBatch } from '#services/email/outbox.ts';

/**
 * The outbox worker: forms batches of queued emails and hands them to the provider, paced and
 * retried, then waits `idleMs` and looks again. Several instances may run it on one database:
 * batches are formed in write transactions and sent under leases.
 * @returns a function that stops it after the call in flight.
 */
export function startEmailSender(
  candor: Candor,
  mailer: Mailer,
  options: { idleMs?: number } = {},
): () => Promise<void> {
  const idleMs = options.idleMs ?? 250;
  const owner = `${hostname()}:${process.pid}:${newId()}`;
  let stopped = false;
  let lastExpiry = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const round = async () => {
    const ctx = candor.context('email-sender');
    try {
      const sender = { mailer, owner, ratePerSecond: candor.config.emailRatePerSecond };
      // Form one batch, send one: the first email leaves at once, however long the queue.
      while (!stopped) {
        const formed = await formBatches(ctx, candor.email, 1);
        const sent = await sendNextBatch(ctx, sender);
        if (!formed && !sent) break;
      }
      if (Date.now() - lastExpiry > 60_000) {
        lastExpiry = Date.now();
        await expirePending(ctx);
      }
    } catch (error) {
      console.error('The email sender failed; it will try again:', error);
    }
  };
  const loop = () => {
    if (stopped) return;
    running = round().finally(() => {
      if (!stopped) timer = setTimeout(loop, idleMs);
    });
  };
  loop();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
