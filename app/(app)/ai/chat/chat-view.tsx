"use client";
// The coach chat: the stored conversation, a streamed reply (SSE from /api/ai/chat), the estimated
// cost of the message being typed and the charge of the last reply. Enter sends, Shift+Enter breaks.
import { useRouter } from "next/navigation";
import { useCallback, useId, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { inputClass } from "@/components/ai/ai-form";
import { ChargedBadge, CostEstimate } from "@/components/ai/cost-badge";
import { MeteredErrorAlert } from "@/components/ai/error-alert";
import { RunButton } from "@/components/ai/run-button";
import { useEstimate } from "@/components/ai/use-estimate";
import { meteredErrorOf, type MeteredError } from "@/components/ai/use-metered-call";
import { clearConversationAction, estimateAction } from "../actions";

interface Message {
  id: string;
  role: "user" | "assistant";
  content: string;
}

/** Reads an SSE body: text deltas to `onText`, the final `tokens` event returned. */
async function readStream(body: ReadableStream<Uint8Array>, onText: (text: string) => void) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let tokens: { charged: number; remaining: number } | null = null;
  let failed: { tokens?: { charged: number } } | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith("event: tokens\ndata: ")) tokens = JSON.parse(block.slice(20));
      else if (block.startsWith("event: error\ndata: ")) failed = JSON.parse(block.slice(19));
      else if (block.startsWith("data: ") && block !== "data: [DONE]") {
        const chunk = JSON.parse(block.slice(6)) as { choices?: { delta?: { content?: string } }[] };
        const text = chunk.choices?.map((c) => c.delta?.content ?? "").join("") ?? "";
        if (text) onText(text);
      }
    }
  }
  return { tokens, failed };
}

export function ChatView({
  routePath,
  typicalTokens,
  initialMessages,
}: {
  routePath: string;
  typicalTokens: number;
  initialMessages: Message[];
}) {
  const t = useTranslations("ai.chat");
  const router = useRouter();
  const [messages, setMessages] = useState<Message[]>(initialMessages);
  const [draft, setDraft] = useState("");
  const [running, setRunning] = useState(false);
  const [charged, setCharged] = useState<{ charged: number; remaining: number } | null>(null);
  const [error, setError] = useState<MeteredError | null>(null);
  const inputId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const message = draft.trim();
  const estimate = useEstimate(
    useCallback((payload: unknown) => estimateAction("chat", payload), []),
    message ? { message } : null,
  );

  async function send() {
    if (!message || running) return;
    setRunning(true);
    setError(null);
    setCharged(null);
    const replyId = `reply-${Date.now()}`;
    setMessages((list) => [
      ...list,
      { id: `me-${Date.now()}`, role: "user", content: message },
      { id: replyId, role: "assistant", content: "" },
    ]);
    setDraft("");
    try {
      const response = await fetch(routePath, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message }),
      });
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => ({}));
        setError(meteredErrorOf(response.status, body));
        setMessages((list) => list.slice(0, -2));
        setDraft(message);
        return;
      }
      const { tokens, failed } = await readStream(response.body, (text) =>
        setMessages((list) => list.map((m) => (m.id === replyId ? { ...m, content: m.content + text } : m))),
      );
      if (tokens) setCharged(tokens);
      if (failed)
        setError({
          status: 502,
          error: "stream_cut",
          message: "",
          charged: failed.tokens?.charged,
        });
    } catch {
      setError({
        status: 0,
        error: "network_error",
        message: "",
      });
    } finally {
      setRunning(false);
      router.refresh();
    }
  }

  async function clear() {
    await clearConversationAction();
    setMessages([]);
    setCharged(null);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <ol aria-label={t("conversation")} className="space-y-3" data-testid="chat-messages">
        {messages.length === 0 && <li className="text-sm text-zinc-600">{t("empty")}</li>}
        {messages.map((m) => (
          <li
            key={m.id}
            className={
              m.role === "user"
                ? "ml-auto max-w-[85%] rounded-lg bg-zinc-900 px-3 py-2 text-sm text-white"
                : "max-w-[85%] rounded-lg border border-zinc-200 bg-white px-3 py-2 text-sm whitespace-pre-wrap text-zinc-900"
            }
            data-role={m.role}
          >
            <span className="sr-only">{m.role === "user" ? t("you") : t("coach")} </span>
            {m.content || (running ? "…" : "")}
          </li>
        ))}
      </ol>
      <div aria-live="polite" className="space-y-2">
        {charged && <ChargedBadge charged={charged.charged} remaining={charged.remaining} />}
        {error && <MeteredErrorAlert error={error} />}
      </div>
      <form
        ref={formRef}
        className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <label htmlFor={inputId} className="block text-sm font-medium text-zinc-900">
          {t("message")}
        </label>
        <textarea
          id={inputId}
          rows={3}
          maxLength={8000}
          className={inputClass}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              formRef.current?.requestSubmit();
            }
          }}
        />
        <CostEstimate estimate={estimate} typicalTokens={typicalTokens} idleHint={t("idle")} />
        <div className="flex flex-wrap items-center gap-3">
          <RunButton running={running} disabled={!message}>
            {t("send")}
          </RunButton>
          <button
            type="button"
            onClick={() => void clear()}
            disabled={running || messages.length === 0}
            className="text-sm font-medium text-zinc-700 underline-offset-2 hover:underline disabled:opacity-50"
          >
            {t("clear")}
          </button>
        </div>
      </form>
    </div>
  );
}
