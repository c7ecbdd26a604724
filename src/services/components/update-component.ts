import { eq } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { components } from '#db/schema/index.ts';
import type { Audience, ComponentStatus } from '#domain/enums.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { findOrCreateGroup, nextPosition } from './groups.ts';
import { setComponentStatus } from './set-status.ts';

export interface UpdateComponentInput {
  name?: string | undefined;
  description?: string | null | undefined;
  /** A group's id or name (a new name creates it); null takes the component out of its group. */
  group?: string | null | undefined;
  audience?: Audience | undefined;
  status?: ComponentStatus | undefined;
  position?: number | undefined;
  showcase?: boolean | undefined;
  onlyShowIfDegraded?: boolean | undefined;
  startDate?: string | null | undefined;
}

export async function findComponent(tx: Executor, id: string) {
  const [row] = await tx.select().from(components).where(eq(components.id, id));
  if (!row) throw notFound('component', id);
  return row;
}

/** Changes a component's fields; a status change is kept in its history. */
export async function updateComponent(
  ctx: ServiceContext,
  id: string,
  input: UpdateComponentInput,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const current = await findComponent(tx, id);
    let groupId = current.groupId;
    let position = input.position ?? current.position;
    if (input.group !== undefined) {
      groupId = input.group
        ? (await findOrCreateGroup(tx, ctx, input.group, input.audience ?? current.audience)).id
        : null;
      if (groupId !== current.groupId && input.position === undefined) {
        position = await nextPosition(tx, groupId);
      }
    }
    await tx
      .update(components)
      .set({
        name: input.name ?? current.name,
        description: input.description === undefined ? current.description : input.description,
        groupId,
        audience: input.audience ?? current.audience,
        position,
        showcase: input.showcase ?? current.showcase,
        onlyShowIfDegraded: input.onlyShowIfDegraded ?? current.onlyShowIfDegraded,
        startDate: input.startDate === undefined ? current.startDate : input.startDate,
        updatedAt: now,
      })
      .where(eq(components.id, id));
    if (input.status !== undefined) {
      await setComponentStatus(tx, current, input.status, now, ctx.timeZone);
    }
    await recordAudit(tx, ctx, 'component.updated', { type: 'component', id }, { ...input });
  });
  ctx.changed(['status', 'catalogue']);
}
