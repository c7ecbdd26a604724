import type { Executor } from '#db/client.ts';
import { auditLog } from '#db/schema/index.ts';
import type { ServiceContext } from './context.ts';

/** Writes one audit row, inside the caller's transaction so it commits with the change. */
export async function recordAudit(
  tx: Executor,
  ctx: Pick<ServiceContext, 'actor' | 'now'>,
  action: string,
  entity: { type: string; id: string },
  detail?: Record<string, unknown>,
): Promise<void> {
  await tx.insert(auditLog).values({
    at: ctx.now(),
    actor: ctx.actor,
    action,
    entityType: entity.type,
    entityId: entity.id,
    detail: detail ?? null,
  });
}
