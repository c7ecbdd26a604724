import { z } from 'zod';
import {
  actionItemPriorities,
  actionItemStatuses,
  audiences,
  type ComponentStatus,
  componentStatuses,
  type IncidentStatus,
  impacts,
  incidentStatuses,
  incidentTypes,
  maintenanceStatuses,
  type Severity,
  severities,
} from '#domain/enums.ts';
import { defaultNextUpdateAt } from '#domain/lifecycle.ts';
import { instantOfLocalTime } from '#domain/time.ts';
import type { FormValues } from './forms.ts';

// The console's forms, validated at the edge as the API's bodies are: field names match the
// API's where they mean the same, so a message about `body` reads the same in both.

/** The longest message a console form takes (an update, a declaration, a correction). */
export const longestMessage = 20_000;
/** The longest part of a postmortem, public or internal. */
export const longestPostmortemPart = 100_000;

const text = (max: number) => z.string().trim().max(max, `Keep it under ${max} characters.`);
const required = (max: number, what: string) =>
  z.string().trim().min(1, `Write ${what}.`).max(max, `Keep it under ${max} characters.`);
const optionalText = (max: number) => text(max).transform((value) => (value === '' ? null : value));
const checkbox = z
  .string()
  .optional()
  .transform((value) => value === 'on' || value === 'true');
/** Minutes from now; blank keeps the severity's cadence, 0 promises nothing. */
const promiseMinutes = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    const minutes = Number(value);
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) {
      ctx.addIssue({ code: 'custom', message: 'Give whole minutes from 0 to 1440 (24 hours).' });
      return z.NEVER;
    }
    return minutes;
  });

/** The `component:<id>` selects of a form: each component given a status. */
export function componentChoices(values: FormValues): Record<string, ComponentStatus> {
  const chosen: Record<string, ComponentStatus> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!name.startsWith('component:') || typeof value !== 'string' || value === '') continue;
    if ((componentStatuses as readonly string[]).includes(value)) {
      chosen[name.slice('component:'.length)] = value as ComponentStatus;
    }
  }
  return chosen;
}

const roles = {
  incident_commander: optionalText(200),
  comms_lead: optionalText(200),
  technical_lead: optionalText(200),
};

export const declareForm = z.object({
  title: required(255, 'a title customers will understand'),
  type: z.enum(incidentTypes, 'Choose a type.'),
  severity: z.enum(severities, 'Choose a severity.'),
  impact: z.enum(['', ...impacts]).transform((value) => (value === '' ? undefined : value)),
  audience: z.enum(audiences, 'Choose who sees it.'),
  status: z.enum(['investigating', 'identified', 'monitoring'], 'Choose a status.'),
  body: required(longestMessage, 'the first message'),
  notify: checkbox,
  next_update_minutes: promiseMinutes,
  ...roles,
});
export type DeclareForm = z.infer<typeof declareForm>;

export const updateForm = z.object({
  status: z.enum(incidentStatuses, 'Choose a status.'),
  body: required(longestMessage, 'the message'),
  audience: z.enum(audiences),
  notify: checkbox,
  next_update_minutes: promiseMinutes,
});
export type UpdateForm = z.infer<typeof updateForm>;

export const rolesForm = z.object({ ...roles, severity: z.enum(severities) });

export const correctionForm = z.object({ body: required(longestMessage, 'the corrected text') });

export const postmortemForm = z.object({
  public_body: text(longestPostmortemPart),
  internal_body: text(longestPostmortemPart),
  published: checkbox,
});

/** A datetime-local field read in the site's zone; blank is null. */
const localTime = (timeZone: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const at = instantOfLocalTime(value, timeZone);
      if (!at) {
        ctx.addIssue({ code: 'custom', message: 'Give a date and time.' });
        return z.NEVER;
      }
      return at;
    });

export const actionItemForm = (timeZone: string) =>
  z.object({
    title: required(255, 'what will be done'),
    owner: required(200, 'who owns it'),
    priority: z.enum(actionItemPriorities, 'Choose a priority.'),
    due_at: localTime(timeZone),
  });

export const actionItemStatusForm = z.object({
  item: z.string().min(1).max(64),
  status: z.enum(actionItemStatuses, 'Choose a status.'),
  verification: optionalText(2000),
});

/** A datetime-local field that must be filled. */
const requiredLocalTime = (timeZone: string, what: string) =>
  localTime(timeZone).transform((at, ctx) => {
    if (at) return at;
    ctx.addIssue({ code: 'custom', message: `Give ${what}.` });
    return z.NEVER;
  });

/** Checkboxes of one name: none ticked sends nothing, so an empty list. */
const checkedIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** What a maintenance is and when: scheduling and editing share it. */
const maintenanceFields = (timeZone: string) => ({
  title: required(255, 'a title'),
  scheduled_for: requiredLocalTime(timeZone, 'the start'),
  scheduled_until: requiredLocalTime(timeZone, 'the end'),
  auto_transition: checkbox,
  components: checkedIds,
});

/** The window ends after it starts; the error shows beside its end, as the API's does. */
const endsAfterStart = {
  check: (v: { scheduled_for: Date; scheduled_until: Date }) => v.scheduled_until > v.scheduled_for,
  params: { message: 'The window must end after it starts.', path: ['scheduled_until'] },
};

export const maintenanceForm = (timeZone: string) =>
  z
    .object({
      ...maintenanceFields(timeZone),
      body: required(longestMessage, 'what will happen'),
      audience: z.enum(audiences, 'Choose who sees it.'),
      notify: checkbox,
    })
    .refine(endsAfterStart.check, endsAfterStart.params);
export type MaintenanceForm = z.infer<ReturnType<typeof maintenanceForm>>;

export const maintenanceEditForm = (timeZone: string) =>
  z.object(maintenanceFields(timeZone)).refine(endsAfterStart.check, endsAfterStart.params);

export const maintenanceUpdateForm = z.object({
  status: z.enum(maintenanceStatuses, 'Choose a status.'),
  body: required(longestMessage, 'the message'),
  notify: checkbox,
});

export const maintenanceCancelForm = z.object({ body: optionalText(longestMessage) });

/** The promise a form asks for: undefined keeps the cadence, 0 none, else minutes from now. */
export const promiseFrom = (minutes: number | undefined, now: Date): Date | null | undefined =>
  minutes === undefined
    ? undefined
    : minutes === 0
      ? null
      : new Date(now.getTime() + minutes * 60_000);

/** The minutes typed in a promise field, before validation: blank or not a number is none. */
export const typedMinutes = (text: string | undefined): number | undefined =>
  text === undefined || text.trim() === '' || Number.isNaN(Number(text)) ? undefined : Number(text);

/** The promise an update will carry, the severity's cadence filled in: what a preview shows. */
export const promiseShown = (
  minutes: number | undefined,
  severity: Severity,
  status: IncidentStatus,
  now: Date,
): Date | null => {
  const chosen = promiseFrom(minutes, now);
  return chosen === undefined ? defaultNextUpdateAt(severity, status, now) : chosen;
};
