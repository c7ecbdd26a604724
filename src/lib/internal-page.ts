import type { AstroGlobal } from 'astro';

/**
 * What every internal page does first: never cached, never indexed, and only for people signed
 * in (anyone else goes to /login and comes back).
 * @example const away = guardInternal(Astro); if (away) return away;
 */
export function guardInternal(astro: AstroGlobal): Response | null {
  const headers = { 'Cache-Control': 'private, no-store', 'X-Robots-Tag': 'noindex' };
  for (const [name, value] of Object.entries(headers)) astro.response.headers.set(name, value);
  if (astro.locals.user) return null;
  return new Response(null, {
    status: 303,
    headers: { ...headers, Location: `/login?next=${encodeURIComponent(astro.url.pathname)}` },
  });
}
