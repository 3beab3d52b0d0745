import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { FridgeForm } from "./form";

export const generateMetadata = () => featureMetadata("fridge-scan-vision");

export default async function Page() {
  await requireUser("/ai/fridge-scan-vision");
  const feature = await featurePageData("fridge-scan-vision");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <FridgeForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
