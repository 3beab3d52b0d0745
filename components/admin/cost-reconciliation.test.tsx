import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ReconciliationRow } from "@/lib/admin/reconciliation";
import { CostReconciliation } from "./business-figures";

const row = (
  model: string,
  ours: bigint,
  theirs: bigint,
  bp: number | null,
  flagged: boolean,
  theirsSource: ReconciliationRow["theirsSource"] = "costs",
): ReconciliationRow => ({
  day: "2026-12-01",
  model,
  oursMicroUsd: ours,
  theirsMicroUsd: theirs,
  differenceMicroUsd: ours - theirs,
  differenceBp: bp,
  theirsSource,
  flagged,
  detail: { ours: { calls: 1, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, theirs: null, lines: {} },
});

const text = (html: string) => html.replace(/<[^>]+>/g, "|").replace(/\|+/g, "|");

describe("CostReconciliation", () => {
  it("highlights a model whose difference is above 1% and shows the figures from the integers", () => {
    const html = renderToStaticMarkup(
      <CostReconciliation
        configured
        rows={[
          row("gpt-5-mini-2025-08-07", 1_880n, 1_696n, 1_085, true),
          row("gpt-image-1", 42_545n, 42_545n, 0, false, "usage"),
        ]}
      />,
    );
    expect(text(html)).toContain("|1 model-day differs by more than 1%.|");
    expect(text(html)).toContain("|2026-12-01|gpt-5-mini-2025-08-07|above 1%|$0.0019|$0.0017|$0.0002|10.85%|");
    expect(text(html)).toContain("|2026-12-01|gpt-image-1|(list price)|$0.0425|$0.0425|$0.0000|0.00%|");
    expect(html).toMatch(/<tr data-flagged="true" class="bg-red-50[^"]*">/);
    expect(html).toContain('<tr data-flagged="false">');
    expect(html).not.toContain("Not configured");
  });

  it("without an admin key, says how to set one up", () => {
    const html = renderToStaticMarkup(<CostReconciliation configured={false} rows={[]} />);
    expect(text(html)).toContain("Not configured: Set OPENAI_ADMIN_KEY to an OpenAI admin key (sk-admin-…");
    expect(text(html)).toContain("|No reconciliation stored for the last 30 days.|");
  });
});
