import { eq } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { componentGroups, components } from '#db/schema/index.ts';
import { dateInZone } from '#domain/time.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import { startStatusHistory } from '../components/set-status.ts';
import type { ServiceContext } from '../context.ts';
import type { CatalogueContent } from './load-content.ts';

type DeclaredComponent = CatalogueContent['components'][number];

/**
 * Makes the database hold what content/ declares: groups and components are found by their key,
 * created when new and updated when changed. Live state (status, history) is kept, and nothing
 * content does not declare is deleted: components created through the API stay.
 * @returns how many rows were created and updated.
 */
export async function syncContent(
  ctx: ServiceContext,
  catalogue: CatalogueContent,
): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    let position = 0;
    for (const group of catalogue.groups) {
      position += 1;
      const fields = {
        name: group.name,
        description: group.description ?? null,
        audience: group.audience,
        position,
      };
      const [existing] = await tx
        .select()
        .from(componentGroups)
        .where(eq(componentGroups.contentKey, group.key));
      let groupId: string;
      if (existing) {
        groupId = existing.id;
        if (differs(existing, fields)) {
          await tx
            .update(componentGroups)
            .set({ ...fields, updatedAt: now })
            .where(eq(componentGroups.id, groupId));
          counts.updated += 1;
        }
      } else {
        groupId = newId();
        await tx.insert(componentGroups).values({
          id: groupId,
          contentKey: group.key,
          ...fields,
          createdAt: now,
          updatedAt: now,
        });
        await recordAudit(tx, ctx, 'group.created', { type: 'group', id: groupId }, fields);
        counts.created += 1;
      }
      let childPosition = 0;
      for (const component of group.components) {
        childPosition += 1;
        await syncComponent(tx, ctx, component, groupId, childPosition, counts);
      }
    }
    for (const component of catalogue.components) {
      position += 1;
      await syncComponent(tx, ctx, component, null, position, counts);
    }
  });
  if (counts.created + counts.updated > 0) ctx.changed(['*']);
  return counts;
}

async function syncComponent(
  tx: Executor,
  ctx: ServiceContext,
  declared: DeclaredComponent,
  groupId: string | null,
  position: number,
  counts: { created: number; updated: number },
): Promise<void> {
  const now = ctx.now();
  const fields = {
    name: declared.name,
    description: declared.description ?? null,
    groupId,
    audience: declared.audience,
    position,
    showcase: declared.showcase,
    onlyShowIfDegraded: declared.only_show_if_degraded,
  };
  const [existing] = await tx
    .select()
    .from(components)
    .where(eq(components.contentKey, declared.key));
  if (existing) {
    const startDate = declared.start_date ?? existing.startDate;
    if (differs(existing, { ...fields, startDate })) {
      await tx
        .update(components)
        .set({ ...fields, startDate, updatedAt: now })
        .where(eq(components.id, existing.id));
      counts.updated += 1;
    }
    return;
  }
  const id = newId();
  await tx.insert(components).values({
    id,
    contentKey: declared.key,
    ...fields,
    status: 'operational',
    startDate: declared.start_date ?? dateInZone(now, ctx.timeZone),
    createdAt: now,
    updatedAt: now,
  });
  await startStatusHistory(tx, id, 'operational', now);
  await recordAudit(
    tx,
    ctx,
    'component.created',
    { type: 'component', id },
    {
      key: declared.key,
      name: declared.name,
    },
  );
  counts.created += 1;
}

function differs(row: Record<string, unknown>, fields: Record<string, unknown>): boolean {
  return Object.entries(fields).some(([name, value]) => row[name] !== value);
}
