import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import { maintenances } from '#db/schema/index.ts';
import { formatDateTime } from '#render/format.ts';
import { recordAudit } from '../audit.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { insertMaintenanceUpdate } from './maintenance-rows.ts';

/** The reminder's words: when it starts and ends, in the site's zone. */
export const reminderText = (start: Date, end: Date, timeZone: string) =>
  `Reminder: this maintenance starts at ${formatDateTime(start, timeZone)} and is planned to end at ${formatDateTime(end, timeZone)}.`;

/**
 * Reminds subscribers of each public maintenance that notifies and starts within `minutes`: one
 * `scheduled` update that emails them, once per maintenance (until its start moves). A
 * maintenance announced after its reminder window opened is not reminded: its subscribers have
 * just heard of it. Setting `reminded_at` is a compare-and-set in the same transaction as the
 * update, so instances sharing a database never remind twice.
 * @returns the ids of the maintenances this call reminded of.
 */
export async function remindMaintenance(ctx: ServiceContext, minutes: number): Promise<string[]> {
  if (minutes <= 0) return [];
  const now = ctx.now();
  const lead = minutes * 60_000;
  const soon = await ctx.db
    .select({
      id: maintenances.id,
      createdAt: maintenances.createdAt,
      scheduledFor: maintenances.scheduledFor,
      scheduledUntil: maintenances.scheduledUntil,
    })
    .from(maintenances)
    .where(
      and(
        eq(maintenances.status, 'scheduled'),
        eq(maintenances.audience, 'public'),
        eq(maintenances.notify, true),
        isNull(maintenances.remindedAt),
        gt(maintenances.scheduledFor, now),
        lte(maintenances.scheduledFor, new Date(now.getTime() + lead)),
      ),
    );
  const reminded: string[] = [];
  for (const maintenance of soon) {
    if (maintenance.createdAt.getTime() >= maintenance.scheduledFor.getTime() - lead) continue;
    const claimed = await ctx.db.transaction(async (tx) => {
      const claim = await tx
        .update(maintenances)
        .set({ remindedAt: now })
        .where(
          and(
            eq(maintenances.id, maintenance.id),
            eq(maintenances.status, 'scheduled'),
            isNull(maintenances.remindedAt),
          ),
        )
        .returning({ id: maintenances.id });
      if (claim.length === 0) return false;
      await insertMaintenanceUpdate(tx, ctx, {
        maintenanceId: maintenance.id,
        status: 'scheduled',
        body: reminderText(maintenance.scheduledFor, maintenance.scheduledUntil, ctx.timeZone),
        audience: 'public',
        notify: true,
        componentChanges: [],
      });
      await recordAudit(tx, ctx, 'maintenance.reminded', {
        type: 'maintenance',
        id: maintenance.id,
      });
      return true;
    });
    if (!claimed) continue;
    ctx.changed(publicChangeTo('maintenance', maintenance.id, true));
    reminded.push(maintenance.id);
  }
  return reminded;
}
