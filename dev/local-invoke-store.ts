import { AsyncLocalStorage } from 'node:async_hooks';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';

type InvocationContext = Record<string | symbol, unknown>;

/**
 * What the Lambda runtime installs as `awslambda.InvokeStore` where invocations run concurrently
 * (`AWS_LAMBDA_MAX_CONCURRENCY` set): one context per invocation, carried by an
 * AsyncLocalStorage. The package's own multi-context store is not exported and is created with a
 * dynamic `import()`, which jest's CommonJS runtime cannot run, so the local runtime has this one.
 */
export class LocalInvokeStore extends InvokeStoreBase {
  readonly #invocations = new AsyncLocalStorage<InvocationContext>();

  getContext(): InvocationContext | undefined {
    return this.#invocations.getStore();
  }

  hasContext(): boolean {
    return this.#invocations.getStore() !== undefined;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return this.#invocations.getStore()?.[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key))
      throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const context = this.#invocations.getStore();
    if (!context) throw new Error('No context available');
    context[key] = value;
  }

  run<T>(context: InvocationContext, fn: () => T): T {
    return this.#invocations.run(context, fn);
  }

  /** The store the runtime's global names, installed if none is (as the runtime does at start). */
  static install(): InvokeStoreBase {
    const runtime = globalThis as unknown as { awslambda?: { InvokeStore?: InvokeStoreBase } };
    runtime.awslambda ??= {};
    const awslambda = runtime.awslambda;
    awslambda.InvokeStore ??= new LocalInvokeStore();
    return awslambda.InvokeStore;
  }
}
