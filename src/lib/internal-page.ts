import type { AstroGlobal } from 'astro';
import { roleAtLeast, type UserRole } from '#domain/enums.ts';

/**
 * What every internal page does first: never cached, never indexed, and only for people signed
 * in with at least `role` (anyone not signed in goes to /login and comes back; someone signed in
 * without the role gets 403).
 * @example const away = guardInternal(Astro, 'admin'); if (away) return away;
 */
export function guardInternal(astro: AstroGlobal, role: UserRole = 'viewer'): Response | null {
  const headers = { 'Cache-Control': 'private, no-store', 'X-Robots-Tag': 'noindex' };
  for (const [name, value] of Object.entries(headers)) astro.response.headers.set(name, value);
  const { user } = astro.locals;
  if (!user) {
    const back = `${astro.url.pathname}${astro.url.search}`;
    return new Response(null, {
      status: 303,
      headers: { ...headers, Location: `/login?next=${encodeURIComponent(back)}` },
    });
  }
  if (roleAtLeast(user.role, role)) return null;
  return new Response(
    `403 Forbidden: this page is for the ${role} role and up; you are a ${user.role}.\n`,
    {
      status: 403,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
    },
  );
}
