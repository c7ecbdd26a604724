import { defineMiddleware } from 'astro:middleware';

/** The session cookie: HttpOnly, SameSite=Lax, Secure when the site is served over https. */
export const sessionCookie = 'candor_session';

// Reads the signed-in user, if any, for pages that need one. Public pages never look at it, so
// their bytes are the same for everyone.
export const onRequest = defineMiddleware(async (context, next) => {
  const token = context.cookies.get(sessionCookie)?.value;
  context.locals.user = token ? await context.locals.candor.people.sessionUser(token) : null;
  return next();
});
