// A TCP proxy in front of the database that a test can cut and restore: "the database went away"
// without stopping the database itself, so it works the same for PGlite and real PostgreSQL.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode =
  /** Pass bytes through to the database. */
  | 'forward'
  /** Refuse new connections (nothing listens) and drop every open one: the server is down. */
  | 'refuse'
  /** Accept connections but never answer: a network partition, where only timeouts help. */
  | 'blackhole';

export interface DatabaseProxy {
  /** The database URL with host and port replaced by the proxy's. */
  readonly url: string;
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

export async function startDatabaseProxy(databaseUrl: string): Promise<DatabaseProxy> {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const targetHost = target.hostname;
  const open = new Set<Socket>();
  let mode: ProxyMode = 'forward';
  let server: Server | null = null;
  let port = 0;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const onConnection = (client: Socket) => {
    track(client);
    if (mode === 'blackhole') return; // hold it open, answer nothing
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      // The same port every time: the URL handed to the API must keep working after a restore.
      server.listen(port, '127.0.0.1', () => {
        const address = server!.address();
        if (typeof address === 'object' && address) port = address.port;
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      for (const socket of open) socket.destroy();
      if (!current) return resolve();
      current.close(() => resolve());
    });

  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    async setMode(next) {
      if (next === mode) return;
      await stopListening();
      mode = next;
      if (next !== 'refuse') await listen();
    },
    close: stopListening,
  };
}
