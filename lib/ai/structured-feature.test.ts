// structuredFeature: the hold and the typical cost both come from the feature's one `call`.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { costEngine } from "../tokens/cost";
import { estimateAttempt, STRUCTURED_ATTEMPTS, typicalStructuredCost, type StructuredCall } from "./structured";
import { structuredFeature } from "./structured-feature";

const input = z.object({ goal: z.string().min(1) });
const call = ({ goal }: { goal: string }): StructuredCall<{ ok: boolean }> => ({
  model: "gpt-5-mini",
  name: "plan",
  schema: z.object({ ok: z.boolean() }),
  system: "Answer ok.",
  user: `Goal: ${goal}`,
  maxOutputTokens: 300,
});
const plan = structuredFeature({
  slug: "plan",
  model: "gpt-5-mini",
  input,
  call,
  resultKey: "plan",
  page: {
    title: "Plan",
    description: "A plan.",
    kind: "structured",
    typicalRequest: "a goal",
    typical: { input: { goal: "run 10 km" }, outputTokens: 120 },
  },
});
const engine = costEngine();

describe("structuredFeature", () => {
  it("holds every attempt's worst case of the call for the input", async () => {
    const estimate = await plan.estimate({ goal: "squat 100 kg" }, { userId: "u", engine, db: null as never });
    expect(estimate).toEqual({
      model: "gpt-5-mini",
      worstCase: estimateAttempt(engine, call({ goal: "squat 100 kg" })).worstCase * BigInt(STRUCTURED_ATTEMPTS),
    });
  });

  it("prices the typical request's real prompt with a typical answer length", () => {
    expect(plan.page.typicalCost(engine, "gpt-5-mini")).toBe(
      typicalStructuredCost(engine, call({ goal: "run 10 km" }), 120),
    );
  });

  it("is read by its page with the route's JSON schema", () => {
    expect(plan.pageInput).toBe(input);
    expect(plan.routePath).toBe("/api/ai/plan");
  });
});
