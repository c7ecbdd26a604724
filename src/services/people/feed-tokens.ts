import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { feedTokens, users } from '#db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import type { SignedIn } from './sessions.ts';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new personal feed token; any earlier one stops working. Shown once, kept as a hash. */
export async function issueFeedToken(ctx: ServiceContext, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await ctx.db.transaction(async (tx) => {
    await tx.delete(feedTokens).where(eq(feedTokens.userId, userId));
    await tx.insert(feedTokens).values({ tokenHash: hash(token), userId, createdAt: ctx.now() });
    await recordAudit(tx, ctx, 'feed_token.issued', { type: 'user', id: userId });
  });
  return token;
}

export async function revokeFeedToken(ctx: ServiceContext, userId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.delete(feedTokens).where(eq(feedTokens.userId, userId));
    await recordAudit(tx, ctx, 'feed_token.revoked', { type: 'user', id: userId });
  });
}

/** The person a feed token belongs to, or null. */
export async function feedTokenUser(
  ctx: Pick<ServiceContext, 'db'>,
  token: string,
): Promise<SignedIn | null> {
  if (!token) return null;
  const [row] = await ctx.db
    .select({ user: users })
    .from(feedTokens)
    .innerJoin(users, eq(users.id, feedTokens.userId))
    .where(eq(feedTokens.tokenHash, hash(token)));
  return row
    ? { id: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role }
    : null;
}

/** Whether the person has a feed token now (the page offers to make or revoke one). */
export async function hasFeedToken(
  ctx: Pick<ServiceContext, 'db'>,
  userId: string,
): Promise<boolean> {
  const [row] = await ctx.db
    .select({ userId: feedTokens.userId })
    .from(feedTokens)
    .where(eq(feedTokens.userId, userId));
  return row !== undefined;
}
