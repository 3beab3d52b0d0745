// PgBouncer on loopback in transaction mode, in front of one PostgreSQL (`npm run test:pgbouncer`,
// `bench:ledger -- --pgbouncer`): Debian's pgbouncer (1.18 on these machines: no prepared-statement
// support, which came in 1.21), its configuration generated into a folder of the run. Every
// database of the server is reachable through it under its own name (the `*` entry), so each test
// file's own database works without a line of configuration.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { withDatabaseName } from "../../lib/db/embedded";

export interface PgBouncer {
  /** The URL of `database` through PgBouncer (same user and password as the server's URL). */
  url(database: string): string;
  port: number;
  /** PgBouncer's own version line, e.g. "PgBouncer 1.18.0". */
  version: string;
  close(): Promise<void>;
}

const BINARY = existsSync("/usr/sbin/pgbouncer") ? "/usr/sbin/pgbouncer" : "pgbouncer";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The configuration: transaction pooling, every database by name, SCRAM with the server's password. */
export function pgbouncerConfig({ serverPort, port, dir }: { serverPort: number; port: number; dir: string }): string {
  return [
    "[databases]",
    `* = host=127.0.0.1 port=${serverPort}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "pool_mode = transaction",
    "auth_type = scram-sha-256",
    `auth_file = ${path.join(dir, "userlist.txt")}`,
    "admin_users = postgres",
    "max_client_conn = 2000",
    // Per database and user: as many as a test file's pool (20), so PgBouncer never queues its clients.
    "default_pool_size = 20",
    "server_idle_timeout = 10",
    // node-postgres and Prisma send no other startup parameters PgBouncer does not know.
    "ignore_startup_parameters = extra_float_digits,options",
    "log_connections = 0",
    "log_disconnections = 0",
    "",
  ].join("\n");
}

/**
 * Starts PgBouncer in front of the server of `serverUrl` (its user and password are PgBouncer's
 * auth file) and resolves once a query goes through it. As root it runs as `postgres` (PgBouncer
 * refuses root). Fails naming the package when pgbouncer is not installed.
 */
export async function startPgBouncer({ serverUrl, dir }: { serverUrl: string; dir: string }): Promise<PgBouncer> {
  const version = spawnSync(BINARY, ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0)
    throw new Error("pgbouncer is not installed: apt-get install pgbouncer (.ci/run does)");
  const server = new URL(serverUrl);
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  writeFileSync(path.join(dir, "userlist.txt"), `"${user}" "${password}"\n`, { mode: 0o644 });
  const config = path.join(dir, "pgbouncer.ini");
  writeFileSync(config, pgbouncerConfig({ serverPort: Number(server.port), port, dir }), { mode: 0o644 });
  const asRoot = process.getuid?.() === 0;
  const child = spawn(BINARY, [...(asRoot ? ["-u", "postgres"] : []), config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const output: string[] = [];
  child.stderr.on("data", (chunk) => output.push(String(chunk)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = (database: string) => {
    const u = new URL(withDatabaseName(serverUrl, database));
    u.port = String(port);
    return u.toString();
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited at start:\n${output.join("").slice(-2000)}`);
    const client = new pg.Client({ connectionString: url(server.pathname.slice(1) || "postgres") });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline)
        throw new Error(`pgbouncer did not answer: ${(error as Error).message}\n${output.join("").slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    port,
    version: version.stdout.split("\n")[0]!.trim(),
    close: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
