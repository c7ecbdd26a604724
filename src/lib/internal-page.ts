import type { AstroGlobal } from 'astro';
import { roleAtLeast, type UserRole } from '#domain/enums.ts';

/**
 * What every internal page does first: never cached, never indexed, and only for people signed
 * in with at least `role` (anyone not signed in goes to /login and comes back; someone signed in
 * without the role gets 403).
 * @example const away = guardInternal(Astro, 'admin'); if (away) return away;
 */
export function guardInternal(astro: AstroGlobal, role: UserRole = 'viewer'): Response | null {
  for (const [name, value] of Object.entries(internalHeaders))
    astro.response.headers.set(name, value);
  return internalRefusal(astro, role);
}

const internalHeaders = { 'Cache-Control': 'private, no-store', 'X-Robots-Tag': 'noindex' };

/**
 * The same check for an endpoint (a `.ts` page, which has no `Astro.response` to set headers
 * on): the refusal, or null when the signed-in person has `role`.
 */
export function internalRefusal(
  context: Pick<AstroGlobal, 'locals' | 'url'>,
  role: UserRole = 'viewer',
): Response | null {
  const { user } = context.locals;
  if (!user) {
    const back = `${context.url.pathname}${context.url.search}`;
    return new Response(null, {
      status: 303,
      headers: { ...internalHeaders, Location: `/login?next=${encodeURIComponent(back)}` },
    });
  }
  if (roleAtLeast(user.role, role)) return null;
  return forbidden(`this page is for the ${role} role and up; you are a ${user.role}.`);
}

/** 403 in words, never cached: what someone signed in may not do here. */
export const forbidden = (reason: string) =>
  new Response(`403 Forbidden: ${reason}\n`, {
    status: 403,
    headers: { ...internalHeaders, 'Content-Type': 'text/plain; charset=utf-8' },
  });
