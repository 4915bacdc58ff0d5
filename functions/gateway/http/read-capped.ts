import type { Readable } from 'node:stream';

/**
 * Reads a stream to the end, or stops at `limit` bytes (destroying it) and resolves `undefined`.
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
        stream.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    stream.once('error', reject);
  });
