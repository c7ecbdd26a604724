import { and, eq } from 'drizzle-orm';
import type { Transaction } from '#db/client.ts';
import { maintenanceComponents, maintenances } from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { MaintenanceStatus } from '#domain/enums.ts';
import { canMoveMaintenance, maintenanceIsActive } from '#domain/lifecycle.ts';
import { recordAudit } from '../audit.ts';
import { loadComponentsFor, restingStatus } from '../components/apply-statuses.ts';
import { setComponentStatus } from '../components/set-status.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { invalidInput, invalidTransition, notFound } from '../errors.ts';
import { insertMaintenanceUpdate } from './maintenance-rows.ts';

export interface UpdateMaintenanceInput {
  title?: string | undefined;
  scheduledFor?: Date | undefined;
  scheduledUntil?: Date | undefined;
  components?: string[] | undefined;
  autoTransition?: boolean | undefined;
  /** Moves the maintenance; its components follow (under maintenance while it runs). */
  status?: MaintenanceStatus | undefined;
  /** A message for the timeline; required wording is chosen by default when the status moves. */
  body?: string | undefined;
  notify?: boolean | undefined;
  /**
   * Act only if the maintenance is still in this status; otherwise change nothing. The scheduler
   * uses it so that when several instances see the same due maintenance, one moves it.
   */
  expectStatus?: MaintenanceStatus | undefined;
}

const defaultMessages: Record<MaintenanceStatus, string> = {
  scheduled: 'The maintenance has been rescheduled.',
  in_progress:
    'Scheduled maintenance is currently in progress. We will provide updates as necessary.',
  verifying: 'Verification is currently underway for the maintenance items.',
  completed: 'The scheduled maintenance has been completed.',
  cancelled: 'This maintenance has been cancelled: it will not take place.',
};

/**
 * Edits a maintenance and moves it through its lifecycle. Starting it puts its components under
 * maintenance and remembers their prior status; completing it gives that status back unless
 * something else has changed the component meanwhile.
 */
export async function updateMaintenance(
  ctx: ServiceContext,
  id: string,
  input: UpdateMaintenanceInput,
): Promise<boolean> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const [current] = await tx.select().from(maintenances).where(eq(maintenances.id, id));
    if (!current) throw notFound('maintenance', id);
    if (input.expectStatus !== undefined && current.status !== input.expectStatus) return null;
    const scheduledFor = input.scheduledFor ?? current.scheduledFor;
    const scheduledUntil = input.scheduledUntil ?? current.scheduledUntil;
    if (scheduledUntil.getTime() <= scheduledFor.getTime()) {
      throw invalidInput('The window must end after it starts.', 'scheduled_until');
    }
    const status = input.status ?? current.status;
    // Asked to cancel: say why not in words. An edit of a cancelled one (its wording) may go on.
    if (input.status === 'cancelled' && current.status !== 'scheduled') {
      throw invalidTransition(
        `Only a maintenance that has not begun can be cancelled; this one is ${current.status.replace('_', ' ')}.`,
      );
    }
    if (!canMoveMaintenance(current.status, status)) {
      throw invalidTransition(`A maintenance cannot go from ${current.status} to ${status}.`);
    }
    if (input.components !== undefined) {
      if (maintenanceIsActive(current.status)) {
        throw invalidInput('Components cannot change while the maintenance runs.', 'components');
      }
      const ids = [...new Set(input.components)];
      await loadComponentsFor(tx, ids, current.audience);
      await tx.delete(maintenanceComponents).where(eq(maintenanceComponents.maintenanceId, id));
      if (ids.length > 0) {
        await tx
          .insert(maintenanceComponents)
          .values(ids.map((componentId) => ({ maintenanceId: id, componentId })));
      }
    }
    const moved = status !== current.status;
    const changes = moved
      ? await moveComponents(tx, id, current.status, status, now, ctx.timeZone)
      : [];
    await tx
      .update(maintenances)
      .set({
        title: input.title ?? current.title,
        scheduledFor,
        scheduledUntil,
        autoTransition: input.autoTransition ?? current.autoTransition,
        status,
        startedAt: status === 'in_progress' && !current.startedAt ? now : current.startedAt,
        verifyingAt: status === 'verifying' && !current.verifyingAt ? now : current.verifyingAt,
        completedAt: status === 'completed' ? now : current.completedAt,
        cancelledAt: status === 'cancelled' && moved ? now : current.cancelledAt,
        // A new start deserves its own reminder.
        remindedAt:
          scheduledFor.getTime() === current.scheduledFor.getTime() ? current.remindedAt : null,
        updatedAt: now,
      })
      .where(eq(maintenances.id, id));
    if (moved || input.body !== undefined) {
      await insertMaintenanceUpdate(tx, ctx, {
        maintenanceId: id,
        status,
        body: input.body ?? defaultMessages[status],
        audience: current.audience,
        // Whoever heard of a maintenance hears that it is called off, unless told otherwise.
        notify: input.notify ?? (moved && (current.notify || status === 'cancelled')),
        componentChanges: changes,
      });
    }
    await recordAudit(
      tx,
      ctx,
      moved ? `maintenance.${status}` : 'maintenance.edited',
      {
        type: 'maintenance',
        id,
      },
      {
        ...input,
        scheduledFor: scheduledFor.toISOString(),
        scheduledUntil: scheduledUntil.toISOString(),
      },
    );
    return { visible: current.audience === 'public', changes };
  });
  if (!outcome) return false;
  ctx.changed(publicChangeTo('maintenance', id, outcome.visible, outcome.changes));
  return true;
}

async function moveComponents(
  tx: Transaction,
  maintenanceId: string,
  from: MaintenanceStatus,
  to: MaintenanceStatus,
  now: Date,
  timeZone: string,
): Promise<ComponentChange[]> {
  const starting = !maintenanceIsActive(from) && maintenanceIsActive(to);
  const ending = maintenanceIsActive(from) && !maintenanceIsActive(to);
  if (!starting && !ending) return [];
  const links = await tx
    .select()
    .from(maintenanceComponents)
    .where(eq(maintenanceComponents.maintenanceId, maintenanceId));
  const rows = await loadComponentsFor(
    tx,
    links.map((link) => link.componentId),
    'public',
  );
  const changes: ComponentChange[] = [];
  for (const row of rows) {
    if (starting) {
      await tx
        .update(maintenanceComponents)
        .set({ priorStatus: row.status })
        .where(
          and(
            eq(maintenanceComponents.maintenanceId, maintenanceId),
            eq(maintenanceComponents.componentId, row.id),
          ),
        );
      changes.push(await setComponentStatus(tx, row, 'under_maintenance', now, timeZone));
    } else if (row.status === 'under_maintenance') {
      const prior = links.find((link) => link.componentId === row.id)?.priorStatus;
      const resting = await restingStatus(tx, row.id, { maintenanceId });
      const back = resting === 'under_maintenance' ? resting : (prior ?? 'operational');
      changes.push(await setComponentStatus(tx, row, back, now, timeZone));
    }
  }
  return changes;
}
