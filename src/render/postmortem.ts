import type { IncidentStatus } from '#domain/enums.ts';
import { formatDateTime, formatDuration } from './format.ts';
import { incidentStatusLabels } from './labels.ts';
import { markdownToText } from './markdown.ts';

// The outline a new postmortem starts from: the structured parts of a review as Markdown
// headings, with the timeline written out from the incident's updates. Everything stays
// editable text: the review is prose, not a form.

export interface OutlineIncident {
  title: string;
  startedAt: Date;
  resolvedAt: Date | null;
  customersAffected: number | null;
  businessImpact: string | null;
  /** Newest first, as the timeline holds them. */
  updates: {
    status: IncidentStatus;
    body: string;
    audience: 'public' | 'internal';
    displayAt: Date;
  }[];
}

/** One line per update, oldest first: the time, the status and the first sentence of what was said. */
function timeline(updates: OutlineIncident['updates'], timeZone: string): string {
  return [...updates]
    .reverse()
    .map((update) => {
      const said =
        markdownToText(update.body)
          .split(/(?<=[.!?])\s/)[0]
          ?.trim() ?? '';
      const note = update.audience === 'internal' ? ' (internal note)' : '';
      return `- **${formatDateTime(update.displayAt, timeZone)}** · ${incidentStatusLabels[update.status]}${note}: ${said}`;
    })
    .join('\n');
}

/** The public and internal parts of a new postmortem for `incident`. */
export function postmortemOutline(
  incident: OutlineIncident,
  timeZone: string,
): { publicBody: string; internalBody: string } {
  const lasted = incident.resolvedAt
    ? ` It lasted ${formatDuration(incident.resolvedAt.getTime() - incident.startedAt.getTime())}.`
    : '';
  const publicUpdates = incident.updates.filter((update) => update.audience === 'public');
  const publicBody = [
    '## Summary',
    `On ${formatDateTime(incident.startedAt, timeZone)}, ${incident.title.toLowerCase()}.${lasted} _Say in two sentences what customers saw._`,
    '## Impact',
    '_Who was affected, how, and for how long._',
    '## Timeline',
    timeline(publicUpdates, timeZone),
    '## What happened',
    '_The cause, in words a customer understands._',
    '## What we are changing',
    '_The fixes that stop it happening again, and when._',
    '## Our apology',
    '_We are sorry. Say for what, plainly, and what it cost our customers._',
  ].join('\n\n');
  const internalBody = [
    '## Root cause',
    '_The technical cause._',
    '## Contributing factors',
    '_What made it more likely, longer or worse._',
    '## Impact',
    [
      incident.customersAffected !== null
        ? `- Customers affected: ${incident.customersAffected}`
        : '- Customers affected: _how many_',
      `- Business impact: ${incident.businessImpact ?? '_in words_'}`,
    ].join('\n'),
    '## Timeline (every update and note)',
    timeline(incident.updates, timeZone),
    '## What went well',
    '_In the response, and in the communication._',
    '## What went badly',
    '_In the response, and in the communication: was the first message quick and clear, did we keep every promised update?_',
  ].join('\n\n');
  return { publicBody, internalBody };
}
