// The auto top-up server action and the sweep's cron route, over real Postgres and the Stripe
// simulator: the action checks the session itself, validates the form, refuses without a saved card
// or with a forged pack, and — turned on below the threshold — tops up at once; the cron route needs
// the secret and retries an attempt a crash left pending.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { billingTestHarness, TEST_STRIPE_KEY } from "@/test/billing/harness";
import { autoTopUpHelpers } from "@/test/billing/auto-topup";
import { formData as form } from "@/test/support/form-data";
import { armAttempt } from "@/lib/billing/auto-topup/attempt";

const session = vi.hoisted(() => ({ user: null as { id: string; email: string } | null }));
vi.mock("@/lib/auth/session", () => ({
  currentUser: async () => session.user,
  requireUser: async (returnTo: string) => {
    if (!session.user) {
      const { redirect } = await import("next/navigation");
      redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
    }
    return session.user;
  },
  sessionUserId: async () => session.user?.id ?? null,
}));

const h = billingTestHarness();
const a = autoTopUpHelpers(h);
const CRON = "cron-secret-for-the-auto-topup-route-0123456789";
let save: (form: FormData) => Promise<void>;
let cron: (request: Request) => Promise<Response>;

beforeAll(async () => {
  Object.assign(process.env, {
    DATABASE_URL: h.t.url,
    AUTH_SECRET: "a-test-secret-that-is-at-least-32-characters",
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: "whsec_auto_topup_action_test",
    STRIPE_API_BASE: h.sim.url,
    CRON_SECRET: CRON,
    APP_URL: "http://localhost:3999",
  });
  ({ saveAutoTopUpSettings: save } = await import("./actions"));
  ({ GET: cron } = await import("@/app/api/cron/auto-topup/route"));
}, 120_000);

async function redirectOf(action: Promise<void>): Promise<string> {
  const error = (await action.then(() => null).catch((e: unknown) => e)) as { digest?: string } | null;
  const url = error?.digest?.split(";")[2];
  if (!url) throw new Error(`expected a redirect, got ${String(error)}`);
  return url;
}

const fields = (over: Record<string, string> = {}) =>
  form({ enabled: "on", packId: "basic", thresholdTokens: "150", maxPerPeriod: "3", ...over });

describe("saveAutoTopUpSettings", () => {
  it("refuses without a session, without a saved card, a forged pack and bad numbers", async () => {
    session.user = null;
    expect(await redirectOf(save(fields()))).toMatch(/^\/sign-in/);
    const user = await a.userWithCard(null);
    session.user = { id: user.id, email: user.email };
    expect(await redirectOf(save(fields()))).toBe("/settings/subscription?autotopup=no_card#auto-top-up");
    expect(await redirectOf(save(fields({ packId: "essential" })))).toBe(
      "/settings/subscription?autotopup=unknown_pack#auto-top-up",
    );
    for (const bad of <Record<string, string>[]>[
      { thresholdTokens: "-5" },
      { thresholdTokens: "1e9" },
      { maxPerPeriod: "999" },
      { packId: "" },
    ])
      expect(await redirectOf(save(fields(bad)))).toBe("/settings/subscription?autotopup=invalid#auto-top-up");
    expect(await a.settings(user.id)).toBeUndefined();
    // Off needs no card.
    const off = fields();
    off.delete("enabled");
    expect(await redirectOf(save(off))).toBe("/settings/subscription?autotopup=off#auto-top-up");
    expect(await a.settings(user.id)).toMatchObject({ enabled: false });
  });

  it("turned on below the threshold, it buys the pack at once (once)", async () => {
    const user = await a.userWithCard();
    session.user = { id: user.id, email: user.email };
    expect(await redirectOf(save(fields()))).toBe("/settings/subscription?autotopup=saved#auto-top-up");
    await a.eventually(async () => (await a.topUpGrants(user.id)).length === 1);
    await h.sim.settled();
    expect(a.intents(user.customerId)).toHaveLength(1);
    // Saving again while on changes no crossing: no second top-up.
    await redirectOf(save(fields({ thresholdTokens: "160" })));
    await new Promise((r) => setTimeout(r, 200));
    expect(a.intents(user.customerId)).toHaveLength(1);
  });
});

describe("GET /api/cron/auto-topup", () => {
  it("needs the secret; retries a pending attempt a crash left (charged once)", async () => {
    const user = await a.userWithCard();
    await a.enable(user.id, { thresholdTokens: 150 });
    const armed = await armAttempt(h.t.db, user.id);
    expect("armed" in armed).toBe(true);
    const get = (authorization?: string) =>
      cron(new Request("http://localhost/api/cron/auto-topup", { headers: authorization ? { authorization } : {} }));
    expect((await get()).status).toBe(401);
    expect((await get("Bearer not-the-secret-but-long-enough-0000000")).status).toBe(401);
    // Not stale yet (2 minutes): the sweep leaves a fresh attempt to its own charge.
    await h.t.sql("UPDATE auto_topup_attempts SET updated_at = now() - interval '3 minutes' WHERE user_id = $1", [
      user.id,
    ]);
    const response = await get(`Bearer ${CRON}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ configured: true, retried: 1 });
    await h.sim.settled();
    expect(a.intents(user.customerId)).toHaveLength(1);
    expect(await a.topUpGrants(user.id)).toHaveLength(1);
  });
});
