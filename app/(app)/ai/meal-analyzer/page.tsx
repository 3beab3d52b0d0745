import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { MealForm } from "./form";

export const generateMetadata = () => featureMetadata("meal-analyzer");

export default async function Page() {
  await requireUser("/ai/meal-analyzer");
  const feature = await featurePageData("meal-analyzer");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <MealForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
