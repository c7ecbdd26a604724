import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, or } from 'drizzle-orm';
import { sessions, users } from '#db/schema/index.ts';
import type { UserRole } from '#domain/enums.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { decoyHash, verifyPassword } from './passwords.ts';

/** A session ends after this long without use, and after `absoluteMs` whatever happens. */
export const idleMs = 12 * 3_600_000;
export const absoluteMs = 7 * 24 * 3_600_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SignedIn {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

/**
 * Failed sign-ins per account and per network, with delays that grow: after 5 failures in 15
 * minutes each further attempt waits 2, 4, 8 … seconds, up to 15 minutes. In memory: an instance
 * counts its own attempts.
 */
export function createSignInThrottle() {
  const failures = new Map<string, number[]>();
  const windowMs = 15 * 60_000;
  const recent = (key: string, now: number) =>
    (failures.get(key) ?? []).filter((at) => at > now - windowMs);
  return {
    /** Seconds to wait before another attempt with these keys, 0 when allowed. */
    wait(keys: readonly string[], now: number): number {
      let wait = 0;
      for (const key of keys) {
        const times = recent(key, now);
        if (times.length < 5) continue;
        const delay = Math.min(15 * 60_000, 1000 * 2 ** (times.length - 4));
        wait = Math.max(wait, Math.ceil(((times.at(-1) ?? now) + delay - now) / 1000));
      }
      return Math.max(0, wait);
    },
    fail(keys: readonly string[], now: number): void {
      for (const key of keys) failures.set(key, [...recent(key, now), now]);
    },
    clear(key: string): void {
      failures.delete(key);
    },
  };
}

export type SignInResult =
  | { ok: true; token: string; user: SignedIn }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks an email and password and opens a new session (a new token at every sign-in). Unknown
 * accounts and wrong passwords get the same answer after the same work.
 */
export async function signIn(
  ctx: ServiceContext,
  throttle: ReturnType<typeof createSignInThrottle>,
  input: { email: string; password: string; ip: string },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const keys = [`account:${email}`, `ip:${input.ip}`];
  const now = ctx.now();
  const wait = throttle.wait(keys, now.getTime());
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const [user] = await ctx.db.select().from(users).where(eq(users.email, email));
  const matches = await verifyPassword(input.password, user?.passwordHash ?? decoyHash);
  if (!user || !matches) {
    throttle.fail(keys, now.getTime());
    return { ok: false, reason: 'invalid' };
  }
  throttle.clear(`account:${email}`);
  const token = randomBytes(32).toString('base64url');
  await ctx.db.transaction(async (tx) => {
    // Sessions past either end are of no use to anyone: sweep them while writing anyway.
    await tx
      .delete(sessions)
      .where(
        or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - idleMs))),
      );
    await tx.insert(sessions).values({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + absoluteMs),
    });
    await recordAudit(tx, { ...ctx, actor: `user:${user.email}` }, 'session.created', {
      type: 'user',
      id: user.id,
    });
  });
  return {
    ok: true,
    token,
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
  };
}

/** The signed-in user of a session cookie, or null when it is unknown, idle or expired. */
export async function sessionUser(ctx: ServiceContext, token: string): Promise<SignedIn | null> {
  if (!token) return null;
  const now = ctx.now();
  const [row] = await ctx.db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)));
  if (!row || now.getTime() - row.session.lastSeenAt.getTime() > idleMs) return null;
  // Record activity at most once a minute, to keep reads from writing.
  if (now.getTime() - row.session.lastSeenAt.getTime() > 60_000) {
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(sessions)
        .set({ lastSeenAt: now })
        .where(eq(sessions.tokenHash, row.session.tokenHash));
    });
  }
  return { id: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role };
}

export async function signOut(ctx: ServiceContext, token: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
  });
}
