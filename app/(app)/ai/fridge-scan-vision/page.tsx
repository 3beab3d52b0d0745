import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { FridgeForm } from "./form";

export const metadata: Metadata = { title: aiFeature("fridge-scan-vision").title };

export default async function Page() {
  await requireUser("/ai/fridge-scan-vision");
  const feature = await featurePageData("fridge-scan-vision");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <FridgeForm routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
