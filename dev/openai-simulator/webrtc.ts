// Real WebRTC for the simulator's POST /v1/realtime/calls, with werift (WebRTC in pure TypeScript):
// the offer is answered by a real peer connection, so a browser connects to the simulator as it
// does to OpenAI — ICE and DTLS on loopback, the `oai-events` data channel carrying the call's
// client and server events, and an audio track back to the browser. The call's events flow once
// the data channel opens (those sent before are kept for it: the sideband is up first). When the
// peer connection closes or fails, or the channel closes, the call ends, as on the API.
// Audio from the browser is received but not transcribed or billed (typed turns drive the model);
// the audio track back carries Opus silence while the call runs.
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket } from "werift";
import type { ClientLink, SdpAnswerer } from "./realtime";

/** Opus's 3-byte silence frame (RFC 6716 §3.2: a 20 ms CELT frame of digital silence). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

export function weriftAnswerer(): SdpAnswerer {
  return async (offer, call) => {
    const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ["127.0.0.1"], iceUseIpv6: false });
    const speaker = new MediaStreamTrack({ kind: "audio" });
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(silence);
      void pc.close().catch(() => undefined);
      call.left();
    };
    let sequenceNumber = 0;
    let timestamp = 0;
    const ssrc = Math.floor(Math.random() * 2 ** 32);
    const silence = setInterval(() => {
      if (pc.connectionState !== "connected") return;
      sequenceNumber = (sequenceNumber + 1) % 65_536;
      timestamp = (timestamp + 960) % 2 ** 32; // 20 ms at 48 kHz
      speaker.writeRtp(
        new RtpPacket(
          new RtpHeader({ payloadType: 111, sequenceNumber, timestamp, ssrc, marker: false }),
          OPUS_SILENCE,
        ),
      );
    }, 20);
    silence.unref();
    pc.onDataChannel.subscribe((channel) => {
      const link: ClientLink = {
        send: (event) => {
          if (channel.readyState === "open") channel.send(JSON.stringify(event));
        },
        close,
      };
      const start = () => {
        const receive = call.link(link);
        channel.onMessage.subscribe((data) => receive(typeof data === "string" ? data : data.toString("utf8")));
      };
      if (channel.readyState === "open") start();
      else
        channel.stateChanged.subscribe((state) =>
          state === "open" ? start() : state === "closed" ? close() : undefined,
        );
    });
    pc.connectionStateChange.subscribe((state) => {
      if (state === "closed" || state === "failed") close();
    });
    await pc.setRemoteDescription({ type: "offer", sdp: offer });
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.kind === "audio") {
        transceiver.setDirection("sendrecv");
        transceiver.sender.replaceTrack(speaker);
      }
    }
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== "complete") {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3_000);
        pc.iceGatheringStateChange.subscribe((state) => state === "complete" && (clearTimeout(timer), resolve()));
      });
    }
    return pc.localDescription!.sdp;
  };
}
