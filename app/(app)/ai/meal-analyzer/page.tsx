import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { MealForm } from "./form";

export const metadata: Metadata = { title: aiFeature("meal-analyzer").title };

export default async function Page() {
  await requireUser("/ai/meal-analyzer");
  const feature = await featurePageData("meal-analyzer");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <MealForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
