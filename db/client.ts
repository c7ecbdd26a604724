import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import * as schema from './schema/index.ts';

export type Database = LibSQLDatabase<typeof schema>;
/** A transaction handle: the same query API as the database. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either; services take this so they compose inside a caller's transaction. */
export type Executor = Database | Transaction;

export interface DatabaseOptions {
  url: string;
  authToken?: string | undefined;
  /** How long a write waits for another process's lock on a local file, in milliseconds. */
  busyTimeoutMs?: number;
}

export interface DatabaseHandle {
  db: Database;
  client: Client;
  close(): void;
}

/**
 * Opens the database through the one libSQL client for every kind of URL: `file:`, `:memory:`,
 * `libsql://` and `http(s)://`. Local files get WAL, so readers never wait for the writer.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const local = isLocalUrl(options.url);
  if (local && options.url.startsWith('file:')) {
    const path = filePath(options.url);
    if (path) mkdirSync(dirname(path), { recursive: true });
  }
  const client = createClient({
    url: options.url,
    ...(options.authToken ? { authToken: options.authToken } : {}),
    // The busy timeout must be a client option: a PRAGMA would be lost when the client opens a
    // fresh connection after a transaction.
    timeout: options.busyTimeoutMs ?? 5_000,
  });
  if (local && options.url !== ':memory:') await client.execute('PRAGMA journal_mode = WAL');
  await client.execute('PRAGMA foreign_keys = ON');
  return { db: drizzle(client, { schema }), client, close: () => client.close() };
}

function isLocalUrl(url: string): boolean {
  return url === ':memory:' || url.startsWith('file:');
}

function filePath(url: string): string | null {
  const rest = url.slice('file:'.length).split('?')[0] ?? '';
  if (rest === '' || rest === ':memory:') return null;
  return rest.startsWith('//') ? fileURLToPath(url.split('?')[0] ?? url) : rest;
}
