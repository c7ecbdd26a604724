import { maintenanceComponents, maintenances } from '#db/schema/index.ts';
import type { Audience } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import { loadComponentsFor } from '../components/apply-statuses.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { invalidInput } from '../errors.ts';
import { insertMaintenanceUpdate } from './maintenance-rows.ts';

export interface CreateMaintenanceInput {
  title: string;
  body: string;
  scheduledFor: Date;
  scheduledUntil: Date;
  components: string[];
  audience?: Audience | undefined;
  autoTransition?: boolean | undefined;
  notify?: boolean | undefined;
}

/** Schedules a maintenance window over some components, with its first (scheduled) update. */
export async function createMaintenance(
  ctx: ServiceContext,
  input: CreateMaintenanceInput,
): Promise<{ id: string }> {
  if (input.scheduledUntil.getTime() <= input.scheduledFor.getTime()) {
    throw invalidInput('The window must end after it starts.', 'scheduled_until');
  }
  const result = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const audience = input.audience ?? 'public';
    const ids = [...new Set(input.components)];
    await loadComponentsFor(tx, ids, audience);
    const id = newId();
    await tx.insert(maintenances).values({
      id,
      title: input.title,
      status: 'scheduled',
      audience,
      scheduledFor: input.scheduledFor,
      scheduledUntil: input.scheduledUntil,
      autoTransition: input.autoTransition ?? true,
      notify: input.notify ?? false,
      createdAt: now,
      updatedAt: now,
    });
    if (ids.length > 0) {
      await tx
        .insert(maintenanceComponents)
        .values(ids.map((componentId) => ({ maintenanceId: id, componentId })));
    }
    await insertMaintenanceUpdate(tx, ctx, {
      maintenanceId: id,
      status: 'scheduled',
      body: input.body,
      audience,
      notify: input.notify ?? false,
      componentChanges: [],
    });
    await recordAudit(
      tx,
      ctx,
      'maintenance.created',
      { type: 'maintenance', id },
      {
        title: input.title,
        scheduledFor: input.scheduledFor.toISOString(),
        scheduledUntil: input.scheduledUntil.toISOString(),
        components: ids,
        audience,
      },
    );
    return { id, visible: audience === 'public' };
  });
  ctx.changed(publicChangeTo('maintenance', result.id, result.visible));
  return { id: result.id };
}
