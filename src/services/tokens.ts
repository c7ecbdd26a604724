import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { apiTokens } from '#db/schema/index.ts';
import type { TokenScope } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from './audit.ts';
import type { ServiceContext } from './context.ts';
import { notFound } from './errors.ts';

/** Who a request acts as, once its token is known. */
export interface Principal {
  actor: string;
  scopes: readonly TokenScope[];
}

const tokenPrefix = 'candor_';

/** SHA-256 suffices for tokens: they carry 256 random bits, so there is nothing to brute-force. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function createToken(
  ctx: ServiceContext,
  input: { name: string; scopes: TokenScope[] },
): Promise<{ id: string; token: string }> {
  const token = tokenPrefix + randomBytes(32).toString('base64url');
  const id = newId();
  await ctx.db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({
      id,
      name: input.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, tokenPrefix.length + 6),
      scopes: input.scopes,
      createdAt: ctx.now(),
    });
    await recordAudit(tx, ctx, 'token.created', { type: 'token', id }, { ...input });
  });
  return { id, token };
}

export async function revokeToken(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: ctx.now() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (!row) throw notFound('active token', id);
    await recordAudit(tx, ctx, 'token.revoked', { type: 'token', id });
  });
}

export async function listTokens(ctx: Pick<ServiceContext, 'db'>) {
  return ctx.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens);
}

/** Compares two secrets in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/**
 * Who presents this bearer token, or null. The bootstrap token, when configured, acts as admin.
 * A stored token's last use is recorded at most once a minute, to keep reads from writing.
 */
export async function authenticateToken(
  ctx: Pick<ServiceContext, 'db' | 'now'>,
  token: string,
  bootstrapToken: string | undefined,
): Promise<Principal | null> {
  if (bootstrapToken !== undefined && sameSecret(token, bootstrapToken)) {
    return { actor: 'bootstrap', scopes: ['read', 'write', 'admin'] };
  }
  if (!token.startsWith(tokenPrefix)) return null;
  const [row] = await ctx.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  const now = ctx.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    // A transaction, so it queues behind this process's other writes (see db/client.ts).
    await ctx.db.transaction(async (tx) => {
      await tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
    });
  }
  return { actor: `token:${row.name}`, scopes: row.scopes };
}

/** Whether the granted scopes cover the needed one: admin ⊇ write ⊇ read. */
export function hasScope(granted: readonly TokenScope[], needed: TokenScope): boolean {
  const order: TokenScope[] = ['read', 'write', 'admin'];
  return granted.some((scope) => order.indexOf(scope) >= order.indexOf(needed));
}
