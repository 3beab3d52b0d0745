// POST /api/ai/chat — the feature defined in lib/ai/features/chat.ts, metered.
import { chat } from "@/lib/ai/features/chat";
import { meteredRoute } from "@/lib/ai/metered-route";

export const POST = meteredRoute(chat);
