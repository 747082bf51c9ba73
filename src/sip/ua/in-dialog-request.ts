/**
 * A request received inside a dialog, handed to the application to answer: accept (2xx) or
 * reject. Exactly one final response is sent; if the application never answers, the owner
 * answers with a default when its handler returns.
 */
import { createResponse } from '../message/build.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { ServerTransaction } from '../transaction/server.js';

export interface AnswerOptions {
  body?: Buffer;
  contentType?: string;
  headers?: ReadonlyArray<[string, string]>;
  reason?: string;
}

export class InDialogRequest {
  answered = false;
  status = 0;

  constructor(
    readonly message: SipRequest,
    private readonly tx: ServerTransaction,
    private readonly localTag: string,
    /** Adds what the owner wants on every response (Contact, Session-Expires...) and sends. */
    private readonly finish: (res: SipResponse, req: InDialogRequest) => void,
  ) {}

  get method(): string {
    return this.message.method;
  }

  get body(): Buffer {
    return this.message.body;
  }

  get contentType(): string | undefined {
    return this.message.headers.get('content-type');
  }

  accept(opts: AnswerOptions = {}): void {
    this.answer(this.method === 'REFER' ? 202 : 200, opts);
  }

  reject(status: number, opts: AnswerOptions = {}): void {
    this.answer(status, opts);
  }

  answer(status: number, opts: AnswerOptions = {}): void {
    if (this.answered) return;
    if (status >= 200) this.answered = true;
    this.status = status;
    const headers: Array<[string, string]> = [...(opts.headers ?? [])];
    if (opts.body && opts.body.length) headers.push(['Content-Type', opts.contentType ?? 'application/sdp']);
    const res = createResponse(this.message, status, {
      toTag: this.localTag,
      headers,
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.body ? { body: opts.body } : {}),
    });
    this.finish(res, this);
  }

  /** @internal the transaction the answer goes on. */
  get transaction(): ServerTransaction {
    return this.tx;
  }
}
