import { and, eq, inArray, lte, or } from 'drizzle-orm';
import { maintenances } from '#db/schema/index.ts';
import type { MaintenanceStatus } from '#domain/enums.ts';
import type { ServiceContext } from '../context.ts';
import { updateMaintenance } from './update-maintenance.ts';

/**
 * Moves every automatic maintenance whose time has come: a scheduled one starts at
 * `scheduled_for`, a running one completes at `scheduled_until`, and one whose whole window passed
 * while no instance ran completes at once (catching up after a restart). Each move is a
 * compare-and-set in its own write transaction, so instances sharing a database never move the
 * same maintenance twice.
 * @returns the moves this call made.
 */
export async function runDueMaintenance(
  ctx: ServiceContext,
): Promise<{ id: string; from: MaintenanceStatus; to: MaintenanceStatus }[]> {
  const now = ctx.now();
  const due = await ctx.db
    .select({
      id: maintenances.id,
      status: maintenances.status,
      scheduledUntil: maintenances.scheduledUntil,
    })
    .from(maintenances)
    .where(
      and(
        eq(maintenances.autoTransition, true),
        or(
          and(eq(maintenances.status, 'scheduled'), lte(maintenances.scheduledFor, now)),
          and(
            inArray(maintenances.status, ['in_progress', 'verifying']),
            lte(maintenances.scheduledUntil, now),
          ),
        ),
      ),
    );
  const moves: { id: string; from: MaintenanceStatus; to: MaintenanceStatus }[] = [];
  for (const maintenance of due) {
    const to: MaintenanceStatus =
      maintenance.status === 'scheduled' && maintenance.scheduledUntil > now
        ? 'in_progress'
        : 'completed';
    const moved = await updateMaintenance(ctx, maintenance.id, {
      status: to,
      expectStatus: maintenance.status,
    });
    if (moved) moves.push({ id: maintenance.id, from: maintenance.status, to });
  }
  return moves;
}
