// The app's auto top-up listener (one per process): bound to the process-wide billing context when
// billing is configured, to sendSoon for its mails (and the webhooks' kick) and to the billing logger. Told by the metering
// wrapper after each settle (lib/ai/metered.ts) and after other ledger changes (notifyLedgerChange).
import { billingConfigured } from "../../env";
import { logger } from "../../log";
import { sendSoon } from "../../mail/deliver";
import { deliverWebhooksSoon } from "../../webhooks/deliver-soon";
import { billingContext } from "../context";
import { autoTopUpListener } from "./listener";

let listener: ReturnType<typeof autoTopUpListener> | null = null;

export function autoTopUp(): ReturnType<typeof autoTopUpListener> {
  listener ??= autoTopUpListener({
    context: () => (billingConfigured() ? billingContext() : null),
    // An outcome that queued a mail also wrote its webhook event (outcome.ts): send both.
    queued: () => {
      sendSoon();
      deliverWebhooksSoon();
    },
    failed: (error) => logger("billing").warn({ event: "auto_topup_check_failed", err: error }),
  });
  return listener;
}

/** A ledger change other than a settle (an admin adjustment, a clawback) may have crossed a threshold. */
export function notifyLedgerChange(userId: string): void {
  autoTopUp().afterLedgerChange(userId);
}
