import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type Audience, audiences, type IncidentStatus, incidentStatuses } from '#domain/enums.ts';
import { compileTemplate, type Template, TemplateError } from '#render/template.ts';
import { ContentError, parseYaml } from './parse-yaml.ts';

// Message templates: the first words of an incident update, written calmly in advance by the
// people who will need them in a hurry. One Markdown file each in content/templates/, with front
// matter naming it and the status it is for:
//
//   ---
//   name: Investigating
//   status: investigating
//   ---
//   We are investigating problems with {{components}} since {{started_at}}.

/** The placeholders a message template may use. */
export const messagePlaceholders = [
  'site_name',
  'title',
  'components',
  'started_at',
  'next_update_at',
] as const;

const frontMatterSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  status: z.enum(incidentStatuses),
  audience: z.enum(audiences).default('public'),
});

export interface MessageTemplate {
  /** The file name without `.md`: how the API and the console name it. */
  id: string;
  name: string;
  /** The status an update written from it usually has. */
  status: IncidentStatus;
  audience: Audience;
  /** The Markdown as written, placeholders included. */
  source: string;
  template: Template;
}

/** Every content/templates/*.md, by file name; none when the folder does not exist. */
export async function loadMessageTemplates(dir: string): Promise<MessageTemplate[]> {
  const folder = join(dir, 'templates');
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.endsWith('.md')).sort();
  } catch {
    return [];
  }
  const templates: MessageTemplate[] = [];
  for (const name of names) {
    const file = join(folder, name);
    templates.push(parseMessageTemplate(file, await readFile(file, 'utf8')));
  }
  return templates;
}

/** One template file; a broken one is reported with its file and line. */
export function parseMessageTemplate(file: string, text: string): MessageTemplate {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const end = lines.indexOf('---', 1);
  if (lines[0] !== '---' || end === -1) {
    throw new ContentError(
      `${file}:1: a template begins with front matter between two --- lines (name, status)`,
    );
  }
  const front = parseYaml(file, lines.slice(1, end).join('\n'), frontMatterSchema, 2);
  // The body keeps its line numbers: blank lines stand in for the front matter.
  const body = `${'\n'.repeat(end + 1)}${lines.slice(end + 1).join('\n')}`;
  if (body.trim() === '') throw new ContentError(`${file}:${end + 2}: the template has no text`);
  let template: Template;
  try {
    template = compileTemplate(body, { html: false, allowed: messagePlaceholders, file });
  } catch (error) {
    if (error instanceof TemplateError) throw new ContentError(error.message);
    throw error;
  }
  return {
    id: name(file),
    name: front.name,
    status: front.status,
    audience: front.audience,
    source: body.trim(),
    template,
  };
}

const name = (file: string) => (file.split('/').pop() ?? file).replace(/\.md$/, '');
