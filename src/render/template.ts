import { escapeMarkup } from './escape.ts';

// A small template language for the emails teams edit in content/email/: `{{name}}` inserts text
// (escaped in HTML templates), `{{{name}}}` inserts HTML that Candor made safe itself (only in
// HTML templates), and `{{#name}}…{{/name}}` keeps its content when the value is present and not
// empty. Unknown names are refused when the template is loaded, with the line they are on.

export type TemplateValues = Record<string, string | boolean | undefined>;

export interface Template {
  render(values: TemplateValues): string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const tag = /\{\{\{\s*([a-z_]+)\s*\}\}\}|\{\{\s*([#/]?)([a-z_]+)\s*\}\}/g;

/**
 * Compiles a template, checking every name against `allowed`.
 * @example compileTemplate('Hi {{name}}', { html: true, allowed: ['name'], file: 'x.html' }).render({ name: '<b>' }) // 'Hi &lt;b&gt;'
 */
export function compileTemplate(
  source: string,
  options: { html: boolean; allowed: readonly string[]; file: string },
): Template {
  const open: { name: string; line: number }[] = [];
  for (const match of source.matchAll(tag)) {
    const line = source.slice(0, match.index).split('\n').length;
    const where = `${options.file}:${line}`;
    const raw = match[1];
    const name = raw ?? (match[3] as string);
    if (!options.allowed.includes(name)) {
      throw new TemplateError(
        `${where}: unknown placeholder "${name}"; known: ${options.allowed.join(', ')}`,
      );
    }
    if (raw && !options.html)
      throw new TemplateError(`${where}: {{{${name}}}} is only for HTML templates`);
    if (match[2] === '#') open.push({ name, line });
    if (match[2] === '/') {
      const last = open.pop();
      if (last?.name !== name)
        throw new TemplateError(`${where}: {{/${name}}} closes nothing open`);
    }
  }
  const unclosed = open.pop();
  if (unclosed)
    throw new TemplateError(
      `${options.file}:${unclosed.line}: {{#${unclosed.name}}} is never closed`,
    );

  const text = (value: TemplateValues[string]) =>
    value === undefined || value === false ? '' : value === true ? '' : value;
  return {
    render(values) {
      let output = source;
      // Sections first, innermost by construction of the regex (no nesting of the same name).
      output = output.replace(
        /\{\{\s*#([a-z_]+)\s*\}\}\n?([\s\S]*?)\{\{\s*\/\1\s*\}\}\n?/g,
        (_, name: string, inner: string) => (values[name] ? inner : ''),
      );
      return output.replace(tag, (_, raw?: string, marker?: string, name?: string) => {
        if (raw) return text(values[raw]);
        if (marker) return '';
        const value = text(values[name as string]);
        return options.html ? escapeMarkup(value) : value;
      });
    },
  };
}
