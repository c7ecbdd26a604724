// Generates the scale data set of the performance targets: 500 components in 25 groups,
// 1,000,000 status-history rows with their daily rollups, 100,000 incidents (2-4 updates each),
// 2,000 maintenances and 100,000 subscribers, spread over five years.
//
//   npm run bench:data                          writes data/scale.db
//   npm run bench:data -- --out PATH --force    another file; --force replaces an existing one
//   npm run bench:data -- --scale 0.05          a smaller set, for trying things out
//   npm run bench:data -- --seed 7              other (still reproducible) content
//
// The schema, settings and the content/ catalogue come from the start-up code itself
// (openCandor); everything else is written with multi-row INSERTs in large transactions, which
// the services (one row at a time, with audit rows) would take hours to do. The data is
// consistent the way the services keep it: every past incident and maintenance covers an outage
// or maintenance interval of its first component's status history, each component's last
// interval is open and matches its status, and the rollups are what rebuild-rollups.ts computes
// (a sample is checked against addInterval before the script ends; the rollup_time_zone setting
// stays, so start-up does not rebuild them). Generated groups and components have no
// content_key: the content sync finds rows by key only, so it leaves them alone.
// Rows are written in time order, as a database that grew for years holds them: row ids follow
// time, which decides how scattered a read of a recent window is.
import { existsSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Client, createClient, type InStatement } from '@libsql/client';
import { loadConfig } from '#config';
import type { ComponentStatus, IncidentStatus, Severity } from '#domain/enums.ts';
import { componentStatuses, incidentTypes } from '#domain/enums.ts';
import { defaultNextUpdateAt } from '#domain/lifecycle.ts';
import { impactFromSeverity } from '#domain/status.ts';
import { addDays, dateInZone, startOfDayInZone } from '#domain/time.ts';
import { addInterval, type DayFigure, downtimeWeight } from '#domain/uptime.ts';
import { newId } from '#lib/ids.ts';
import { openCandor } from '#services/open.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const year = 365.25 * day;

// ---------------------------------------------------------------------------------------------
// Options and sizes

const { values: options } = parseArgs({
  options: {
    out: { type: 'string', default: 'data/scale.db' },
    force: { type: 'boolean', default: false },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});

const scale = Number(options.scale);
if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');

const groupNames = [
  'Compute',
  'Block storage',
  'Object storage',
  'Managed PostgreSQL',
  'Managed Redis',
  'Kubernetes',
  'Load balancers',
  'DNS',
  'CDN',
  'Identity and access',
  'Billing',
  'Message queues',
  'Search',
  'Metrics',
  'Logging',
  'Serverless functions',
  'Container registry',
  'Private networking',
  'Email delivery',
  'Machine learning',
  'Data warehouse',
  'Backups',
  // The last three are internal: only signed-in people see them.
  'Support tooling',
  'Build and release',
  'Corporate IT',
];
const internalGroups = 3;
const regions = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'eu-south-1',
  'me-south-1',
  'af-south-1',
  'ap-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
];

const componentsPerGroup = Math.max(2, Math.round(regions.length * scale));
const componentCount = groupNames.length * componentsPerGroup;
const sizes = {
  /** Status intervals per generated component: 500 × 2,000 = 1,000,000 at full scale. */
  historyPerComponent: Math.max(3, Math.round((1_000_000 * scale) / componentCount)),
  incidents: Math.round(100_000 * scale),
  maintenances: Math.round(2_000 * scale),
  subscribers: Math.round(100_000 * scale),
  /** Incidents still open now; the rest are resolved. */
  openIncidents: 6,
  upcomingMaintenances: 3,
};

// ---------------------------------------------------------------------------------------------
// Seeded randomness: the same seed gives the same data set (ids aside, which newId() draws).

function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = mulberry32(Number(options.seed));
const between = (low: number, high: number) => low + random() * (high - low);
const integer = (low: number, high: number) => Math.floor(between(low, high + 1));
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
/** An exponentially distributed duration: many short ones, a few long ones. */
const exponential = (mean: number) => -mean * Math.log(1 - random());
function weighted<T>(choices: readonly (readonly [T, number])[]): T {
  let roll = random() * choices.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (choices.at(-1) as readonly [T, number])[0];
}

// ---------------------------------------------------------------------------------------------
// Bulk writing

type Value = string | number | null;

/**
 * Buffers the rows of one table and writes them as multi-row INSERTs (prepared with `?`
 * placeholders), many statements to one transaction: the per-row costs of the driver and of
 * committing are what make row-by-row inserts slow.
 */
function tableWriter(client: Client, table: string, columns: readonly string[]) {
  // SQLite allows 32,766 parameters per statement; 500 rows keeps statements a sensible size.
  const rowsPerStatement = Math.min(500, Math.floor(30_000 / columns.length));
  const rowsPerTransaction = 50_000;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const insert = (rows: number) =>
    `INSERT INTO ${table} (${columns.join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}`;
  const fullInsert = insert(rowsPerStatement);
  let statements: InStatement[] = [];
  let args: Value[] = [];
  let pending = 0;
  let written = 0;

  const closeStatement = () => {
    const rows = args.length / columns.length;
    if (rows === 0) return;
    statements.push({ sql: rows === rowsPerStatement ? fullInsert : insert(rows), args });
    args = [];
  };
  const flush = async () => {
    closeStatement();
    if (statements.length > 0) await client.batch(statements, 'write');
    // The driver frees a statement's native memory in a finalizer that runs only when the event
    // loop turns; without this, a million rows keep gigabytes of spent statements.
    await new Promise((resolve) => setImmediate(resolve));
    written += pending;
    statements = [];
    pending = 0;
  };
  return {
    add(row: readonly Value[]) {
      args.push(...row);
      pending += 1;
      if (args.length === rowsPerStatement * columns.length) closeStatement();
    },
    /** Whether a transaction's worth is buffered. */
    get full() {
      return pending >= rowsPerTransaction;
    },
    flush,
    async finish() {
      await flush();
      return written;
    },
  };
}
type Writer = ReturnType<typeof tableWriter>;

/**
 * Writes all of related tables' buffers, parents first, once any of them is full: a child row
 * must not reach the database before the row it refers to.
 */
async function flushWhenFull(...writers: Writer[]) {
  if (writers.some((writer) => writer.full)) {
    for (const writer of writers) await writer.flush();
  }
}

const bool = (value: boolean) => (value ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// The site's calendar, so that intervals split into days without Intl (the 1,000,000 calls
// that addInterval makes would take half a minute). The result is checked against addInterval.

interface Calendar {
  days: string[];
  /** starts[i]: the instant days[i] begins in the zone; one more entry closes the last day. */
  starts: Float64Array;
}

function calendarOf(from: number, to: number, zone: string): Calendar {
  const days: string[] = [];
  for (let d = dateInZone(new Date(from), zone); ; d = addDays(d, 1)) {
    days.push(d);
    if (startOfDayInZone(d, zone).getTime() > to) break;
  }
  const starts = Float64Array.from([...days, addDays(days.at(-1) as string, 1)], (d) =>
    startOfDayInZone(d, zone).getTime(),
  );
  return { days, starts };
}

/** The index of the day `at` falls on: the last start at or before it. */
function dayIndex(calendar: Calendar, at: number): number {
  let low = 0;
  let high = calendar.days.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((calendar.starts[middle] as number) <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}

const rank = (status: ComponentStatus) => componentStatuses.indexOf(status);

/**
 * Every component's daily figures, summed the way addInterval sums them (intervals in the same
 * order, so the floating-point sums are the same too). One row of the matrix per component.
 */
function dailyTotals(calendar: Calendar, componentCount: number) {
  const count = calendar.days.length;
  const worst = new Int8Array(componentCount * count).fill(-1);
  const downtime = new Float64Array(componentCount * count);
  const observed = new Float64Array(componentCount * count);
  return {
    add(component: number, status: ComponentStatus, start: number, end: number) {
      let index = dayIndex(calendar, start);
      let from = start;
      while (from < end) {
        const dayEnd = Math.min(calendar.starts[index + 1] as number, end);
        if (dayEnd > from) {
          const at = component * count + index;
          worst[at] = Math.max(worst[at] as number, rank(status));
          downtime[at] = (downtime[at] as number) + (dayEnd - from) * downtimeWeight[status];
          observed[at] = (observed[at] as number) + (dayEnd - from);
        }
        from = Math.max(from, dayEnd);
        index += 1;
      }
    },
    /** The rollup row of one component and day, or null for a day it did not exist. */
    row(component: number, dayIndex: number) {
      const at = component * count + dayIndex;
      const status = componentStatuses[worst[at] as number];
      if (!status) return null;
      return {
        day: calendar.days[dayIndex] as string,
        worst: status,
        downtimeMs: Math.round(downtime[at] as number),
        observedMs: observed[at] as number,
      };
    },
  };
}
type Totals = ReturnType<typeof dailyTotals>;

// ---------------------------------------------------------------------------------------------
// The catalogue

interface Component {
  id: string;
  name: string;
  region: string;
  groupIndex: number;
  audience: 'public' | 'internal';
  createdAt: number;
  status: ComponentStatus;
  /** When the current status began, if an open incident set it. */
  openSince: number | null;
}

function makeCatalogue(now: number) {
  const groups = groupNames.map((name, index) => ({
    id: newId(),
    name,
    audience: index >= groupNames.length - internalGroups ? 'internal' : 'public',
    // After the content/ catalogue's groups and components (positions 1-5).
    position: 10 + index,
  }));
  const components: Component[] = [];
  groups.forEach((group, groupIndex) => {
    for (const region of regions.slice(0, componentsPerGroup)) {
      const internal = group.audience === 'internal' || random() < 0.03;
      // Most have existed for the whole five years; some came later.
      const age = random() < 0.8 ? 5 * year : between(0.5 * year, 5 * year);
      components.push({
        id: newId(),
        name: `${group.name} (${region})`,
        region,
        groupIndex,
        audience: internal ? 'internal' : 'public',
        createdAt: Math.round(now - age),
        status: 'operational',
        openSince: null,
      });
    }
  });
  return { groups, components };
}

// ---------------------------------------------------------------------------------------------
// Status history

const outageStatuses = [
  ['degraded_performance', 50],
  ['partial_outage', 25],
  ['major_outage', 8],
  ['under_maintenance', 17],
] as const;

/** Statuses for `count` intervals: first and last operational, never one twice in a row. */
function statusSequence(count: number): ComponentStatus[] {
  const statuses: ComponentStatus[] = ['operational'];
  while (statuses.length < count) {
    const remaining = count - statuses.length;
    // An outage is one status, or degraded then worse; operational again after it. The choice
    // is forced near the end so that exactly `count` come out.
    const twoSteps = remaining === 3 || (remaining > 4 && random() < 0.15);
    if (twoSteps) statuses.push('degraded_performance', pick(['partial_outage', 'major_outage']));
    else statuses.push(weighted(outageStatuses));
    statuses.push('operational');
  }
  return statuses;
}

/**
 * Times for a status sequence over [from, to): outages last minutes to hours, the operational
 * stretches share the rest. Returns count + 1 boundaries; the last one is `to`.
 */
function boundaries(statuses: readonly ComponentStatus[], from: number, to: number): number[] {
  const lengths = statuses.map((status) =>
    status === 'operational' ? 0 : Math.min(8 * hour, 2 * minute + exponential(40 * minute)),
  );
  const outageTotal = lengths.reduce((sum, ms) => sum + ms, 0);
  // Components that are young hold as many intervals in less time: squeeze their outages.
  const squeeze = Math.min(1, (0.3 * (to - from)) / outageTotal);
  const weights = statuses.map((status) => (status === 'operational' ? exponential(1) : 0));
  const weightTotal = weights.reduce((sum, w) => sum + w, 0);
  const operationalCount = statuses.filter((status) => status === 'operational').length;
  const spare = to - from - outageTotal * squeeze - operationalCount * minute;
  const result = [from];
  let at = from;
  statuses.forEach((status, i) => {
    at +=
      status === 'operational'
        ? minute + (spare * (weights[i] as number)) / weightTotal
        : (lengths[i] as number) * squeeze;
    result.push(Math.round(at));
  });
  result[result.length - 1] = to;
  return result;
}

/** Outages (and maintenance windows) recorded while writing the history, to hang events on. */
function episodeStore(capacity: number) {
  const component = new Int32Array(capacity);
  const start = new Float64Array(capacity);
  const end = new Float64Array(capacity);
  const worst = new Int8Array(capacity);
  const used = new Uint8Array(capacity);
  let size = 0;
  return {
    component,
    start,
    end,
    worst,
    get size() {
      return size;
    },
    add(componentIndex: number, from: number, to: number, status: ComponentStatus) {
      component[size] = componentIndex;
      start[size] = from;
      end[size] = to;
      worst[size] = rank(status);
      size += 1;
    },
    /** A random candidate not yet claimed; a claimed one when fifty tries find none free. */
    claim(candidates: Int32Array): number {
      if (candidates.length === 0) throw new Error('No episode to hang an event on.');
      let episode = 0;
      for (let attempt = 0; attempt < 50; attempt++) {
        episode = candidates[Math.floor(random() * candidates.length)] as number;
        if (!used[episode]) break;
      }
      used[episode] = 1;
      return episode;
    },
  };
}
type Episodes = ReturnType<typeof episodeStore>;

/** Every generated status interval, kept compactly in memory until it is written. */
function intervalStore(capacity: number) {
  return {
    component: new Uint16Array(capacity),
    status: new Int8Array(capacity),
    start: new Float64Array(capacity),
    /** NaN while open. */
    end: new Float64Array(capacity),
    size: 0,
  };
}
type Intervals = ReturnType<typeof intervalStore>;

/**
 * Generates every component's status history, its daily figures and its outages (to hang
 * incidents and maintenances on). Nothing is written yet: see writeHistory.
 */
function generateHistory(components: readonly Component[], calendar: Calendar, now: number) {
  const intervals = intervalStore(components.length * sizes.historyPerComponent);
  const totals = dailyTotals(calendar, components.length);
  const episodes = episodeStore(components.length * sizes.historyPerComponent);
  for (const [index, component] of components.entries()) {
    // A component an open incident holds ends with that status, open since the incident began.
    const statuses = statusSequence(
      sizes.historyPerComponent - (component.openSince === null ? 0 : 1),
    );
    const times = boundaries(statuses, component.createdAt, component.openSince ?? now);
    if (component.openSince !== null) {
      statuses.push(component.status);
      times.push(now);
    }
    let outageStart = 0;
    let outageWorst: ComponentStatus = 'operational';
    statuses.forEach((status, i) => {
      const start = times[i] as number;
      const open = i === statuses.length - 1;
      const end = open ? Number.NaN : (times[i + 1] as number);
      const at = intervals.size++;
      intervals.component[at] = index;
      intervals.status[at] = rank(status);
      intervals.start[at] = start;
      intervals.end[at] = end;
      if (!open) totals.add(index, status, start, end);
      if (status !== 'operational' && outageWorst === 'operational') outageStart = start;
      if (status !== 'operational' && rank(status) > rank(outageWorst)) outageWorst = status;
      if (status === 'operational' && outageWorst !== 'operational') {
        episodes.add(index, outageStart, start, outageWorst);
        outageWorst = 'operational';
      }
    });
  }
  return { intervals, totals, episodes };
}

/**
 * Writes the history in the order the product writes it: a row when its interval begins, so
 * row ids follow time across all components, as they do in a database that grew for years.
 * (Written component by component instead, a day's rows would lie scattered over the file and
 * every read of a recent window would pay for that.)
 */
async function writeHistory(
  client: Client,
  components: readonly Component[],
  intervals: Intervals,
) {
  const history = tableWriter(client, 'component_status_history', [
    'component_id',
    'status',
    'started_at',
    'ended_at',
  ]);
  const order = Uint32Array.from({ length: intervals.size }, (_, i) => i).sort(
    (a, b) => (intervals.start[a] as number) - (intervals.start[b] as number) || a - b,
  );
  for (const at of order) {
    const end = intervals.end[at] as number;
    history.add([
      (components[intervals.component[at] as number] as Component).id,
      componentStatuses[intervals.status[at] as number] as ComponentStatus,
      intervals.start[at] as number,
      Number.isNaN(end) ? null : end,
    ]);
    await flushWhenFull(history);
  }
  return history.finish();
}

/** Writes the rollup day by day, as closing intervals add each day's rows in turn. */
async function writeRollups(
  client: Client,
  components: readonly Component[],
  calendar: Calendar,
  totals: Totals,
) {
  const rollups = tableWriter(client, 'component_daily_rollup', [
    'component_id',
    'day',
    'worst_status',
    'downtime_ms',
    'observed_ms',
  ]);
  for (let d = 0; d < calendar.days.length; d++) {
    for (const [index, component] of components.entries()) {
      const row = totals.row(index, d);
      if (row) rollups.add([component.id, row.day, row.worst, row.downtimeMs, row.observedMs]);
    }
    await flushWhenFull(rollups);
  }
  return rollups.finish();
}

// ---------------------------------------------------------------------------------------------
// Incidents

const severityFor: Record<string, readonly (readonly [Severity, number])[]> = {
  major_outage: [
    ['sev1', 50],
    ['sev2', 50],
  ],
  partial_outage: [
    ['sev2', 40],
    ['sev3', 60],
  ],
  degraded_performance: [
    ['sev3', 50],
    ['sev4', 35],
    ['sev5', 15],
  ],
};
const titles: Record<string, readonly ((name: string) => string)[]> = {
  major_outage: [(n) => `${n} is unavailable`, (n) => `Outage of ${n}`],
  partial_outage: [(n) => `Elevated error rates for ${n}`, (n) => `Some requests to ${n} fail`],
  degraded_performance: [
    (n) => `Slow responses from ${n}`,
    (n) => `Degraded performance of ${n}`,
    (n) => `Delays in ${n}`,
  ],
};
const causes = [
  'a faulty configuration change',
  'an overloaded database replica',
  'a failing network switch',
  'an expired TLS certificate',
  'a bad deploy, which is being rolled back',
  'an outage at an upstream provider',
  'a full disk on a storage node',
];
const people = ['Ana Lima', 'Ben Okafor', 'Chen Wei', 'Dana Novak', 'Eli Cohen', 'Fatima Zahra'];
const authors = ['bootstrap', 'token:pagerduty', 'token:oncall', 'user:ops-lead'];
/** Severities whose first and last public updates email subscribers. */
const notifying = new Set<Severity>(['sev1', 'sev2', 'sev3']);
const statusPaths: readonly (readonly IncidentStatus[])[] = [
  ['investigating', 'resolved'],
  ['investigating', 'monitoring', 'resolved'],
  ['identified', 'monitoring', 'resolved'],
  ['investigating', 'identified', 'monitoring', 'resolved'],
];

function updateBody(status: IncidentStatus, name: string): string {
  switch (status) {
    case 'investigating':
      return `We are investigating **elevated error rates** for ${name}. Some requests may fail or time out.`;
    case 'identified':
      return `The cause has been identified: ${pick(causes)}. A fix is being rolled out.`;
    case 'monitoring':
      return 'A fix has been applied and we are monitoring the results.';
    case 'resolved':
      return `This incident has been resolved. ${name} is operating normally.\n\nWe are sorry for the disruption.`;
  }
}

/** Other components of the same group, for incidents that hit several regions. */
function companions(components: readonly Component[], first: number, audience: string): number[] {
  const extra = weighted([
    [0, 70],
    [1, 20],
    [2, 10],
  ] as const);
  // Components are stored group by group, componentsPerGroup each.
  const groupStart = first - (first % componentsPerGroup);
  const found = new Set<number>();
  for (let attempt = 0; attempt < 10 && found.size < extra; attempt++) {
    const candidate = groupStart + integer(0, componentsPerGroup - 1);
    const c = components[candidate];
    if (candidate !== first && c && (audience === 'internal' || c.audience === 'public')) {
      found.add(candidate);
    }
  }
  return [first, ...found];
}

interface IncidentPlan {
  audience: 'public' | 'internal';
  linked: number[];
  /** The status it gave its components. */
  effect: ComponentStatus;
  startedAt: number;
  /** Null while open. */
  resolvedAt: number | null;
  statuses: readonly IncidentStatus[];
  /** When each update was shown. */
  times: number[];
}

function incidentWriters(client: Client) {
  return {
    incidents: tableWriter(client, 'incidents', [
      'id',
      'title',
      'status',
      'impact',
      'impact_overridden',
      'severity',
      'type',
      'audience',
      'started_at',
      'detected_at',
      'acknowledged_at',
      'monitoring_at',
      'resolved_at',
      'next_update_at',
      'incident_commander',
      'comms_lead',
      'technical_lead',
      'customers_affected',
      'business_impact',
      'created_at',
      'updated_at',
    ]),
    updates: tableWriter(client, 'incident_updates', [
      'id',
      'incident_id',
      'status',
      'body',
      'audience',
      'notify',
      'component_changes',
      'next_update_at',
      'author',
      'display_at',
      'created_at',
      'updated_at',
    ]),
    links: tableWriter(client, 'incident_components', ['incident_id', 'component_id']),
  };
}
type IncidentWriters = ReturnType<typeof incidentWriters>;

/** Writes one incident with its updates and components, as the services would have left it. */
function addIncident(
  writers: IncidentWriters,
  components: readonly Component[],
  plan: IncidentPlan,
) {
  const id = newId();
  const first = components[plan.linked[0] as number] as Component;
  const severity = weighted(severityFor[plan.effect] ?? severityFor.degraded_performance ?? []);
  const overridden = random() < 0.08;
  const impact = overridden
    ? pick(['none', 'minor', 'major', 'critical'] as const)
    : impactFromSeverity(severity);
  const status = plan.statuses.at(-1) as IncidentStatus;
  const lastShown = plan.times.at(-1) as number;
  const detectedAt = plan.times[0] as number;
  const monitoringAt = plan.times[plan.statuses.indexOf('monitoring')] ?? null;
  const serious = severity === 'sev1' || severity === 'sev2';
  const staffed = serious || random() < 0.4;
  writers.incidents.add([
    id,
    pick(titles[plan.effect] ?? [])(first.name),
    status,
    impact,
    bool(overridden),
    severity,
    weighted(incidentTypes.map((type, i) => [type, i < 2 ? 30 : 5] as const)),
    plan.audience,
    plan.startedAt,
    detectedAt,
    Math.min(lastShown, detectedAt + Math.round(between(0, 10 * minute))),
    monitoringAt,
    plan.resolvedAt,
    plan.resolvedAt === null
      ? (defaultNextUpdateAt(severity, status, new Date(lastShown))?.getTime() ?? null)
      : null,
    staffed ? pick(people) : null,
    staffed ? pick(people) : null,
    staffed ? pick(people) : null,
    serious ? integer(10, 5_000) : null,
    severity === 'sev1'
      ? 'Customers in the affected regions cannot deploy or serve traffic.'
      : null,
    detectedAt,
    lastShown,
  ]);
  for (const index of plan.linked) {
    writers.links.add([id, (components[index] as Component).id]);
  }
  const changes = (from: ComponentStatus, to: ComponentStatus) =>
    JSON.stringify(
      plan.linked.map((index) => {
        const component = components[index] as Component;
        return { componentId: component.id, name: component.name, oldStatus: from, newStatus: to };
      }),
    );
  plan.statuses.forEach((updateStatus, i) => {
    const shown = plan.times[i] as number;
    const last = i === plan.statuses.length - 1;
    // Now and then a public incident gets an internal note in between.
    const internalNote = plan.audience === 'public' && i > 0 && !last && random() < 0.1;
    const componentChanges =
      i === 0
        ? changes('operational', plan.effect)
        : updateStatus === 'resolved'
          ? changes(plan.effect, 'operational')
          : '[]';
    writers.updates.add([
      newId(),
      id,
      updateStatus,
      updateBody(updateStatus, first.name),
      internalNote ? 'internal' : plan.audience,
      bool(
        !internalNote && plan.audience === 'public' && (i === 0 || last) && notifying.has(severity),
      ),
      componentChanges,
      defaultNextUpdateAt(severity, updateStatus, new Date(shown))?.getTime() ?? null,
      pick(authors),
      shown,
      shown,
      shown,
    ]);
  });
}

/** Update times from `from` to `to`, in order: the first at `from`, the last at `to`. */
function updateTimes(count: number, from: number, to: number): number[] {
  const middle = Array.from({ length: count - 2 }, () => Math.round(between(from, to))).sort(
    (a, b) => a - b,
  );
  return [from, ...middle, to];
}

/** A resolved incident over one recorded outage of its first component. */
function resolvedPlan(
  components: readonly Component[],
  episodes: Episodes,
  episode: number,
  audience: 'public' | 'internal',
): IncidentPlan {
  const firstIndex = episodes.component[episode] as number;
  const startedAt = episodes.start[episode] as number;
  const resolvedAt = episodes.end[episode] as number;
  const statuses = pick(statusPaths);
  const detectedAt = startedAt + Math.min(between(0, 5 * minute), (resolvedAt - startedAt) / 10);
  return {
    audience,
    linked: companions(components, firstIndex, audience),
    effect: componentStatuses[episodes.worst[episode] as number] as ComponentStatus,
    startedAt,
    resolvedAt,
    statuses,
    times: updateTimes(statuses.length, Math.round(detectedAt), resolvedAt),
  };
}

/** Marks a few components as held by an open incident now; the history is written to match. */
function planOpenIncidents(components: Component[], now: number): IncidentPlan[] {
  const plans: IncidentPlan[] = [];
  for (let i = 0; i < sizes.openIncidents; i++) {
    const audience = i === sizes.openIncidents - 1 ? 'internal' : 'public';
    const candidates = components
      .map((component, index) => ({ component, index }))
      .filter(({ component }) => component.openSince === null && component.audience === audience);
    const { component, index } = pick(candidates);
    const startedAt = Math.round(now - between(15 * minute, 5 * hour));
    const effect = pick(['degraded_performance', 'partial_outage', 'major_outage'] as const);
    component.status = effect;
    component.openSince = startedAt;
    const statuses = pick([
      ['investigating', 'identified'],
      ['investigating', 'monitoring'],
      ['investigating', 'identified', 'monitoring'],
    ] as const);
    plans.push({
      audience,
      linked: [index],
      effect,
      startedAt,
      resolvedAt: null,
      statuses,
      times: updateTimes(statuses.length, startedAt, Math.round(now - between(0, 10 * minute))),
    });
  }
  return plans;
}

async function writeIncidents(
  client: Client,
  components: readonly Component[],
  episodes: Episodes,
  openPlans: readonly IncidentPlan[],
) {
  const writers = incidentWriters(client);
  // Outages (not maintenance) of public and of internal components: an internal incident (one
  // in ten) is about an internal component, a public one about a public component.
  const outagesOf = (audience: string) =>
    Int32Array.from({ length: episodes.size }, (_, i) => i).filter(
      (i) =>
        episodes.worst[i] !== rank('under_maintenance') &&
        components[episodes.component[i] as number]?.audience === audience,
    );
  const pools = { public: outagesOf('public'), internal: outagesOf('internal') };
  const plans = [...openPlans];
  while (plans.length < sizes.incidents) {
    const audience = random() < 0.1 ? 'internal' : 'public';
    plans.push(resolvedPlan(components, episodes, episodes.claim(pools[audience]), audience));
  }
  // In the order they were declared, as the rows of a real database lie.
  plans.sort((a, b) => a.startedAt - b.startedAt);
  for (const plan of plans) {
    addIncident(writers, components, plan);
    await flushWhenFull(writers.incidents, writers.updates, writers.links);
  }
  return {
    incidents: await writers.incidents.finish(),
    updates: await writers.updates.finish(),
    links: await writers.links.finish(),
  };
}

// ---------------------------------------------------------------------------------------------
// Maintenances

async function writeMaintenances(
  client: Client,
  components: readonly Component[],
  episodes: Episodes,
  now: number,
) {
  const rows = tableWriter(client, 'maintenances', [
    'id',
    'title',
    'status',
    'audience',
    'scheduled_for',
    'scheduled_until',
    'auto_transition',
    'notify',
    'started_at',
    'verifying_at',
    'completed_at',
    'created_at',
    'updated_at',
  ]);
  const updates = tableWriter(client, 'maintenance_updates', [
    'id',
    'maintenance_id',
    'status',
    'body',
    'audience',
    'notify',
    'component_changes',
    'author',
    'display_at',
    'created_at',
    'updated_at',
  ]);
  const links = tableWriter(client, 'maintenance_components', [
    'maintenance_id',
    'component_id',
    'prior_status',
  ]);
  const windows = Int32Array.from({ length: episodes.size }, (_, i) => i).filter(
    (i) => episodes.worst[i] === rank('under_maintenance'),
  );
  const add = (window: { start: number; end: number; first: number; done: boolean }) => {
    const id = newId();
    const first = components[window.first] as Component;
    const audience = first.audience === 'internal' || random() < 0.1 ? 'internal' : 'public';
    const linked = companions(components, window.first, audience).map(
      (index) => components[index] as Component,
    );
    const announced = Math.round(window.start - between(2 * day, 7 * day));
    const scheduledUntil = Math.ceil(window.end / (30 * minute)) * 30 * minute;
    const notify = random() < 0.5;
    const changes = (from: ComponentStatus, to: ComponentStatus) =>
      JSON.stringify(
        linked.map((c) => ({ componentId: c.id, name: c.name, oldStatus: from, newStatus: to })),
      );
    const timeline: [string, number, string, string][] = [
      ['scheduled', announced, `Planned maintenance of ${first.name}.`, '[]'],
    ];
    if (window.done) {
      timeline.push(
        [
          'in_progress',
          window.start,
          'The maintenance has begun.',
          changes('operational', 'under_maintenance'),
        ],
        [
          'completed',
          window.end,
          'The maintenance is complete.',
          changes('under_maintenance', 'operational'),
        ],
      );
    }
    rows.add([
      id,
      `Planned maintenance: ${first.name}`,
      window.done ? 'completed' : 'scheduled',
      audience,
      window.start,
      scheduledUntil,
      bool(random() < 0.8),
      bool(notify),
      window.done ? window.start : null,
      null,
      window.done ? window.end : null,
      announced,
      (timeline.at(-1) as [string, number, string, string])[1],
    ]);
    for (const component of linked) {
      links.add([id, component.id, window.done ? 'operational' : null]);
    }
    for (const [status, shown, body, componentChanges] of timeline) {
      updates.add([
        newId(),
        id,
        status,
        body,
        audience,
        bool(notify),
        componentChanges,
        'token:change-calendar',
        shown,
        shown,
        shown,
      ]);
    }
  };
  const done = Array.from({ length: sizes.maintenances }, () => {
    const episode = episodes.claim(windows);
    return {
      start: episodes.start[episode] as number,
      end: episodes.end[episode] as number,
      first: episodes.component[episode] as number,
      done: true,
    };
  });
  // In time order, as they were planned.
  for (const window of done.sort((a, b) => a.start - b.start)) add(window);
  const publicIndexes = components.flatMap((c, i) => (c.audience === 'public' ? [i] : []));
  for (let i = 0; i < sizes.upcomingMaintenances; i++) {
    const start = Math.ceil((now + between(2 * day, 10 * day)) / hour) * hour;
    add({ start, end: start + integer(1, 4) * hour, first: pick(publicIndexes), done: false });
  }
  return {
    maintenances: await rows.finish(),
    updates: await updates.finish(),
    links: await links.finish(),
  };
}

// ---------------------------------------------------------------------------------------------
// Subscribers

const firstNames = ['alex', 'sam', 'maria', 'jon', 'li', 'noor', 'priya', 'tom', 'eva', 'omar'];
const lastNames = ['smith', 'garcia', 'kim', 'muller', 'rossi', 'tanaka', 'silva', 'dubois'];
const domains = ['example.com', 'example.org', 'example.net', 'corp.example', 'mail.example'];

async function writeSubscribers(client: Client, components: readonly Component[], now: number) {
  const writer = tableWriter(client, 'subscribers', [
    'id',
    'email',
    'state',
    'component_ids',
    'source',
    'confirmed_at',
    'confirmation_sent_at',
    'expires_at',
    'left_at',
    'link_version',
    'created_at',
    'updated_at',
  ]);
  const publicIds = components.filter((c) => c.audience === 'public').map((c) => c.id);
  const arrivals = Array.from({ length: sizes.subscribers }, () => {
    const state = weighted([
      ['active', 85],
      ['pending', 3],
      ['unsubscribed', 9],
      ['bounced', 2],
      ['complained', 1],
    ] as const);
    // Pending ones asked within the two days a confirmation link lives.
    const createdAt = Math.round(
      state === 'pending' ? now - between(0, 47 * hour) : now - between(1 * day, 5 * year),
    );
    return { state, createdAt };
  }).sort((a, b) => a.createdAt - b.createdAt);
  for (const [i, { state, createdAt }] of arrivals.entries()) {
    const source = random() < 0.9 ? 'form' : 'import';
    const confirmedAt =
      state === 'pending'
        ? null
        : source === 'import'
          ? createdAt
          : createdAt + integer(1, 60) * minute;
    const changedAt =
      state === 'active' || state === 'pending'
        ? null
        : Math.round(between(confirmedAt ?? createdAt, now));
    const chosen =
      random() < 0.3
        ? JSON.stringify([...new Set(Array.from({ length: integer(1, 5) }, () => pick(publicIds)))])
        : null;
    writer.add([
      newId(),
      `${pick(firstNames)}.${pick(lastNames)}.${i}@${pick(domains)}`,
      state,
      chosen,
      source,
      confirmedAt,
      source === 'form' ? createdAt : null,
      state === 'pending' ? createdAt + 48 * hour : null,
      state === 'unsubscribed' ? changedAt : null,
      state === 'unsubscribed' && random() < 0.5 ? 2 : 1,
      createdAt,
      changedAt ?? confirmedAt ?? createdAt,
    ]);
    await flushWhenFull(writer);
  }
  return { subscribers: await writer.finish() };
}

// ---------------------------------------------------------------------------------------------
// Checks and the run

/** Recomputes a sample of rollups with the product's own addInterval: they must be identical. */
async function checkRollups(client: Client, components: readonly Component[], zone: string) {
  const sample = Array.from({ length: 5 }, () => pick(components));
  let days = 0;
  for (const component of sample) {
    const intervals = await client.execute({
      sql: 'SELECT status, started_at, ended_at FROM component_status_history WHERE component_id = ? AND ended_at IS NOT NULL ORDER BY started_at',
      args: [component.id],
    });
    const expected = new Map<string, DayFigure>();
    for (const row of intervals.rows) {
      addInterval(
        expected,
        row.status as ComponentStatus,
        new Date(Number(row.started_at)),
        new Date(Number(row.ended_at)),
        zone,
      );
    }
    const stored = await client.execute({
      sql: 'SELECT day, worst_status, downtime_ms, observed_ms FROM component_daily_rollup WHERE component_id = ?',
      args: [component.id],
    });
    for (const row of stored.rows) {
      const figure = expected.get(String(row.day));
      const same =
        figure &&
        figure.worst === row.worst_status &&
        Math.round(figure.downtimeMs) === Number(row.downtime_ms) &&
        figure.observedMs === Number(row.observed_ms);
      if (!same)
        throw new Error(`Rollup of ${component.id} on ${row.day} differs from addInterval`);
    }
    if (stored.rows.length !== expected.size) {
      throw new Error(
        `Rollup of ${component.id} has ${stored.rows.length} days, not ${expected.size}`,
      );
    }
    days += expected.size;
  }
  return `${sample.length} components, ${days} days identical to addInterval`;
}

async function writeCatalogue(
  client: Client,
  catalogue: ReturnType<typeof makeCatalogue>,
  zone: string,
  now: number,
) {
  const groups = tableWriter(client, 'component_groups', [
    'id',
    'name',
    'description',
    'audience',
    'position',
    'content_key',
    'created_at',
    'updated_at',
  ]);
  for (const group of catalogue.groups) {
    // No content_key: the content sync looks rows up by key only, so it leaves these alone.
    groups.add([group.id, group.name, null, group.audience, group.position, null, now, now]);
  }
  const components = tableWriter(client, 'components', [
    'id',
    'name',
    'description',
    'group_id',
    'audience',
    'status',
    'position',
    'showcase',
    'only_show_if_degraded',
    'start_date',
    'content_key',
    'created_at',
    'updated_at',
  ]);
  for (const [index, component] of catalogue.components.entries()) {
    components.add([
      component.id,
      component.name,
      random() < 0.5 ? `Served from ${component.region}` : null,
      catalogue.groups[component.groupIndex]?.id ?? null,
      component.audience,
      component.status,
      (index % componentsPerGroup) + 1,
      bool(random() < 0.95),
      bool(random() < 0.02),
      dateInZone(new Date(component.createdAt), zone),
      null,
      component.createdAt,
      component.openSince ?? component.createdAt,
    ]);
  }
  return { groups: await groups.finish(), components: await components.finish() };
}

async function countRows(client: Client, tables: readonly string[]) {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const result = await client.execute(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(result.rows[0]?.n);
  }
  return counts;
}

function prepareOutput(path: string, force: boolean) {
  const files = [path, `${path}-wal`, `${path}-shm`];
  if (existsSync(path) && !force) {
    console.error(`${path} exists: pass --force to replace it.`);
    process.exit(1);
  }
  for (const file of files) rmSync(file, { force: true });
}

async function main() {
  const out = options.out;
  prepareOutput(out, options.force);
  const started = performance.now();
  const step = (label: string, since: number) =>
    console.log(`  ${label.padEnd(34)} ${((performance.now() - since) / 1000).toFixed(1)} s`);

  // Start-up's own code makes the schema, the settings and the content/ catalogue.
  const config = loadConfig({ DATABASE_URL: `file:${out}`, NODE_ENV: 'production' });
  const { candor, database } = await openCandor(config);
  const zone = candor.content.site.time_zone;
  database.close();

  const client = createClient({ url: `file:${out}` });
  // A throwaway file being filled: durability per commit buys nothing here.
  await client.execute('PRAGMA synchronous = OFF');
  await client.execute('PRAGMA foreign_keys = ON');
  try {
    const now = Date.now();
    console.log(`Generating ${out} (scale ${scale}, time zone ${zone})`);
    let t = performance.now();
    const catalogue = makeCatalogue(now);
    const openPlans = planOpenIncidents(catalogue.components, now);
    await writeCatalogue(client, catalogue, zone, now);
    step('groups and components', t);

    t = performance.now();
    const calendar = calendarOf(
      Math.min(...catalogue.components.map((c) => c.createdAt)),
      now,
      zone,
    );
    const { intervals, totals, episodes } = generateHistory(catalogue.components, calendar, now);
    await writeHistory(client, catalogue.components, intervals);
    await writeRollups(client, catalogue.components, calendar, totals);
    step('status history and daily rollups', t);

    t = performance.now();
    await writeIncidents(client, catalogue.components, episodes, openPlans);
    step('incidents, updates, links', t);

    t = performance.now();
    await writeMaintenances(client, catalogue.components, episodes, now);
    await writeSubscribers(client, catalogue.components, now);
    step('maintenances and subscribers', t);

    t = performance.now();
    const checked = await checkRollups(client, catalogue.components, zone);
    step(`rollup check (${checked})`, t);
    // Leave one self-contained file, ready to copy.
    await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');

    const counts = await countRows(client, [
      'component_groups',
      'components',
      'component_status_history',
      'component_daily_rollup',
      'incidents',
      'incident_updates',
      'incident_components',
      'maintenances',
      'maintenance_updates',
      'maintenance_components',
      'subscribers',
    ]);
    console.log('\ntable                        rows');
    for (const [table, n] of Object.entries(counts)) {
      console.log(`${table.padEnd(26)} ${String(n).padStart(9)}`);
    }
    console.log(`\nWrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    client.close();
  }
}

await main();
