import type { Executor } from '#db/client.ts';
import { maintenanceUpdates } from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { Audience, MaintenanceStatus } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import type { ServiceContext } from '../context.ts';

/** Appends one entry to a maintenance's timeline, written by the acting person, shown now. */
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
  return id;
}
