import { components } from '#db/schema/index.ts';
import type { Audience, ComponentStatus } from '#domain/enums.ts';
import { dateInZone } from '#domain/time.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { findOrCreateGroup, nextPosition } from './groups.ts';
import { startStatusHistory } from './set-status.ts';

export interface CreateComponentInput {
  name: string;
  description?: string | null | undefined;
  /** A group's id or name; a new name creates the group. */
  group?: string | null | undefined;
  audience?: Audience | undefined;
  status?: ComponentStatus | undefined;
  showcase?: boolean | undefined;
  onlyShowIfDegraded?: boolean | undefined;
  startDate?: string | null | undefined;
}

/** Creates a component at the end of its group (or of the top level) and opens its history. */
export async function createComponent(
  ctx: ServiceContext,
  input: CreateComponentInput,
): Promise<{ id: string }> {
  const result = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const audience = input.audience ?? 'public';
    const groupId = input.group
      ? (await findOrCreateGroup(tx, ctx, input.group, audience)).id
      : null;
    const position = await nextPosition(tx, groupId);
    const id = newId();
    const status = input.status ?? 'operational';
    await tx.insert(components).values({
      id,
      name: input.name,
      description: input.description ?? null,
      groupId,
      audience,
      status,
      position,
      showcase: input.showcase ?? true,
      onlyShowIfDegraded: input.onlyShowIfDegraded ?? false,
      startDate: input.startDate ?? dateInZone(now, ctx.timeZone),
      createdAt: now,
      updatedAt: now,
    });
    await startStatusHistory(tx, id, status, now);
    await recordAudit(tx, ctx, 'component.created', { type: 'component', id }, { ...input });
    return { id };
  });
  ctx.changed(['status', 'catalogue']);
  return result;
}
