/** Opens the request-log store the config names, schema created, ready for the writer. */

import type { RequestLogSettings } from '../../config/resolved.ts';
import { createMemoryStore } from './memory-store.ts';
import { createSqliteWorkerStore } from './sqlite-worker-store.ts';
import type { RequestLogStore } from './store.ts';

/**
 * `memoryCapacity` bounds `store: memory` (the server's request-record count). Resolves undefined for
 * `store: off`; rejects when the store cannot be opened (bad path, database unreachable).
 */
export async function openRequestLogStore(
  settings: RequestLogSettings,
  memoryCapacity: number,
): Promise<RequestLogStore | undefined> {
  let store: RequestLogStore;
  switch (settings.store) {
    case 'off':
      return undefined;
    case 'memory':
      store = createMemoryStore(memoryCapacity);
      break;
    case 'sqlite':
      store = createSqliteWorkerStore(settings.path);
      break;
    case 'postgres':
      if (settings.url === undefined || settings.url === '') {
        throw new Error('request_log.url is required with store: postgres');
      }
      // The PostgreSQL driver loads only for the deployments that use it.
      store = (await import('./postgres-store.ts')).createPostgresStore(settings.url);
      break;
  }
  try {
    await store.init();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}
