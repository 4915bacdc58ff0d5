import type { Dispatcher } from 'undici';
import { Agent, Client, Pool } from './undici-parts';

/**
 * A `Client` that tells its pool the truth about a request it refused.
 *
 * undici's `DispatcherBase.dispatch` answers `false` both for "busy: wait for my 'drain'" and for a
 * request it refused outright (an `Expect` header, a header value or path it will not send: it
 * calls the handler's error callback and queues nothing). `Pool` reads `false` as busy and parks
 * the client until a 'drain' that never comes, so each refused request took one connection out of
 * the pool for good; after `connections` of them every request to that origin waited forever
 * (undici 7.30; see docs/reliability.md). A refused request leaves the client's queue as it was,
 * which is what tells the two answers apart.
 */
class RefusalSafeClient extends Client {
  override dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const queuedBefore = this.stats.size;
    return super.dispatch(options, handler) || this.stats.size === queuedBefore;
  }
}

/**
 * An undici `Agent` whose per-origin pools are made of `RefusalSafeClient`s: a request undici
 * refuses can never leave a pool short. The gateway refuses such requests itself before dispatch
 * (see `header-rules.ts`); this is the guarantee behind that check.
 */
export const refusalSafeAgent = (options: Agent.Options): Agent =>
  new Agent({
    ...options,
    factory: (origin, poolOptions) =>
      new Pool(origin, {
        ...(poolOptions as Pool.Options),
        factory: (clientOrigin, clientOptions) =>
          new RefusalSafeClient(clientOrigin, clientOptions as Client.Options),
      }),
  });
