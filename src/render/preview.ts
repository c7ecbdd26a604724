import type { ComponentStatus } from '#domain/enums.ts';
import type { EmailTemplates } from '#services/content/load-content.ts';
import { type EmailSite, type RenderedEmail, renderUpdateEmail } from './email.ts';
import { formatDateTime } from './format.ts';
import { componentStatusLabels } from './labels.ts';
import { markdownToHtml, markdownToText } from './markdown.ts';

// What an incident update will look like before it is published: its message filled from a
// template, and the subscriber email exactly as the sender will compose it.

export interface MessageValues {
  siteName: string;
  title: string;
  /** The public names of the components it touches. */
  componentNames: string[];
  startedAt: Date;
  nextUpdateAt: Date | null;
  timeZone: string;
}

/** A message template's placeholders, filled in as words people read. */
export function messageTemplateValues(values: MessageValues) {
  return {
    site_name: values.siteName,
    title: values.title || 'this incident',
    components: values.componentNames.join(', '),
    started_at: formatDateTime(values.startedAt, values.timeZone),
    next_update_at: values.nextUpdateAt
      ? formatDateTime(values.nextUpdateAt, values.timeZone)
      : 'when we know more',
  };
}

export interface EmailPreviewInput {
  kind: 'incident' | 'maintenance';
  title: string;
  /** The update's status in words, as the email says it: "Investigating", "Scheduled". */
  statusLabel: string;
  body: string;
  /** The public components it touches, with the status they will have. */
  components: { name: string; status: ComponentStatus }[];
  url: string;
}

/**
 * The email subscribers will get for this update, as the sender composes it (their own manage and
 * unsubscribe links stand in as placeholders).
 */
export function previewUpdateEmail(
  templates: EmailTemplates,
  site: EmailSite,
  input: EmailPreviewInput,
): RenderedEmail {
  return renderUpdateEmail(templates, site, {
    kind: input.kind,
    title: input.title,
    status: input.statusLabel,
    bodyHtml: markdownToHtml(input.body),
    bodyText: markdownToText(input.body),
    components: input.components.map((c) => `${c.name} (${componentStatusLabels[c.status]})`),
    url: input.url,
    manageUrl: `${site.url}/subscribe/manage?token=…`,
    unsubscribeUrl: `${site.url}/unsubscribe?token=…`,
  });
}
