import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  readonly url: string;
  readonly server: Server;
  /** Closes the server and every connection it still holds (keep-alive included). */
  close(): Promise<void>;
}

/** Starts an HTTP server on host:port (0: any free port) and says where it listens. */
export const listen = async (server: Server, port: number, host: string): Promise<Listening> => {
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
