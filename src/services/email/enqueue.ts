import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/**
 * Writes one outbox row per active subscriber who should hear of this update: those who chose
 * every component, and those who chose one the update's incident or maintenance touches (all of
 * them when it names no component). One INSERT … SELECT inside the caller's transaction, so the
 * update and its emails commit together; the unique (subscriber, update) index makes a second
 * enqueue of the same update write nothing.
 * @returns how many emails were queued.
 */
export async function enqueueUpdateNotifications(
  tx: Executor,
  input: {
    kind: 'incident_update' | 'maintenance_update';
    updateId: string;
    componentIds: readonly string[];
    now: Date;
  },
): Promise<number> {
  const touched =
    input.componentIds.length === 0
      ? sql`1`
      : sql`(subscribers.component_ids IS NULL OR EXISTS (
          SELECT 1 FROM json_each(subscribers.component_ids)
          WHERE json_each.value IN (${sql.join(
            input.componentIds.map((id) => sql`${id}`),
            sql`, `,
          )})))`;
  const result = await tx.run(sql`
    INSERT INTO notifications (subscriber_id, kind, update_id, state, created_at)
    SELECT subscribers.id, ${input.kind}, ${input.updateId}, 'queued', ${input.now.getTime()}
    FROM subscribers
    WHERE subscribers.state = 'active' AND ${touched}
    ON CONFLICT DO NOTHING`);
  return result.rowsAffected;
}
