import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import {
  components,
  incidentComponents,
  incidents,
  maintenanceComponents,
  maintenances,
} from '#db/schema/index.ts';
import type { ComponentChange } from '#domain/changes.ts';
import type { Audience, ComponentStatus } from '#domain/enums.ts';
import { invalidInput } from '../errors.ts';
import { setComponentStatus } from './set-status.ts';

type ComponentRow = typeof components.$inferSelect;

/**
 * Loads the named components, failing on an unknown id, and keeps the audience boundary: an
 * internal incident or maintenance may not touch a public component, whose status everyone sees.
 */
export async function loadComponentsFor(
  tx: Executor,
  ids: readonly string[],
  audience: Audience,
  field = 'components',
): Promise<ComponentRow[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .select()
    .from(components)
    .where(inArray(components.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw invalidInput(`No component with id ${JSON.stringify(id)}.`, `${field}.${id}`);
    if (audience === 'internal' && row.audience === 'public') {
      throw invalidInput(
        `Component ${JSON.stringify(row.name)} is public: an internal incident or maintenance cannot change it. Publish the incident, or change the component directly.`,
        `${field}.${id}`,
      );
    }
    return row;
  });
}

/** Sets each named component to its status, returning the changes in the order given. */
export async function applyComponentStatuses(
  tx: Executor,
  statuses: Readonly<Record<string, ComponentStatus>>,
  audience: Audience,
  at: Date,
  timeZone: string,
): Promise<ComponentChange[]> {
  const rows = await loadComponentsFor(tx, Object.keys(statuses), audience);
  const changes: ComponentChange[] = [];
  for (const row of rows) {
    changes.push(
      await setComponentStatus(tx, row, statuses[row.id] as ComponentStatus, at, timeZone),
    );
  }
  return changes;
}

/**
 * The status a component returns to when an incident or maintenance lets go of it: under
 * maintenance while another maintenance runs on it; unchanged (null) while another unresolved
 * incident holds it; otherwise operational.
 */
export async function restingStatus(
  tx: Executor,
  componentId: string,
  releasedBy: { incidentId?: string; maintenanceId?: string },
): Promise<ComponentStatus | null> {
  const [maintenance] = await tx
    .select({ id: maintenances.id })
    .from(maintenanceComponents)
    .innerJoin(maintenances, eq(maintenances.id, maintenanceComponents.maintenanceId))
    .where(
      and(
        eq(maintenanceComponents.componentId, componentId),
        inArray(maintenances.status, ['in_progress', 'verifying']),
        ne(maintenances.id, releasedBy.maintenanceId ?? ''),
      ),
    )
    .limit(1);
  if (maintenance) return 'under_maintenance';
  const [incident] = await tx
    .select({ id: incidents.id })
    .from(incidentComponents)
    .innerJoin(incidents, eq(incidents.id, incidentComponents.incidentId))
    .where(
      and(
        eq(incidentComponents.componentId, componentId),
        ne(incidents.status, 'resolved'),
        ne(incidents.id, releasedBy.incidentId ?? ''),
      ),
    )
    .limit(1);
  return incident ? null : 'operational';
}
