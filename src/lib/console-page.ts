import type { AstroGlobal } from 'astro';
import { roleAtLeast, type UserRole } from '#domain/enums.ts';
import type { SignedIn } from '#services/people/sessions.ts';
import { guardInternal } from './internal-page.ts';

export interface ConsoleAccess {
  user: SignedIn;
  /** Editors and admins act; viewers see the console read-only. */
  canEdit: boolean;
  /** Who the audit log names for what this person does. */
  actor: string;
}

/**
 * What every console page does first: signed-in people only (viewers read, unless the page shows
 * what only `readRole` and up may see), and a form sent by someone who may not act is refused
 * with 403 before anything is read from it.
 * @example const access = consoleAccess(Astro); if (access instanceof Response) return access;
 */
export function consoleAccess(
  astro: AstroGlobal,
  readRole: UserRole = 'viewer',
): ConsoleAccess | Response {
  const away = guardInternal(astro, readRole);
  if (away) return away;
  const user = astro.locals.user as SignedIn;
  const canEdit = roleAtLeast(user.role, 'editor');
  if (astro.request.method === 'POST' && !canEdit) {
    return new Response(
      `403 Forbidden: you are a ${user.role}; the console is read-only for you. An admin can make you an editor.\n`,
      {
        status: 403,
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'private, no-store',
        },
      },
    );
  }
  return { user, canEdit, actor: `user:${user.email}` };
}

/** After a successful form: back to a page by GET (post/redirect/get), with a short notice. */
export const seeOther = (path: string, notice?: string) =>
  new Response(null, {
    status: 303,
    headers: {
      Location: notice
        ? `${path}${path.includes('?') ? '&' : '?'}done=${encodeURIComponent(notice)}`
        : path,
      'Cache-Control': 'private, no-store',
    },
  });
