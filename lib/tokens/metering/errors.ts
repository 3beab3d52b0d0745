// The two errors a parser, an estimate or a handler throws to shape the wrapper's answer. Anything
// else a handler throws is answered by what it is (an upstream status → 502, else 500): ./run.ts.

/** Throw from a parser or handler for a 400 with a message the caller can act on. */
export class BadRequestError extends Error {
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "BadRequestError";
  }
}

/**
 * Throw from a handler when the provider answered but the answer cannot be used (for example a
 * structured answer that failed validation twice): a 502 with this message and what was charged —
 * the calls the provider billed, recorded on the meter before the throw, and nothing else.
 */
export class UnusableAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnusableAnswerError";
  }
}
