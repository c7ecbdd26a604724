// Contract test: Candor's /api/v2/*.json must be indistinguishable, for a consumer, from Atlassian
// Statuspage's public API v2. The expectations below (key order, types, nullability, enums,
// timestamp format, ordering) were read off real Statuspage captures and are written out here on
// purpose rather than imported from src/: the test must not agree with the code by construction.
// Every document is built from data this test creates through the management API.

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { componentGroups } from '#db/schema/index.ts';
import { testContent } from '#tests/support/content.ts';
import { type Harness, makeHarness, testClock } from '#tests/support/harness.ts';

// ---------------------------------------------------------------------------------------------
// The contract, as Statuspage writes it
// ---------------------------------------------------------------------------------------------

const PAGE_ID = 'testpage0001';
const PAGE_NAME = 'Testco';
const SITE_URL = 'https://status.testco.example';

/** Top-level keys of each document, in Statuspage's order (`page` always first). */
const DOCUMENT_KEYS = {
  'summary.json': ['page', 'components', 'incidents', 'scheduled_maintenances', 'status'],
  'status.json': ['page', 'status'],
  'components.json': ['page', 'components'],
  'incidents.json': ['page', 'incidents'],
  'incidents/unresolved.json': ['page', 'incidents'],
  'scheduled-maintenances.json': ['page', 'scheduled_maintenances'],
  'scheduled-maintenances/upcoming.json': ['page', 'scheduled_maintenances'],
  'scheduled-maintenances/active.json': ['page', 'scheduled_maintenances'],
} as const;
type DocumentPath = keyof typeof DOCUMENT_KEYS;
const DOCUMENT_PATHS = Object.keys(DOCUMENT_KEYS) as DocumentPath[];

const PAGE_KEYS = ['id', 'name', 'url', 'time_zone', 'updated_at'];
const STATUS_KEYS = ['indicator', 'description'];
const COMPONENT_KEYS = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'position',
  'description',
  'showcase',
  'start_date',
  'group_id',
  'page_id',
  'group',
  'only_show_if_degraded',
];
const GROUP_KEYS = [...COMPONENT_KEYS, 'components'];
const INCIDENT_KEYS = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'monitoring_at',
  'resolved_at',
  'impact',
  'shortlink',
  'started_at',
  'page_id',
  'incident_updates',
  'components',
];
const MAINTENANCE_KEYS = [...INCIDENT_KEYS, 'scheduled_for', 'scheduled_until'];
const UPDATE_KEYS = [
  'id',
  'status',
  'body',
  'incident_id',
  'created_at',
  'updated_at',
  'display_at',
  'affected_components',
  'deliver_notifications',
  'custom_tweet',
  'tweet_id',
];
const AFFECTED_KEYS = ['code', 'name', 'old_status', 'new_status'];

/** Component statuses, best first (the ranking used for "group status = worst child"). */
const COMPONENT_STATUSES = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
] as const;
type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
const INCIDENT_STATUSES = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
  'postmortem',
] as const;
const UNRESOLVED_STATUSES: readonly string[] = ['investigating', 'identified', 'monitoring'];
const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
const INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;

/** The timestamp regex Statuspage clients use (npm `statuspage.js`). Everything is optional. */
const SPEC_TIMESTAMP =
  /^(\d{4})(-(\d{2}))??(-(\d{2}))??(T(\d{2}):(\d{2})(:(\d{2}))??(\.(\d+))??(([+-]{1}\d{2}:\d{2})|Z)??)??$/;
/** What Statuspage actually emits: full date-time, milliseconds, `Z` or a `±HH:MM` offset. */
const STRICT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})$/;
const TIMESTAMP_KEYS = new Set([
  'created_at',
  'updated_at',
  'monitoring_at',
  'resolved_at',
  'started_at',
  'display_at',
  'scheduled_for',
  'scheduled_until',
]);

/**
 * How Statuspage writes `date` on a page in `timeZone`: local wall-clock time with milliseconds,
 * then the zone's offset at that instant with a colon, or `Z` on an Etc/UTC page. Written with
 * Intl only, independently of src/domain/time.ts.
 */
function statuspageTime(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '??';
  const ms = String(date.getUTCMilliseconds()).padStart(3, '0');
  const local = `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}.${ms}`;
  if (timeZone === 'Etc/UTC') return `${local}Z`;
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - date.getTime()) / 60_000);
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** Strict (no extra keys, no missing keys, null never omitted) schemas for one page's zone. */
function contract(timeZone: string) {
  const timestamp = z
    .string()
    .regex(SPEC_TIMESTAMP, 'not parseable by statuspage.js')
    .regex(STRICT_TIMESTAMP, 'not YYYY-MM-DDTHH:MM:SS.mmm with Z or ±HH:MM')
    .refine(
      (value) => value === statuspageTime(new Date(value), timeZone),
      `not written in the page time zone ${timeZone}`,
    );
  const id = z.string().regex(/^[0-9a-z]{12}$/, 'not a 12-char base-36 id');
  const componentStatus = z.enum(COMPONENT_STATUSES);
  const absoluteUrl = z
    .string()
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'not absolute');

  const page = z.strictObject({
    id: z.literal(PAGE_ID),
    name: z.literal(PAGE_NAME),
    url: z.literal(SITE_URL),
    time_zone: z.literal(timeZone),
    updated_at: timestamp,
  });
  const status = z.strictObject({
    indicator: z.enum(INDICATORS),
    description: z.string().min(1),
  });
  const componentFields = {
    id,
    name: z.string().min(1),
    status: componentStatus,
    created_at: timestamp,
    updated_at: timestamp,
    position: z.number().int().min(1),
    description: z.string().nullable(),
    showcase: z.boolean(),
    start_date: z.iso.date().nullable(),
    page_id: z.literal(PAGE_ID),
    only_show_if_degraded: z.boolean(),
  };
  const component = z.strictObject({
    ...componentFields,
    group_id: id.nullable(),
    group: z.literal(false),
  });
  const group = z.strictObject({
    ...componentFields,
    showcase: z.literal(false),
    group_id: z.null(),
    group: z.literal(true),
    components: z.array(id).min(1),
  });
  const anyComponent = z.discriminatedUnion('group', [component, group]);
  const affected = z.strictObject({
    code: id,
    name: z.string().min(1),
    old_status: componentStatus,
    new_status: componentStatus,
  });
  const update = <S extends readonly [string, ...string[]]>(statuses: S) =>
    z.strictObject({
      id,
      status: z.enum(statuses),
      body: z.string().min(1),
      incident_id: id,
      created_at: timestamp,
      updated_at: timestamp,
      display_at: timestamp,
      affected_components: z.array(affected).min(1).nullable(),
      deliver_notifications: z.boolean(),
      custom_tweet: z.string().nullable(),
      tweet_id: z.string().nullable(),
    });
  const incidentFields = {
    id,
    name: z.string().min(1),
    created_at: timestamp,
    updated_at: timestamp,
    monitoring_at: timestamp.nullable(),
    resolved_at: timestamp.nullable(),
    shortlink: absoluteUrl,
    started_at: timestamp,
    page_id: z.literal(PAGE_ID),
    components: z.array(component),
  };
  const incident = z.strictObject({
    ...incidentFields,
    status: z.enum(INCIDENT_STATUSES),
    impact: z.enum(IMPACTS),
    incident_updates: z.array(update(INCIDENT_STATUSES)).min(1),
  });
  const maintenance = z.strictObject({
    ...incidentFields,
    status: z.enum(MAINTENANCE_STATUSES),
    impact: z.literal('maintenance'),
    incident_updates: z.array(update(MAINTENANCE_STATUSES)).min(1),
    scheduled_for: timestamp,
    scheduled_until: timestamp,
  });
  const components = z.array(anyComponent);
  const incidents = z.array(incident);
  const maintenances = z.array(maintenance);
  return {
    timestamp,
    component,
    group,
    incident,
    maintenance,
    summary: z.strictObject({
      page,
      components,
      incidents,
      scheduled_maintenances: maintenances,
      status,
    }),
    status: z.strictObject({ page, status }),
    components: z.strictObject({ page, components }),
    incidents: z.strictObject({ page, incidents }),
    maintenances: z.strictObject({ page, scheduled_maintenances: maintenances }),
    incidentDocument: z.strictObject({ page, incident }),
  };
}
type Contract = ReturnType<typeof contract>;

function documentSchema(c: Contract, path: DocumentPath): z.ZodType {
  if (path === 'summary.json') return c.summary;
  if (path === 'status.json') return c.status;
  if (path === 'components.json') return c.components;
  if (path.startsWith('incidents')) return c.incidents;
  return c.maintenances;
}

/** The parsed value, or the raw one when it does not parse (the schema test reports that). */
function lenient<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  return result.success ? result.data : (value as T);
}
type Incident = z.infer<Contract['incident']>;
type Maintenance = z.infer<Contract['maintenance']>;
type AnyComponent = z.infer<Contract['components']>['components'][number];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: raw JSON answers are walked before they are parsed
type Raw = any;

function expectKeys(value: Raw, keys: readonly string[], where: string) {
  expect(value, where).toBeTypeOf('object');
  expect(Object.keys(value), `key order of ${where}`).toEqual(keys);
}

/** Checks exact key order of every object Statuspage defines, at any depth of a document. */
function expectKeyOrder(document: Raw, topKeys: readonly string[], where: string) {
  expectKeys(document, topKeys, where);
  expectKeys(document.page, PAGE_KEYS, `${where} page`);
  if ('status' in document) expectKeys(document.status, STATUS_KEYS, `${where} status`);
  for (const component of document.components ?? []) {
    expectKeys(component, component.group ? GROUP_KEYS : COMPONENT_KEYS, `${where} component`);
  }
  const events: [Raw, readonly string[]][] = [
    ...(document.incidents ?? []).map((i: Raw) => [i, INCIDENT_KEYS]),
    ...(document.incident ? [[document.incident, INCIDENT_KEYS]] : []),
    ...(document.scheduled_maintenances ?? []).map((m: Raw) => [m, MAINTENANCE_KEYS]),
  ];
  for (const [event, keys] of events) {
    expectKeys(event, keys, `${where} event ${event.id}`);
    for (const update of event.incident_updates) {
      expectKeys(update, UPDATE_KEYS, `${where} update ${update.id}`);
      for (const change of update.affected_components ?? []) {
        expectKeys(change, AFFECTED_KEYS, `${where} affected_components of ${update.id}`);
      }
    }
    for (const component of event.components) {
      expectKeys(component, COMPONENT_KEYS, `${where} components of ${event.id}`);
    }
  }
}

/** Every timestamp-named value at any depth. */
function timestampsIn(value: Raw, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) timestampsIn(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (TIMESTAMP_KEYS.has(key) && child !== null) found.push(child as string);
      else timestampsIn(child, found);
    }
  }
  return found;
}

interface Answer {
  status: number;
  headers: Headers;
  json: Raw;
  text: string;
}

async function getV2(h: Harness, path: string): Promise<Answer> {
  // No token: the v2 API is public.
  const answer = await h.request('GET', `/api/v2/${path}`, undefined, '');
  expect(answer.status, `GET /api/v2/${path}: ${answer.text}`).toBe(200);
  return answer;
}

async function getAll(h: Harness): Promise<Record<DocumentPath, Answer>> {
  const entries = await Promise.all(
    DOCUMENT_PATHS.map(async (path) => [path, await getV2(h, path)] as const),
  );
  return Object.fromEntries(entries) as Record<DocumentPath, Answer>;
}

async function send(h: Harness, method: 'POST' | 'PATCH', path: string, body: unknown) {
  const answer = await h.request(method, path, body);
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(method === 'POST' ? 201 : 200);
  return answer.json?.id as string;
}

const rank = (status: ComponentStatus) => COMPONENT_STATUSES.indexOf(status);
const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
const instants = (values: readonly string[]) => values.map((value) => Date.parse(value));

function expectStrictlyDescending(values: readonly number[], where: string) {
  for (let i = 1; i < values.length; i++) {
    expect(values[i], `${where}[${i}] is older than [${i - 1}]`).toBeLessThan(
      values[i - 1] as number,
    );
  }
}

function find<T extends { id: string }>(list: readonly T[], id: string): T {
  const item = list.find((entry) => entry.id === id);
  if (!item) throw new Error(`${id} is missing from ${JSON.stringify(list.map((e) => e.id))}`);
  return item;
}

// ---------------------------------------------------------------------------------------------
// The schemas are not vacuous
// ---------------------------------------------------------------------------------------------

describe('the contract schemas themselves', () => {
  const c = contract('Etc/UTC');
  const good = {
    id: 'abcdefghijk1',
    name: 'API',
    status: 'operational',
    created_at: '2026-11-20T10:00:00.250Z',
    updated_at: '2026-11-20T10:00:00.250Z',
    position: 1,
    description: null,
    showcase: true,
    start_date: '2026-11-20',
    group_id: null,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  };

  it('accept a real-shaped component and reject every deviation Statuspage never shows', () => {
    expect(c.component.safeParse(good).success).toBe(true);
    const bad: Record<string, unknown>[] = [
      { ...good, components: [] }, // `components` only on groups
      { ...good, description: undefined }, // omitted instead of null
      { ...good, start_date: '2026-11-20T00:00:00Z' }, // date only
      { ...good, created_at: '2026-11-20T10:00:00.250+0000' }, // offset without colon
      { ...good, created_at: '2026-11-20T10:00:00Z' }, // no milliseconds
      { ...good, created_at: '2026-11-20T10:00:00.250+00:00' }, // Etc/UTC pages write Z
      { ...good, status: 'maintenance' },
    ];
    for (const value of bad)
      expect(c.component.safeParse(value).success, JSON.stringify(value)).toBe(false);
    expect(c.group.safeParse({ ...good, group: true, showcase: false }).success).toBe(false);
    expect(
      c.group.safeParse({ ...good, group: true, showcase: false, components: [good.id] }).success,
    ).toBe(true);
  });

  it('write Denver times with the offset in force at that instant', () => {
    const denver = contract('America/Denver');
    expect(denver.timestamp.safeParse('2026-06-01T06:00:00.123-06:00').success).toBe(true);
    expect(denver.timestamp.safeParse('2026-06-01T06:00:00.123-07:00').success).toBe(false);
    expect(denver.timestamp.safeParse('2026-06-01T12:00:00.123Z').success).toBe(false);
    expect(() => expectKeys({ b: 1, a: 2 }, ['a', 'b'], 'swapped')).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// A busy Etc/UTC page: every endpoint, every object
// ---------------------------------------------------------------------------------------------

describe('Statuspage v2 contract on an Etc/UTC page', () => {
  const c = contract('Etc/UTC');
  const iso = (date: Date) => date.toISOString();
  let h: Harness;
  const at: Record<string, Date> = {};
  const id: Record<string, string> = {};
  let opsGroupId: string;
  let docs: Record<DocumentPath, Answer>;
  let summary: z.infer<Contract['summary']>;
  let components: AnyComponent[];
  let incidents: Incident[];
  let unresolved: Incident[];
  let allMaintenances: Maintenance[];

  beforeAll(async () => {
    h = await makeHarness({ clock: testClock(new Date('2026-11-20T10:00:00.250Z')) });
    const [ops] = await h.db.select().from(componentGroups).where(eq(componentGroups.name, 'Ops'));
    opsGroupId = ops?.id ?? 'ops group missing';
    const { api, auth, web, deploys } = h.ids;
    /** Each write happens one minute after the previous one, so ordering is by time. */
    const step = async (name: string, method: 'POST' | 'PATCH', path: string, body: unknown) => {
      h.clock.advance(60_000);
      at[name] = h.clock.now();
      const created = await send(h, method, path, body);
      if (created) id[name] = created;
      return created;
    };
    /** A window starting `startInMs` after the write that uses it (`step` advances first). */
    const window = (startInMs: number, lengthMs: number) => {
      const writtenAt = h.clock.now().getTime() + 60_000;
      return {
        scheduled_for: iso(new Date(writtenAt + startInMs)),
        scheduled_until: iso(new Date(writtenAt + startInMs + lengthMs)),
      };
    };

    // A: public, goes through every status and ends resolved.
    await step('A', 'POST', '/api/v1/incidents', {
      title: 'Elevated API errors',
      status: 'investigating',
      body: 'A1 investigating API errors',
      impact: 'minor',
      components: { [api]: 'degraded_performance' },
    });
    const A = `/api/v1/incidents/${id.A}/updates`;
    await step('A2', 'POST', A, {
      status: 'identified',
      body: 'A2 website affected too',
      components: { [web]: 'partial_outage' },
      notify: true,
    });
    await step('A3', 'POST', A, { status: 'monitoring', body: 'A3 fix deployed' });
    await step('A4', 'POST', A, { status: 'resolved', body: 'A4 resolved' });
    // I: internal only, and critical: it would change the public indicator if it leaked.
    await step('I', 'POST', '/api/v1/incidents', {
      title: 'INTERNAL-ONLY deploy pipeline wedged',
      status: 'investigating',
      body: 'INTERNAL-ONLY runner stuck',
      impact: 'critical',
      audience: 'internal',
      components: { [deploys]: 'major_outage' },
    });
    // B: public, unresolved, with an internal note that must stay hidden.
    await step('B', 'POST', '/api/v1/incidents', {
      title: 'Login failures',
      status: 'identified',
      body: 'B1 logins failing',
      impact: 'major',
      components: { [auth]: 'partial_outage' },
    });
    const B = `/api/v1/incidents/${id.B}/updates`;
    await step('Bnote', 'POST', B, {
      status: 'identified',
      body: 'INTERNAL-ONLY rollback of build 4411',
      audience: 'internal',
    });
    // C: public, unresolved, touches no component.
    await step('C', 'POST', '/api/v1/incidents', {
      title: 'Delayed status emails',
      status: 'investigating',
      body: 'C1 emails delayed',
      impact: 'minor',
    });
    // Maintenances: one completed, one verifying, one in progress, one upcoming, one internal.
    await step('Mdone', 'POST', '/api/v1/maintenances', {
      title: 'Website CDN swap',
      body: 'Mdone scheduled',
      ...window(5 * 60_000, 3_600_000),
      components: [web],
    });
    await step('Mdone1', 'PATCH', `/api/v1/maintenances/${id.Mdone}`, { status: 'in_progress' });
    await step('Mdone2', 'PATCH', `/api/v1/maintenances/${id.Mdone}`, { status: 'completed' });
    await step('Mver', 'POST', '/api/v1/maintenances', {
      title: 'Website TLS renewal',
      body: 'Mver scheduled',
      ...window(5 * 60_000, 3_600_000),
      components: [web],
    });
    await step('Mver1', 'PATCH', `/api/v1/maintenances/${id.Mver}`, { status: 'in_progress' });
    await step('Mver2', 'PATCH', `/api/v1/maintenances/${id.Mver}`, { status: 'verifying' });
    await step('Mprog', 'POST', '/api/v1/maintenances', {
      title: 'API database upgrade',
      body: 'Mprog scheduled',
      ...window(5 * 60_000, 3_600_000),
      components: [api],
    });
    await step('Mprog1', 'PATCH', `/api/v1/maintenances/${id.Mprog}`, { status: 'in_progress' });
    await step('Mup', 'POST', '/api/v1/maintenances', {
      title: 'Auth provider migration',
      body: 'Mup scheduled',
      ...window(2 * 86_400_000, 7_200_000),
      components: [auth, web],
    });
    await step('Mint', 'POST', '/api/v1/maintenances', {
      title: 'INTERNAL-ONLY deploy host patching',
      body: 'INTERNAL-ONLY patching',
      audience: 'internal',
      ...window(0, 3_600_000),
      components: [deploys],
    });
    await step('Mint1', 'PATCH', `/api/v1/maintenances/${id.Mint}`, { status: 'in_progress' });
    // The last write is public: page.updated_at must point at it.
    await step('B2', 'POST', B, { status: 'identified', body: 'B2 still working on logins' });

    docs = await getAll(h);
    // Lenient here so that one schema failure fails its own test below, not the whole suite.
    summary = lenient(c.summary, docs['summary.json'].json);
    components = lenient(c.components, docs['components.json'].json).components;
    incidents = lenient(c.incidents, docs['incidents.json'].json).incidents;
    unresolved = lenient(c.incidents, docs['incidents/unresolved.json'].json).incidents;
    allMaintenances = lenient(
      c.maintenances,
      docs['scheduled-maintenances.json'].json,
    ).scheduled_maintenances;
  });
  afterAll(() => h?.close());

  describe('every endpoint', () => {
    it('answers public JSON with CORS open to every origin', () => {
      for (const path of DOCUMENT_PATHS) {
        const { headers } = docs[path];
        expect(headers.get('content-type'), path).toMatch(/^application\/json(;|$)/);
        expect(headers.get('access-control-allow-origin'), path).toBe('*');
      }
    });

    it('has exactly Statuspage’s keys, in Statuspage’s order, at every depth', () => {
      for (const path of DOCUMENT_PATHS) expectKeyOrder(docs[path].json, DOCUMENT_KEYS[path], path);
    });

    it('parses against the strict schemas (types, enums, null never omitted)', () => {
      for (const path of DOCUMENT_PATHS) {
        const result = documentSchema(c, path).safeParse(docs[path].json);
        expect(result.error?.issues ?? [], path).toEqual([]);
      }
      // The unresolved incident has nulls where Statuspage has them, not omitted keys.
      const b = find(incidents, id.B ?? '');
      expect(b.monitoring_at).toBeNull();
      expect(b.resolved_at).toBeNull();
      expect(find(b.incident_updates, id.B2 ?? '').custom_tweet).toBeNull();
    });

    it('carries the same page object everywhere, updated at the last public change', () => {
      const page = docs['summary.json'].json.page;
      expect(page).toEqual({
        id: PAGE_ID,
        name: PAGE_NAME,
        url: SITE_URL,
        time_zone: 'Etc/UTC',
        updated_at: iso(at.B2 as Date),
      });
      for (const path of DOCUMENT_PATHS) expect(docs[path].json.page, path).toEqual(page);
    });

    it('repeats the dedicated documents inside summary.json', () => {
      expect(summary.components).toEqual(components);
      expect(summary.incidents).toEqual(unresolved);
      expect(summary.status).toEqual(docs['status.json'].json.status);
    });
  });

  describe('component objects', () => {
    it('lists public groups and components only, sorted by position ascending', () => {
      expect(components.map((entry) => entry.name).sort()).toEqual([
        'API',
        'Auth',
        'Core',
        'Website',
      ]);
      const positions = components.map((entry) => entry.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      for (const entry of components) expect(entry.page_id).toBe(PAGE_ID);
      expect(components.map((entry) => entry.id)).toEqual(
        expect.arrayContaining([h.ids.api, h.ids.auth, h.ids.web]),
      );
    });

    it('gives groups child ids in position order and children a group_id that exists', () => {
      const groups = components.filter((entry) => entry.group);
      expect(groups.map((g) => g.name)).toEqual(['Core']);
      const core = groups[0];
      if (!core?.group) throw new Error('no Core group');
      expect(core.components).toEqual([h.ids.api, h.ids.auth]);
      expect(core.group_id).toBeNull();
      for (const entry of components) {
        if (entry.group) {
          for (const childId of entry.components) {
            expect(find(components, childId).group_id, childId).toBe(entry.id);
          }
          continue;
        }
        expect('components' in entry, `${entry.name} has no components key`).toBe(false);
        if (entry.group_id !== null) {
          const parent = find(components, entry.group_id);
          expect(parent.group, `${entry.name}'s group_id points at a group`).toBe(true);
        }
      }
      expect(find(components, h.ids.web).group_id).toBeNull();
    });

    it('gives a group the worst status of its children', () => {
      expect(find(components, h.ids.api).status).toBe('under_maintenance');
      expect(find(components, h.ids.auth).status).toBe('partial_outage');
      expect(find(components, h.ids.web).status).toBe('under_maintenance');
      for (const entry of components) {
        if (!entry.group) continue;
        const worst = entry.components
          .map((childId) => find(components, childId).status)
          .reduce((a, b) => (rank(b) > rank(a) ? b : a));
        expect(entry.status, entry.name).toBe(worst);
      }
      expect(components.find((entry) => entry.name === 'Core')?.status).toBe('partial_outage');
    });

    it('writes start_date as a bare date and component times in the page zone', () => {
      const api = find(components, h.ids.api);
      expect(api.start_date).toBe('2026-11-20');
      expect(api.created_at).toBe('2026-11-20T10:00:00.250Z');
      expect(api.updated_at).toBe(iso(at.Mprog1 as Date));
      for (const entry of components) {
        expect(entry.start_date === null || /^\d{4}-\d{2}-\d{2}$/.test(entry.start_date)).toBe(
          true,
        );
      }
    });
  });

  describe('incident and incident_update objects', () => {
    it('lists resolved and unresolved incidents newest first in incidents.json', () => {
      expect(incidents.map((i) => i.id)).toEqual([id.C, id.B, id.A]);
      expectStrictlyDescending(
        instants(incidents.map((i) => i.created_at)),
        'incidents.created_at',
      );
      expect(incidents.map((i) => i.status)).toEqual(['investigating', 'identified', 'resolved']);
    });

    it('lists only investigating/identified/monitoring in unresolved.json, newest first', () => {
      expect(unresolved.map((i) => i.id)).toEqual([id.C, id.B]);
      for (const incident of unresolved) {
        expect(UNRESOLVED_STATUSES).toContain(incident.status);
      }
    });

    it('fills the lifecycle timestamps of a resolved incident', () => {
      const a = find(incidents, id.A ?? '');
      expect(a).toMatchObject({
        name: 'Elevated API errors',
        status: 'resolved',
        impact: 'minor',
        created_at: iso(at.A as Date),
        started_at: iso(at.A as Date),
        updated_at: iso(at.A4 as Date),
        monitoring_at: iso(at.A3 as Date),
        resolved_at: iso(at.A4 as Date),
        page_id: PAGE_ID,
        shortlink: expect.stringMatching(/^https:\/\//),
      });
      expect(a.shortlink.startsWith(`${SITE_URL}/`), a.shortlink).toBe(true);
      expect(a.shortlink).toContain(a.id);
    });

    it('orders incident_updates newest first and links them to their incident', () => {
      const a = find(incidents, id.A ?? '');
      expect(a.incident_updates.map((u) => u.body)).toEqual([
        'A4 resolved',
        'A3 fix deployed',
        'A2 website affected too',
        'A1 investigating API errors',
      ]);
      expect(a.incident_updates.map((u) => u.status)).toEqual([
        'resolved',
        'monitoring',
        'identified',
        'investigating',
      ]);
      expect(a.incident_updates.slice(0, 3).map((u) => u.id)).toEqual([id.A4, id.A3, id.A2]);
      expect(a.incident_updates.map((u) => u.display_at)).toEqual(
        [at.A4, at.A3, at.A2, at.A].map((d) => iso(d as Date)),
      );
      for (const incident of incidents) {
        expectStrictlyDescending(
          instants(incident.incident_updates.map((u) => u.display_at)),
          `${incident.name} display_at`,
        );
        for (const update of incident.incident_updates) {
          expect(update.incident_id).toBe(incident.id);
          expect(update.created_at).toBe(update.display_at);
        }
      }
      expect(a.incident_updates.map((u) => u.deliver_notifications)).toEqual([
        false,
        false,
        true,
        false,
      ]);
    });

    it('names affected components "Group - Component", null when an update changed none', () => {
      const updates = find(incidents, id.A ?? '').incident_updates;
      const [a4, a3, a2, a1] = updates.map((u) => u.affected_components);
      expect(a1).toEqual([
        {
          code: h.ids.api,
          name: 'Core - API',
          old_status: 'operational',
          new_status: 'degraded_performance',
        },
      ]);
      expect(a2).toEqual([
        {
          code: h.ids.web,
          name: 'Website',
          old_status: 'operational',
          new_status: 'partial_outage',
        },
      ]);
      expect(a3).toBeNull();
      expect([...(a4 ?? [])].sort(byCode)).toEqual(
        [
          {
            code: h.ids.api,
            name: 'Core - API',
            old_status: 'degraded_performance',
            new_status: 'operational',
          },
          {
            code: h.ids.web,
            name: 'Website',
            old_status: 'partial_outage',
            new_status: 'operational',
          },
        ].sort(byCode),
      );
      const c1 = find(incidents, id.C ?? '').incident_updates[0];
      expect(c1?.affected_components).toBeNull();
    });

    it('attaches full component objects at their current status, without `components`', () => {
      const a = find(incidents, id.A ?? '');
      expect(a.components.map((x) => x.id).sort()).toEqual([h.ids.api, h.ids.web].sort());
      for (const attached of a.components) {
        expect(attached).toEqual(find(components, attached.id));
        expect('components' in attached).toBe(false);
      }
      expect(find(incidents, id.B ?? '').components).toEqual([find(components, h.ids.auth)]);
      expect(find(incidents, id.C ?? '').components).toEqual([]);
    });

    it('serves one incident at incidents/{id}.json as {page, incident}', async () => {
      for (const incidentId of [id.A, id.B, id.C]) {
        const answer = await getV2(h, `incidents/${incidentId}.json`);
        expect(answer.headers.get('content-type')).toMatch(/^application\/json(;|$)/);
        expect(answer.headers.get('access-control-allow-origin')).toBe('*');
        expectKeyOrder(answer.json, ['page', 'incident'], `incidents/${incidentId}.json`);
        const parsed = c.incidentDocument.parse(answer.json);
        expect(parsed.page).toEqual(summary.page);
        expect(parsed.incident).toEqual(find(incidents, incidentId ?? ''));
      }
    });
  });

  describe('scheduled maintenance objects', () => {
    it('lists every public maintenance, completed included, newest window first', () => {
      expect(allMaintenances.map((m) => m.id)).toEqual([id.Mup, id.Mprog, id.Mver, id.Mdone]);
      expectStrictlyDescending(
        instants(allMaintenances.map((m) => m.scheduled_for)),
        'scheduled_for',
      );
      expect(allMaintenances.map((m) => m.status)).toEqual([
        'scheduled',
        'in_progress',
        'verifying',
        'completed',
      ]);
      for (const m of allMaintenances) expect(m.impact).toBe('maintenance');
    });

    it('splits upcoming (scheduled only) from active (in_progress or verifying)', () => {
      const upcoming = c.maintenances.parse(
        docs['scheduled-maintenances/upcoming.json'].json,
      ).scheduled_maintenances;
      const active = c.maintenances.parse(
        docs['scheduled-maintenances/active.json'].json,
      ).scheduled_maintenances;
      expect(upcoming.map((m) => m.id)).toEqual([id.Mup]);
      for (const m of upcoming) expect(m.status).toBe('scheduled');
      expect(active.map((m) => m.id).sort()).toEqual([id.Mprog, id.Mver].sort());
      for (const m of active) expect(['in_progress', 'verifying']).toContain(m.status);
      expect(summary.scheduled_maintenances.map((m) => m.id).sort()).toEqual(
        [id.Mup, id.Mprog, id.Mver].sort(),
      );
      for (const m of [...upcoming, ...active, ...summary.scheduled_maintenances]) {
        expect(m).toEqual(find(allMaintenances, m.id));
      }
    });

    it('keeps the window and the lifecycle timestamps', () => {
      const done = find(allMaintenances, id.Mdone ?? '');
      const doneAt = at.Mdone as Date;
      expect(done).toMatchObject({
        status: 'completed',
        created_at: iso(doneAt),
        started_at: iso(at.Mdone1 as Date),
        monitoring_at: null,
        resolved_at: iso(at.Mdone2 as Date),
        updated_at: iso(at.Mdone2 as Date),
        scheduled_for: iso(new Date(doneAt.getTime() + 5 * 60_000)),
        scheduled_until: iso(new Date(doneAt.getTime() + 5 * 60_000 + 3_600_000)),
      });
      const verifying = find(allMaintenances, id.Mver ?? '');
      expect(verifying.monitoring_at).toBe(iso(at.Mver2 as Date));
      expect(verifying.resolved_at).toBeNull();
      const upcoming = find(allMaintenances, id.Mup ?? '');
      expect(upcoming.scheduled_for).toBe(
        iso(new Date((at.Mup as Date).getTime() + 2 * 86_400_000)),
      );
      for (const m of allMaintenances) {
        expect(m.shortlink.startsWith(`${SITE_URL}/`), m.shortlink).toBe(true);
        expect(m.shortlink).toContain(m.id);
      }
    });

    it('uses incident_update objects for its timeline, newest first', () => {
      const done = find(allMaintenances, id.Mdone ?? '');
      expect(done.incident_updates.map((u) => u.status)).toEqual([
        'completed',
        'in_progress',
        'scheduled',
      ]);
      for (const m of allMaintenances) {
        expectStrictlyDescending(
          instants(m.incident_updates.map((u) => u.display_at)),
          `${m.name} display_at`,
        );
        for (const update of m.incident_updates) expect(update.incident_id).toBe(m.id);
      }
      const [completed, started, scheduled] = done.incident_updates;
      expect(started?.affected_components).toEqual([
        {
          code: h.ids.web,
          name: 'Website',
          old_status: 'operational',
          new_status: 'under_maintenance',
        },
      ]);
      expect(completed?.affected_components).toEqual([
        {
          code: h.ids.web,
          name: 'Website',
          old_status: 'under_maintenance',
          new_status: 'operational',
        },
      ]);
      expect(scheduled?.affected_components).toBeNull();
      const prog = find(allMaintenances, id.Mprog ?? '');
      expect(prog.incident_updates[0]?.affected_components).toEqual([
        {
          code: h.ids.api,
          name: 'Core - API',
          old_status: 'operational',
          new_status: 'under_maintenance',
        },
      ]);
      expect(prog.components).toEqual([find(components, h.ids.api)]);
      const up = find(allMaintenances, id.Mup ?? '');
      expect(up.components.map((x) => x.id).sort()).toEqual([h.ids.auth, h.ids.web].sort());
    });
  });

  describe('timestamps', () => {
    it('are ISO 8601 with milliseconds and Z on an Etc/UTC page, everywhere', () => {
      let count = 0;
      for (const path of DOCUMENT_PATHS) {
        for (const value of timestampsIn(docs[path].json)) {
          count += 1;
          expect(c.timestamp.safeParse(value).success, `${path}: ${value}`).toBe(true);
          expect(value.endsWith('Z'), `${path}: ${value}`).toBe(true);
        }
        expect(docs[path].text, path).not.toMatch(/\d{2}:\d{2}(\.\d+)?[+-]\d{4}"/);
      }
      expect(count).toBeGreaterThan(100);
    });
  });

  describe('status.json', () => {
    it('ranks an unresolved major incident above maintenance and degraded components', () => {
      // Internal incident I is critical: a leak would make this "critical".
      expect(docs['status.json'].json.status).toEqual({
        indicator: 'major',
        description: 'Partial System Outage',
      });
    });
  });

  describe('internal data', () => {
    it('never appears in any v2 document', async () => {
      const texts = DOCUMENT_PATHS.map((path) => docs[path].text);
      for (const incidentId of [id.A, id.B, id.C]) {
        texts.push((await getV2(h, `incidents/${incidentId}.json`)).text);
      }
      const secrets = [
        h.ids.deploys,
        opsGroupId,
        id.I,
        id.Bnote,
        id.Mint,
        'INTERNAL-ONLY',
        'Deploys',
        '"Ops"',
      ];
      expect(secrets.every((s) => typeof s === 'string' && s.length > 0)).toBe(true);
      for (const text of texts) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
      // B's internal note is dropped from its timeline, not blanked.
      expect(find(incidents, id.B ?? '').incident_updates.map((u) => u.id)).toEqual([
        id.B2,
        expect.any(String),
      ]);
    });

    it('answers 404 for an internal incident', async () => {
      const answer = await h.request('GET', `/api/v2/incidents/${id.I}.json`, undefined, '');
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain('INTERNAL-ONLY');
      const control = await h.request('GET', `/api/v2/incidents/${id.A}.json`, undefined, '');
      expect(control.status).toBe(200);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// status.json indicator/description pairs
// ---------------------------------------------------------------------------------------------

describe('status.json indicator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness();
  });
  afterAll(() => h?.close());

  async function status() {
    const answer = await getV2(h, 'status.json');
    expectKeyOrder(answer.json, DOCUMENT_KEYS['status.json'], 'status.json');
    const parsed = contract('Etc/UTC').status.parse(answer.json).status;
    const inSummary = (await getV2(h, 'summary.json')).json.status;
    expect(inSummary, 'summary.json carries the same status').toEqual(parsed);
    return parsed;
  }
  const write = async (method: 'POST' | 'PATCH', path: string, body: unknown) => {
    h.clock.advance(60_000);
    return send(h, method, path, body);
  };

  it('follows components, unresolved impacts and running maintenance', async () => {
    // Nothing happening: the empty lists are [], not null or absent.
    expect(await status()).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    const empty = contract('Etc/UTC').summary.parse((await getV2(h, 'summary.json')).json);
    expect(empty.incidents).toEqual([]);
    expect(empty.scheduled_maintenances).toEqual([]);
    for (const path of DOCUMENT_PATHS) {
      const answer = await getV2(h, path);
      for (const key of ['incidents', 'scheduled_maintenances'] as const) {
        if (key in answer.json) expect(answer.json[key], `${path} ${key}`).toEqual([]);
      }
    }

    // A maintenance in progress and nothing worse. (The description is the commonly reported
    // Statuspage text; no real capture of it was available when this was written.)
    const now = h.clock.now().getTime();
    const maintenance = await write('POST', '/api/v1/maintenances', {
      title: 'Website window',
      body: 'Scheduled',
      scheduled_for: new Date(now + 120_000).toISOString(),
      scheduled_until: new Date(now + 3_720_000).toISOString(),
      components: [h.ids.web],
    });
    expect((await status()).indicator, 'scheduled only').toBe('none');
    await write('PATCH', `/api/v1/maintenances/${maintenance}`, { status: 'in_progress' });
    expect(await status()).toEqual({
      indicator: 'maintenance',
      description: 'Service Under Maintenance',
    });
    await write('PATCH', `/api/v1/maintenances/${maintenance}`, { status: 'completed' });
    expect((await status()).indicator).toBe('none');

    // A degraded component: Instructure's real pair.
    await write('PATCH', `/api/v1/components/${h.ids.api}`, { status: 'degraded_performance' });
    expect(await status()).toEqual({
      indicator: 'minor',
      description: 'Partially Degraded Service',
    });

    // An unresolved critical incident outranks the degraded component.
    const incident = await write('POST', '/api/v1/incidents', {
      title: 'Everything is down',
      status: 'investigating',
      body: 'Investigating',
      impact: 'critical',
    });
    expect(await status()).toEqual({ indicator: 'critical', description: 'Major Service Outage' });

    // Once resolved it no longer counts; the component sets the indicator again.
    await write('POST', `/api/v1/incidents/${incident}/updates`, {
      status: 'resolved',
      body: 'Resolved',
    });
    expect((await status()).indicator).toBe('minor');
    await write('PATCH', `/api/v1/components/${h.ids.api}`, { status: 'operational' });
    expect((await status()).indicator).toBe('none');
  });
});

// ---------------------------------------------------------------------------------------------
// A page in America/Denver: offsets with a colon, and the one in force at each instant
// ---------------------------------------------------------------------------------------------

describe('Statuspage v2 timestamps on an America/Denver page', () => {
  const zone = 'America/Denver';
  const c = contract(zone);
  let h: Harness;
  let incidentId: string;
  let maintenanceId: string;
  let docs: Record<DocumentPath, Answer>;

  beforeAll(async () => {
    // Summer (MDT, -06:00), then winter (MST, -07:00); odd milliseconds on purpose.
    const clock = testClock(new Date('2026-06-01T12:00:00.123Z'));
    h = await makeHarness({ clock, content: testContent({ timeZone: zone }) });
    clock.advance(60_000);
    incidentId = await send(h, 'POST', '/api/v1/incidents', {
      title: 'Summer incident',
      status: 'investigating',
      body: 'Investigating',
      impact: 'minor',
      components: { [h.ids.api]: 'degraded_performance' },
    });
    clock.set(new Date('2026-11-20T10:00:00.456Z'));
    await send(h, 'POST', `/api/v1/incidents/${incidentId}/updates`, {
      status: 'resolved',
      body: 'Resolved',
    });
    clock.advance(60_000);
    maintenanceId = await send(h, 'POST', '/api/v1/maintenances', {
      title: 'Winter window',
      body: 'Scheduled',
      scheduled_for: '2026-12-01T17:00:00.000Z',
      scheduled_until: '2026-12-01T19:30:00.000Z',
      components: [h.ids.web],
    });
    docs = await getAll(h);
  });
  afterAll(() => h?.close());

  it('writes every timestamp in page time with a ±HH:MM offset, never Z or ±HHMM', () => {
    let count = 0;
    const offsets = new Set<string>();
    for (const path of DOCUMENT_PATHS) {
      const document = docs[path].json;
      expectKeyOrder(document, DOCUMENT_KEYS[path], path);
      expect(document.page.time_zone).toBe(zone);
      for (const value of timestampsIn(document)) {
        count += 1;
        expect(c.timestamp.safeParse(value).success, `${path}: ${value}`).toBe(true);
        offsets.add(value.slice(-6));
      }
      expect(docs[path].text, path).not.toMatch(/\d{2}:\d{2}(\.\d+)?[+-]\d{4}"/);
      expect(docs[path].text, path).not.toMatch(/\d{2}:\d{2}\.\d{3}Z"/);
    }
    expect(count).toBeGreaterThan(20);
    expect([...offsets].sort()).toEqual(['-06:00', '-07:00']);
  });

  it('converts each instant to the wall-clock time of its season', () => {
    const summary = c.summary.parse(docs['summary.json'].json);
    expect(summary.page.updated_at).toBe('2026-11-20T03:01:00.456-07:00');
    const incident = find(c.incidents.parse(docs['incidents.json'].json).incidents, incidentId);
    expect(incident.created_at).toBe('2026-06-01T06:01:00.123-06:00');
    expect(incident.resolved_at).toBe('2026-11-20T03:00:00.456-07:00');
    expect(incident.incident_updates.map((u) => u.display_at)).toEqual([
      '2026-11-20T03:00:00.456-07:00',
      '2026-06-01T06:01:00.123-06:00',
    ]);
    const api = find(summary.components, h.ids.api);
    expect(api.created_at).toBe('2026-06-01T06:00:00.123-06:00');
    expect(api.updated_at).toBe('2026-11-20T03:00:00.456-07:00');
    const maintenance = find(summary.scheduled_maintenances, maintenanceId);
    expect(maintenance.scheduled_for).toBe('2026-12-01T10:00:00.000-07:00');
    expect(maintenance.scheduled_until).toBe('2026-12-01T12:30:00.000-07:00');
  });
});
