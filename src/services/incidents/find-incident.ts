import { eq } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { incidentComponents, incidents } from '#db/schema/index.ts';
import { notFound } from '../errors.ts';

export async function findIncident(tx: Executor, id: string) {
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, id));
  if (!row) throw notFound('incident', id);
  return row;
}

/** Records that the incident touches these components (once each). */
export async function linkComponents(
  tx: Executor,
  incidentId: string,
  componentIds: readonly string[],
): Promise<void> {
  if (componentIds.length === 0) return;
  await tx
    .insert(incidentComponents)
    .values(componentIds.map((componentId) => ({ incidentId, componentId })))
    .onConflictDoNothing();
}
