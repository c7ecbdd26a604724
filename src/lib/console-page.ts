import type { AstroGlobal } from 'astro';
import { roleAtLeast, type UserRole } from '#domain/enums.ts';
import type { SignedIn } from '#services/people/sessions.ts';
import { type FieldErrors, type FormValues, fieldValue, refusalOf } from './forms.ts';
import { forbidden, guardInternal } from './internal-page.ts';

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
    return forbidden(
      `you are a ${user.role}; the console is read-only for you. An admin can make you an editor.`,
    );
  }
  return { user, canEdit, actor: `user:${user.email}` };
}

/**
 * Where a redirect with a notice goes: the notice joins the query, before any `#section`.
 * @example withNotice('/admin/incidents/abc#timeline', 'Posted.') // '/admin/incidents/abc?done=Posted.#timeline'
 */
export function withNotice(path: string, notice: string): string {
  const mark = path.indexOf('#');
  const [target, section] = mark === -1 ? [path, ''] : [path.slice(0, mark), path.slice(mark)];
  return `${target}${target.includes('?') ? '&' : '?'}done=${encodeURIComponent(notice)}${section}`;
}

/** After a successful form: back to a page by GET (post/redirect/get), with a short notice. */
export const seeOther = (path: string, notice?: string) =>
  new Response(null, {
    status: 303,
    headers: {
      Location: notice ? withNotice(path, notice) : path,
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

/**
 * The state of a page holding several forms, each naming itself in a hidden `form` field: which
 * one was sent, what it held, and its errors, which only that form shows again, beside its own
 * fields. `attempt` runs an action as `act` does, keeping a refusal as the sent form's errors.
 * @example const forms = pageForms(Astro); forms.read(sent); … forms.errorsOf('update').body
 */
export function pageForms(astro: AstroGlobal) {
  const state = { name: '', values: {} as Record<string, string>, errors: {} as FieldErrors };
  return {
    state,
    read(sent: FormValues) {
      state.name = fieldValue(sent, 'form');
      state.values = Object.fromEntries(
        Object.keys(sent).map((name) => [name, fieldValue(sent, name)]),
      );
    },
    /** Shows `errors` beside the sent form, answering 422. */
    fail(errors: FieldErrors) {
      state.errors = errors;
      astro.response.status = 422;
    },
    async attempt<T>(
      work: () => Promise<T>,
      path: string,
      notice: string,
      fieldNames?: Record<string, string>,
    ): Promise<Response | null> {
      const done = await act(astro, work, path, notice, fieldNames);
      if (done instanceof Response) return done;
      state.errors = done;
      return null;
    },
    errorsOf: (form: string): FieldErrors => (state.name === form ? state.errors : {}),
    /** What the sent form held in `field`, if it is `form`; else `fallback`. */
    valueIn: (form: string, field: string, fallback = '') =>
      state.name === form ? (state.values[field] ?? fallback) : fallback,
    checkedIn: (form: string, field: string, fallback: boolean) =>
      state.name === form ? state.values[field] === 'on' : fallback,
  };
}
