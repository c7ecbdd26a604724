import { sql } from 'drizzle-orm';
import type { Config } from '#config';
import type { Database } from '#db/client.ts';
import { createRateLimiter } from '#lib/rate-limit.ts';
import { type ConsoleActions, type ConsoleReads, consoleActions, consoleReads } from './console.ts';
import type { Content } from './content/load-content.ts';
import type { ChangeTag, ServiceContext } from './context.ts';
import type { EmailSettings } from './email/compose.ts';
import { hasFeedToken, issueFeedToken, revokeFeedToken } from './people/feed-tokens.ts';
import {
  createSignInThrottle,
  type SignedIn,
  type SignInResult,
  sessionUser,
  signIn,
  signOut,
} from './people/sessions.ts';
import { completeSetup, setupTokenValid } from './people/setup.ts';
import { proxyUser } from './people/users.ts';
import { cached } from './read/cached.ts';
import { listAudit } from './read/load-audit.ts';
import { loadPublicComponentHistory } from './read/load-feed.ts';
import { loadPublicHistory } from './read/load-history.ts';
import { loadInternalIncident, loadInternalStatus } from './read/load-internal.ts';
import {
  loadPublicCatalogue,
  loadPublicIncident,
  loadPublicMaintenance,
  loadPublicRecent,
  loadPublicStatus,
  type SiteInfo,
  sitePage,
} from './read/load-public.ts';
import type { SitePage } from './read/public-model.ts';
import { createUptimeStore } from './read/uptime-store.ts';
import {
  changeChoice,
  confirmSubscription,
  leaveByLink,
  readSubscription,
} from './subscribers/manage.ts';
import { subscribe } from './subscribers/subscribe.ts';

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
  /** Whether the database answers a trivial query (readiness, and telling an outage apart). */
  databaseAnswers(): Promise<boolean>;
  /** Announces a change the public can see (writes here call it; so does the change watcher). */
  changed(tags: readonly ChangeTag[]): void;
  /**
   * Calls `listener` with the tags of every change the public can see; returns an unsubscribe.
   * What the listener returns (a promise) is awaited by `settled()`.
   */
  onChange(listener: (tags: readonly ChangeTag[]) => unknown): () => void;
  /** Resolves when what listeners started for the changes so far is done (caches rebuilt). */
  settled(): Promise<void>;
  /** Reads for the public audience only. */
  publicReads: {
    /** The site as every page shows it: no database read, for pages that need nothing more. */
    page(): SitePage;
    status(): ReturnType<typeof loadPublicStatus>;
    /** The latest incidents and maintenances, for the v2 lists and the feeds. */
    recent(): ReturnType<typeof loadPublicRecent>;
    incident(id: string): ReturnType<typeof loadPublicIncident>;
    maintenance(id: string): ReturnType<typeof loadPublicMaintenance>;
    /** A public component with the incidents and maintenances that touched it. */
    component(id: string): ReturnType<typeof loadPublicComponentHistory>;
    history(pageNumber: number): ReturnType<typeof loadPublicHistory>;
  };
  now(): Date;
  /** What composing subscriber email needs (templates, sender, link signing). */
  email: EmailSettings;
  /** Subscriptions per IP address per minute. */
  subscribeLimiter: ReturnType<typeof createRateLimiter>;
  /** Reads for signed-in people: every audience. Never used by a public output. */
  internalReads: {
    status(): ReturnType<typeof loadInternalStatus>;
    incident(id: string): ReturnType<typeof loadInternalIncident>;
  };
  /** What the comms console does, as `actor` ("user:<email>"). Signed-in editors only. */
  console(actor: string): ConsoleActions;
  /** What the comms console reads: every audience. Never used by a public output. */
  consoleReads: ConsoleReads;
  /** Reads for admins only. */
  adminReads: {
    audit(filter: Parameters<typeof listAudit>[1]): ReturnType<typeof listAudit>;
  };
  /** Sign-in for the people who run the page (src/services/people/). */
  people: {
    signIn(input: { email: string; password: string; ip: string }): Promise<SignInResult>;
    sessionUser(token: string): Promise<SignedIn | null>;
    /** The person a trusted authenticating proxy names (created as a viewer when new). */
    proxyUser(email: string): Promise<SignedIn>;
    signOut(token: string): Promise<void>;
    setupValid(token: string): Promise<boolean>;
    issueFeedToken(userId: string): Promise<string>;
    revokeFeedToken(userId: string): Promise<void>;
    hasFeedToken(userId: string): Promise<boolean>;
    completeSetup(
      token: string,
      input: { email: string; name: string; password: string },
    ): Promise<unknown>;
  };
  /** What the public subscription pages do; links are checked against the signing secret. */
  subscriptions: {
    subscribe(input: { email: string; componentIds: string[] | null }): Promise<void>;
    confirm(token: string): Promise<{ email: string }>;
    read(token: string): ReturnType<typeof readSubscription>;
    change(token: string, componentIds: string[] | null): Promise<void>;
    leave(token: string): Promise<{ email: string }>;
  };
}

export interface CandorOptions {
  config: Config;
  db: Database;
  content: Content;
  pageId: string;
  /** Signs links in emails; generated on first start unless SESSION_SECRET is given. */
  signingSecret: string;
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
  const uptime = createUptimeStore(db, content.site.time_zone);
  // Components and groups change only with a `catalogue` change; a minute's age is a backstop.
  const catalogue = cached(() => loadPublicCatalogue(db), { maxAgeMs: 60_000 });
  const status = cached(
    async () => loadPublicStatus(db, await catalogue.get(), site, now(), uptime),
    { maxAgeMs: readMaxAgeMs },
  );
  const recent = cached(async () => loadPublicRecent(db, await catalogue.get()), {
    maxAgeMs: readMaxAgeMs,
  });
  const listeners = new Set<(tags: readonly ChangeTag[]) => unknown>();
  const pending = new Set<Promise<unknown>>();
  const changed = (tags: readonly ChangeTag[]) => {
    if (tags.length === 0) return;
    uptime.changed(tags);
    if (tags.includes('catalogue') || tags.includes('*')) catalogue.invalidate();
    status.invalidate();
    recent.invalidate();
    for (const listener of listeners) {
      const work = Promise.resolve(listener(tags)).catch(() => {});
      pending.add(work);
      void work.finally(() => pending.delete(work));
    }
  };
  const context = (actor: string): ServiceContext => ({
    db,
    now,
    actor,
    changed,
    timeZone: content.site.time_zone,
  });
  const throttle = createSignInThrottle();
  const email: EmailSettings = {
    from:
      config.emailFrom ?? `${content.site.name} Status <status@${new URL(site.siteUrl).hostname}>`,
    replyTo: config.emailReplyTo,
    unsubscribeMailto: config.emailUnsubscribeMailto,
    templates: content.emails,
    site: { name: content.site.name, url: site.siteUrl, brandColor: content.site.brand_color },
    secret: options.signingSecret,
  };
  return {
    config,
    db,
    content,
    site,
    now,
    email,
    subscribeLimiter: createRateLimiter({
      limit: config.subscribeLimitPerMinute,
      windowMs: 60_000,
    }),
    internalReads: {
      status: () => loadInternalStatus(db, now()),
      incident: (id) => loadInternalIncident(db, id, now()),
    },
    adminReads: {
      audit: (filter) => listAudit(db, filter),
    },
    console: (actor) => consoleActions(context(actor)),
    consoleReads: consoleReads(db, now, email),
    people: {
      signIn: (input) => signIn(context('sign-in'), throttle, input),
      sessionUser: (token) => sessionUser(context('session'), token),
      proxyUser: (address) => proxyUser(context('trusted-proxy'), address),
      signOut: (token) => signOut(context('session'), token),
      setupValid: (token) => setupTokenValid(context('setup'), token),
      issueFeedToken: (userId) => issueFeedToken(context(`user:${userId}`), userId),
      revokeFeedToken: (userId) => revokeFeedToken(context(`user:${userId}`), userId),
      hasFeedToken: (userId) => hasFeedToken(context('read'), userId),
      completeSetup: (token, input) => completeSetup(context('setup'), token, input),
    },
    subscriptions: {
      subscribe: (input) => subscribe(context('subscriber'), input),
      confirm: (token) => confirmSubscription(context('subscriber'), email.secret, token),
      read: (token) => readSubscription(context('subscriber'), email.secret, token),
      change: (token, ids) => changeChoice(context('subscriber'), email.secret, token, ids),
      leave: (token) => leaveByLink(context('subscriber'), email.secret, token, 'manage'),
    },
    context,
    changed,
    async databaseAnswers() {
      try {
        await db.run(sql`select 1`);
        return true;
      } catch (error) {
        // The cause goes to the log, not to the public: it can name hosts and paths.
        console.error('The database does not answer:', error);
        return false;
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settled() {
      await Promise.all(pending);
    },
    publicReads: {
      page: () => sitePage(site),
      status: () => status.get(),
      recent: () => recent.get(),
      incident: async (id) => loadPublicIncident(db, await catalogue.get(), id),
      maintenance: async (id) => loadPublicMaintenance(db, await catalogue.get(), id),
      component: async (id) => loadPublicComponentHistory(db, await catalogue.get(), id),
      history: async (pageNumber) =>
        loadPublicHistory(db, await catalogue.get(), site, pageNumber, now()),
    },
  };
}
