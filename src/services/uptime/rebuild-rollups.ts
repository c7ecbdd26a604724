import { asc, eq, isNotNull } from 'drizzle-orm';
import { componentDailyRollup, componentStatusHistory, settings } from '#db/schema/index.ts';
import { addInterval, type DayFigure } from '#domain/uptime.ts';
import type { ServiceContext } from '../context.ts';

const settingKey = 'rollup_time_zone';
const batchSize = 500;

/**
 * Makes sure the daily rollup is counted in the site's time zone. On first start (or when
 * content/site.yaml names another zone) the rollup is rebuilt from the status history, in one
 * transaction; otherwise nothing happens.
 * @returns whether it rebuilt.
 */
export async function ensureRollups(ctx: ServiceContext): Promise<boolean> {
  const rebuilt = await ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(settings).where(eq(settings.key, settingKey));
    if (current?.value === ctx.timeZone) return false;
    await tx.delete(componentDailyRollup);
    const intervals = await tx
      .select()
      .from(componentStatusHistory)
      .where(isNotNull(componentStatusHistory.endedAt))
      .orderBy(asc(componentStatusHistory.componentId), asc(componentStatusHistory.startedAt));
    const byComponent = new Map<string, Map<string, DayFigure>>();
    for (const interval of intervals) {
      const days = byComponent.get(interval.componentId) ?? new Map<string, DayFigure>();
      byComponent.set(interval.componentId, days);
      addInterval(
        days,
        interval.status,
        interval.startedAt,
        interval.endedAt as Date,
        ctx.timeZone,
      );
    }
    const rows = [...byComponent].flatMap(([componentId, days]) =>
      [...days.values()].map((figure) => ({
        componentId,
        day: figure.day,
        worstStatus: figure.worst ?? 'operational',
        downtimeMs: Math.round(figure.downtimeMs),
        observedMs: figure.observedMs,
      })),
    );
    for (let i = 0; i < rows.length; i += batchSize) {
      await tx.insert(componentDailyRollup).values(rows.slice(i, i + batchSize));
    }
    await tx
      .insert(settings)
      .values({ key: settingKey, value: ctx.timeZone })
      .onConflictDoUpdate({ target: settings.key, set: { value: ctx.timeZone } });
    return true;
  });
  if (rebuilt) ctx.changed(['*']);
  return rebuilt;
}
