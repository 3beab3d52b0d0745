"use client";
// The voice session: choose a maximum length (its worst case is shown and held), start, talk, end.
// The browser connects to the provider with the short-lived secret — WebRTC with a microphone against
// OpenAI, a WebSocket against the simulator (text turns) — and names the call to the server, which
// meters it on its own sideband. The charge shown at the end is the server's, never the browser's.
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { ChargedBadge, CostEstimate } from "@/components/ai/cost-badge";
import { MeteredErrorAlert } from "@/components/ai/error-alert";
import { inputClass } from "@/components/ai/ai-form";
import { useEstimate } from "@/components/ai/use-estimate";
import { useMeteredCall } from "@/components/ai/use-metered-call";
import { DEFAULT_SESSION_SECONDS, SESSION_LENGTHS } from "@/lib/ai/voice-coach-options";
import { estimateAction } from "../actions";

interface Started {
  sessionId: string;
  clientSecret: string;
  model: string;
  maxSeconds: number;
  connect: { transport: "webrtc" | "websocket"; url: string };
}

type Line = { who: "you" | "coach"; text: string };
type Phase = "idle" | "connecting" | "live" | "ending" | "ended";

export function VoiceCoach({ routePath, typicalTokens }: { routePath: string; typicalTokens: number }) {
  const router = useRouter();
  const [maxSeconds, setMaxSeconds] = useState<number>(DEFAULT_SESSION_SECONDS);
  const estimate = useEstimate(useCallback((payload: unknown) => estimateAction("voice-coach-realtime", payload), []), { maxSeconds });
  const { state, run } = useMeteredCall<Started>();
  const [phase, setPhase] = useState<Phase>("idle");
  const [lines, setLines] = useState<Line[]>([]);
  const [say, setSay] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [transport, setTransport] = useState<Started["connect"]["transport"] | null>(null);
  const [charge, setCharge] = useState<{ charged: number; remaining: number; responses: number } | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const peer = useRef<RTCPeerConnection | null>(null);
  const session = useRef<Started | null>(null);
  const ids = { length: useId(), say: useId() };

  const control = (path: string, body: unknown) =>
    fetch(`${routePath}/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  const end = useCallback(async () => {
    const current = session.current;
    if (!current) return;
    setPhase("ending");
    const response = await fetch(`${routePath}/end`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId: current.sessionId }) });
    const body = await response.json().catch(() => null);
    socket.current?.close();
    peer.current?.close();
    session.current = null;
    if (response.ok && body) setCharge({ charged: body.tokens.charged, remaining: body.tokens.remaining, responses: body.responses });
    else setProblem(body?.message ?? "The session could not be ended cleanly; it is settled when it times out.");
    setPhase("ended");
    router.refresh();
  }, [routePath, router]);

  useEffect(() => () => void end(), [end]);

  async function start() {
    setProblem(null);
    setCharge(null);
    setLines([]);
    const result = await run(routePath, { headers: { "content-type": "application/json" }, body: JSON.stringify({ maxSeconds }) });
    if (result.status !== "done") return;
    const started = result.result;
    session.current = started;
    setTransport(started.connect.transport);
    setPhase("connecting");
    try {
      const callId = started.connect.transport === "websocket" ? await connectWebSocket(started) : await connectWebRtc(started);
      const attached = await control("attach", { sessionId: started.sessionId, callId });
      if (!attached.ok) throw new Error((await attached.json().catch(() => null))?.message ?? "The session could not be metered.");
      setPhase("live");
    } catch (error) {
      setProblem((error as Error).message);
      await end();
    }
  }

  function connectWebSocket(started: Started): Promise<string> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(started.connect.url, ["realtime", `openai-insecure-api-key.${started.clientSecret}`]);
      socket.current = ws;
      ws.onerror = () => reject(new Error("Could not connect to the voice service."));
      ws.onclose = () => {
        if (session.current) void end(); // the provider ended the call (or the maximum length passed)
      };
      ws.onmessage = (message) => {
        const event = JSON.parse(String(message.data));
        if (event.type === "session.created" && event.call_id) resolve(event.call_id);
        const text = event.transcript ?? (event.type === "response.output_text.done" ? event.text : null);
        if (typeof text === "string" && (event.type === "response.output_audio_transcript.done" || event.type === "response.output_text.done")) {
          setLines((l) => [...l, { who: "coach", text }]);
        }
      };
    });
  }

  async function connectWebRtc(started: Started): Promise<string> {
    const pc = new RTCPeerConnection();
    peer.current = pc;
    const audio = document.createElement("audio");
    audio.autoplay = true;
    pc.ontrack = (event) => (audio.srcObject = event.streams[0] ?? null);
    const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc.addTrack(microphone.getTracks()[0]!, microphone);
    const events = pc.createDataChannel("oai-events");
    events.onmessage = (message) => {
      const event = JSON.parse(String(message.data));
      if (event.type === "response.output_audio_transcript.done") setLines((l) => [...l, { who: "coach", text: event.transcript }]);
    };
    pc.onconnectionstatechange = () => {
      if (["failed", "closed", "disconnected"].includes(pc.connectionState) && session.current) void end();
    };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const answer = await fetch(started.connect.url, {
      method: "POST",
      body: offer.sdp,
      headers: { authorization: `Bearer ${started.clientSecret}`, "content-type": "application/sdp" },
    });
    if (!answer.ok) throw new Error("The voice service refused the connection.");
    await pc.setRemoteDescription({ type: "answer", sdp: await answer.text() });
    const callId = answer.headers.get("location")?.split("/").pop();
    if (!callId) throw new Error("The voice service did not name the call.");
    return callId;
  }

  function sendText(event: React.FormEvent) {
    event.preventDefault();
    const text = say.trim();
    if (!text || !socket.current) return;
    socket.current.send(JSON.stringify({ type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text }] } }));
    socket.current.send(JSON.stringify({ type: "response.create" }));
    setLines((l) => [...l, { who: "you", text }]);
    setSay("");
  }

  const busy = phase === "connecting" || phase === "live" || phase === "ending" || state.status === "running";
  return (
    <div className="space-y-6">
      <div className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4">
        <div>
          <label htmlFor={ids.length} className="block text-sm font-medium text-zinc-900">
            Maximum length
          </label>
          <select id={ids.length} className={inputClass} value={maxSeconds} disabled={busy} onChange={(e) => setMaxSeconds(Number(e.target.value))}>
            {SESSION_LENGTHS.map((s) => (
              <option key={s} value={s}>
                {s < 60 ? `${s} seconds` : `${s / 60} minute${s === 60 ? "" : "s"}`}
              </option>
            ))}
          </select>
          <p className="mt-1 text-xs text-zinc-600">The session ends at this length. The estimate is held while it runs; you pay what the coach actually used.</p>
        </div>
        <CostEstimate estimate={estimate} typicalTokens={typicalTokens} />
        {phase === "live" || phase === "connecting" || phase === "ending" ? (
          <button
            type="button"
            onClick={() => void end()}
            disabled={phase !== "live"}
            className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:opacity-50"
          >
            {phase === "live" ? "End session" : phase === "ending" ? "Ending…" : "Connecting…"}
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void start()}
            disabled={busy}
            className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50"
          >
            {state.status === "running" ? "Starting…" : "Start voice session"}
          </button>
        )}
      </div>

      {phase === "live" && transport === "websocket" && (
        <form onSubmit={sendText} className="flex gap-2" aria-label="Talk to the coach">
          <label htmlFor={ids.say} className="sr-only">
            Say something
          </label>
          <input id={ids.say} className={inputClass} value={say} onChange={(e) => setSay(e.target.value)} placeholder="Say something to your coach (simulated voice: typed turns)" />
          <button type="submit" className="mt-1 rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white">
            Say
          </button>
        </form>
      )}
      {phase === "live" && transport === "webrtc" && <p className="text-sm text-zinc-700">Listening — speak to your coach.</p>}

      {lines.length > 0 && (
        <ol className="space-y-2" data-testid="voice-transcript" aria-live="polite">
          {lines.map((line, i) => (
            <li key={i} className={line.who === "coach" ? "rounded-md bg-zinc-100 p-2 text-sm" : "rounded-md bg-emerald-50 p-2 text-sm"}>
              <span className="font-medium">{line.who === "coach" ? "Coach" : "You"}:</span> {line.text}
            </li>
          ))}
        </ol>
      )}

      <div aria-live="polite" className="space-y-2">
        {state.status === "error" && <MeteredErrorAlert error={state.error} />}
        {problem && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            {problem}
          </p>
        )}
        {charge && (
          <>
            <ChargedBadge charged={charge.charged} remaining={charge.remaining} />
            <p className="text-xs text-zinc-600">{charge.responses} coach answer{charge.responses === 1 ? "" : "s"}, metered by the server.</p>
          </>
        )}
      </div>
    </div>
  );
}
