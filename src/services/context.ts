import type { Database } from '#db/client.ts';

/** What every use case needs: the database, the clock, who acts, and how to announce a change. */
export interface ServiceContext {
  db: Database;
  now(): Date;
  /** The site's time zone: status history rolls up into its calendar days. */
  timeZone: string;
  /** Who is acting, for the audit log: "token:<name>", "bootstrap", "content", "scheduler". */
  actor: string;
  /** Called after a write commits, so this instance's cached outputs are rebuilt before the
   * write returns. */
  changed(): void;
}
