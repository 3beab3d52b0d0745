import { FeatureHeader } from "@/components/ai/feature-header";
import { featureMetadata } from "@/components/ai/feature-metadata";
import { loadConversation } from "@/lib/ai/conversation";
import { featurePageData } from "@/lib/ai/page-data";
import { requireUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { ChatView } from "./chat-view";

export const generateMetadata = () => featureMetadata("chat");

export default async function Page() {
  const user = await requireUser("/ai/chat");
  const [feature, history] = await Promise.all([featurePageData("chat"), loadConversation(db(), user.id)]);
  return (
    <>
      <FeatureHeader slug={feature.slug} model={feature.model} />
      <ChatView
        routePath={feature.routePath}
        typicalTokens={feature.typicalTokens}
        initialMessages={history.map(({ id, role, content }) => ({ id, role, content }))}
      />
    </>
  );
}
