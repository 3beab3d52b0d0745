// Loopback SMTP server and inbox for development and tests (never production): see README.md.
export { startMailServer, DEFAULT_MAX_MESSAGE_BYTES } from "./server";
export type { MailServer, MailServerOptions } from "./server";
export { isAddressedTo } from "./recipients";
export type { StoredMail } from "./store";
