// What the account, settings and share specs share: site settings and fresh accounts through
// the admin API, a tiny SMTP receiver that keeps the mails the server sends, the site on
// `localhost` (WebAuthn needs a domain), and an axe-core check.
import { createServer, type Server, type Socket } from "node:net";
import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page } from "@playwright/test";
import { ACCOUNTS } from "./accounts";
import { type Account, apiAs } from "./helpers";

/** The suite's server, addressed as `localhost` rather than 127.0.0.1. */
export function localhostBase(): string {
  return (process.env.STRATUS_E2E_BASE ?? "").replace("127.0.0.1", "localhost");
}

export async function setSiteSettings(
  request: APIRequestContext,
  settings: Record<string, string>,
) {
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PATCH", "/admin/settings", { body: { settings } });
}

let made = 0;

/** A new active account with a unique address, made by the administrator. */
export async function newAccount(
  request: APIRequestContext,
  name: string,
  group?: number,
): Promise<Account> {
  made += 1;
  const email = `${name}-${Date.now().toString(36)}-${made}@example.com`;
  const password = `${name}-password-1`;
  const admin = await apiAs(request, ACCOUNTS.admin);
  await admin("PUT", "/admin/user", {
    body: { user: { email, nick: name, ...(group ? { group_users: group } : {}) }, password },
  });
  return { email, password, admin: false } as unknown as Account;
}

/** Fails the test on a serious or critical accessibility violation of the page as it is. */
export async function expectAccessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(" ")} — ${n.failureSummary}`).join("; ")}`,
    );
  expect(bad, `axe on ${what}`).toEqual([]);
}

type Mail = { to: string[]; data: string };

/** An SMTP receiver on a free loopback port: enough of the protocol for the server's mailer. */
export class MailCatcher {
  private mails: Mail[] = [];
  private waiters: (() => void)[] = [];
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<MailCatcher> {
    let catcher: MailCatcher | undefined;
    const server = createServer((socket) => catcher?.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    catcher = new MailCatcher(server, port);
    return catcher;
  }

  /** The site settings that send mail here. */
  settings(): Record<string, string> {
    return {
      smtpHost: "127.0.0.1",
      smtpPort: String(this.port),
      smtpEncryption: "0",
      smtpUser: "",
      smtpPass: "",
      fromAdress: "drive@example.com",
    };
  }

  private serve(socket: Socket) {
    let buffer = "";
    let data: string[] | null = null;
    let to: string[] = [];
    const say = (line: string) => socket.write(`${line}\r\n`);
    say("220 localhost ESMTP test");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end = buffer.indexOf("\r\n");
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\r\n");
        if (data) {
          if (line === ".") {
            this.mails.push({ to, data: data.join("\r\n") });
            for (const wake of this.waiters.splice(0)) wake();
            data = null;
            to = [];
            say("250 queued");
          } else data.push(line.startsWith("..") ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") say("250 localhost");
        else if (verb === "RCPT") {
          to.push(/<([^>]*)>/.exec(line)?.[1] ?? "");
          say("250 ok");
        } else if (verb === "DATA") {
          data = [];
          say("354 go on");
        } else if (verb === "QUIT") {
          say("221 bye");
          socket.end();
        } else say("250 ok");
      }
    });
    socket.on("error", () => {});
  }

  /** The text of the next mail to `address` (transfer encoding undone), within 15 s. */
  async waitFor(address: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const index = this.mails.findIndex((m) => m.to.includes(address));
      if (index >= 0) return decode(this.mails.splice(index, 1)[0]?.data ?? "");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${address} within 15 s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close() {
    this.server.close();
  }
}

function decode(message: string): string {
  const split = message.indexOf("\r\n\r\n");
  const headers = message.slice(0, split);
  const body = message.slice(split + 4);
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64")
    return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      );
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

/** The first link in `text` whose path is `path`, with HTML's `&amp;` undone. */
export function linkIn(text: string, path: string): URL {
  const match = new RegExp(`https?://[^\\s"'<>]*${path.replace(/\//g, "\\/")}\\?[^\\s"'<>]+`).exec(
    text,
  );
  if (!match) throw new Error(`no ${path} link in the mail:\n${text}`);
  return new URL(match[0].replace(/&amp;/g, "&"));
}
