import { invalidInput } from '../errors.ts';

/** A promised next update must lie ahead: a promise already broken helps nobody. */
export function requireFuture(nextUpdateAt: Date | null | undefined, now: Date): void {
  if (nextUpdateAt && nextUpdateAt.getTime() <= now.getTime()) {
    throw invalidInput(
      'The next update must be promised for a time in the future.',
      'next_update_at',
    );
  }
}
