// What the HTTPS stand-ins of the networks (X, Bluesky, Mastodon, Telegram) do alike: serve the suite's
// throw-away certificate on a free port of 127.0.0.1, record every request, answer a route with what a
// test scripted for it before the network's own simulation, tell a test when a request has arrived, and
// stop at once even while an answer is held or hangs. What makes each one faithful to its network —
// reading requests, auth checks, the simulation, the error bodies — stays in its own stand-in.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { CertificateFiles } from "./tls.js";

/** A scripted moment around what the network does, instead of an answer of the test's own. */
export type Moment =
  /** The network acts at once as usual, but its answer waits for `held` (a test looks at something meanwhile). */
  | { held: Promise<void> }
  /** Close the connection without answering; with `act`, after doing what the network would (e.g. posting). */
  | { drop: true; act?: boolean }
  /** Never answer (the client's timeout fires); with `act`, after doing what the network would. */
  | { hang: true; act?: boolean };

/** A stand-in of one network: `Recorded` is how it keeps a request, `Reply` an answer it can give. */
export abstract class HttpsStandIn<Recorded, Reply extends object> {
  readonly requests: Recorded[] = [];
  now: () => Date = () => new Date();
  url = "";

  private readonly scripts = new Map<string, (Reply | Moment)[]>();
  private readonly waiters: { route: string; resolve: (r: Recorded) => void }[] = [];
  private readonly open = new Set<ServerResponse>();
  private server: Server | null = null;

  constructor(private readonly certificate: CertificateFiles) {}

  async start(): Promise<this> {
    const server = createServer({ key: this.certificate.key, cert: this.certificate.cert }, (req, res) => {
      this.open.add(res);
      res.on("close", () => this.open.delete(res));
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forgets the requests and the scripts, and puts the clock back to the real one. */
  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
    this.now = () => new Date();
  }

  /** The next answers on `route`, in order; after them, the simulation answers. */
  script(route: string, ...replies: (Reply | Moment)[]): void {
    const key = this.routeKey(route);
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...replies]);
  }

  /** Resolves when a request on `route` has been received (before it is answered). */
  received(route: string): Promise<Recorded> {
    return new Promise((resolve) => this.waiters.push({ route: this.routeKey(route), resolve }));
  }

  requestsOn(route: string): Recorded[] {
    return this.requests.filter((r) => this.routeKey(this.routeOf(r)) === this.routeKey(route));
  }

  /** Reads, records and answers one request, as the network would. */
  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /** The route of a recorded request, as tests name it in `script`, `received` and `requestsOn`. */
  protected abstract routeOf(r: Recorded): string;

  /** The form in which routes are compared (as they are, unless a network's names ignore case). */
  protected routeKey(route: string): string {
    return route;
  }

  /** Keeps a request, and wakes the tests waiting for its route. */
  protected record(r: Recorded): void {
    this.requests.push(r);
    const route = this.routeKey(this.routeOf(r));
    for (const w of this.waiters.filter((w) => w.route === route)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(r);
    }
  }

  /**
   * Answers a recorded request with the next reply scripted on its route, else with what the network
   * does (`act`); a scripted moment lets the network act (held, or `act`) and holds, drops or hangs.
   */
  protected async respond(
    req: IncomingMessage,
    r: Recorded,
    act: () => Reply,
    send: (reply: Reply) => void,
  ): Promise<void> {
    const reply = this.scripts.get(this.routeKey(this.routeOf(r)))?.shift() ?? act();
    if (!isMoment(reply)) return send(reply);
    if ("held" in reply) {
      const answer = act();
      await reply.held;
      return send(answer);
    }
    if (reply.act) act();
    if ("drop" in reply) req.socket.destroy();
  }
}

function isMoment(reply: object): reply is Moment {
  return "held" in reply || "drop" in reply || "hang" in reply;
}

/** `METHOD /path` with the numeric segments of the path as `:id`, e.g. `GET /api/v1/statuses/:id/source`. */
export function restRoute(method: string, path: string): string {
  return `${method} ${path.replace(/(?<=.)\/\d+(?=\/|$)/g, "/:id")}`;
}

/** The parts of a multipart/form-data body between its `--boundary` lines: each one's headers and bytes. */
export function multipartParts(raw: Buffer, boundary: string): { head: string; data: Buffer }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { head: string; data: Buffer }[] = [];
  let at = raw.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    const next = raw.indexOf(delimiter, start);
    if (next === -1) break;
    const part = raw.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    parts.push({
      head: part.subarray(0, headerEnd).toString("utf8"),
      data: Buffer.from(part.subarray(headerEnd + 4)),
    });
    at = next;
  }
  return parts;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
