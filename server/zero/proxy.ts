import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { logger } from '../log.ts';

const log = logger('zero-proxy');

/** Where browsers open Zero's socket on the app's own port; the client appends the rest. */
export const ZERO_PATH = '/zero';
// The one thing forwarded: Zero's sync socket. zero-cache's dispatcher also serves replication
// (every replicated row) and push on the same port, so nothing else under /zero may pass.
const SYNC_CONNECT = /^\/zero(\/sync\/v\d{1,4}\/connect)$/;
// Zero keeps its Sec-WebSocket-Protocol under 8 KiB by default; Node's parser caps all headers
// at 16 KiB before this code runs, and this repeats it for the bytes written upstream.
const MAX_HEADER_BYTES = 16 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;

export interface ZeroProxyOptions {
  /** zero-cache's own address (ZERO_CACHE_URL): loopback or a private network. */
  target: string;
  /** The owner id of a valid token, or null. */
  verify: (token: string) => Promise<string | null>;
}

/** Live sync connections by owner, so signing an owner out everywhere can cut them. */
export interface LiveSyncConnections {
  /** Ends every live sync connection of `ownerId`; returns how many there were. */
  closeOwner(ownerId: string): number;
}

export interface ZeroProxy extends LiveSyncConnections {
  /** The node server's 'upgrade' listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends every connection, open or still being checked (server shutdown). */
  closeAll(): void;
}

/**
 * Carries Zero's WebSocket from the app's port to zero-cache, for holders of a valid token only,
 * so zero-cache itself never needs to face the network.
 */
export function zeroProxy(opts: ZeroProxyOptions): ZeroProxy {
  const target = new URL(opts.target);
  const basePath = target.pathname.replace(/\/$/, '');
  const sockets = new Set<Duplex>();
  const byOwner = new Map<string, Set<Duplex>>();

  const track = (ownerId: string, socket: Duplex) => {
    let set = byOwner.get(ownerId);
    if (!set) byOwner.set(ownerId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (!set.size && byOwner.get(ownerId) === set) byOwner.delete(ownerId);
    });
  };

  const connectUpstream = (): net.Socket => {
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    return target.protocol === 'https:'
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
  };

  const forward = (req: IncomingMessage, socket: Duplex, head: Buffer, path: string) => {
    const lines = [`GET ${path} HTTP/1.1`, `Host: ${target.host}`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i]!.toLowerCase() === 'host') continue;
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    const request = `${lines.join('\r\n')}\r\n\r\n`;
    if (Buffer.byteLength(request) > MAX_HEADER_BYTES) {
      return refuse(socket, 431, 'The request headers are too large.');
    }

    const upstream = connectUpstream();
    let piped = false;
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    upstream.setTimeout(CONNECT_TIMEOUT_MS, () => {
      if (!piped) refuse(socket, 503, 'Live sync is not answering right now; it will retry.');
      upstream.destroy();
    });
    upstream.on('error', (err) => {
      if (piped) return end();
      log.warn('zero-cache unreachable', { error: err.message });
      refuse(socket, 503, 'Live sync is not running right now; it will retry.');
      upstream.destroy();
    });
    upstream.once('connect', () => {
      if (target.protocol !== 'https:') start();
    });
    upstream.once('secureConnect', start);
    socket.once('close', end);

    function start() {
      if (socket.destroyed) return end();
      piped = true;
      upstream.setTimeout(0);
      upstream.once('close', end);
      upstream.setNoDelay(true);
      (socket as net.Socket).setNoDelay?.(true);
      upstream.write(request);
      if (head.length) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    }
  };

  const handle = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://unused');
    const match = SYNC_CONNECT.exec(url.pathname);
    const isWebSocket = req.headers.upgrade?.toLowerCase() === 'websocket';
    if (!match || req.method !== 'GET' || !isWebSocket) {
      return refuse(
        socket,
        404,
        `No such endpoint: live sync connects by WebSocket at ${ZERO_PATH}/sync/v<version>/connect.`,
      );
    }
    const token = tokenOf(req.headers['sec-websocket-protocol']);
    let ownerId: string | null = null;
    try {
      ownerId = token ? await opts.verify(token) : null;
    } catch (err) {
      log.error('token check failed', { error: String(err) });
      return refuse(socket, 503, 'Sign-in cannot be checked right now; live sync will retry.');
    }
    if (!ownerId) {
      return refuse(
        socket,
        401,
        'Live sync needs a valid sign-in token; reload the app to sign in.',
      );
    }
    const userID = url.searchParams.get('userID');
    if (userID !== null && userID !== ownerId) {
      return refuse(socket, 403, 'This sync connection names a different account than its token.');
    }
    if (socket.destroyed) return;
    track(ownerId, socket);
    forward(req, socket, head, `${basePath}${match[1]}${url.search}`);
  };

  return {
    handleUpgrade(req, socket, head) {
      // A reset or a write after the peer left must never reach the process as an uncaught error.
      socket.on('error', () => socket.destroy());
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      handle(req, socket, head).catch((err) => {
        log.error('upgrade failed', { error: String(err) });
        socket.destroy();
      });
    },
    closeOwner(ownerId) {
      const set = byOwner.get(ownerId);
      if (!set) return 0;
      const count = set.size;
      for (const socket of set) socket.destroy();
      byOwner.delete(ownerId);
      return count;
    },
    closeAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** The auth token Zero puts inside Sec-WebSocket-Protocol (zero-protocol's encodeSecProtocols). */
export function tokenOf(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const base64 = decodeURIComponent(header);
    // As strict as the atob() zero-cache decodes with, so both read the same token.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
    const json = Buffer.from(base64, 'base64').toString('utf8');
    const { authToken } = JSON.parse(json) as { authToken?: unknown };
    return typeof authToken === 'string' && authToken ? authToken : null;
  } catch {
    return null;
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // end() waits for the peer; a client that never reads must not keep the socket.
  setTimeout(() => socket.destroy(), 5_000).unref();
}
