import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { auditLog } from '#db/schema/index.ts';

/** The audit log, newest first: who did what to which entity, with the details recorded. */
export async function listAudit(
  db: Database,
  filter: {
    entityType?: string | undefined;
    entityId?: string | undefined;
    actor?: string | undefined;
    since?: Date | undefined;
    /** Only entries older than this one: the next page. */
    beforeId?: number | undefined;
    limit?: number | undefined;
  },
) {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
        filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
        filter.actor ? eq(auditLog.actor, filter.actor) : undefined,
        filter.since ? gte(auditLog.at, filter.since) : undefined,
        filter.beforeId ? lt(auditLog.id, filter.beforeId) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(filter.limit ?? 100);
}
