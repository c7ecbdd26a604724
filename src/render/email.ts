import type { EmailTemplates } from '#services/content/load-content.ts';

// Subscriber emails from the templates in content/email/: HTML and plain text, and a subject
// people can sort by: "[Site] Title — Status".

export interface EmailSite {
  name: string;
  url: string;
  brandColor: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface UpdateEmailInput {
  kind: 'incident' | 'maintenance';
  title: string;
  /** The update's status in words: "Investigating", "In progress". */
  status: string;
  /** The update rendered once for all its emails: sanitised HTML, and plain text. */
  bodyHtml: string;
  bodyText: string;
  /** "API (Partial outage)" for each affected public component. */
  components: string[];
  url: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

/** Email subjects are one line: no line breaks, no runaway length. */
function subjectLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export function renderUpdateEmail(
  templates: EmailTemplates,
  site: EmailSite,
  input: UpdateEmailInput,
): RenderedEmail {
  const values = {
    site_name: site.name,
    site_url: site.url,
    brand_color: site.brandColor,
    event_kind: input.kind === 'incident' ? 'Incident' : 'Maintenance',
    title: input.title,
    status: input.status,
    body_html: input.bodyHtml,
    body_text: input.bodyText,
    components: input.components.join(', '),
    url: input.url,
    manage_url: input.manageUrl,
    unsubscribe_url: input.unsubscribeUrl,
  };
  return {
    subject: subjectLine(`[${site.name}] ${input.title} — ${input.status}`),
    html: templates.update.html.render(values),
    text: templates.update.text.render(values),
  };
}

export interface ConfirmEmailInput {
  /** Pending: asks to confirm. Active: says the address already receives updates. */
  alreadyActive: boolean;
  confirmUrl: string;
  manageUrl: string;
}

export function renderConfirmEmail(
  templates: EmailTemplates,
  site: EmailSite,
  input: ConfirmEmailInput,
): RenderedEmail {
  const values = {
    site_name: site.name,
    site_url: site.url,
    brand_color: site.brandColor,
    pending: !input.alreadyActive,
    active: input.alreadyActive,
    confirm_url: input.confirmUrl,
    manage_url: input.manageUrl,
  };
  return {
    subject: subjectLine(
      input.alreadyActive
        ? `[${site.name}] You already receive status updates`
        : `[${site.name}] Confirm your subscription to status updates`,
    ),
    html: templates.confirm.html.render(values),
    text: templates.confirm.text.render(values),
  };
}
