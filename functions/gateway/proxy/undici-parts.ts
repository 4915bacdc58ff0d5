import api from 'undici/lib/api';
import Agent from 'undici/lib/dispatcher/agent';
import Client from 'undici/lib/dispatcher/client';
import Dispatcher from 'undici/lib/dispatcher/dispatcher';
import Pool from 'undici/lib/dispatcher/pool';

/**
 * The parts of undici the proxy uses (Agent, Pool, Client and `dispatcher.request`), imported from
 * their own files instead of undici's index. The index evaluates all of undici at load (fetch,
 * WebSocket, EventSource, the cache, the mocks: 525 KB of the Lambda bundle, 295 KB without them),
 * and its cookies module reads `globalThis.Headers`, which makes Node.js load its own internal
 * copy of undici as well; together most of a cold start's undici cost (docs/performance.md).
 * These paths are not undici's public API: the version is pinned, and
 * test/unit/proxy/undici-parts.test.ts fails if an upgrade moves them or they stop being the
 * classes the index exports.
 */

// What undici's index does to give every dispatcher `request`, `stream`, ... (undici 7).
Object.assign(Dispatcher.prototype, api);

export { Agent, Client, Pool };
