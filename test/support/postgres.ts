/**
 * PostgreSQL for tests: the machine runs one on 127.0.0.1:5432 (trust auth, database `test`), but it may
 * have stopped, and CI runs on the same machine as it was left. `ensurePostgres` connects, starts the
 * local cluster if it cannot, and fails with the reason and the command to run by hand if it still cannot.
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

export const TEST_POSTGRES_URL =
  process.env.SWITCHYARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const START_WAIT_MS = 15_000;
const run = promisify(execFile);

/** Resolves with the URL once a connection works; starts the local cluster if needed. */
export async function ensurePostgres(url = TEST_POSTGRES_URL): Promise<string> {
  const first = await tryConnect(url);
  if (first === undefined) return url;
  if (isMissingDatabase(first)) {
    await createDatabase(url);
    return url;
  }
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`PostgreSQL at ${redactUrl(url)} is not reachable: ${explain(first)}`);
  }
  const start = await startLocalCluster(url);
  const deadline = Date.now() + (start.ran ? START_WAIT_MS : 0);
  let last: unknown = first;
  while (Date.now() < deadline) {
    last = await tryConnect(url);
    if (last === undefined) return url;
    if (isMissingDatabase(last)) {
      await createDatabase(url);
      return url;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `PostgreSQL at ${redactUrl(url)} is not reachable (${explain(last)}); starting it: ${start.detail}. ` +
      `Start it by hand with pg_ctlcluster --skip-systemctl-redirect <version> main start (see ` +
      `pg_lsclusters), or point SWITCHYARD_TEST_POSTGRES_URL at a running server.`,
  );
}

/** A table name no other test run uses. */
export function uniqueTableName(prefix = 'requests_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropTable(url: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${pg.escapeIdentifier(table)}`);
  } finally {
    await client.end();
  }
}

/** Resolves undefined when a query succeeds, else with the error. */
async function tryConnect(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Starts the Debian cluster listening on the URL's port (pg_lsclusters), with the command the machine
 * notes give. Concurrent callers are harmless: the second is told "already running".
 */
async function startLocalCluster(url: string): Promise<{ readonly ran: boolean; readonly detail: string }> {
  const port = new URL(url).port || '5432';
  let cluster: { version: string; name: string } | undefined;
  try {
    const { stdout } = await run('pg_lsclusters', ['--no-header'], { timeout: 10_000 });
    for (const line of stdout.split('\n')) {
      const [version, name, clusterPort] = line.trim().split(/\s+/);
      if (version !== undefined && name !== undefined && clusterPort === port) cluster = { version, name };
    }
  } catch (error) {
    return { ran: false, detail: `pg_lsclusters: ${explain(error)}` };
  }
  if (cluster === undefined) {
    return { ran: false, detail: `no local cluster configured on port ${port} (pg_lsclusters)` };
  }
  const args = ['--skip-systemctl-redirect', cluster.version, cluster.name, 'start'];
  try {
    await run('pg_ctlcluster', args, { timeout: 20_000 });
    return { ran: true, detail: `started cluster ${cluster.version}/${cluster.name}` };
  } catch (error) {
    // Exit 2, "already running": it may still be starting up, so the caller keeps polling.
    return { ran: true, detail: `pg_ctlcluster ${args.join(' ')}: ${explain(error)}` };
  }
}

function isMissingDatabase(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === '3D000';
}

async function createDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (error) {
    // Another worker created it first.
    if (!(error instanceof Error && 'code' in error && error.code === '42P04')) throw error;
  } finally {
    await client.end();
  }
}

function explain(error: unknown): string {
  if (error instanceof Error) {
    if (error.message === '' && 'code' in error) return String(error.code); // AggregateError: ECONNREFUSED
    const stderr = 'stderr' in error && typeof error.stderr === 'string' ? error.stderr.trim() : '';
    return stderr === '' ? error.message : `${error.message} (${stderr})`;
  }
  return String(error);
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
