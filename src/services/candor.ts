import type { Config } from '#config';
import type { Database } from '#db/client.ts';
import type { Content } from './content/load-content.ts';
import type { ServiceContext } from './context.ts';
import { cached } from './read/cached.ts';
import { loadPublicComponentHistory } from './read/load-feed.ts';
import { loadPublicHistory } from './read/load-history.ts';
import {
  loadPublicIncident,
  loadPublicMaintenance,
  loadPublicStatus,
  type SiteInfo,
} from './read/load-public.ts';

/** How stale a cached read may be: bounds what another instance's write takes to show here. */
const readMaxAgeMs = 1_000;

/**
 * The process's one set of services: a database, the site, the cached public read model. The
 * HTTP API, the Astro pages, the CLI and background jobs all use this same object.
 */
export interface Candor {
  config: Config;
  db: Database;
  content: Content;
  site: SiteInfo;
  /** A context for a use case acting as `actor`. */
  context(actor: string): ServiceContext;
  /** Reads for the public audience only. */
  publicReads: {
    status(): ReturnType<typeof loadPublicStatus>;
    incident(id: string): ReturnType<typeof loadPublicIncident>;
    maintenance(id: string): ReturnType<typeof loadPublicMaintenance>;
    /** A public component with the incidents and maintenances that touched it. */
    component(id: string): ReturnType<typeof loadPublicComponentHistory>;
    history(pageNumber: number): ReturnType<typeof loadPublicHistory>;
  };
  now(): Date;
}

export interface CandorOptions {
  config: Config;
  db: Database;
  content: Content;
  pageId: string;
  now?: () => Date;
}

export function createCandor(options: CandorOptions): Candor {
  const { config, db, content } = options;
  const now = options.now ?? (() => new Date());
  const site: SiteInfo = {
    pageId: options.pageId,
    // SITE_URL wins over content's url, so one content folder serves staging and production.
    siteUrl: config.siteUrlConfigured
      ? config.siteUrl
      : (content.site.url?.replace(/\/+$/, '') ?? config.siteUrl),
    site: content.site,
  };
  const status = cached(() => loadPublicStatus(db, site, now()), { maxAgeMs: readMaxAgeMs });
  const changed = () => status.invalidate();
  return {
    config,
    db,
    content,
    site,
    now,
    context: (actor) => ({ db, now, actor, changed, timeZone: content.site.time_zone }),
    publicReads: {
      status: () => status.get(),
      incident: (id) => loadPublicIncident(db, id),
      maintenance: (id) => loadPublicMaintenance(db, id),
      component: (id) => loadPublicComponentHistory(db, id),
      history: (pageNumber) => loadPublicHistory(db, site, pageNumber, now()),
    },
  };
}
