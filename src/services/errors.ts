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
