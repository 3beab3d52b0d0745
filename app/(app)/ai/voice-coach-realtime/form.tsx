"use client";
// The voice session: choose a maximum length (its worst case is shown and held), start, talk, end.
// The browser opens a WebRTC peer connection (microphone if there is one, and the `oai-events` data
// channel) and sends its SDP offer to OUR server, which creates the call at the provider with its own
// key, meters it on its own sideband and answers with the SDP answer only: the browser never holds a
// key or secret. Typed turns go over the data channel. The charge shown at the end is the server's.
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { ChargedBadge, CostEstimate } from "@/components/ai/cost-badge";
import { MeteredErrorAlert } from "@/components/ai/error-alert";
import { inputClass } from "@/components/ai/ai-form";
import { useEstimate } from "@/components/ai/use-estimate";
import { useMeteredCall } from "@/components/ai/use-metered-call";
import { DEFAULT_SESSION_SECONDS, SESSION_LENGTHS } from "@/lib/ai/voice-coach-options";
import { estimateAction } from "../actions";

interface Started {
  sessionId: string;
  /** The provider's SDP answer (the only thing the server passes on). */
  sdp: string;
  maxSeconds: number;
}

type Line = { who: "you" | "coach"; text: string };
type Phase = "idle" | "connecting" | "live" | "ending" | "ended";

/** Resolves when ICE gathering is complete (the offer then carries every candidate), or after `ms`. */
function gathered(pc: RTCPeerConnection, ms = 2_000): Promise<void> {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    setTimeout(done, ms);
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && done());
  });
}

/** What went wrong, as a key of the ai.voice.problem messages. */
type Problem = "connect" | "closed" | "meter" | "end";

class VoiceProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem);
  }
}

function opened(channel: RTCDataChannel, ms = 10_000): Promise<void> {
  if (channel.readyState === "open") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new VoiceProblem("connect")), ms);
    channel.addEventListener("open", () => (clearTimeout(timer), resolve()));
    channel.addEventListener("close", () => (clearTimeout(timer), reject(new VoiceProblem("closed"))));
  });
}

export function VoiceCoach({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const t = useTranslations("ai.voice");
  const router = useRouter();
  const [maxSeconds, setMaxSeconds] = useState<number>(DEFAULT_SESSION_SECONDS);
  const estimate = useEstimate(
    useCallback((payload: unknown) => estimateAction("voice-coach-realtime", payload), []),
    { maxSeconds },
  );
  const { state, run } = useMeteredCall<Started>();
  const [phase, setPhase] = useState<Phase>("idle");
  const [lines, setLines] = useState<Line[]>([]);
  const [say, setSay] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [microphone, setMicrophone] = useState(false);
  const [charge, setCharge] = useState<{ charged: number; remaining: number; responses: number } | null>(null);
  const peer = useRef<RTCPeerConnection | null>(null);
  const channel = useRef<RTCDataChannel | null>(null);
  const session = useRef<Started | null>(null);
  const ids = { length: useId(), say: useId() };

  const control = (path: string, body: unknown, keepalive = false) =>
    fetch(`${routePath}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      keepalive,
    });

  const hangUp = () => {
    channel.current?.close();
    peer.current?.getSenders().forEach((sender) => sender.track?.stop());
    peer.current?.close();
    channel.current = null;
    peer.current = null;
  };

  const end = useCallback(async () => {
    const current = session.current;
    if (!current) return;
    session.current = null;
    setPhase("ending");
    const response = await control("end", { sessionId: current.sessionId });
    const body = await response.json().catch(() => null);
    hangUp();
    if (response.ok && body)
      setCharge({ charged: body.tokens.charged, remaining: body.tokens.remaining, responses: body.responses });
    else setProblem("end");
    setPhase("ended");
    router.refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [routePath, router]);

  useEffect(() => {
    // Leaving the page ends the session (the server would hang it up on its own soon after).
    const leave = () => {
      if (session.current) void control("end", { sessionId: session.current.sessionId }, true);
    };
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      void end();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [end]);

  async function start() {
    setProblem(null);
    setCharge(null);
    setLines([]);
    const pc = new RTCPeerConnection();
    peer.current = pc;
    const audio = document.createElement("audio");
    audio.autoplay = true;
    pc.ontrack = (event) => (audio.srcObject = event.streams[0] ?? null);
    const mic = await navigator.mediaDevices?.getUserMedia({ audio: true }).catch(() => null);
    if (mic) mic.getTracks().forEach((track) => pc.addTrack(track, mic));
    else pc.addTransceiver("audio", { direction: "recvonly" }); // no microphone: typed turns, spoken answers
    setMicrophone(Boolean(mic));
    const events = pc.createDataChannel("oai-events");
    channel.current = events;
    events.onmessage = (message) => {
      const event = JSON.parse(String(message.data));
      if (event.type === "response.output_audio_transcript.done")
        setLines((l) => [...l, { who: "coach", text: event.transcript }]);
      if (event.type === "response.output_text.done") setLines((l) => [...l, { who: "coach", text: event.text }]);
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const result = await run(routePath, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ maxSeconds, sdp: pc.localDescription!.sdp }),
    });
    if (result.status !== "done") return hangUp();
    const started = result.result;
    session.current = started;
    setPhase("connecting");
    try {
      await pc.setRemoteDescription({ type: "answer", sdp: started.sdp });
      pc.onconnectionstatechange = () => {
        if (["failed", "closed"].includes(pc.connectionState) && session.current) void end();
      };
      events.onclose = () => {
        if (session.current) void end(); // the call ended (hung up by the server, or the maximum length passed)
      };
      await opened(events);
      const attached = await control("attach", { sessionId: started.sessionId });
      if (!attached.ok) throw new VoiceProblem("meter");
      setPhase("live");
      // The keepalive: a session whose page stops sending it is hung up by the server within seconds.
      const keepalive = setInterval(() => {
        if (session.current?.sessionId === started.sessionId)
          void control("attach", { sessionId: started.sessionId }).catch(() => undefined);
        else clearInterval(keepalive);
      }, 4_000);
    } catch (error) {
      setProblem(error instanceof VoiceProblem ? error.problem : "connect");
      await end();
    }
  }

  function sendText(event: React.FormEvent) {
    event.preventDefault();
    const text = say.trim();
    const events = channel.current;
    if (!text || events?.readyState !== "open") return;
    events.send(
      JSON.stringify({
        type: "conversation.item.create",
        item: { type: "message", role: "user", content: [{ type: "input_text", text }] },
      }),
    );
    events.send(JSON.stringify({ type: "response.create" }));
    setLines((l) => [...l, { who: "you", text }]);
    setSay("");
  }

  const busy = phase === "connecting" || phase === "live" || phase === "ending" || state.status === "running";
  return (
    <div className="space-y-6">
      <div className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4">
        <div>
          <label htmlFor={ids.length} className="block text-sm font-medium text-zinc-900">
            {t("length")}
          </label>
          <select
            id={ids.length}
            className={inputClass}
            value={maxSeconds}
            disabled={busy}
            onChange={(e) => setMaxSeconds(Number(e.target.value))}
          >
            {SESSION_LENGTHS.map((s) => (
              <option key={s} value={s}>
                {s < 60 ? t("seconds", { count: s }) : t("minutes", { count: s / 60 })}
              </option>
            ))}
          </select>
          <p className="mt-1 text-xs text-zinc-600">{t("lengthHint")}</p>
        </div>
        <CostEstimate estimate={estimate} typicalTokens={typicalTokens} />
        {phase === "live" || phase === "connecting" || phase === "ending" ? (
          <button
            type="button"
            onClick={() => void end()}
            disabled={phase !== "live"}
            className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-50"
          >
            {phase === "live" ? t("end") : phase === "ending" ? t("ending") : t("connecting")}
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void start()}
            disabled={busy}
            className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50"
          >
            {state.status === "running" ? t("starting") : t("start")}
          </button>
        )}
      </div>

      {phase === "live" && (
        <form onSubmit={sendText} className="flex gap-2" aria-label={t("talk")}>
          <label htmlFor={ids.say} className="sr-only">
            {t("saySomething")}
          </label>
          <input
            id={ids.say}
            className={inputClass}
            value={say}
            onChange={(e) => setSay(e.target.value)}
            placeholder={t("sayPlaceholder")}
          />
          <button type="submit" className="mt-1 rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white">
            {t("say")}
          </button>
        </form>
      )}
      {phase === "live" && microphone && <p className="text-sm text-zinc-700">{t("listening")}</p>}

      {lines.length > 0 && (
        <ol className="space-y-2" data-testid="voice-transcript" aria-live="polite">
          {lines.map((line, i) => (
            <li
              key={i}
              className={
                line.who === "coach" ? "rounded-md bg-zinc-100 p-2 text-sm" : "rounded-md bg-emerald-50 p-2 text-sm"
              }
            >
              <span className="font-medium">{line.who === "coach" ? t("coach") : t("you")}</span> {line.text}
            </li>
          ))}
        </ol>
      )}

      <div aria-live="polite" className="space-y-2">
        {state.status === "error" && <MeteredErrorAlert error={state.error} />}
        {problem && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {t(`problem.${problem}`)}
          </p>
        )}
        {charge && (
          <>
            <ChargedBadge charged={charge.charged} remaining={charge.remaining} />
            <p className="text-xs text-zinc-600">{t("answers", { count: charge.responses })}</p>
          </>
        )}
      </div>
    </div>
  );
}
