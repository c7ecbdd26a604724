import { eq } from 'drizzle-orm';
import { components } from '#db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { findComponent } from './update-component.ts';

/**
 * Deletes a component with its status history. Incident timelines keep the name it had, since
 * updates store their component changes by name. A component declared in content/ comes back at
 * the next start unless it is removed there too.
 */
export async function deleteComponent(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const current = await findComponent(tx, id);
    await tx.delete(components).where(eq(components.id, id));
    await recordAudit(
      tx,
      ctx,
      'component.deleted',
      { type: 'component', id },
      {
        name: current.name,
        contentKey: current.contentKey,
      },
    );
  });
  ctx.changed(['status', 'catalogue']);
}
