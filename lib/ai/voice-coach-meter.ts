// This instance's realtime meter, bound to the app: its database, ledger pipeline and cost engine.
// Apart from voice-coach.ts so that what the pages import (the estimate, the schemas) does not pull
// in the session and database modules.
import type OpenAI from "openai";
import { db } from "../db/client";
import { currentCostEngine, ledger } from "./singletons";
import { RealtimeMeter } from "./realtime-metering";
import { providerTransport } from "./voice-coach";
import { eventLog, logger } from "../log";

const globalForMeter = globalThis as unknown as { tollgateRealtimeMeter?: RealtimeMeter };

/** This instance's realtime meter (its sidebands and its sweep) over the shared database. */
export function realtimeMeter(client: () => OpenAI): RealtimeMeter {
  globalForMeter.tollgateRealtimeMeter ??= new RealtimeMeter({
    db,
    ledger,
    engine: currentCostEngine,
    provider: providerTransport(client()),
    // A session's routine course (settled, extended, its budget reached) is info; a lost charge an error.
    log: eventLog(logger("realtime"), {
      info: ["realtime.settled", "realtime.extended", "realtime.budget_exhausted", "realtime.limits_restored"],
      errors: ["realtime.settle_failed", "realtime.record_failed"],
    }),
  });
  return globalForMeter.tollgateRealtimeMeter;
}
