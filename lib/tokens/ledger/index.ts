// The token ledger (the heart of Tollgate): every change to a balance is a row in the append-only
// `token_transactions`, written in the same statement that changes `user_token_balance`.
//
// Every operation here is one SQL statement (one round trip) that locks what it changes, so it is
// atomic without read-then-write races, and idempotent through a unique key: a retry — even a
// concurrent one — changes nothing and returns the first result. Amounts are BigInt millitokens.
// Burn order: allowance first (it expires), then purchased. Errors are returned as typed values.
// Under load, a server's reserve/settle/release calls are committed together by the ledger pipeline.
// This module knows nothing of Stripe, OpenAI or HTTP.
export * from "./types";
export * from "./errors";
export { grant, findByKey, type GrantInput, type GrantResult } from "./grant";
export {
  startPeriod,
  allowanceKey,
  expiryKey,
  signupKeys,
  type PeriodKeys,
  type StartPeriodInput,
  type StartPeriodResult,
} from "./period";
export { reserve, settle, release, sweepExpiredReservations, type SweepResult } from "./reservations";
export {
  callKey,
  type Reservation,
  type ReservationStatus,
  type ReserveInput,
  type ReserveResult,
  type SettleInput,
  type SettleResult,
  type ReleaseResult,
  type SpendState,
} from "./apply";
export { LedgerPipeline, type HotLedger, type LedgerPipelineOptions, type PipelineStats } from "./pipeline";
export {
  clawback,
  adjust,
  type ClawbackInput,
  type ClawbackResult,
  type AdjustInput,
  type AdjustResult,
} from "./corrections";
export { openAccount, balance, type Balance } from "./account";
export {
  history,
  historyOnPool,
  encodeCursor,
  decodeCursor,
  TRANSACTION_KINDS,
  type HistoryFilters,
  type HistoryPage,
} from "./history";
export { verifyLedger, type Mismatch, type VerifyResult } from "./verify";
