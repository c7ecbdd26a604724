import { parseDocument } from 'yaml';
import type { z } from 'zod';

/** A content file that cannot be used; the message names the file and the field. */
export class ContentError extends Error {
  override name = 'ContentError';
}

/**
 * YAML text checked against a schema; errors name the file, the line (counted from
 * `firstLine`, where the text begins in its file) and the field.
 */
export function parseYaml<T extends z.ZodType>(
  path: string,
  text: string,
  schema: T,
  firstLine = 1,
): z.output<T> {
  const document = parseDocument(text, { prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    const line = text.slice(0, syntaxError.pos[0]).split('\n').length + firstLine - 1;
    throw new ContentError(`${path}:${line}: ${syntaxError.message}`);
  }
  const parsed = schema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? formatPath(issue.path) : '(top level)';
    throw new ContentError(`${path}: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`))
    .join('');
}
