import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '#db/client.ts';
import { settings } from '#db/schema/index.ts';
import { newId } from '#lib/ids.ts';

/**
 * A value the product keeps for itself, created on first use. Safe when two processes start at
 * once: the first insert wins and both read the winner.
 */
export async function ensureSetting(
  db: Database,
  key: string,
  create: () => string,
): Promise<string> {
  await db.transaction(async (tx) => {
    await tx.insert(settings).values({ key, value: create() }).onConflictDoNothing();
  });
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  if (!row) throw new Error(`Setting ${key} could not be stored.`);
  return row.value;
}

/**
 * The ids and keys generated on first start and kept in the database. A signing key given in the
 * settings wins, and then none is generated.
 */
export async function ensureInstanceSettings(
  db: Database,
  given: { sessionSecret?: string | undefined },
) {
  return {
    pageId: await ensureSetting(db, 'page_id', newId),
    sessionSecret:
      given.sessionSecret ??
      (await ensureSetting(db, 'session_secret', () => randomBytes(32).toString('base64url'))),
  };
}
