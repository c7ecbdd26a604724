import { and, eq, inArray, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Executor } from '#db/client.ts';
import {
  components,
  incidentComponents,
  incidents,
  incidentUpdates,
  maintenanceComponents,
  maintenances,
  maintenanceUpdates,
} from '#db/schema/index.ts';
import type { ComponentStatus } from '#domain/enums.ts';
import { groupBy } from '#lib/group-by.ts';
import {
  type EmailSite,
  renderConfirmEmail,
  renderUpdateEmail,
  type UpdateEmailInput,
} from '#render/email.ts';
import {
  componentStatusLabels,
  incidentStatusLabels,
  maintenanceStatusLabels,
} from '#render/labels.ts';
import { markdownToHtml, markdownToText } from '#render/markdown.ts';
import type { EmailTemplates } from '../content/load-content.ts';
import { signLink } from '../subscribers/links.ts';
import { confirmationLifetimeMs } from '../subscribers/subscriber-rows.ts';
import type { OutgoingEmail } from './mailer.ts';

/** What composing an email needs besides the database. */
export interface EmailSettings {
  from: string;
  replyTo: string | undefined;
  unsubscribeMailto: string | undefined;
  templates: EmailTemplates;
  site: EmailSite;
  /** Signs the links in emails. */
  secret: string;
}

export interface NotificationToCompose {
  id: number;
  kind: 'confirmation' | 'incident_update' | 'maintenance_update';
  updateId: string | null;
  createdAt: Date;
  subscriber: {
    id: string;
    email: string;
    state: string;
    linkVersion: number;
    confirmedAt: Date | null;
  };
}

/** The links every email carries, signed for this subscriber. */
export function subscriberLinks(
  settings: EmailSettings,
  subscriber: NotificationToCompose['subscriber'],
  now: Date,
) {
  const claims = { subscriberId: subscriber.id, version: subscriber.linkVersion };
  const url = (path: string, token: string) =>
    `${settings.site.url}${path}?token=${encodeURIComponent(token)}`;
  return {
    confirm: url(
      '/subscribe/confirm',
      signLink(settings.secret, {
        ...claims,
        purpose: 'confirm',
        expiresAt: now.getTime() + confirmationLifetimeMs,
      }),
    ),
    manage: url(
      '/subscribe/manage',
      signLink(settings.secret, { ...claims, purpose: 'manage', expiresAt: null }),
    ),
    unsubscribe: url(
      '/unsubscribe',
      signLink(settings.secret, { ...claims, purpose: 'unsubscribe', expiresAt: null }),
    ),
  };
}

/** An update's public content, the same for every subscriber's email. */
type EventForEmail = Omit<UpdateEmailInput, 'manageUrl' | 'unsubscribeUrl'>;

/**
 * The public content of each update, by update id: title, status, body and the public
 * components it touches with their status (as the update set it, else as they are).
 */
export async function loadUpdatesForEmail(
  tx: Executor,
  siteUrl: string,
  updateIds: readonly string[],
): Promise<Map<string, EventForEmail>> {
  const events = new Map<string, EventForEmail>();
  if (updateIds.length === 0) return events;
  const ids = [...updateIds];
  // The same for either kind: the update's words, rendered once, and its public components.
  const describe = (
    kind: 'incident' | 'maintenance',
    parent: { id: string; title: string },
    update: {
      status: string;
      body: string;
      componentChanges: { componentId: string; newStatus: ComponentStatus }[];
    },
    status: string,
    linked: { id: string; name: string; status: ComponentStatus }[],
  ): EventForEmail => ({
    kind,
    title: parent.title,
    status,
    bodyHtml: markdownToHtml(update.body),
    bodyText: markdownToText(update.body),
    components: linked.map((c) => {
      const now =
        update.componentChanges.find((change) => change.componentId === c.id)?.newStatus ??
        c.status;
      return `${c.name} (${componentStatusLabels[now]})`;
    }),
    url: `${siteUrl}/${kind === 'incident' ? 'incidents' : 'maintenance'}/${parent.id}`,
  });

  const incidentRows = await tx
    .select({ update: incidentUpdates, incident: incidents })
    .from(incidentUpdates)
    .innerJoin(incidents, eq(incidents.id, incidentUpdates.incidentId))
    .where(
      and(
        inArray(incidentUpdates.id, ids),
        eq(incidentUpdates.audience, 'public'),
        eq(incidents.audience, 'public'),
      ),
    );
  // The public components of every event, one query per kind (not one per event).
  const incidentLinks = await publicComponentsOf(
    tx,
    incidentComponents,
    incidentComponents.incidentId,
    incidentComponents.componentId,
    incidentRows.map((row) => row.incident.id),
  );
  for (const { update, incident } of incidentRows) {
    const linked = incidentLinks.get(incident.id) ?? [];
    events.set(
      update.id,
      describe('incident', incident, update, incidentStatusLabels[update.status], linked),
    );
  }
  const maintenanceRows = await tx
    .select({ update: maintenanceUpdates, maintenance: maintenances })
    .from(maintenanceUpdates)
    .innerJoin(maintenances, eq(maintenances.id, maintenanceUpdates.maintenanceId))
    .where(
      and(
        inArray(maintenanceUpdates.id, ids),
        eq(maintenanceUpdates.audience, 'public'),
        eq(maintenances.audience, 'public'),
      ),
    );
  const maintenanceLinks = await publicComponentsOf(
    tx,
    maintenanceComponents,
    maintenanceComponents.maintenanceId,
    maintenanceComponents.componentId,
    maintenanceRows.map((row) => row.maintenance.id),
  );
  for (const { update, maintenance } of maintenanceRows) {
    const linked = maintenanceLinks.get(maintenance.id) ?? [];
    events.set(
      update.id,
      describe('maintenance', maintenance, update, maintenanceStatusLabels[update.status], linked),
    );
  }
  return events;
}

/** The public components linked to each of `parentIds` (incidents or maintenances), by parent. */
async function publicComponentsOf(
  tx: Executor,
  links: typeof incidentComponents | typeof maintenanceComponents,
  parentId: SQLiteColumn,
  componentId: SQLiteColumn,
  parentIds: string[],
) {
  if (parentIds.length === 0)
    return new Map<string, { id: string; name: string; status: ComponentStatus }[]>();
  const rows = await tx
    .select({
      parentId: sql<string>`${parentId}`,
      id: components.id,
      name: components.name,
      status: components.status,
    })
    .from(links)
    .innerJoin(components, eq(components.id, componentId))
    .where(and(inArray(parentId, parentIds), eq(components.audience, 'public')));
  return groupBy(rows, (row) => row.parentId);
}

/**
 * One notification as an email, or null when it should not go (the subscriber left or was
 * suppressed, or the update is no longer public).
 */
export function composeEmail(
  settings: EmailSettings,
  notification: NotificationToCompose,
  events: ReadonlyMap<string, EventForEmail>,
  now: Date,
): OutgoingEmail | null {
  const { subscriber } = notification;
  const links = subscriberLinks(settings, subscriber, now);
  let rendered: { subject: string; html: string; text: string };
  if (notification.kind === 'confirmation') {
    if (subscriber.state !== 'pending' && subscriber.state !== 'active') return null;
    // Asked while pending and confirmed since (from an earlier email): nothing left to say.
    if (subscriber.confirmedAt && subscriber.confirmedAt > notification.createdAt) return null;
    rendered = renderConfirmEmail(settings.templates, settings.site, {
      alreadyActive: subscriber.state === 'active',
      confirmUrl: links.confirm,
      manageUrl: links.manage,
    });
  } else {
    const event = notification.updateId ? events.get(notification.updateId) : undefined;
    if (subscriber.state !== 'active' || !event) return null;
    rendered = renderUpdateEmail(settings.templates, settings.site, {
      ...event,
      manageUrl: links.manage,
      unsubscribeUrl: links.unsubscribe,
    });
  }
  const listUnsubscribe = [`<${links.unsubscribe}>`];
  if (settings.unsubscribeMailto) {
    listUnsubscribe.push(`<mailto:${settings.unsubscribeMailto}?subject=unsubscribe>`);
  }
  return {
    from: settings.from,
    to: [subscriber.email],
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: {
      'List-Unsubscribe': listUnsubscribe.join(', '),
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'X-Candor-Notification': String(notification.id),
    },
    ...(settings.replyTo ? { replyTo: settings.replyTo } : {}),
  };
}
