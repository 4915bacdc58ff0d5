/**
 * Preloaded into the gateway's process by the soak (`node --import`): answers the soak's IPC
 * requests with `process.memoryUsage()`, after a full collection when asked (`--expose-gc`), so the
 * retained heap can be compared over the run. It adds nothing else to the process.
 */
import type { MemoryRequest, MemorySample } from './soak-messages';

const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: MemoryRequest) => {
  if (message?.kind !== 'memory' || !process.send) return;
  if (message.gc) collect?.();
  const usage = process.memoryUsage();
  const sample: MemorySample = {
    kind: 'memory',
    gc: message.gc && collect !== undefined,
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
  };
  process.send(sample);
});
// The channel alone must not keep the gateway alive once its server has closed.
process.channel?.unref();
