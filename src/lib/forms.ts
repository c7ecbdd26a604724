import { createHash } from 'node:crypto';
import type { z } from 'zod';

// Console forms: read what was typed, validate it with the same zod habits as the API, and give
// back each field's error beside what the person typed, so nothing is lost on a mistake.

/** What a form sent: one string per field, or every value of a repeated field. */
export type FormValues = Record<string, string | string[]>;

/** Each failing field's message, by field name; `_form` for what belongs to no one field. */
export type FieldErrors = Record<string, string>;

/** A form's fields; a field sent more than once (checkboxes of one name) becomes a list. */
export function formValues(form: FormData): FormValues {
  // No prototype: a field named `__proto__` or `constructor` is a field like any other.
  const values: FormValues = Object.create(null);
  for (const [name, value] of form) {
    if (typeof value !== 'string') continue;
    const previous = values[name];
    values[name] =
      previous === undefined
        ? value
        : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return values;
}

/** One value of a field, for filling an input back in. */
export const fieldValue = (values: FormValues, name: string): string => {
  const value = values[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/** Every value of a repeated field. */
export const fieldValues = (values: FormValues, name: string): string[] => {
  const value = values[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

/**
 * Validates a form with `schema`: the data, or the first message for each failing field.
 * @example validateForm(z.object({ title: z.string().min(1) }), { title: '' }) // { ok: false, errors: { title: '…' } }
 */
export function validateForm<T>(
  schema: z.ZodType<T>,
  values: unknown,
): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '_form';
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * A use case's refusal as a field error, or null when `error` is not one (it is then rethrown).
 * `fieldNames` renames the use case's fields to the form's, a whole list's entries by its name.
 * Checked by shape, not class: pages are bundled apart from the services that throw.
 */
export function refusalOf(
  error: unknown,
  fieldNames: Record<string, string> = {},
): FieldErrors | null {
  if (!(error instanceof Error) || error.name !== 'DomainError') return null;
  const field = (error as Error & { field?: string }).field;
  if (!field) return { _form: error.message };
  // `components.<id>` names one entry of a list; a form shows it beside the list.
  const list = field.split('.')[0] ?? field;
  return { [fieldNames[field] ?? fieldNames[list] ?? list]: error.message };
}

/** The ids that describe a field (its hint, its error), for aria-describedby. */
export const describedBy = (name: string, errors: FieldErrors, hint = false): string | undefined =>
  [hint ? `${name}-hint` : '', errors[name] ? `${name}-error` : ''].filter(Boolean).join(' ') ||
  undefined;

/**
 * A short fingerprint of what a form parsed to: a preview carries it, and publishing goes ahead
 * only when the form still parses to the same, so what is published is what was previewed.
 */
export const previewFingerprint = (parsed: unknown): string =>
  createHash('sha256').update(JSON.stringify(parsed)).digest('hex').slice(0, 32);
