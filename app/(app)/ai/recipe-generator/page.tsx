import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { RecipeForm } from "./form";

export const metadata: Metadata = { title: aiFeature("recipe-generator").title };

export default async function Page() {
  await requireUser("/ai/recipe-generator");
  const feature = await featurePageData("recipe-generator");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <RecipeForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
