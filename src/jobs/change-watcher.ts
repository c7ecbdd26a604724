import { asc, gt, max } from 'drizzle-orm';
import { auditLog } from '#db/schema/index.ts';
import type { Candor } from '#services/candor.ts';
import type { ChangeTag } from '#services/context.ts';

/** Audit rows read per look; more than this since the last look drops everything. */
const batch = 500;

/**
 * What the public may see changed, from audit rows another instance wrote. Every write records
 * one in its own transaction, so the audit log doubles as a change feed. It cannot tell an
 * internal edit from a public one, so it errs towards dropping more.
 */
export function tagsFromAudit(
  rows: readonly { entityType: string; entityId: string }[],
): ChangeTag[] {
  const tags = new Set<ChangeTag>();
  for (const row of rows) {
    if (row.entityType === 'component' || row.entityType === 'group') {
      tags.add('status').add('catalogue');
    } else if (row.entityType === 'incident' || row.entityType === 'maintenance') {
      // The row does not say whether it moved a component's status: assume it did.
      tags.add('status').add('catalogue').add(`${row.entityType}:${row.entityId}`);
    }
  }
  return [...tags];
}

/**
 * Keeps this instance's cached outputs fresh when other instances write to the same database:
 * looks for new audit rows every `intervalMs` (one indexed read of the newest ids) and announces
 * what they changed. Its own writes show up too; dropping their outputs twice costs a render.
 * @returns a function that stops it.
 */
export async function startChangeWatcher(candor: Candor, intervalMs = 500): Promise<() => void> {
  const [start] = await candor.db.select({ id: max(auditLog.id) }).from(auditLog);
  let seen = start?.id ?? 0;
  let running = false;
  let failing = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const rows = await candor.db
        .select({ id: auditLog.id, entityType: auditLog.entityType, entityId: auditLog.entityId })
        .from(auditLog)
        .where(gt(auditLog.id, seen))
        .orderBy(asc(auditLog.id))
        .limit(batch);
      if (failing) console.error('The database answers again: cached pages follow changes again.');
      failing = false;
      if (rows.length === 0) return;
      seen = rows.at(-1)?.id ?? seen;
      candor.changed(rows.length === batch ? ['*'] : tagsFromAudit(rows));
    } catch (error) {
      if (!failing) {
        console.error(
          'DATABASE UNREACHABLE: public pages are served from their last good copies until it answers.',
          error,
        );
      }
      failing = true;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
