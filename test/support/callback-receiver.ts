import http from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/** One request a partner endpoint received. */
export interface ReceivedCallback {
  n: number;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: any;
}

/** How the endpoint answers a request: an HTTP answer, or never (the connection hangs). */
export type CallbackAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

export type AnswerScript = (req: ReceivedCallback) => CallbackAnswer;

export const MEMBER_OK: CallbackAnswer = { status: 200, body: '{"code":"0000"}', headers: { 'content-type': 'application/json' } };
export const WEBHOOK_OK: CallbackAnswer = { status: 204 };

/** Answers `first` for the first `n` requests, then `then`. */
export const firstN =
  (n: number, first: CallbackAnswer, then: CallbackAnswer): AnswerScript =>
  (req) =>
    req.n <= n ? first : then;

/**
 * A partner's callback endpoint for tests: a real HTTP server on loopback and a random port that
 * records every request and answers as its (changeable) script says.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  private script: AnswerScript;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(script: AnswerScript = () => MEMBER_OK) {
    this.script = script;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v ?? '');
        const received: ReceivedCallback = { n: this.received.length + 1, path: req.url ?? '/', headers, body, json };
        this.received.push(received);
        const answer = this.script(received);
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/callbacks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  answer(script: AnswerScript): void {
    this.script = script;
  }

  /** Requests whose JSON body matches, e.g. by verification id. */
  where(pred: (r: ReceivedCallback) => boolean): ReceivedCallback[] {
    return this.received.filter(pred);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
