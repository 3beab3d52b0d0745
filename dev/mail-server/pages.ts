// The inbox pages a developer reads the app's mails on. Every value from a mail is escaped: a mail's
// subject or text is data, never markup. Its HTML part is shown only inside a sandboxed iframe,
// served with a CSP of its own (see htmlPart), so its scripts never run.
import type { StoredMail } from "./store";

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem}iframe{width:100%;height:32rem;border:1px solid #ddd}
.muted{color:#666}`;

function layout(title: string, body: string, head = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${head}<style>${STYLE}</style></head><body>${body}</body></html>`;
}

function recipients(mail: StoredMail): string {
  return (mail.to.length ? mail.to : mail.envelope.to).join(", ");
}

/** The list, newest first; it reloads itself every few seconds, so a new mail shows up by itself. */
export function renderInbox(mails: StoredMail[]): string {
  const rows = [...mails]
    .reverse()
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(recipients(m))}</td>` +
        `<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || "(no subject)")}</a></td></tr>`,
    )
    .join("");
  const table = mails.length
    ? `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="muted">No mail yet. Mails the app sends appear here.</p>`;
  const clear = `<form method="post" action="/clear"><button type="submit">Delete all</button></form>`;
  return layout(
    `Inbox (${mails.length})`,
    `<h1>Local inbox</h1><p class="muted">Development only: every mail sent to this server, kept in memory.</p>${clear}${table}`,
    `<meta http-equiv="refresh" content="5">`,
  );
}

/** The text part with its http(s) URLs made links (the only markup added to escaped text). */
function linkedText(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"]+)/g)
    .map((part, i) => (i % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part)))
    .join("");
}

export function renderMessage(mail: StoredMail): string {
  const headers = Object.entries(mail.headers)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join("");
  const envelope = `<tr><th>envelope</th><td>${escapeHtml(mail.envelope.from)} → ${escapeHtml(mail.envelope.to.join(", "))}</td></tr>`;
  const html =
    mail.html === null
      ? `<p class="muted">No HTML part.</p>`
      : // No allow-scripts and no allow-same-origin: the mail's markup can neither run code nor reach
        // this page. Popups are allowed so that its links open (in a new tab, see htmlPart).
        `<iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/messages/${encodeURIComponent(mail.id)}/html"></iframe>`;
  return layout(
    mail.subject || "(no subject)",
    `<p><a href="/">← Inbox</a></p><h1>${escapeHtml(mail.subject || "(no subject)")}</h1>` +
      `<h2>HTML part</h2>${html}<h2>Text part</h2><pre>${linkedText(mail.text)}</pre>` +
      `<h2>Headers</h2><table>${envelope}${headers}</table>`,
  );
}

/** The mail's own HTML, for the iframe: links open outside the frame. */
export function htmlPart(mail: StoredMail): { body: string; headers: Record<string, string> } {
  return {
    body: `<base target="_blank">${mail.html ?? ""}`,
    headers: {
      "content-type": "text/html; charset=utf-8",
      // Also when opened directly, not in the iframe: no scripts, no requests but images and styles.
      "content-security-policy":
        "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline'",
    },
  };
}

export function renderNotFound(): string {
  return layout("Not found", `<p><a href="/">← Inbox</a></p><h1>No such mail</h1>`);
}
