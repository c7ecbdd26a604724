import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { componentStatusHistory, components } from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { ComponentStatus } from '#domain/enums.ts';

/**
 * Sets a component's status and keeps the history of intervals whole: the current interval ends
 * and a new one begins at `at`. Setting the status it already has changes nothing but is still
 * reported, as Statuspage lists components an update named even when unchanged.
 */
export async function setComponentStatus(
  tx: Executor,
  component: { id: string; name: string; status: ComponentStatus },
  status: ComponentStatus,
  at: Date,
): Promise<ComponentChange> {
  const change: ComponentChange = {
    componentId: component.id,
    name: component.name,
    oldStatus: component.status,
    newStatus: status,
  };
  if (component.status === status) return change;
  await tx.update(components).set({ status, updatedAt: at }).where(eq(components.id, component.id));
  await tx
    .update(componentStatusHistory)
    .set({ endedAt: at })
    .where(
      and(
        eq(componentStatusHistory.componentId, component.id),
        isNull(componentStatusHistory.endedAt),
      ),
    );
  await tx
    .insert(componentStatusHistory)
    .values({ componentId: component.id, status, startedAt: at });
  return change;
}

/** Opens the first history interval of a new component. */
export async function startStatusHistory(
  tx: Executor,
  componentId: string,
  status: ComponentStatus,
  at: Date,
): Promise<void> {
  await tx.insert(componentStatusHistory).values({ componentId, status, startedAt: at });
}
