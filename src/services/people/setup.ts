import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { settings, users } from '#db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { createUser, type UserView } from './users.ts';

// The first admin of a new install: while no user exists, every start prints a one-time setup
// link (valid 24 hours; only its hash is stored). Using it creates the admin and retires it.

const hashKey = 'setup_token_hash';
const expiresKey = 'setup_token_expires';
const lifetimeMs = 24 * 3_600_000;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A new setup token when no user exists yet, else null. */
export async function issueSetupToken(ctx: ServiceContext): Promise<string | null> {
  const [anyone] = await ctx.db.select({ id: users.id }).from(users).limit(1);
  if (anyone) return null;
  const token = randomBytes(32).toString('base64url');
  const expires = String(ctx.now().getTime() + lifetimeMs);
  await ctx.db.transaction(async (tx) => {
    for (const [key, value] of [
      [hashKey, sha256(token).toString('hex')],
      [expiresKey, expires],
    ] as const) {
      await tx
        .insert(settings)
        .values({ key, value })
        .onConflictDoUpdate({ target: settings.key, set: { value } });
    }
  });
  return token;
}

/** Whether a setup token is the current one and unexpired (for the setup page's first view). */
export async function setupTokenValid(ctx: ServiceContext, token: string): Promise<boolean> {
  const rows = await ctx.db
    .select()
    .from(settings)
    .where(inArray(settings.key, [hashKey, expiresKey]));
  const stored = rows.find((row) => row.key === hashKey)?.value;
  const expires = Number(rows.find((row) => row.key === expiresKey)?.value ?? 0);
  if (!stored || !token || expires <= ctx.now().getTime()) return false;
  return timingSafeEqual(Buffer.from(stored, 'hex'), sha256(token));
}

/** Creates the first admin from the setup link, and retires the link. */
export async function completeSetup(
  ctx: ServiceContext,
  token: string,
  input: { email: string; name: string; password: string },
): Promise<UserView> {
  if (!(await setupTokenValid(ctx, token))) {
    throw new DomainError(
      'invalid_input',
      'This setup link is not valid, or it has been used or has expired.',
      'token',
    );
  }
  const [anyone] = await ctx.db.select({ id: users.id }).from(users).limit(1);
  if (anyone) throw new DomainError('conflict', 'Setup is done: sign in instead.', 'token');
  const admin = await createUser(ctx, { ...input, role: 'admin' });
  await ctx.db.transaction(async (tx) => {
    await tx.delete(settings).where(eq(settings.key, hashKey));
  });
  return admin;
}
