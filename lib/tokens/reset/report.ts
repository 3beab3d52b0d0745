// How a reset run is reported: the JSON the cron route answers and `npm run tokens:reset` prints,
// and the one log line each run leaves. Token amounts in whole tokens (exact to the millitoken).
import { millitokensToTokens } from "../units";
import type { ResetSummary } from "./monthly-reset";

export function resetReport(summary: ResetSummary) {
  return {
    ran: summary.ran,
    ...(summary.ran ? {} : { reason: "another reset run holds the lock; this one did nothing" }),
    pricingVersion: summary.pricingVersion,
    usersExamined: summary.usersExamined,
    periodsStarted: summary.periodsStarted,
    paidPeriods: summary.paidPeriods,
    freePeriods: summary.freePeriods,
    tokensGranted: millitokensToTokens(summary.granted),
    tokensExpired: millitokensToTokens(summary.expired),
    heldBack: summary.heldBack,
    awaitingRenewal: summary.awaitingRenewal,
    awaitingPayment: summary.awaitingPayment,
    reservationsReleased: summary.reservationsReleased,
    batches: summary.batches,
    errors: summary.errors,
    durationMs: summary.durationMs,
  };
}

export function resetLogLine(summary: ResetSummary): string {
  if (!summary.ran) return "tokens.reset skipped: another run holds the lock";
  return (
    `tokens.reset examined=${summary.usersExamined} started=${summary.periodsStarted} ` +
    `(paid=${summary.paidPeriods} free=${summary.freePeriods}) granted=${millitokensToTokens(summary.granted)} ` +
    `expired=${millitokensToTokens(summary.expired)} held_back=${summary.heldBack} ` +
    `awaiting_renewal=${summary.awaitingRenewal} awaiting_payment=${summary.awaitingPayment} released=${summary.reservationsReleased} ` +
    `errors=${summary.errors.length} duration_ms=${summary.durationMs}`
  );
}
