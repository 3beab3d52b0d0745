import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { VoiceCoach } from "./form";

export const generateMetadata = () => featureMetadata("voice-coach-realtime");

export default async function Page() {
  await requireUser("/ai/voice-coach-realtime");
  const feature = await featurePageData("voice-coach-realtime");
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <VoiceCoach routePath={feature.routePath} typicalTokens={feature.typicalTokens} />
    </>
  );
}
