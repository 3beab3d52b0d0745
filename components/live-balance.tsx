"use client";
// The signed-in user's balance, live, for every client component of the shell (the sidebar widget,
// the low-balance banner, the 402 dialog). Starts from the server-rendered value (no flash, no
// spinner), then follows the SSE stream, polling while it is down (lib/tokens/live/client.ts) — one
// stream per browser, shared by the user's tabs (lib/tokens/live/shared.ts).
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { LiveMode } from "@/lib/tokens/live/client";
import { startSharedLiveBalance } from "@/lib/tokens/live/shared";
import type { LiveBalance } from "@/lib/tokens/live/snapshot";

interface LiveBalanceState {
  balance: LiveBalance | null;
  mode: LiveMode;
}

const LiveBalanceContext = createContext<LiveBalanceState | null>(null);

export function LiveBalanceProvider({
  userId,
  initial,
  children,
}: {
  userId: string;
  initial: LiveBalance | null;
  children: ReactNode;
}) {
  // The server's value is used at mount only: later renders of the layout (router.refresh) may be
  // older than what the stream has delivered.
  const [balance, setBalance] = useState<LiveBalance | null>(initial);
  const [mode, setMode] = useState<LiveMode>("connecting");
  useEffect(() => startSharedLiveBalance({ key: userId, onBalance: setBalance, onMode: setMode }), [userId]);
  return <LiveBalanceContext.Provider value={{ balance, mode }}>{children}</LiveBalanceContext.Provider>;
}

/** The live balance; outside a provider (a page rendered on its own) null and "stopped". */
export function useLiveBalance(): LiveBalanceState {
  return useContext(LiveBalanceContext) ?? { balance: null, mode: "stopped" };
}
