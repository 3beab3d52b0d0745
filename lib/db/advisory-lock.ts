// Session-level advisory locks for jobs that span several transactions (the monthly reset commits
// batch by batch). The lock lives on a dedicated connection, not on the Prisma pool, so it is held
// for the whole job, and it dies with that connection: a killed run never leaves it behind.
// Behind a pooler in transaction mode, point `connectionString` at a direct (session) connection.
import pg from "pg";

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `work` while holding the advisory lock `key`, or returns `{ acquired: false }` at once when
 * another session holds it (overlapping runs never both work). The lock is released, and the
 * connection closed, whether `work` succeeds or throws. `work` gets the lock's connection, for
 * session state that must live exactly as long as the job (the reset's cursor of due accounts).
 */
export async function withSessionAdvisoryLock<T>(
  connectionString: string,
  key: bigint,
  work: (session: pg.Client) => Promise<T>,
): Promise<LockOutcome<T>> {
  const client = new pg.Client({ connectionString, application_name: "tollgate-lock" });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
      key.toString(),
    ]);
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, value: await work(client) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [key.toString()]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}
