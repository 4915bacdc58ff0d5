import type { Readable } from 'node:stream';

/**
 * Reads a stream to the end, or stops keeping it past `limit` bytes and resolves `undefined` at
 * once. The rest flows on unread rather than the stream being destroyed: destroying an HTTP
 * request resets its socket, and the client then never reads the 413 it is answered with.
 * Event-based rather than `for await`, which costs several promises per chunk on a hot path.
 */
export const readCapped = (stream: Readable, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stream.off('data', onData);
        // Still flowing with no 'data' listener: the rest is read and dropped.
        stream.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => {
      if (size > limit) return;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    stream.once('error', reject);
  });
