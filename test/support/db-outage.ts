// For fault tests: a loopback TCP proxy in front of the test PostgreSQL that can play a database
// outage for one test file without stopping the server the other files share. `down()` does what a
// stopped or restarting PostgreSQL does to a client: every open connection is reset and new ones are
// refused (ECONNREFUSED); `up()` accepts again on the same port. What the product sees is the driver's
// real errors on real sockets, as in production.
import net from "node:net";

export interface DbOutage {
  /** `databaseUrl` with its host and port pointing at the proxy. */
  url: string;
  /** Resets every connection and refuses new ones until `up()`. */
  down(): Promise<void>;
  /** Accepts connections again. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startDbOutageProxy(databaseUrl: string): Promise<DbOutage> {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const sockets = new Set<net.Socket>();

  const makeServer = () =>
    net.createServer((client) => {
      const upstream = net.connect(targetPort, target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
      client.pipe(upstream).pipe(client);
    });

  let server = makeServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;

  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  const stop = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };

  return {
    url: url.toString(),
    down: stop,
    async up() {
      if (listening) return;
      server = makeServer();
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      listening = true;
    },
    close: stop,
  };
}
