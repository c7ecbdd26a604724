import { eq } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { maintenanceComponents, maintenanceUpdates } from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { Audience, MaintenanceStatus } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import type { ServiceContext } from '../context.ts';
import { enqueueUpdateNotifications } from '../email/enqueue.ts';

/**
 * Appends one entry to a maintenance's timeline, written by the acting person, shown now; queues
 * its emails in the same transaction when it notifies and the maintenance is public. A
 * cancellation goes only to the subscribers who were told of the maintenance.
 */
export async function insertMaintenanceUpdate(
  tx: Executor,
  ctx: Pick<ServiceContext, 'actor' | 'now'>,
  update: {
    maintenanceId: string;
    status: MaintenanceStatus;
    body: string;
    audience: Audience;
    notify: boolean;
    componentChanges: ComponentChange[];
  },
): Promise<string> {
  const id = newId();
  const now = ctx.now();
  await tx.insert(maintenanceUpdates).values({
    id,
    ...update,
    author: ctx.actor,
    displayAt: now,
    createdAt: now,
    updatedAt: now,
  });
  if (update.notify && update.audience === 'public') {
    const linked = await tx
      .select({ id: maintenanceComponents.componentId })
      .from(maintenanceComponents)
      .where(eq(maintenanceComponents.maintenanceId, update.maintenanceId));
    await enqueueUpdateNotifications(tx, {
      kind: 'maintenance_update',
      updateId: id,
      componentIds: linked.map((row) => row.id),
      now,
      ...(update.status === 'cancelled' ? { toldOfMaintenance: update.maintenanceId } : {}),
    });
  }
  return id;
}
