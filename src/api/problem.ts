import type { ZodError } from 'zod';

/** One failing input field, named as the client sent it (dotted path). */
export interface FieldError {
  field: string;
  message: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * An RFC 9457 problem response. `errors` names each failing field.
 * @example problem(404, 'No incident with id "x".')
 */
export function problem(
  status: number,
  detail: string,
  options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
): Response {
  const body = {
    type: 'about:blank',
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...(options.errors ? { errors: options.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...options.headers },
  });
}

/** Field errors from a zod failure, paths joined with dots (`components.abc`, `updates.0.body`). */
export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = unknownKeys.length > 0 ? [path, unknownKeys[0]].filter(Boolean).join('.') : path;
    return { field: field || '(body)', message: issue.message };
  });
}

/** A 422 for invalid input; the detail names the first failing field. */
export function validationProblem(errors: FieldError[]): Response {
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : 'The request is invalid.';
  return problem(422, detail, { errors });
}
