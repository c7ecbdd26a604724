// The one rule about audiences, as a property (docs: DESIGN.md, "The one rule about audiences"):
// whatever mix of public and internal components, groups, incidents, updates, roles and
// maintenances the management API is given, nothing internal reaches a public output. Every
// internal string carries a unique `SECRET-…` marker; every public output served by the Hono app
// (Statuspage JSON, feeds, badges, embed, intervals), the public read model the pages render from,
// and the subscriber outbox are scanned for every marker and every internal id. Internal ids
// answer 404, word for word the answer to an id that never existed.
//
// The static export (npm run export) is written for each scenario and every file scanned.
// The Astro pages (/, /history, /incidents/:id, /components/:id, /maintenance/:id, the forms and
// the error pages) are read over HTTP from the built site, served in this process over the same
// services, and scanned the same way.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Audience,
  type ComponentStatus,
  componentStatuses,
  type IncidentStatus,
  incidentStatuses,
  incidentTypes,
  severities,
} from '#domain/enums.ts';
import { exportStaticSite } from '#http/static-export.ts';
import { newId } from '#lib/ids.ts';
import { catalogueSchema } from '#services/content/load-content.ts';
import { readOutbox } from '#services/email/read-outbox.ts';
import type {
  PublicComponent,
  PublicGroup,
  PublicIncident,
  PublicMaintenance,
  PublicUpdate,
} from '#services/read/public-model.ts';
import { testContent } from '#tests/support/content.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';
import { startPagesServer } from '#tests/support/pages-server.ts';
import { createSite } from '../../src/boot.ts';

const numRuns = 30;
let exports = 0;

// ---------------------------------------------------------------------------------------------
// The type boundary: the public read model has no field for anything internal.
// ---------------------------------------------------------------------------------------------

/** True when `T` has none of the keys `K`; a field added to a public type turns it false. */
type Lacks<T, K extends PropertyKey> = [Extract<keyof T, K>] extends [never] ? true : false;

const internalIncidentFields = [
  'severity',
  'type',
  'audience',
  'incidentCommander',
  'commsLead',
  'technicalLead',
  'detectedAt',
  'acknowledgedAt',
  'impactOverridden',
  'customersAffected',
  'businessImpact',
] as const;
type InternalIncidentField = (typeof internalIncidentFields)[number];

const typeBoundary: [
  Lacks<PublicIncident, InternalIncidentField>,
  Lacks<PublicUpdate<IncidentStatus>, 'audience' | 'author' | 'nextUpdateAt'>,
  Lacks<PublicMaintenance, 'audience' | 'autoTransition' | 'notify'>,
  Lacks<PublicComponent, 'audience' | 'contentKey'>,
  Lacks<PublicGroup, 'audience'>,
] = [true, true, true, true, true];

describe('the public read model type', () => {
  it('has no field for internal data', () => {
    const incident = {} as PublicIncident;
    // @ts-expect-error PublicIncident has no severity: SEV-1..5 is internal.
    expect(incident.severity).toBeUndefined();
    // @ts-expect-error nor roles.
    expect(incident.incidentCommander).toBeUndefined();
    const component = {} as PublicComponent;
    // @ts-expect-error nor does a public component carry its audience.
    expect(component.audience).toBeUndefined();
    expect(typeBoundary).toEqual([true, true, true, true, true]);
  });
});

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

/** Where a component goes: no group, the catalogue's public `core` or internal `ops`, or new 0..2. */
type GroupRef = null | 'core' | 'ops' | 0 | 1 | 2;

interface ComponentSpec {
  audience: Audience;
  group: GroupRef;
  description: boolean;
  status: ComponentStatus;
  /** Public at first, made internal after every incident and maintenance (a marker from birth). */
  hideLater: boolean;
}

/** `component` picks one of the components existing at that time, modulo their count. */
interface ChangeSpec {
  component: number;
  status: ComponentStatus;
}

interface UpdateSpec {
  audience: Audience;
  status: IncidentStatus;
  components: ChangeSpec[];
  notify: boolean;
}

interface IncidentSpec {
  audience: Audience;
  status: IncidentStatus;
  severity: (typeof severities)[number];
  type: (typeof incidentTypes)[number];
  components: ChangeSpec[];
  roles: boolean;
  startedDaysAgo: number;
  updates: UpdateSpec[];
  /** A public incident made internal at the end (PATCH audience): a marker from birth. */
  retract: boolean;
}

interface MaintenanceSpec {
  audience: Audience;
  components: number[];
  startsInHours: number;
  /** 0 stays scheduled, 1 in progress, 2 verifying, 3 completed after running, 4 ended early. */
  stage: number;
  bodyOnMove: boolean;
  notify: boolean;
}

interface Scenario {
  components: ComponentSpec[];
  incidents: IncidentSpec[];
  maintenances: MaintenanceSpec[];
}

const audienceArb = fc.constantFrom<Audience>('public', 'internal');
const componentStatusArb = fc.constantFrom(...componentStatuses);
const incidentStatusArb = fc.constantFrom(...incidentStatuses);
const sometimes = fc.oneof(
  { weight: 4, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);
const changeArb: fc.Arbitrary<ChangeSpec> = fc.record({
  component: fc.nat({ max: 20 }),
  status: componentStatusArb,
});

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  components: fc.array(
    fc.record({
      audience: audienceArb,
      group: fc.oneof(
        { weight: 2, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.constantFrom<GroupRef>('core', 'ops') },
        { weight: 2, arbitrary: fc.constantFrom<GroupRef>(0, 1, 2) },
      ),
      description: fc.boolean(),
      status: componentStatusArb,
      hideLater: sometimes,
    }),
    { maxLength: 5 },
  ),
  incidents: fc.array(
    fc.record({
      audience: audienceArb,
      status: incidentStatusArb,
      severity: fc.constantFrom(...severities),
      type: fc.constantFrom(...incidentTypes),
      components: fc.array(changeArb, { maxLength: 3 }),
      roles: fc.boolean(),
      startedDaysAgo: fc.constantFrom(0, 1, 40, 100),
      updates: fc.array(
        fc.record({
          audience: audienceArb,
          status: incidentStatusArb,
          components: fc.array(changeArb, { maxLength: 2 }),
          notify: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
      retract: sometimes,
    }),
    { maxLength: 4 },
  ),
  maintenances: fc.array(
    fc.record({
      audience: audienceArb,
      components: fc.array(fc.nat({ max: 20 }), { maxLength: 3 }),
      startsInHours: fc.integer({ min: -3, max: 72 }),
      stage: fc.integer({ min: 0, max: 4 }),
      bodyOnMove: fc.boolean(),
      notify: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
});

// ---------------------------------------------------------------------------------------------
// What was made, and what must not show
// ---------------------------------------------------------------------------------------------

interface World {
  /** Marker → what it labels ("internal incident title"). */
  markers: Map<string, string>;
  /** Internal id → what it is. */
  internalIds: Map<string, string>;
  components: { id: string; name: string; audience: Audience }[];
  groups: { id: string; name: string; audience: Audience }[];
  incidents: { id: string; title: string; audience: Audience }[];
  maintenances: { id: string; title: string; audience: Audience }[];
  /** Public updates with notify on incidents public to the end: each must be emailed. */
  notifiedUpdates: string[];
  /** Updates posted while their incident was public, which was retracted since. */
  retractedUpdates: Set<string>;
}

function newWorld(): World {
  return {
    markers: new Map(),
    internalIds: new Map(),
    components: [],
    groups: [],
    incidents: [],
    maintenances: [],
    notifiedUpdates: [],
    retractedUpdates: new Set(),
  };
}

/** A fresh marker for an internal string. */
function secret(world: World, what: string): string {
  const marker = `SECRET-${newId()}`;
  world.markers.set(marker, what);
  return marker;
}

function excerpt(text: string, index: number, length: number): string {
  const from = Math.max(0, index - 60);
  return JSON.stringify(text.slice(from, index + length + 60));
}

/** The first leak in `text`, described; `allowedId` is the id the request itself named. */
function findLeak(world: World, text: string, allowedId?: string): string | null {
  const marked = /SECRET-[a-z0-9]*/.exec(text);
  if (marked) {
    const what = world.markers.get(marked[0]) ?? 'unknown marker';
    return `internal marker "${marked[0]}" (${what}) at ${excerpt(text, marked.index, marked[0].length)}`;
  }
  for (const [id, what] of world.internalIds) {
    if (id === allowedId) continue;
    const index = text.indexOf(id);
    if (index >= 0) return `internal id "${id}" (${what}) at ${excerpt(text, index, id.length)}`;
  }
  return null;
}

function assertClean(world: World, where: string, text: string, allowedId?: string): void {
  const leak = findLeak(world, text, allowedId);
  if (leak) throw new Error(`LEAK: ${leak} — through ${where}`);
}

/** Keys no public JSON may have, in the Statuspage (snake_case) and read-model (camel) spelling. */
const internalKeys = new Set([
  'severity',
  'audience',
  'incident_commander',
  'comms_lead',
  'technical_lead',
  'customers_affected',
  'business_impact',
  'detected_at',
  'acknowledged_at',
  'author',
  ...internalIncidentFields,
]);

function assertNoInternalKeys(where: string, value: unknown, path = '$'): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertNoInternalKeys(where, item, `${path}[${index}]`);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (internalKeys.has(key)) {
        throw new Error(`LEAK: internal field "${path}.${key}" — through ${where}`);
      }
      assertNoInternalKeys(where, item, `${path}.${key}`);
    }
  }
}

/** JSON of a read model, Maps as their entries. */
const serialise = (value: unknown) =>
  JSON.stringify(value, (_key, item) => (item instanceof Map ? [...item.entries()] : item));

// ---------------------------------------------------------------------------------------------
// Building a scenario through the management API
// ---------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: the management API's JSON answers
async function call(h: Harness, method: string, path: string, body?: unknown): Promise<any> {
  const response = await h.request(method, path, body);
  if (response.status >= 300) {
    throw new Error(
      `generator error: ${method} ${path} ${JSON.stringify(body)} answered ${response.status} ${response.text}`,
    );
  }
  h.clock.advance(60_000);
  return response.json;
}

async function build(scenario: Scenario): Promise<{ h: Harness; world: World }> {
  const world = newWorld();
  // The catalogue's internal group and component carry markers too.
  const content = {
    ...testContent(),
    catalogue: catalogueSchema.parse({
      groups: [
        {
          key: 'core',
          name: 'Core',
          components: [
            { key: 'api', name: 'API' },
            { key: 'auth', name: 'Auth', description: 'Sign-in and tokens' },
          ],
        },
        {
          key: 'ops',
          name: secret(world, 'catalogue internal group name'),
          description: secret(world, 'catalogue internal group description'),
          audience: 'internal',
          components: [
            {
              key: 'deploys',
              name: secret(world, 'catalogue internal component name'),
              description: secret(world, 'catalogue internal component description'),
              audience: 'internal',
            },
          ],
        },
      ],
      components: [{ key: 'web', name: 'Website' }],
    }),
  };
  const h = await makeHarness({ clock: testClock(), content });
  try {
    await populate(h, world, scenario);
  } catch (error) {
    h.close();
    throw error;
  }
  return { h, world };
}

async function populate(h: Harness, world: World, scenario: Scenario): Promise<void> {
  const listed: {
    id: string;
    audience: Audience;
    name: string;
    group_id: string | null;
    group_name: string | null;
  }[] = await call(h, 'GET', '/api/v1/components');
  const coreId = listed.find((c) => c.id === h.ids.api)?.group_id as string;
  const ops = listed.find((c) => c.id === h.ids.deploys);
  const opsId = ops?.group_id as string;
  const opsName = ops?.group_name as string;
  /** Components as they are now (audience may still change). */
  const current = listed.map((c) => ({ id: c.id, name: c.name, audience: c.audience }));
  const groups = new Map<string, { name: string; audience: Audience }>([
    [coreId, { name: 'Core', audience: 'public' }],
    [opsId, { name: opsName, audience: 'internal' }],
  ]);

  // Subscribers: one to everything, one to a public component, one not yet confirmed.
  await call(h, 'POST', '/api/v1/subscribers', [
    { email: 'everything@subscriber.example', confirmed: true },
    { email: 'api@subscriber.example', components: [h.ids.api], confirmed: true },
    { email: 'pending@subscriber.example' },
  ]);

  // Components. A new group takes the audience of the first component put in it.
  const newGroupNames: (string | undefined)[] = [];
  const toHide: string[] = [];
  const toRetract: string[] = [];
  for (const [i, spec] of scenario.components.entries()) {
    const internalAtBirth = spec.audience === 'internal';
    const markedAtBirth = internalAtBirth || spec.hideLater;
    let group: string | null = null;
    if (spec.group === 'core') group = coreId;
    else if (spec.group === 'ops') group = opsId;
    else if (spec.group !== null) {
      group = newGroupNames[spec.group] ??= internalAtBirth
        ? secret(world, `internal group ${spec.group} name`)
        : `Group ${spec.group}`;
    }
    const name = markedAtBirth ? secret(world, `internal component ${i} name`) : `Component ${i}`;
    const { id } = await call(h, 'POST', '/api/v1/components', {
      name,
      description: spec.description
        ? markedAtBirth
          ? secret(world, `internal component ${i} description`)
          : `What component ${i} does`
        : null,
      ...(group === null ? {} : { group }),
      audience: spec.audience,
      status: spec.status,
    });
    current.push({ id, name, audience: spec.audience });
    if (spec.hideLater && spec.audience === 'public') toHide.push(id);
  }
  const pick = (list: readonly { id: string }[], n: number) => list[n % list.length]?.id;

  // Incidents, their updates and roles.
  for (const [i, spec] of scenario.incidents.entries()) {
    const retract = spec.audience === 'public' && spec.retract;
    const marked = spec.audience === 'internal' || retract;
    const what = retract ? `retracted incident ${i}` : `${spec.audience} incident ${i}`;
    const allowed = (audience: Audience) =>
      audience === 'internal' ? current.filter((c) => c.audience === 'internal') : current;
    const statuses = (changes: ChangeSpec[]) => {
      const choice = allowed(spec.audience);
      const map: Record<string, ComponentStatus> = {};
      for (const change of changes) {
        const id = pick(choice, change.component);
        if (id) map[id] = change.status;
      }
      return map;
    };
    const title = marked ? secret(world, `${what} title`) : `Incident ${i}`;
    const { id } = await call(h, 'POST', '/api/v1/incidents', {
      title,
      status: spec.status,
      body: marked
        ? `First words: ${secret(world, `${what} first update`)}`
        : `Incident ${i} began`,
      audience: spec.audience,
      components: statuses(spec.components),
      notify: true,
      severity: spec.severity,
      started_at: new Date(
        h.clock.now().getTime() - spec.startedDaysAgo * 86_400_000,
      ).toISOString(),
    });
    if (spec.roles) {
      await call(h, 'PATCH', `/api/v1/incidents/${id}`, {
        incident_commander: secret(world, `incident ${i} commander`),
        comms_lead: secret(world, `incident ${i} comms lead`),
        technical_lead: secret(world, `incident ${i} technical lead`),
        customers_affected: 1234 + i,
        business_impact: secret(world, `incident ${i} business impact`),
        severity: spec.severity,
        type: spec.type,
      });
    }
    let status = spec.status;
    for (const [j, update] of spec.updates.entries()) {
      const note = spec.audience === 'public' && update.audience === 'internal';
      const next: IncidentStatus = note
        ? status
        : status === 'resolved'
          ? 'resolved'
          : update.status;
      const hidden = marked || update.audience === 'internal';
      const body = hidden
        ? `Update ${j}: ${secret(world, `${update.audience} update ${j} of ${what}`)}`
        : `Incident ${i} update ${j}`;
      await call(h, 'POST', `/api/v1/incidents/${id}/updates`, {
        status: next,
        body,
        audience: update.audience,
        ...(note ? {} : { components: statuses(update.components) }),
        notify: update.notify,
      });
      status = next;
    }
    // The review: its internal part and action items never leave; its public part only for a
    // public incident (published once resolved).
    await call(h, 'PUT', `/api/v1/incidents/${id}/postmortem`, {
      public_body: marked
        ? `Review: ${secret(world, `${what} postmortem public part`)}`
        : `Incident ${i} review`,
      internal_body: `Cause: ${secret(world, `${what} postmortem internal part`)}`,
      published: status === 'resolved',
    });
    const item = await call(h, 'POST', `/api/v1/incidents/${id}/action-items`, {
      title: secret(world, `${what} action item title`),
      owner: secret(world, `${what} action item owner`),
      priority: 'high',
    });
    world.internalIds.set(item.id, `${what} action item id`);
    if (retract) toRetract.push(id);
    const audience: Audience = retract ? 'internal' : spec.audience;
    world.incidents.push({ id, title, audience });
    if (audience === 'internal') world.internalIds.set(id, `${what} id`);
    // Every update, the first one included, as the management API tells it.
    const full = await call(h, 'GET', `/api/v1/incidents/${id}`);
    for (const update of full.updates as { id: string; audience: Audience; notify: boolean }[]) {
      if (audience === 'internal' || update.audience === 'internal') {
        world.internalIds.set(update.id, `${update.audience} update id of ${what}`);
      }
      if (retract && update.audience === 'public') world.retractedUpdates.add(update.id);
      if (audience === 'public' && update.audience === 'public' && update.notify) {
        world.notifiedUpdates.push(update.id);
      }
    }
  }

  // Maintenances.
  for (const [i, spec] of scenario.maintenances.entries()) {
    const internal = spec.audience === 'internal';
    const choice = internal ? current.filter((c) => c.audience === 'internal') : current;
    const components = [
      ...new Set(spec.components.flatMap((n) => pick(choice, n) ?? [])),
    ] as string[];
    const start = h.clock.now().getTime() + spec.startsInHours * 3_600_000;
    const title = internal ? secret(world, `internal maintenance ${i} title`) : `Maintenance ${i}`;
    const { id } = await call(h, 'POST', '/api/v1/maintenances', {
      title,
      body: internal
        ? `Window: ${secret(world, `internal maintenance ${i} body`)}`
        : `Maintenance ${i} planned`,
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 2 * 3_600_000).toISOString(),
      components,
      audience: spec.audience,
      notify: spec.notify,
    });
    const moves = [
      [],
      ['in_progress'],
      ['in_progress', 'verifying'],
      ['in_progress', 'verifying', 'completed'],
      ['completed'],
    ][spec.stage] as string[];
    for (const [j, status] of moves.entries()) {
      await call(h, 'PATCH', `/api/v1/maintenances/${id}`, {
        status,
        ...(spec.bodyOnMove
          ? {
              body: internal
                ? `Step: ${secret(world, `internal maintenance ${i} update ${j}`)}`
                : `Maintenance ${i} step ${j}`,
            }
          : {}),
      });
    }
    world.maintenances.push({ id, title, audience: spec.audience });
    if (internal) {
      world.internalIds.set(id, `internal maintenance ${i} id`);
      const full = await call(h, 'GET', `/api/v1/maintenances/${id}`);
      for (const update of full.updates as { id: string }[]) {
        world.internalIds.set(update.id, `update id of internal maintenance ${i}`);
      }
    }
  }

  // Every public output is read once, so that its caches hold what is public now; then incidents
  // are retracted and components hidden: what the caches held must go with them.
  await warm(h, current);
  for (const id of toRetract) {
    await call(h, 'PATCH', `/api/v1/incidents/${id}`, { audience: 'internal' });
  }
  for (const id of toHide) {
    await call(h, 'PATCH', `/api/v1/components/${id}`, { audience: 'internal' });
    const component = current.find((c) => c.id === id);
    if (component) component.audience = 'internal';
  }

  // Components and groups as they are now. A new group has the audience of its first member at
  // the time, and then a marker in its name when that was internal.
  const final: {
    id: string;
    name: string;
    audience: Audience;
    group_id: string | null;
    group_name: string | null;
  }[] = await call(h, 'GET', '/api/v1/components');
  for (const component of final) {
    world.components.push({ id: component.id, name: component.name, audience: component.audience });
    if (component.audience === 'internal') {
      world.internalIds.set(component.id, `internal component id (${component.name})`);
    }
    if (component.group_id !== null && !groups.has(component.group_id)) {
      const name = component.group_name ?? '';
      groups.set(component.group_id, {
        name,
        audience: name.startsWith('SECRET-') ? 'internal' : 'public',
      });
    }
  }
  for (const [id, group] of groups) {
    world.groups.push({ id, ...group });
    if (group.audience === 'internal') world.internalIds.set(id, `internal group id`);
  }
}

// ---------------------------------------------------------------------------------------------
// Scanning every public output
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function get(h: Harness, path: string): Promise<Answer> {
  const response = await h.app.request(path);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Where a scan reads from: the Hono app in process, or the whole site over HTTP. */
type Source = (path: string) => Promise<Answer>;

/** The whole site, Astro pages included, over HTTP. */
const overHttp =
  (url: string): Source =>
  async (path) => {
    const response = await fetch(`${url}${path}`, { redirect: 'manual' });
    // The clock's second is no part of the answer: two identical answers may straddle one.
    const headers = new Headers(response.headers);
    headers.delete('date');
    return { status: response.status, text: await response.text(), headers };
  };

const headerText = (headers: Headers) =>
  [...headers.entries()].map(([key, value]) => `${key}: ${value}`).join('\n');

/** Fetches a public URL, checks its status and scans body and headers. */
async function scan(
  from: Source,
  world: World,
  path: string,
  expected: number,
  allowedId?: string,
): Promise<Answer> {
  const answer = await from(path);
  if (answer.status !== expected) {
    throw new Error(`GET ${path} answered ${answer.status}, expected ${expected}: ${answer.text}`);
  }
  assertClean(world, `GET ${path}`, answer.text, allowedId);
  assertClean(world, `GET ${path} (headers)`, headerText(answer.headers), allowedId);
  // Problem documents (RFC 9457) have their own fixed keys, `type` among them.
  const type = answer.headers.get('content-type') ?? '';
  if (type.includes('json') && !type.includes('problem') && answer.text) {
    assertNoInternalKeys(`GET ${path}`, JSON.parse(answer.text));
  }
  return answer;
}

/**
 * An internal id must answer as an id that never existed: 404, the same headers and body once
 * each id is replaced by a placeholder.
 */
async function scanHidden(
  from: Source,
  world: World,
  route: (id: string) => string,
  id: string,
): Promise<void> {
  const unknown = newId();
  const hidden = await scan(from, world, route(id), 404, id);
  const never = await from(route(unknown));
  const same = (answer: Answer, used: string) => ({
    status: answer.status,
    headers: headerText(answer.headers).replaceAll(used, '{id}'),
    body: answer.text.replaceAll(used, '{id}'),
  });
  const a = same(hidden, id);
  const b = same(never, unknown);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(
      `LEAK: GET ${route(id)} (${world.internalIds.get(id)}) tells the id exists: ${JSON.stringify(a)} vs an unknown id: ${JSON.stringify(b)}`,
    );
  }
}

const v2Documents = [
  'summary.json',
  'status.json',
  'components.json',
  'incidents.json',
  'incidents/unresolved.json',
  'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json',
  'scheduled-maintenances/active.json',
];

const componentRoutes = [
  (id: string) => `/components/${id}/history.rss`,
  (id: string) => `/components/${id}/history.atom`,
  (id: string) => `/components/${id}/badge.svg`,
  (id: string) => `/components/${id}/badge.json`,
  (id: string) => `/components/${id}/intervals.json`,
  (id: string) => `/components/${id}/intervals.csv`,
];
const badgeRoutes = componentRoutes.slice(2, 4);
const siteRoutes = [
  '/history.rss',
  '/history.atom',
  '/badge.svg',
  '/badge.json',
  '/embed.js',
  '/embed/status',
  '/embed/status?theme=dark',
  '/healthz',
  '/readyz',
];

/** Reads every public output once, filling the read-model and rendering caches. */
async function warm(h: Harness, components: readonly { id: string }[]): Promise<void> {
  await h.candor.publicReads.status();
  for (const document of v2Documents) await get(h, `/api/v2/${document}`);
  for (const path of siteRoutes) await get(h, path);
  for (const component of components) {
    for (const route of componentRoutes) await get(h, route(component.id));
  }
}

async function scanHttp(h: Harness, world: World): Promise<void> {
  const app: Source = (path) => get(h, path);
  const documents: Record<string, string> = {};
  for (const document of v2Documents) {
    documents[document] = (await scan(app, world, `/api/v2/${document}`, 200)).text;
  }
  for (const path of siteRoutes) await scan(app, world, path, 200);

  // The public side does show the public items: the scan reads real content.
  for (const component of world.components.filter((c) => c.audience === 'public')) {
    expect(documents['components.json']).toContain(JSON.stringify(component.name));
  }
  for (const incident of world.incidents.filter((i) => i.audience === 'public')) {
    expect(documents['incidents.json']).toContain(JSON.stringify(incident.title));
  }
  for (const maintenance of world.maintenances.filter((m) => m.audience === 'public')) {
    expect(documents['scheduled-maintenances.json']).toContain(JSON.stringify(maintenance.title));
  }

  for (const component of world.components) {
    for (const route of componentRoutes) {
      if (component.audience === 'internal') await scanHidden(app, world, route, component.id);
      else await scan(app, world, route(component.id), 200);
    }
  }
  const visibleGroups = new Set(
    (JSON.parse(documents['components.json'] as string).components as { id: string }[]).map(
      (c) => c.id,
    ),
  );
  for (const group of world.groups) {
    if (group.audience === 'internal') {
      for (const route of componentRoutes) await scanHidden(app, world, route, group.id);
    } else {
      // A public group shows when it has a public member; a group is not a component: no feed.
      for (const route of badgeRoutes) {
        await scan(app, world, route(group.id), visibleGroups.has(group.id) ? 200 : 404);
      }
      for (const route of componentRoutes.filter((r) => !badgeRoutes.includes(r))) {
        await scan(app, world, route(group.id), 404);
      }
    }
  }

  const incidentJson = (id: string) => `/api/v2/incidents/${id}.json`;
  for (const incident of world.incidents) {
    if (incident.audience === 'internal') await scanHidden(app, world, incidentJson, incident.id);
    else await scan(app, world, incidentJson(incident.id), 200);
  }
  for (const maintenance of world.maintenances) {
    if (maintenance.audience === 'internal') {
      await scanHidden(app, world, incidentJson, maintenance.id);
    } else await scan(app, world, incidentJson(maintenance.id), 404);
  }
  for (const [id, what] of world.internalIds) {
    if (what.includes('update id')) await scanHidden(app, world, incidentJson, id);
  }

  // The subscription form refuses an internal component as it refuses one that never existed.
  const refusal = async (id: string) => {
    try {
      await h.candor.subscriptions.subscribe({
        email: 'form@subscriber.example',
        componentIds: [id],
      });
      return 'accepted';
    } catch (error) {
      return error instanceof Error ? error.message.replaceAll(id, '{id}') : String(error);
    }
  };
  const unknownRefusal = await refusal(newId());
  for (const component of world.components.filter((c) => c.audience === 'internal')) {
    const answer = await refusal(component.id);
    if (answer !== unknownRefusal) {
      throw new Error(
        `LEAK: subscribing to ${world.internalIds.get(component.id)} answers ${JSON.stringify(answer)}, to an unknown id ${JSON.stringify(unknownRefusal)}`,
      );
    }
    assertClean(world, 'the subscription form', answer);
  }

  // The management API, asked without a token, says nothing either.
  for (const incident of world.incidents.filter((i) => i.audience === 'internal')) {
    await scan(app, world, `/api/v1/incidents/${incident.id}`, 401, incident.id);
  }
  await scan(app, world, '/api/v1/components', 401);
  // The API description is public; its schemas name internal fields, but hold no data.
  const openapi = await get(h, '/api/v1/openapi.json');
  expect(openapi.status).toBe(200);
  assertClean(world, 'GET /api/v1/openapi.json', openapi.text);
}

/** Public pages that take no id, with what they answer. */
const pageRoutes: [path: string, status: number][] = [
  ['/', 200],
  ['/history', 200],
  ['/subscribe', 200],
  ['/unsubscribe', 200],
  ['/login', 200],
  ['/logout', 200],
  // Error pages.
  ['/404', 404],
  ['/no-such-page', 404],
  ['/subscribe/confirm?token=forged', 400],
  ['/subscribe/manage?token=forged', 400],
  ['/setup?token=forged', 400],
];

/** The Astro pages, rendered by the built site over HTTP, scanned like every other output. */
async function scanPages(site: Source, world: World): Promise<void> {
  const front = await scan(site, world, '/', 200);
  for (const [path, status] of pageRoutes) await scan(site, world, path, status);
  // Every page of the history that page 1 leads to, and the first past the end (404).
  for (let n = 2, more = true; more; n++) {
    const previous = await site(n === 2 ? '/history' : `/history?page=${n - 1}`);
    more = previous.text.includes(`href="/history?page=${n}"`);
    await scan(site, world, `/history?page=${n}`, more ? 200 : 404);
  }
  const incidentPage = (id: string) => `/incidents/${id}`;
  const maintenancePage = (id: string) => `/maintenance/${id}`;
  const componentPage = (id: string) => `/components/${id}`;
  for (const component of world.components) {
    if (component.audience === 'internal') {
      await scanHidden(site, world, componentPage, component.id);
    } else {
      const answer = await scan(site, world, componentPage(component.id), 200);
      expect(answer.text).toContain(component.name);
      expect(front.text).toContain(component.name);
    }
  }
  for (const group of world.groups.filter((g) => g.audience === 'internal')) {
    await scanHidden(site, world, componentPage, group.id);
  }
  for (const incident of world.incidents) {
    if (incident.audience === 'internal') {
      await scanHidden(site, world, incidentPage, incident.id);
    } else {
      expect((await scan(site, world, incidentPage(incident.id), 200)).text).toContain(
        incident.title,
      );
    }
  }
  for (const maintenance of world.maintenances) {
    if (maintenance.audience === 'internal') {
      await scanHidden(site, world, maintenancePage, maintenance.id);
    } else {
      expect((await scan(site, world, maintenancePage(maintenance.id), 200)).text).toContain(
        maintenance.title,
      );
    }
  }
  for (const [id, what] of world.internalIds) {
    if (what.includes('update id')) await scanHidden(site, world, incidentPage, id);
  }
}

/** The static export, every file of it, scanned like every other output. */
async function scanExport(h: Harness, world: World): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'candor-leak-export-'));
  try {
    const { app } = await createSite(h.candor);
    await exportStaticSite(app, h.candor, { out, liveUrl: 'https://live.example' });
    for (const name of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
      const file = join(out, name);
      if (!statSync(file).isFile()) continue;
      assertClean(world, `the static export's ${name}`, readFileSync(file, 'utf8'));
      assertClean(world, "the static export's file names", name);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function scanReadModel(h: Harness, world: World): Promise<void> {
  const reads = h.candor.publicReads;
  const check = (where: string, value: unknown, allowedId?: string) => {
    assertClean(world, where, serialise(value), allowedId);
    assertNoInternalKeys(where, JSON.parse(serialise(value)));
  };
  const status = await reads.status();
  check('publicReads.status()', status);
  check('publicReads.recent()', await reads.recent());
  // The bars are looked up by id, not listed: ask for every public one, and every internal one.
  const shown = [...status.components.map((c) => c.id), ...status.groups.map((g) => g.id)];
  check(
    'publicReads.status().uptime',
    shown.map((id) => status.uptime.get(id)),
  );
  for (const component of world.components.filter((c) => c.audience === 'internal')) {
    if (status.uptime.get(component.id) !== undefined) {
      throw new Error(`LEAK: the uptime of ${world.internalIds.get(component.id)}`);
    }
  }
  check('publicReads.history(1)', await reads.history(1));
  check('publicReads.history(2)', await reads.history(2));
  for (const incident of world.incidents) {
    const found = await reads.incident(incident.id);
    const where = `publicReads.incident(${incident.id})`;
    if (incident.audience === 'internal' && found !== null) {
      throw new Error(`LEAK: ${where} found ${world.internalIds.get(incident.id)}`);
    }
    if (incident.audience === 'public' && found === null) throw new Error(`${where} is null`);
    check(where, found);
  }
  for (const maintenance of world.maintenances) {
    const found = await reads.maintenance(maintenance.id);
    const where = `publicReads.maintenance(${maintenance.id})`;
    if (maintenance.audience === 'internal' && found !== null) {
      throw new Error(`LEAK: ${where} found ${world.internalIds.get(maintenance.id)}`);
    }
    if (maintenance.audience === 'public' && found === null) throw new Error(`${where} is null`);
    check(where, found);
  }
  for (const item of [...world.components, ...world.groups]) {
    const found = await reads.component(item.id);
    const where = `publicReads.component(${item.id})`;
    if (item.audience === 'internal' && found !== null) {
      throw new Error(`LEAK: ${where} found ${world.internalIds.get(item.id)}`);
    }
    check(where, found);
  }
}

async function scanOutbox(h: Harness, world: World): Promise<void> {
  const outbox = await readOutbox(h.candor.context('t'), h.candor.email, { limit: 100_000 });
  for (const email of outbox) {
    const where = `the email #${email.id} to ${email.to} (update ${email.updateId})`;
    assertClean(world, `${where}: subject`, email.subject ?? '');
    assertClean(world, `${where}: text`, email.text ?? '');
    if (email.updateId !== null && world.internalIds.has(email.updateId)) {
      // Queued while its incident was public, then retracted: it must not be sent any more.
      if (!world.retractedUpdates.has(email.updateId) || email.subject !== null) {
        throw new Error(
          `LEAK: ${where} exists for ${world.internalIds.get(email.updateId)} (subject ${JSON.stringify(email.subject)})`,
        );
      }
    }
  }
  // Every public update that asked to notify was queued for the subscriber to everything.
  for (const updateId of world.notifiedUpdates) {
    const found = outbox.some(
      (email) =>
        email.updateId === updateId &&
        email.to === 'everything@subscriber.example' &&
        email.subject !== null,
    );
    if (!found) throw new Error(`no email for the public update ${updateId}`);
  }
}

describe('the audience rule, as a property', () => {
  it('no internal marker or id reaches any public output', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        runs += 1;
        const { h, world } = await build(scenario);
        const site = await startPagesServer(h.candor);
        try {
          await scanHttp(h, world);
          await scanPages(overHttp(site.url), world);
          await scanExport(h, world);
          exports += 1;
          await scanReadModel(h, world);
          await scanOutbox(h, world);
        } finally {
          await site.close();
          h.close();
        }
      }),
      { numRuns },
    );
    expect(runs).toBeGreaterThanOrEqual(numRuns);
    expect(exports).toBeGreaterThanOrEqual(numRuns);
  }, 120_000);
});
