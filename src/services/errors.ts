// Typed failures of use cases. The HTTP layer maps each code to a status and a problem+json body;
// pages map them to messages. Nothing here knows about HTTP.

export type DomainErrorCode = 'not_found' | 'conflict' | 'invalid_transition' | 'invalid_input';

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The input field at fault, when there is one. */
  readonly field: string | undefined;

  constructor(code: DomainErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = field;
  }
}

export const notFound = (entity: string, id: string) =>
  new DomainError('not_found', `No ${entity} with id ${JSON.stringify(id)}.`);

export const conflict = (message: string, field?: string) =>
  new DomainError('conflict', message, field);

export const invalidTransition = (message: string, field = 'status') =>
  new DomainError('invalid_transition', message, field);

export const invalidInput = (message: string, field: string) =>
  new DomainError('invalid_input', message, field);

/** libSQL and network error codes that mean the database cannot be reached, not a bad query. */
const unavailableCodes =
  /^(?:CLIENT_CLOSED|SQLITE_CANTOPEN|SQLITE_BUSY|SQLITE_IOERR\w*|SERVER_ERROR|HRANA_\w+|HTTP_\w+|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR_\w+)$/;

/**
 * Whether an error says the database is unreachable (closed, gone, locked, network down), looking
 * through the causes drizzle and fetch wrap around it.
 * @example isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'CLIENT_CLOSED' })) // true
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && unavailableCodes.test(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** What people are told while the database is unreachable. */
export const databaseUnavailableMessage =
  'The status database cannot be reached right now, so changes cannot be made or read here. Public pages are still served from their last good copies. Try again in a moment.';
