import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { IllustrationForm } from "./form";

export const generateMetadata = () => featureMetadata("generate-training-illustration");

export default async function Page() {
  await requireUser("/ai/generate-training-illustration");
  const feature = await featurePageData("generate-training-illustration");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <IllustrationForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
