import type { Database } from '#db/client.ts';
import type { ComponentChange } from '#domain/changes.ts';

/** What every use case needs: the database, the clock, who acts, and how to announce a change. */
export interface ServiceContext {
  db: Database;
  now(): Date;
  /** The site's time zone: status history rolls up into its calendar days. */
  timeZone: string;
  /** Who is acting, for the audit log: "token:<name>", "bootstrap", "content", "scheduler". */
  actor: string;
  /**
   * Called after a write commits, with what it changed that the public can see, so this
   * instance's cached public outputs that show it are dropped before the write returns.
   * An empty list: nothing public changed (an internal note, a subscriber, a user).
   */
  changed(tags: readonly ChangeTag[]): void;
}

/**
 * What a public output depends on, and what a write changes: `status` (anything on the current
 * status: components, incidents, maintenance), `catalogue` (components, their statuses
 * included, and groups), one incident or maintenance by id, or `*` (everything: content, time
 * zone). Reads kept in memory follow them too: the catalogue and the open status intervals are
 * read again only after a `catalogue` change.
 */
export type ChangeTag =
  | 'status'
  | 'catalogue'
  | `incident:${string}`
  | `maintenance:${string}`
  | '*';

/**
 * The tags of a change to one incident or maintenance, when the public can see it, with
 * `catalogue` when it moved a component's status.
 */
export const publicChangeTo = (
  kind: 'incident' | 'maintenance',
  id: string,
  visible: boolean,
  componentChanges: readonly ComponentChange[] = [],
): ChangeTag[] => {
  if (!visible) return [];
  const moved = componentChanges.some((change) => change.oldStatus !== change.newStatus);
  return moved ? ['status', 'catalogue', `${kind}:${id}`] : ['status', `${kind}:${id}`];
};
