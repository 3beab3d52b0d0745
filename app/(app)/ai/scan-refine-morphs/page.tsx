import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { RefineForm } from "./form";

export const generateMetadata = () => featureMetadata("scan-refine-morphs");

export default async function Page() {
  await requireUser("/ai/scan-refine-morphs");
  const feature = await featurePageData("scan-refine-morphs");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <RefineForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
