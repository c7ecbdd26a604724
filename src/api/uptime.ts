import { Hono } from 'hono';
import { downtimeWeight } from '#domain/uptime.ts';
import { loadPublicIntervals } from '#services/read/load-uptime.ts';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

// A public component's status history as intervals, for people who compute their own figures.

const csvField = (value: string) =>
  /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export const uptimeRouter = new Hono<AppEnv>().get(
  '/components/:file{[a-z0-9]+/intervals\\.(json|csv)}',
  async (c) => {
    const [id, name] = c.req.param('file').split('/') as [string, string];
    const found = await loadPublicIntervals(c.get('candor').db, id);
    if (!found) return problem(404, `No public component with id ${JSON.stringify(id)}.`);
    const rows = found.intervals.map((interval) => ({
      status: interval.status,
      started_at: interval.startedAt.toISOString(),
      ended_at: interval.endedAt?.toISOString() ?? null,
      downtime_weight: downtimeWeight[interval.status],
    }));
    const headers = { 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' };
    if (name.endsWith('.json')) {
      return c.json({ component: found.component, intervals: rows }, 200, headers);
    }
    const lines = [
      'component_id,component_name,status,started_at,ended_at,downtime_weight',
      ...rows.map((row) =>
        [
          id,
          csvField(found.component.name),
          row.status,
          row.started_at,
          row.ended_at ?? '',
          row.downtime_weight,
        ].join(','),
      ),
    ];
    return c.body(`${lines.join('\r\n')}\r\n`, 200, {
      ...headers,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${id}-intervals.csv"`,
    });
  },
);
