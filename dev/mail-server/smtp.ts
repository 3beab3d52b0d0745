// The SMTP side: smtp-server on loopback, plain text and without authentication (nodemailer sends
// there as it would to a relay), every accepted mail parsed into the store. An oversized mail is
// refused with 552, as a real relay would, so the sender sees the failure.
import type { Server } from "node:net";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { MailStore } from "./store";
import { parseMail } from "./store";

/** Closing waits this long for clients in the middle of a transaction, then hangs up on them (421). */
const CLOSE_GRACE_MS = 1000;

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** Reads the DATA stream, keeping at most `limit` bytes (smtp-server flags the rest as `sizeExceeded`). */
async function readMessage(stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size <= limit) chunks.push(buf);
  }
  return stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks);
}

function envelopeOf(session: SMTPServerSession) {
  const from = session.envelope.mailFrom;
  return { from: from ? from.address : "", to: session.envelope.rcptTo.map((r) => r.address) };
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

export async function listenSmtp(
  store: MailStore,
  { port, host, maxMessageBytes }: { port: number; host: string; maxMessageBytes: number },
): Promise<SmtpListener> {
  const server = new SMTPServer({
    secure: false,
    // No TLS and no login on loopback: a client that is offered neither sends in the clear.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    size: maxMessageBytes,
    banner: "Tollgate loopback mail server (development and tests only)",
    logger: false,
    closeTimeout: CLOSE_GRACE_MS,
    onData(stream, session, callback) {
      readMessage(stream, maxMessageBytes)
        .then(async (raw) => {
          if (!raw) return callback(smtpError(`Message exceeds the maximum size of ${maxMessageBytes} bytes`, 552));
          store.add(await parseMail(store.newId(), raw, envelopeOf(session)));
          callback(null, "Stored");
        })
        .catch((error: unknown) =>
          callback(smtpError(`Could not store the message: ${error instanceof Error ? error.message : error}`, 451)),
        );
    },
  });

  const net: Server = await new Promise((resolve, reject) => {
    server.once("error", reject);
    const listening: Server = server.listen(port, host, () => {
      server.off("error", reject);
      resolve(listening);
    });
  });
  // After start-up the server's errors are a client's broken connection: that client sees it, and
  // an unhandled 'error' event would end the whole process.
  server.on("error", () => {});

  return {
    port: (net.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
