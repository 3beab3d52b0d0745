import type { Metadata } from "next";
import { FeatureHeader } from "@/components/ai/feature-header";
import { featurePageData } from "@/lib/ai/page-data";
import { aiFeature } from "@/lib/ai/registry";
import { requireUser } from "@/lib/auth/session";
import { VoiceCoach } from "./form";

export const metadata: Metadata = { title: aiFeature("voice-coach-realtime").title };

export default async function Page() {
  await requireUser("/ai/voice-coach-realtime");
  const feature = await featurePageData("voice-coach-realtime");
  return (
    <>
      <FeatureHeader title={feature.title} description={feature.description} model={feature.model} />
      <VoiceCoach routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
