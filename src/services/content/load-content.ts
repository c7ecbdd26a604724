import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { audiences } from '#domain/enums.ts';
import { isTimeZone } from '#domain/time.ts';
import { compileTemplate, type Template } from '#render/template.ts';
import { loadMessageTemplates, type MessageTemplate } from './load-templates.ts';
import { ContentError, parseYaml } from './parse-yaml.ts';

export { ContentError };

// Status as code: the site's settings and its component catalogue live in content/ beside the
// code, reviewed like code. This module reads and validates them; sync-content.ts applies them.

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _ (at most 64)');

export const siteSchema = z.strictObject({
  name: z.string().min(1).max(100),
  description: z.string().max(300).optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  time_zone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or Etc/UTC')
    .default('Etc/UTC'),
  support_url: z.url().optional(),
  brand_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #2563eb')
    .default('#2563eb'),
  logo: z.string().min(1).optional(),
});

const componentSchema = z.strictObject({
  key,
  name: z.string().min(1).max(255),
  description: z.string().max(1000).optional(),
  audience: z.enum(audiences).default('public'),
  showcase: z.boolean().default(true),
  only_show_if_degraded: z.boolean().default(false),
  start_date: z.iso.date().optional(),
});

const groupSchema = z.strictObject({
  key,
  name: z.string().min(1).max(255),
  description: z.string().max(1000).optional(),
  audience: z.enum(audiences).default('public'),
  components: z.array(componentSchema).min(1),
});

export const catalogueSchema = z
  .strictObject({
    groups: z.array(groupSchema).default([]),
    components: z.array(componentSchema).default([]),
  })
  .superRefine((catalogue, check) => {
    const seen = new Set<string>();
    const all = [...catalogue.groups.flatMap((group) => group.components), ...catalogue.components];
    for (const component of all) {
      if (seen.has(component.key)) {
        check.addIssue({ code: 'custom', message: `key "${component.key}" is used twice` });
      }
      seen.add(component.key);
    }
  });

export type SiteContent = z.output<typeof siteSchema>;
export type CatalogueContent = z.output<typeof catalogueSchema>;

export interface Content {
  site: SiteContent;
  catalogue: CatalogueContent;
  emails: EmailTemplates;
  /** The message templates of content/templates/, by file name. */
  templates: MessageTemplate[];
}

async function readYaml<T extends z.ZodType>(
  dir: string,
  file: string,
  schema: T,
): Promise<z.output<T>> {
  const path = join(dir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ContentError(`${path}: cannot be read (is CONTENT_DIR right?)`);
  }
  return parseYaml(path, text, schema);
}

/**
 * Reads and validates content/site.yaml, content/components.yaml, content/email/ and
 * content/templates/.
 */
export async function loadContent(dir: string): Promise<Content> {
  return {
    site: await readYaml(dir, 'site.yaml', siteSchema),
    catalogue: await readYaml(dir, 'components.yaml', catalogueSchema),
    emails: await loadEmailTemplates(dir),
    templates: await loadMessageTemplates(dir),
  };
}

/** The placeholders each email template may use (see docs/subscribers.md). */
export const emailPlaceholders = {
  update: [
    'site_name',
    'site_url',
    'brand_color',
    'event_kind',
    'title',
    'status',
    'body_html',
    'body_text',
    'components',
    'url',
    'manage_url',
    'unsubscribe_url',
  ],
  confirm: [
    'site_name',
    'site_url',
    'brand_color',
    'pending',
    'active',
    'confirm_url',
    'manage_url',
  ],
} as const;

export type EmailTemplates = Record<
  keyof typeof emailPlaceholders,
  { html: Template; text: Template }
>;

async function loadEmailTemplates(dir: string): Promise<EmailTemplates> {
  const load = async (name: keyof typeof emailPlaceholders, html: boolean) => {
    const file = join(dir, 'email', `${name}.${html ? 'html' : 'txt'}`);
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch {
      throw new ContentError(
        `${file}: cannot be read (every email needs its .html and .txt template)`,
      );
    }
    try {
      return compileTemplate(source, { html, allowed: emailPlaceholders[name], file });
    } catch (error) {
      throw new ContentError(error instanceof Error ? error.message : String(error));
    }
  };
  return {
    update: { html: await load('update', true), text: await load('update', false) },
    confirm: { html: await load('confirm', true), text: await load('confirm', false) },
  };
}
