import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Bounds on how long a client may take to send a request. Node's `requestTimeout` covers
 * receiving the request (headers and body), never the response, so an SSE stream, whose GET is
 * received at once, lives on past it; a client that trickles or stalls a body is answered 408
 * and disconnected instead of holding a socket (and, under an fd limit, the server) forever.
 */
export interface HttpTimeouts {
  /** Whole request, headers and body, in ms. */
  requestTimeoutMs: number;
  /** Request headers, in ms; no more than `requestTimeoutMs`. */
  headersTimeoutMs: number;
  /** An idle keep-alive socket between requests, in ms. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two request timeouts (its default, 30 s, would double them). */
  checkIntervalMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

export function createHttpServer(app: RequestListener, timeouts: HttpTimeouts = HTTP_TIMEOUTS): Server {
  return createServer(
    {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    app,
  );
}
