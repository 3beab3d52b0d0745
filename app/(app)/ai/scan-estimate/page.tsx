import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { ScanForm } from "./form";

export const metadata: Metadata = { title: aiFeature("scan-estimate").title };

export default async function Page() {
  await requireUser("/ai/scan-estimate");
  const feature = await featurePageData("scan-estimate");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <ScanForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
