// Whether an error means "the database cannot be reached right now" — a stopped or restarting
// server, a reset connection, a full pool, a connect timeout — as opposed to a query that is wrong.
// Callers answer the first with 503 and Retry-After (and retry idempotent writes); the second is a
// bug and stays one. It looks through the error's `cause` chain and Prisma's
// `meta.driverAdapterError` (a raw query's P2010 carries the adapter's DatabaseNotReachable there),
// since Prisma's driver adapter and node-postgres wrap the socket's error.

/** Socket errors of node (connect, reset, DNS) that a database client surfaces unchanged. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

/** PostgreSQL's SQLSTATEs for a server that is going away or not taking connections. */
const SQLSTATES = new Set([
  "57P01", // admin_shutdown: the server is stopping
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or in recovery
  "53300", // too_many_connections
]);

/** Prisma's codes for an unreachable server, a lost connection and a pool that timed out. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/** Kinds of Prisma driver-adapter errors for the same. */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseUnavailable",
]);

/** node-postgres's own messages for a connection that died or never came. */
const PG_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
];

export function isDatabaseUnavailable(error: unknown, seen = new Set<unknown>()): boolean {
  if (!error || typeof error !== "object" || seen.has(error)) return false;
  seen.add(error);
  const { code, kind, name, message, originalCode, cause, meta, errors } = error as Record<string, unknown>;
  if (
    typeof code === "string" &&
    (SOCKET_CODES.has(code) || SQLSTATES.has(code) || code.startsWith("08") || PRISMA_CODES.has(code))
  )
    return true;
  if (typeof originalCode === "string" && (SQLSTATES.has(originalCode) || originalCode.startsWith("08"))) return true;
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  if (name === "PrismaClientInitializationError") return true;
  if (typeof message === "string" && PG_MESSAGES.some((m) => message.includes(m))) return true;
  if (isDatabaseUnavailable(cause, seen)) return true;
  if (
    meta &&
    typeof meta === "object" &&
    isDatabaseUnavailable((meta as { driverAdapterError?: unknown }).driverAdapterError, seen)
  )
    return true;
  // AggregateError (a connect that tried several addresses) carries its reasons in `errors`.
  return Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, seen));
}
