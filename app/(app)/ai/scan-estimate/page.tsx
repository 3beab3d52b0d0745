import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { ScanForm } from "./form";

export const generateMetadata = () => featureMetadata("scan-estimate");

export default async function Page() {
  await requireUser("/ai/scan-estimate");
  const feature = await featurePageData("scan-estimate");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <ScanForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
