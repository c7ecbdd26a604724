import { eq } from 'drizzle-orm';
import { actionItems } from '#db/schema/index.ts';
import type { ActionItemPriority, ActionItemStatus } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { findIncident } from '../incidents/incident-rows.ts';

export interface NewActionItem {
  title: string;
  owner: string;
  priority: ActionItemPriority;
  dueAt: Date | null;
}

const closed = (status: ActionItemStatus) => status === 'done' || status === 'wont_do';

/** Adds an action item to an incident's review. Internal only: nothing public changes. */
export async function addActionItem(ctx: ServiceContext, incidentId: string, input: NewActionItem) {
  return ctx.db.transaction(async (tx) => {
    await findIncident(tx, incidentId);
    const now = ctx.now();
    const row = {
      id: newId(),
      incidentId,
      ...input,
      status: 'open' as const,
      verification: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(actionItems).values(row);
    await recordAudit(
      tx,
      ctx,
      'action_item.created',
      { type: 'action_item', id: row.id },
      {
        incidentId,
        title: input.title,
        owner: input.owner,
        priority: input.priority,
        dueAt: input.dueAt?.toISOString() ?? null,
      },
    );
    return row;
  });
}

export interface ActionItemChange {
  title?: string | undefined;
  owner?: string | undefined;
  priority?: ActionItemPriority | undefined;
  dueAt?: Date | null | undefined;
  status?: ActionItemStatus | undefined;
  /** How completion was checked. */
  verification?: string | null | undefined;
}

/** Moves an action item along (open, in progress, done, won't do) and edits its fields. */
export async function updateActionItem(ctx: ServiceContext, id: string, input: ActionItemChange) {
  return ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(actionItems).where(eq(actionItems.id, id));
    if (!current) throw notFound('action item', id);
    const now = ctx.now();
    const status = input.status ?? current.status;
    const row = {
      ...current,
      title: input.title ?? current.title,
      owner: input.owner ?? current.owner,
      priority: input.priority ?? current.priority,
      dueAt: input.dueAt === undefined ? current.dueAt : input.dueAt,
      status,
      verification: input.verification === undefined ? current.verification : input.verification,
      closedAt: closed(status) ? (current.closedAt ?? now) : null,
      updatedAt: now,
    };
    await tx.update(actionItems).set(row).where(eq(actionItems.id, id));
    await recordAudit(
      tx,
      ctx,
      'action_item.updated',
      { type: 'action_item', id },
      {
        incidentId: current.incidentId,
        before: { status: current.status, verification: current.verification },
        ...input,
        dueAt: input.dueAt === undefined ? undefined : (input.dueAt?.toISOString() ?? null),
      },
    );
    return row;
  });
}
