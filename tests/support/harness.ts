import { eq } from 'drizzle-orm';
import { createApp } from '#api/app.ts';
import { loadConfig } from '#config';
import { openDatabase } from '#db/client.ts';
import { migrate } from '#db/migrate.ts';
import { components } from '#db/schema/index.ts';
import { createCandor } from '#services/candor.ts';
import type { Content } from '#services/content/load-content.ts';
import { syncContent } from '#services/content/sync-content.ts';
import { testContent } from './content.ts';

export const bootstrapToken = 'test-bootstrap-token-0123456789';

/** A controllable clock: starts at `start`, moves only when told. */
export function testClock(start = new Date('2026-11-20T10:00:00.000Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    set(date: Date) {
      current = date.getTime();
    },
  };
}

export interface HarnessOptions {
  url?: string;
  content?: Content;
  clock?: ReturnType<typeof testClock>;
  /** More settings, as environment variables. */
  env?: Record<string, string>;
}

/**
 * A fresh Candor on its own migrated database (`:memory:` unless a file URL is given), with the
 * test catalogue synced, and the HTTP app over it.
 */
export async function makeHarness(options: HarnessOptions = {}) {
  const clock = options.clock ?? testClock();
  const handle = await openDatabase({ url: options.url ?? ':memory:' });
  await migrate(handle.client);
  const content = options.content ?? testContent();
  const config = loadConfig({
    BOOTSTRAP_TOKEN: bootstrapToken,
    SITE_URL: 'https://status.testco.example',
    DATABASE_URL: options.url ?? ':memory:',
    ...options.env,
  });
  const candor = createCandor({
    config,
    db: handle.db,
    content,
    pageId: 'testpage0001',
    signingSecret: 'test-signing-secret-0123456789abcdef',
    now: clock.now,
  });
  await syncContent(candor.context('content'), content.catalogue);
  const app = createApp(candor);
  const rows = await handle.db.select().from(components);
  /** Component ids by content key. */
  const ids = Object.fromEntries(rows.map((row) => [row.contentKey, row.id])) as Record<
    'api' | 'auth' | 'deploys' | 'web',
    string
  >;

  async function request(method: string, path: string, body?: unknown, token = bootstrapToken) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await app.request(path, {
      method,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async function componentStatus(id: string) {
    const [row] = await handle.db.select().from(components).where(eq(components.id, id));
    return row?.status;
  }

  return {
    candor,
    app,
    db: handle.db,
    client: handle.client,
    clock,
    ids,
    request,
    componentStatus,
    close: () => handle.close(),
  };
}

export type Harness = Awaited<ReturnType<typeof makeHarness>>;
