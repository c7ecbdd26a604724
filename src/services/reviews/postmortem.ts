import { eq } from 'drizzle-orm';
import { postmortems } from '#db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { publicChangeTo, type ServiceContext } from '../context.ts';
import { invalidInput, invalidTransition } from '../errors.ts';
import { findIncident } from '../incidents/incident-rows.ts';

export interface PostmortemInput {
  /** Markdown shown with the incident once published (public incidents only). */
  publicBody: string;
  /** Markdown for employees only. */
  internalBody: string;
  published: boolean;
}

/**
 * Writes an incident's postmortem whole (a PUT): drafts may be saved at any time, but only a
 * resolved incident's review can be published, and a published one needs a public part to show.
 * @returns the postmortem as stored.
 */
export async function savePostmortem(
  ctx: ServiceContext,
  incidentId: string,
  input: PostmortemInput,
) {
  const result = await ctx.db.transaction(async (tx) => {
    const incident = await findIncident(tx, incidentId);
    if (input.published && incident.status !== 'resolved') {
      throw invalidTransition(
        'A postmortem is published once the incident is resolved; save it as a draft until then.',
        'published',
      );
    }
    if (input.published && incident.audience === 'public' && input.publicBody.trim() === '') {
      throw invalidInput(
        'A published postmortem needs a public part: it is what the incident page and the feeds show.',
        'public_body',
      );
    }
    const [current] = await tx
      .select()
      .from(postmortems)
      .where(eq(postmortems.incidentId, incidentId));
    const now = ctx.now();
    const row = {
      incidentId,
      publicBody: input.publicBody,
      internalBody: input.internalBody,
      published: input.published,
      publishedAt: input.published ? (current?.publishedAt ?? now) : (current?.publishedAt ?? null),
      author: ctx.actor,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    };
    await tx
      .insert(postmortems)
      .values(row)
      .onConflictDoUpdate({ target: postmortems.incidentId, set: row });
    const action =
      !current?.published && input.published
        ? 'postmortem.published'
        : current?.published && !input.published
          ? 'postmortem.unpublished'
          : 'postmortem.saved';
    await recordAudit(
      tx,
      ctx,
      action,
      { type: 'incident', id: incidentId },
      {
        before: current
          ? {
              publicBody: current.publicBody,
              internalBody: current.internalBody,
              published: current.published,
            }
          : null,
        after: {
          publicBody: input.publicBody,
          internalBody: input.internalBody,
          published: input.published,
        },
      },
    );
    // The public sees a change when it was or is published, and its public part or state moved.
    const publicMoved =
      (current?.published ?? false) !== input.published ||
      (input.published && current?.publicBody !== input.publicBody);
    return { row, visible: incident.audience === 'public' && publicMoved };
  });
  ctx.changed(publicChangeTo('incident', incidentId, result.visible));
  return result.row;
}

export async function findPostmortem(ctx: Pick<ServiceContext, 'db'>, incidentId: string) {
  const [row] = await ctx.db
    .select()
    .from(postmortems)
    .where(eq(postmortems.incidentId, incidentId));
  return row ?? null;
}
