// Runs the loopback mail server until SIGINT/SIGTERM:
//   tsx dev/mail-server/cli.ts [--smtp-port 1025] [--http-port 1080] [--max-message-bytes 10485760]
// Then point the app at it with the printed SMTP_URL.
import { closeOnSignals, parseCli } from "../simulator-cli";
import { startMailServer } from "./server";

const USAGE = "usage: tsx dev/mail-server/cli.ts [--smtp-port N] [--http-port N] [--max-message-bytes N]";

async function main(): Promise<void> {
  const cli = parseCli(USAGE, ["smtp-port", "http-port", "max-message-bytes"]);
  const server = await startMailServer({
    smtpPort: cli.number("smtp-port") ?? 1025,
    httpPort: cli.number("http-port") ?? 1080,
    maxMessageBytes: cli.number("max-message-bytes"),
  });
  console.log(`Mail server: SMTP at ${server.smtpUrl}, inbox at ${server.inboxUrl}`);
  console.log(`  SMTP_URL=${server.smtpUrl}   Ctrl-C to stop.`);
  closeOnSignals(
    (signal) => `${signal}: stopping the mail server (${server.messages().length} mails received).`,
    () => server.close(),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
