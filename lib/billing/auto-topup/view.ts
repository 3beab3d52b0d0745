// What the subscription page shows of auto top-up: the settings, the card it would charge (a Stripe
// read; null when none, `cardUnknown` when Stripe could not be asked), and the last attempt.
import type { AutoTopUpStatus } from "../../db/generated/client";
import type { BillingContext } from "../context";
import type { Db } from "../../db/client";
import { readAutoTopUp, savedCardOfUser, type AutoTopUpSettingsView } from "./settings";
import type { SavedCard } from "./saved-card";

export interface AutoTopUpView {
  settings: AutoTopUpSettingsView | null;
  card: SavedCard | null;
  /** Stripe was not reachable (or billing is not configured): whether a card is saved is unknown. */
  cardUnknown: boolean;
  lastAttempt: { status: AutoTopUpStatus; createdAt: Date; failureCode: string | null } | null;
}

export async function autoTopUpView(db: Db, ctx: BillingContext | null, userId: string): Promise<AutoTopUpView> {
  const [settings, lastAttempt] = await Promise.all([
    readAutoTopUp(db, userId),
    db.autoTopUpAttempt.findFirst({
      where: { userId },
      orderBy: { createdAt: "desc" },
      select: { status: true, createdAt: true, failureCode: true },
    }),
  ]);
  let card: SavedCard | null = null;
  let cardUnknown = !ctx;
  if (ctx) {
    try {
      card = await savedCardOfUser(ctx, userId);
    } catch {
      cardUnknown = true;
    }
  }
  return { settings, card, cardUnknown, lastAttempt };
}
