import type { AstroGlobal } from 'astro';
import { roleAtLeast, type UserRole } from '#domain/enums.ts';
import type { SignedIn } from '#services/people/sessions.ts';
import { type FieldErrors, refusalOf } from './forms.ts';
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

/**
 * Runs a console action: on success waits until this instance's public outputs show it, then
 * sends the person on with a notice; when a use case refuses, answers 422 with the field errors
 * to show beside the form (any other error is thrown on).
 * @example const done = await act(Astro, () => actions.correctUpdate(…), '/admin', 'Corrected.'); if (done instanceof Response) return done; errors = done;
 */
export async function act<T>(
  astro: AstroGlobal,
  work: () => Promise<T>,
  path: string | ((result: T) => string),
  notice: string,
  fieldNames: Record<string, string> = {},
): Promise<Response | FieldErrors> {
  try {
    const result = await work();
    await astro.locals.candor.settled();
    return seeOther(typeof path === 'string' ? path : path(result), notice);
  } catch (error) {
    const refusal = refusalOf(error, fieldNames);
    if (!refusal) throw error;
    astro.response.status = 422;
    return refusal;
  }
}
