import { asc, eq } from 'drizzle-orm';
import { sessions, users } from '#db/schema/index.ts';
import type { UserRole } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { conflict, invalidInput, notFound } from '../errors.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';

const normalise = (email: string) => email.trim().toLowerCase();

/** What may be shown of a user: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: Date;
}

const view = (row: typeof users.$inferSelect): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: row.createdAt,
});

async function checkedHash(password: string, email: string): Promise<string> {
  const problem = passwordProblem(password, email);
  if (problem) throw invalidInput(`The password ${problem}.`, 'password');
  return hashPassword(password);
}

export async function createUser(
  ctx: ServiceContext,
  input: { email: string; name: string; role: UserRole; password: string },
): Promise<UserView> {
  const email = normalise(input.email);
  const passwordHash = await checkedHash(input.password, email);
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw conflict('A user with this email exists.', 'email');
    const id = newId();
    const [row] = await tx
      .insert(users)
      .values({
        id,
        email,
        name: input.name,
        role: input.role,
        passwordHash,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, 'user.created', { type: 'user', id }, { email, role: input.role });
    return view(row as typeof users.$inferSelect);
  });
}

/**
 * Changes a user. A new password ends every session of theirs (signing in again rotates it);
 * the last admin cannot stop being one.
 */
export async function updateUser(
  ctx: ServiceContext,
  id: string,
  input: {
    email?: string | undefined;
    name?: string | undefined;
    role?: UserRole | undefined;
    password?: string | undefined;
  },
): Promise<UserView> {
  const [current] = await ctx.db.select().from(users).where(eq(users.id, id));
  if (!current) throw notFound('user', id);
  const email = input.email ? normalise(input.email) : current.email;
  const passwordHash = input.password ? await checkedHash(input.password, email) : undefined;
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    if (input.role && input.role !== 'admin' && current.role === 'admin') {
      const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
      if (admins.length <= 1) throw conflict('The last admin cannot lose the admin role.', 'role');
    }
    const [row] = await tx
      .update(users)
      .set({
        email,
        name: input.name ?? current.name,
        role: input.role ?? current.role,
        ...(passwordHash ? { passwordHash, passwordChangedAt: now } : {}),
        updatedAt: now,
      })
      .where(eq(users.id, id))
      .returning();
    if (passwordHash) await tx.delete(sessions).where(eq(sessions.userId, id));
    await recordAudit(
      tx,
      ctx,
      'user.updated',
      { type: 'user', id },
      {
        before: { email: current.email, name: current.name, role: current.role },
        after: { email, name: input.name ?? current.name, role: input.role ?? current.role },
        passwordChanged: Boolean(passwordHash),
      },
    );
    return view(row as typeof users.$inferSelect);
  });
}

export async function deleteUser(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, id));
    if (!current) throw notFound('user', id);
    if (current.role === 'admin') {
      const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
      if (admins.length <= 1) throw conflict('The last admin cannot be deleted.', 'id');
    }
    await tx.delete(users).where(eq(users.id, id));
    await recordAudit(tx, ctx, 'user.deleted', { type: 'user', id }, { email: current.email });
  });
}

export async function listUsers(ctx: Pick<ServiceContext, 'db'>): Promise<UserView[]> {
  return (await ctx.db.select().from(users).orderBy(asc(users.email))).map(view);
}

/**
 * The person a trusted authenticating proxy vouches for. Someone the proxy let in but Candor has
 * not met yet becomes a viewer (an admin may promote them); their password is random and never
 * shown, so they can only come in through the proxy until an admin sets one.
 */
export async function proxyUser(ctx: ServiceContext, email: string): Promise<UserView> {
  const address = normalise(email);
  const [known] = await ctx.db.select().from(users).where(eq(users.email, address));
  if (known) return view(known);
  const passwordHash = await hashPassword(generatePassword());
  return ctx.db.transaction(async (tx) => {
    // Two first requests at once: the second finds the first one's row.
    const [raced] = await tx.select().from(users).where(eq(users.email, address));
    if (raced) return view(raced);
    const now = ctx.now();
    const id = newId();
    const [row] = await tx
      .insert(users)
      .values({
        id,
        email: address,
        name: address.split('@')[0] ?? address,
        role: 'viewer',
        passwordHash,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(
      tx,
      ctx,
      'user.created',
      { type: 'user', id },
      { email: address, role: 'viewer', via: 'trusted proxy' },
    );
    return view(row as typeof users.$inferSelect);
  });
}
