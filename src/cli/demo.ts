// npm run demo: fills data/demo.db with a realistic 140 days of incidents, maintenance and status
// history, through the same services the API uses, then `npm run demo` serves it. The history is
// the same on every run (a seeded sequence), ending at the real present.
import { rmSync } from 'node:fs';
import { loadConfig } from '#config';
import type { ComponentStatus, IncidentStatus, Severity } from '#domain/enums.ts';
import { addIncidentUpdate } from '#services/incidents/add-incident-update.ts';
import { createIncident } from '#services/incidents/create-incident.ts';
import { createMaintenance } from '#services/maintenances/create-maintenance.ts';
import { runDueMaintenance } from '#services/maintenances/run-due-maintenance.ts';
import { openCandor } from '#services/open.ts';
import { listComponents } from '#services/read/load-admin.ts';
import { addActionItem, updateActionItem } from '#services/reviews/action-items.ts';
import { savePostmortem } from '#services/reviews/postmortem.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

interface Step {
  /** Minutes after the incident began. */
  after: number;
  status: IncidentStatus;
  body: string;
  components?: Record<string, ComponentStatus>;
}

interface ScriptedIncident {
  /** Days before now it began, and the hour of day (UTC). */
  daysAgo: number;
  atHour: number;
  title: string;
  severity: Severity;
  type: 'outage' | 'performance' | 'third_party' | 'deployment' | 'infrastructure';
  components: Record<string, ComponentStatus>;
  first: string;
  steps: Step[];
  /** A published postmortem, two days after it began, with its action items. */
  review?: {
    publicBody: string;
    internalBody: string;
    actionItems: { title: string; owner: string; done?: string }[];
  };
}

// Component keys from content/components.yaml.
const incidents: ScriptedIncident[] = [
  {
    daysAgo: 130,
    atHour: 8,
    title: 'Dashboard sign-in loop',
    severity: 'sev3',
    type: 'deployment',
    components: { dashboard: 'partial_outage' },
    first:
      'Some people are sent back to the sign-in page after signing in. The API is not affected.',
    steps: [
      {
        after: 15,
        status: 'identified',
        body: 'A cookie setting in this morning’s release is wrong. We are reverting it.',
      },
      { after: 40, status: 'resolved', body: 'The release is reverted and sign-in works again.' },
    ],
  },
  {
    daysAgo: 84,
    atHour: 14,
    title: 'Elevated error rates on the REST API',
    severity: 'sev2',
    type: 'outage',
    components: { api: 'partial_outage' },
    first:
      'We are investigating elevated 5xx error rates on the REST API. Some requests fail; retries usually succeed.',
    steps: [
      {
        after: 18,
        status: 'identified',
        body: 'A database failover left one API pool pointing at a read replica. We are moving it back.',
      },
      {
        after: 41,
        status: 'monitoring',
        body: 'Error rates are back to normal. We are watching closely.',
        components: { api: 'operational' },
      },
      {
        after: 95,
        status: 'resolved',
        body: 'This incident is resolved. Between 14:00 and 14:41 UTC about 6 % of API requests failed. We are sorry for the disruption; a review will follow.',
      },
    ],
    review: {
      publicBody:
        '## Summary\n\nFor 41 minutes about 6 % of REST API requests failed with a 5xx error. We are sorry: requests you relied on failed, and retries cost you time.\n\n## What happened\n\nA planned database failover left one of our API server pools connected to a read-only replica, so requests that write failed.\n\n## What we are changing\n\n- Failovers now check every pool reconnects to the new primary before they complete.\n- We alert on write errors per pool, not only in total, so one pool cannot hide.',
      internalBody:
        '## Root cause\n\nPool `api-c` cached the old primary address; the failover runbook restarted pools `a` and `b` only.\n\n## What went well\n\nFirst public message in 4 minutes.\n\n## What went badly\n\nThe alert fired on total error rate only after 11 minutes.',
      actionItems: [
        {
          title: 'Failover checks every pool reconnects',
          owner: 'Platform team',
          done: 'Game day on staging: pool c reconnected',
        },
        { title: 'Alert on write errors per pool', owner: 'SRE' },
      ],
    },
  },
  {
    daysAgo: 71,
    atHour: 9,
    title: 'Delayed webhook deliveries',
    severity: 'sev3',
    type: 'performance',
    components: { webhooks: 'degraded_performance' },
    first: 'Webhook deliveries are delayed by up to 15 minutes. No events are lost.',
    steps: [
      {
        after: 25,
        status: 'identified',
        body: 'A queue consumer stalled after a deploy. We are restarting it.',
      },
      {
        after: 70,
        status: 'resolved',
        body: 'The backlog has drained and deliveries are on time again.',
      },
    ],
  },
  {
    daysAgo: 63,
    atHour: 2,
    title: 'Sign-in failures for SSO users',
    severity: 'sev2',
    type: 'third_party',
    components: { auth: 'partial_outage', dashboard: 'degraded_performance' },
    first:
      'Some customers who sign in with SSO see an error. Password sign-in and API tokens work.',
    steps: [
      {
        after: 30,
        status: 'identified',
        body: 'Our identity provider is rejecting a share of assertions. We have opened a case with them.',
      },
      {
        after: 120,
        status: 'monitoring',
        body: 'The provider has rolled back a change. SSO sign-ins are succeeding again.',
        components: { auth: 'operational', dashboard: 'operational' },
      },
      {
        after: 180,
        status: 'resolved',
        body: 'Resolved. SSO sign-ins failed for about 2 hours. We are adding a second signing certificate path so a provider change cannot lock you out again.',
      },
    ],
  },
  {
    daysAgo: 52,
    atHour: 16,
    title: 'Dashboard slow to load',
    severity: 'sev4',
    type: 'performance',
    components: { dashboard: 'degraded_performance' },
    first: 'Dashboard pages take several seconds to load. We are looking into it.',
    steps: [
      {
        after: 35,
        status: 'resolved',
        body: 'A slow query introduced this afternoon has been reverted. Pages load normally.',
      },
    ],
  },
  {
    daysAgo: 45,
    atHour: 11,
    title: 'Object storage unavailable in one region',
    severity: 'sev1',
    type: 'infrastructure',
    components: { storage: 'major_outage', analytics: 'degraded_performance' },
    first:
      'Uploads and downloads fail for buckets in eu-central. Other regions work. We are investigating with priority.',
    steps: [
      {
        after: 12,
        status: 'identified',
        body: 'A storage node cluster lost quorum after a network partition. Engineers are restoring it.',
      },
      {
        after: 35,
        status: 'identified',
        body: 'Quorum is restored on two of three clusters. Reads are recovering.',
        components: { storage: 'partial_outage' },
      },
      {
        after: 64,
        status: 'monitoring',
        body: 'All clusters are healthy and error rates are normal. Analytics reports may lag for another hour.',
        components: { storage: 'operational' },
      },
      {
        after: 150,
        status: 'resolved',
        body: 'Resolved. For 64 minutes, requests to eu-central buckets failed. No data was lost. We apologise: you rely on storage being there, and it was not. The full review will be published here.',
        components: { analytics: 'operational' },
      },
    ],
  },
  {
    daysAgo: 38,
    atHour: 20,
    title: 'Mobile push notifications delayed',
    severity: 'sev4',
    type: 'third_party',
    components: { mobile: 'degraded_performance' },
    first: 'Push notifications reach phones late. The apps themselves work.',
    steps: [
      {
        after: 90,
        status: 'resolved',
        body: 'Our push provider has recovered and notifications arrive on time.',
      },
    ],
  },
  {
    daysAgo: 29,
    atHour: 7,
    title: 'Managed database provisioning failing',
    severity: 'sev3',
    type: 'deployment',
    components: { database: 'partial_outage' },
    first: 'New managed databases stay in "creating". Existing databases are not affected.',
    steps: [
      {
        after: 22,
        status: 'identified',
        body: 'A configuration change broke the provisioning workflow. We are rolling it back.',
      },
      {
        after: 48,
        status: 'resolved',
        body: 'Provisioning works again; databases requested during the incident have been created.',
      },
    ],
  },
  {
    daysAgo: 17,
    atHour: 13,
    title: 'Documentation site unreachable',
    severity: 'sev4',
    type: 'third_party',
    components: { website: 'major_outage' },
    first: 'docs.example.com does not load. The product and the API are not affected.',
    steps: [
      {
        after: 26,
        status: 'resolved',
        body: 'Our CDN provider fixed a routing issue. The documentation is back.',
      },
    ],
  },
  {
    daysAgo: 9,
    atHour: 15,
    title: 'Increased API latency',
    severity: 'sev3',
    type: 'performance',
    components: { api: 'degraded_performance' },
    first: 'API responses are slower than usual (p95 around 2 s).',
    steps: [
      {
        after: 20,
        status: 'identified',
        body: 'One database shard is overloaded by a runaway batch job. We are throttling it.',
      },
      {
        after: 45,
        status: 'monitoring',
        body: 'Latency is back to normal.',
        components: { api: 'operational' },
      },
      {
        after: 90,
        status: 'resolved',
        body: 'Resolved. We have added a limit so batch jobs cannot starve interactive traffic.',
      },
    ],
  },
  {
    daysAgo: 3,
    atHour: 10,
    title: 'Analytics reports delayed',
    severity: 'sev4',
    type: 'infrastructure',
    components: { analytics: 'degraded_performance' },
    first: 'Reports show data up to two hours old. Collection is unaffected; nothing will be lost.',
    steps: [
      {
        after: 140,
        status: 'resolved',
        body: 'The pipeline has caught up and reports are current.',
      },
    ],
  },
];

const maintenances = [
  {
    daysAgo: 58,
    atHour: 1,
    hours: 2,
    title: 'Database cluster upgrade',
    components: ['database'],
    body: 'We will upgrade managed database clusters to the next minor version. Expect brief reconnects.',
  },
  {
    daysAgo: 24,
    atHour: 2,
    hours: 1,
    title: 'Network maintenance in eu-central',
    components: ['storage', 'api'],
    body: 'Our network provider will replace core switches. Brief packet loss is possible.',
  },
  {
    daysAgo: -2,
    atHour: 1,
    hours: 2,
    title: 'Authentication service upgrade',
    components: ['auth'],
    body: 'We will move sign-in to new servers. Sessions stay valid; new sign-ins may be slow for a few minutes.',
  },
];

async function main() {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'file:data/demo.db',
  });
  if (config.databaseUrl.startsWith('file:')) {
    const path = config.databaseUrl.slice('file:'.length);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  }
  const end = Date.now();
  // The catalogue exists from 140 days ago: 90 days of bars, and history reaching a second page.
  let clock = end - 140 * day;
  const { candor, database: handle } = await openCandor(config, { now: () => new Date(clock) });
  const ids = Object.fromEntries(
    (await listComponents(handle.db)).map((c) => [c.contentKey ?? c.id, c.id]),
  );
  const byKey = (statuses: Record<string, ComponentStatus>) =>
    Object.fromEntries(
      Object.entries(statuses).map(([key, status]) => [ids[key] as string, status]),
    );
  const startOf = (daysAgo: number, atHour: number) => {
    const midnight = new Date(end - daysAgo * day);
    midnight.setUTCHours(atHour, 0, 0, 0);
    return midnight.getTime();
  };

  // Every write in time order, so status intervals follow each other as in real life.
  type Event = { at: number; run: () => Promise<unknown> };
  const events: Event[] = [];
  for (const script of incidents) {
    const began = startOf(script.daysAgo, script.atHour);
    let incidentId = '';
    events.push({
      at: began,
      run: async () => {
        ({ id: incidentId } = await createIncident(candor.context('demo'), {
          title: script.title,
          status: 'investigating',
          body: script.first,
          severity: script.severity,
          type: script.type,
          components: byKey(script.components),
          notify: true,
        }));
      },
    });
    const { review } = script;
    if (review) {
      events.push({
        at: began + 2 * day,
        run: async () => {
          const ctx = candor.context('demo');
          await savePostmortem(ctx, incidentId, {
            publicBody: review.publicBody,
            internalBody: review.internalBody,
            published: true,
          });
          for (const item of review.actionItems) {
            const { id } = await addActionItem(ctx, incidentId, {
              title: item.title,
              owner: item.owner,
              priority: 'high',
              dueAt: new Date(began + 30 * day),
            });
            if (item.done)
              await updateActionItem(ctx, id, { status: 'done', verification: item.done });
          }
        },
      });
    }
    for (const step of script.steps) {
      events.push({
        at: began + step.after * minute,
        run: () =>
          addIncidentUpdate(candor.context('demo'), incidentId, {
            status: step.status,
            body: step.body,
            components: step.components ? byKey(step.components) : undefined,
            notify: true,
          }),
      });
    }
  }
  for (const plan of maintenances) {
    const start = startOf(plan.daysAgo, plan.atHour);
    events.push({
      at: start - 5 * day,
      run: () =>
        createMaintenance(candor.context('demo'), {
          title: plan.title,
          body: plan.body,
          scheduledFor: new Date(start),
          scheduledUntil: new Date(start + plan.hours * hour),
          components: plan.components.map((key) => ids[key] as string),
          notify: true,
        }),
    });
    for (const at of [start, start + plan.hours * hour]) {
      events.push({ at, run: () => runDueMaintenance(candor.context('scheduler')) });
    }
  }
  // One incident still open, so the page shows what a live incident looks like.
  let liveId = '';
  events.push({
    at: end - 25 * minute,
    run: async () => {
      ({ id: liveId } = await createIncident(candor.context('demo'), {
        title: 'Delayed webhook deliveries',
        status: 'investigating',
        body: 'Some webhook deliveries are delayed by up to 10 minutes. No events are lost. Next update within the hour.',
        severity: 'sev3',
        type: 'performance',
        components: { [ids.webhooks as string]: 'degraded_performance' },
      }));
    },
  });
  events.push({
    at: end - 8 * minute,
    run: () =>
      addIncidentUpdate(candor.context('demo'), liveId, {
        status: 'identified',
        body: 'A queue partition is lagging after a node restart. We are **rebalancing** consumers.',
      }),
  });

  for (const event of events.filter((e) => e.at <= end).sort((a, b) => a.at - b.at)) {
    clock = event.at;
    await event.run();
  }
  clock = end;
  handle.close();
  console.log(
    `Demo data written to ${config.databaseUrl}: 140 days, ${incidents.length + 1} incidents, ${maintenances.length} maintenances.`,
  );
}

await main();
