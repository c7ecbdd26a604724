import type { Candor } from '#services/candor.ts';
import { remindMaintenance } from '#services/maintenances/remind-maintenance.ts';
import { runDueMaintenance } from '#services/maintenances/run-due-maintenance.ts';

/**
 * Starts and completes maintenance on time, and reminds subscribers before one starts
 * (MAINTENANCE_REMINDER_MINUTES): checks at start (catching up on what came due while no
 * instance ran) and then every `intervalMs`. Safe with several instances on one database.
 * @returns a function that stops it.
 */
export function startMaintenanceScheduler(candor: Candor, intervalMs = 10_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const ctx = candor.context('scheduler');
      const moves = await runDueMaintenance(ctx);
      for (const move of moves) {
        console.log(`maintenance ${move.id}: ${move.from} → ${move.to}`);
      }
      const reminded = await remindMaintenance(ctx, candor.config.maintenanceReminderMinutes);
      for (const id of reminded) console.log(`maintenance ${id}: subscribers reminded`);
    } catch (error) {
      console.error('The maintenance scheduler failed; it will try again:', error);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
