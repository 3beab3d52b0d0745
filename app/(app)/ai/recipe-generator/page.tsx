import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { RecipeForm } from "./form";

export const generateMetadata = () => featureMetadata("recipe-generator");

export default async function Page() {
  await requireUser("/ai/recipe-generator");
  const feature = await featurePageData("recipe-generator");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <RecipeForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
