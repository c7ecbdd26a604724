import { defineMiddleware } from 'astro:middleware';
import { databaseUnavailableMessage, isDatabaseUnavailable } from '#services/errors.ts';

/** The session cookie: HttpOnly, SameSite=Lax, Secure when the site is served over https. */
export const sessionCookie = 'candor_session';

/**
 * Security headers for every page. Pages carry no script at all, so the policy forbids scripts
 * outright; styles are inlined by the build. Pages may not be framed (the embeddable status line
 * is a separate route, /embed/status, with its own policy).
 */
const pageHeaders = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
};

const unavailable = () =>
  new Response(`503 Service Unavailable: ${databaseUnavailableMessage}\n`, {
    status: 503,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'Retry-After': '5',
    },
  });

// Reads the signed-in user, if any, for pages that need one (public pages never look at it, so
// their bytes are the same for everyone), and adds the security headers. A trusted
// authenticating proxy's word comes first; otherwise the session cookie.
export const onRequest = defineMiddleware(async (context, next) => {
  const { candor, proxyEmail } = context.locals;
  const token = context.cookies.get(sessionCookie)?.value;
  let response: Response;
  try {
    context.locals.user = proxyEmail
      ? await candor.people.proxyUser(proxyEmail)
      : token
        ? await candor.people.sessionUser(token)
        : null;
    response = await next();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    response = unavailable();
  }
  // A page that failed while the database is away says so, rather than "server error".
  if (response.status === 500 && !(await candor.databaseAnswers())) response = unavailable();
  for (const [name, value] of Object.entries(pageHeaders)) response.headers.set(name, value);
  if (candor.site.siteUrl.startsWith('https://')) {
    response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  }
  return response;
});
