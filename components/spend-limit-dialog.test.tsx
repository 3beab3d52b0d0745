// The 402 spend_limit_reached in the AI pages' words, English and French: the alert says the cap's
// own message (not "not enough tokens") with a link to change the cap, and the dialog shows the cap,
// what counts against it and the request, with the same link; the insufficient-tokens alert is
// unchanged.
import { describe, expect, it } from "vitest";
import { renderIntl, textOf } from "@/test/support/render-intl";
import { MeteredErrorAlert } from "./ai/error-alert";
import { meteredErrorOf } from "./ai/use-metered-call";
import { SpendLimitDialog } from "./spend-limit-dialog";

const NNBSP = "\u202f";
const NBSP = "\u00a0";
// The body withTokens answers (lib/tokens/metering/hold.ts).
const body = {
  error: "spend_limit_reached",
  message: "This request may cost up to 1.5 tokens, …",
  cap: 1000,
  spent: 999.25,
  held: 0,
  required: 1.5,
  limitsUrl: "/settings/limits",
};

describe("the spend limit's 402", () => {
  it("reads the body into the page's error, and the alert says the cap's message with a link to change it", () => {
    const error = meteredErrorOf(402, body);
    expect(error).toMatchObject({ status: 402, error: "spend_limit_reached", cap: 1000, spent: 999.25, required: 1.5 });
    const en = renderIntl(<MeteredErrorAlert error={error} />, "en", "UTC");
    expect(textOf(en)).toContain(
      "|Spending limit reached: this request may cost up to 1.5 tokens, more than is left of your limit of 1,000 tokens this period. |Change my limit|.|",
    );
    expect(en).toContain('href="/settings/limits"');
    expect(en).not.toContain("Get more tokens");
    expect(textOf(renderIntl(<MeteredErrorAlert error={error} />))).toContain(
      `|Plafond de dépenses atteint${NBSP}: cette demande peut coûter jusqu’à 1,5 jeton, plus que ce qui reste de votre plafond de 1${NNBSP}000 jetons sur la période. |Modifier mon plafond|.|`,
    );
  });

  it("the dialog shows the cap, what counts against it and the request, and links to the limits page", () => {
    const limit = { cap: 1000, spent: 999.25, limitsUrl: "/settings/limits" };
    const en = renderIntl(<SpendLimitDialog required={1.5} limit={limit} onClose={() => {}} />, "en", "UTC");
    expect(textOf(en)).toContain(
      "|Spending limit reached|This request may cost up to 1.5 tokens: more than what is left of your limit of 1,000 tokens this period (999 spent or in use).|",
    );
    expect(textOf(en)).toContain("|Limit|1,000|Spent or in use|999|This request|1.5|");
    expect(en).toMatch(/<a[^>]*href="\/settings\/limits"[^>]*>Change my limit<\/a>/);
    const fr = textOf(renderIntl(<SpendLimitDialog required={1.5} limit={limit} onClose={() => {}} />));
    expect(fr).toContain("|Plafond de dépenses atteint|");
    expect(fr).toContain("|Modifier mon plafond|");
  });

  it("leaves the insufficient-tokens alert as it was", () => {
    const error = meteredErrorOf(402, { error: "insufficient_tokens", required: 3, available: 1, upgradeUrl: "/x" });
    expect(textOf(renderIntl(<MeteredErrorAlert error={error} />, "en", "UTC"))).toContain("Get more tokens");
  });
});
