import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';

/** Subscribers handled per statement: the embedded driver blocks the event loop while one runs. */
const chunk = 5_000;

/**
 * Writes one outbox row per active subscriber who should hear of this update: those who chose
 * every component, and those who chose one the update's incident or maintenance touches (all of
 * them when it names no component). INSERT … SELECT statements inside the caller's transaction, so
 * the update and its emails commit together; the unique (subscriber, update) index makes a second
 * enqueue of the same update write nothing. The subscribers are taken 5,000 at a time by rowid,
 * yielding between statements, so pages keep answering while 100,000 emails are queued.
 * @returns how many emails were queued.
 */
export async function enqueueUpdateNotifications(
  tx: Executor,
  input: {
    kind: 'incident_update' | 'maintenance_update';
    updateId: string;
    componentIds: readonly string[];
    now: Date;
    /**
     * Only the subscribers already emailed about this maintenance (a cancellation goes to those
     * who were told of it, whatever their choice of components is now).
     */
    toldOfMaintenance?: string;
  },
  chunkSize = chunk,
): Promise<number> {
  const touched = input.toldOfMaintenance
    ? sql`subscribers.id IN (
        SELECT notifications.subscriber_id FROM notifications
        JOIN maintenance_updates ON maintenance_updates.id = notifications.update_id
        WHERE maintenance_updates.maintenance_id = ${input.toldOfMaintenance}
          AND notifications.state IN ('queued', 'batched', 'sent'))`
    : input.componentIds.length === 0
      ? sql`1`
      : sql`(subscribers.component_ids IS NULL OR EXISTS (
          SELECT 1 FROM json_each(subscribers.component_ids)
          WHERE json_each.value IN (${sql.join(
            input.componentIds.map((id) => sql`${id}`),
            sql`, `,
          )})))`;
  let queued = 0;
  let after = 0;
  for (;;) {
    const [boundary] = await tx.all<{ last: number }>(sql`
      SELECT rowid AS last FROM subscribers WHERE rowid > ${after}
      ORDER BY rowid LIMIT 1 OFFSET ${chunkSize - 1}`);
    const upTo = boundary ? sql`AND subscribers.rowid <= ${boundary.last}` : sql``;
    const result = await tx.run(sql`
      INSERT INTO notifications (subscriber_id, kind, update_id, state, created_at)
      SELECT subscribers.id, ${input.kind}, ${input.updateId}, 'queued', ${input.now.getTime()}
      FROM subscribers
      WHERE subscribers.rowid > ${after} ${upTo} AND subscribers.state = 'active' AND ${touched}
      ORDER BY subscribers.rowid
      ON CONFLICT DO NOTHING`);
    queued += result.rowsAffected;
    if (!boundary) return queued;
    after = boundary.last;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
