// Time-ordered ids (UUIDv7) for what the ledger writes on every metered call — reservation ids and
// request ids (whose ledger key is `call:<request id>`): new rows land at the end of their unique
// indexes instead of on a random page of them, which after each checkpoint costs a full page in the
// WAL. The random part comes from a pool refilled 256 ids at a time, as Node's own randomUUID does,
// rather than from one call into the system's random source per id.
import { randomFillSync } from "node:crypto";
import { v7 } from "uuid";

const ID_RANDOM_BYTES = 16;
const pool = Buffer.alloc(ID_RANDOM_BYTES * 256);
let offset = pool.length;
/** The last id's millisecond and its 32-bit sequence (RFC 9562 method 2: monotonic within a process). */
let last = { msecs: -Infinity, seq: 0 };

/**
 * A new UUIDv7: milliseconds since the epoch, a sequence that starts at random each millisecond and
 * counts up within it (so ids of one process sort in the order they were made), then random bits.
 */
export function timeOrderedId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, offset + ID_RANDOM_BYTES);
  offset += ID_RANDOM_BYTES;
  const now = Date.now();
  if (now > last.msecs) {
    last = { msecs: now, seq: random.readUInt32BE(6) & 0x7fffffff };
  } else {
    const seq = (last.seq + 1) | 0;
    // The sequence ran out within one millisecond: borrow the next one.
    last = seq === 0 ? { msecs: last.msecs + 1, seq: 0 } : { msecs: last.msecs, seq };
  }
  return v7({ random, msecs: last.msecs, seq: last.seq });
}
