import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { ActivityForm } from "./form";

export const generateMetadata = () => featureMetadata("activity-analyzer");

export default async function Page() {
  await requireUser("/ai/activity-analyzer");
  const feature = await featurePageData("activity-analyzer");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <ActivityForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
