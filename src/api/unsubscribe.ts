import { Hono } from 'hono';
import { escapeMarkup } from '#render/escape.ts';
import { DomainError } from '#services/errors.ts';
import { leaveByLink } from '#services/subscribers/manage.ts';
import type { AppEnv } from './env.ts';

// One-click unsubscribe (RFC 8058). Mail providers POST `List-Unsubscribe=One-Click` to the URL in
// the List-Unsubscribe header, with no cookie and no token field, from anywhere: so this route
// lives outside the pages' same-origin check. A GET (link scanners follow links) changes nothing:
// it shows a page with a button that posts here.

function page(siteName: string, title: string, text: string, status: 200 | 400): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeMarkup(title)} · ${escapeMarkup(siteName)} Status</title><meta name="robots" content="noindex"><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#16181d}@media(prefers-color-scheme:dark){body{background:#0f1115;color:#e8eaee}a{color:#9bb8ff}}</style></head><body><main><h1>${escapeMarkup(title)}</h1><p>${escapeMarkup(text)}</p><p><a href="/">${escapeMarkup(siteName)} status</a></p></main></body></html>`;
  return new Response(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export const unsubscribeRouter = new Hono<AppEnv>().post('/unsubscribe', async (c) => {
  const candor = c.get('candor');
  const siteName = candor.site.site.name;
  const token = c.req.query('token') ?? '';
  try {
    const { email } = await leaveByLink(
      candor.context('unsubscribe'),
      candor.email.secret,
      token,
      'unsubscribe',
    );
    return page(
      siteName,
      'You are unsubscribed',
      `${email} will receive no more ${siteName} status emails.`,
      200,
    );
  } catch (error) {
    if (error instanceof DomainError) {
      return page(
        siteName,
        'This link does not work',
        'It may be incomplete. Use the link in the latest email, or subscribe again from the status page.',
        400,
      );
    }
    throw error;
  }
});
