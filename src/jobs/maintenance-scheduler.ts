import type { Candor } from '#services/candor.ts';
import { runDueMaintenance } from '#services/maintenances/run-due-maintenance.ts';

/**
 * Starts and completes maintenance on time: checks at start (catching up on what came due while
 * no instance ran) and then every `intervalMs`. Safe with several instances on one database.
 * @returns a function that stops it.
 */
export function startMaintenanceScheduler(candor: Candor, intervalMs = 10_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const moves = await runDueMaintenance(candor.context('scheduler'));
      for (const move of moves) {
        console.log(`maintenance ${move.id}: ${move.from} → ${move.to}`);
      }
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
