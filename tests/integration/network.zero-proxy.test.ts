import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { loadAuthSecret } from '../../server/auth/secret.ts';
import { tokenSigner } from '../../server/auth/token.ts';
import { zeroProxy, type ZeroProxy } from '../../server/zero/proxy.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { createForm } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const { baseUrl, dataDir, databaseUrl, zeroUrl } = inject('stack');

/** Zero's Sec-WebSocket-Protocol: the token inside base64 JSON (zero-protocol's connect.ts). */
const secProtocol = (authToken: string) =>
  encodeURIComponent(
    Buffer.from(JSON.stringify({ initConnectionMessage: undefined, authToken })).toString('base64'),
  );

const connectQuery = (userID: string) =>
  `clientID=c1&clientGroupID=g${randomBytes(4).toString('hex')}&userID=${userID}` +
  `&baseCookie=&ts=1&lmid=0&wsid=w1`;

/** A WebSocket handshake by hand, so a refusal's status and words can be read. */
function upgrade(url: string, protocol?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...(protocol ? { 'sec-websocket-protocol': protocol } : {}),
      },
      signal: AbortSignal.timeout(20_000),
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: '' });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A TCP pass-through to the stack's zero-cache that counts what reaches it. */
async function countingRelay(targetPort: number) {
  const seen: { requestLine: string; socket: net.Socket }[] = [];
  const server = net.createServer((client) => {
    const entry = { requestLine: '', socket: client };
    seen.push(entry);
    client.once('data', (d) => (entry.requestLine = String(d).split('\r\n')[0]!));
    const upstream = net.connect(targetPort, '127.0.0.1');
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    seen,
    close: () => {
      for (const { socket } of seen) socket.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('Zero through the app port', () => {
  let a: Guest;
  let b: Guest;
  beforeAll(async () => {
    [a, b] = await Promise.all([makeGuest(), makeGuest()]);
  });

  it('refuses the change stream, anything but the sync socket, and connections without a valid token', async () => {
    const plain = await fetch(`${baseUrl}/zero/replication/v6/changes`);
    expect(plain.status).toBe(404);
    expect(((await plain.json()) as { error: string }).error).toMatch(/live sync/);

    const changes = await upgrade(`${baseUrl}/zero/replication/v6/changes`, secProtocol(a.token));
    expect(changes.status).toBe(404);
    expect(changes.body).toMatch(/No such endpoint/);
    for (const other of ['/zero/mutate/v51/push', '/zero/statz', '/zero/', '/']) {
      expect((await upgrade(`${baseUrl}${other}`, secProtocol(a.token))).status).toBe(404);
    }

    const connect = `${baseUrl}/zero/sync/v51/connect?${connectQuery(a.ownerId)}`;
    const missing = await upgrade(connect);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatch(/valid sign-in token/);
    expect((await upgrade(connect, secProtocol(`${a.token}x`))).status).toBe(401);
    expect((await upgrade(connect, 'not-a-zero-protocol')).status).toBe(401);
    // B's token cannot open a connection that names A.
    expect((await upgrade(connect, secProtocol(b.token))).status).toBe(403);
    // A's own token is forwarded, and zero-cache takes the socket.
    expect((await upgrade(connect, secProtocol(a.token))).status).toBe(101);
  });

  it("a Zero client on the app's /zero sees its own rows live and never anyone else's", async () => {
    const first = await createForm(a, 1);
    const zero = connectZero(`${baseUrl}/zero`, a);
    try {
      const view = zero.materialize(queries.myForms());
      await waitFor(
        () => view.data.some((f) => f.id === first),
        30_000,
        () => JSON.stringify(view.data),
      );
      const later = await createForm(a, 2);
      const others = await createForm(b, 3);
      await waitFor(() => view.data.some((f) => f.id === later), 30_000);
      expect(view.data.some((f) => f.id === others)).toBe(false);
      expect(view.data.every((f) => f.ownerId === a.ownerId)).toBe(true);
      view.destroy();
    } finally {
      await zero.close();
    }
  });
});

describe('the proxy in front of zero-cache', () => {
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const tokens = tokenSigner(loadAuthSecret(dataDir), sql);
  let relay: Awaited<ReturnType<typeof countingRelay>>;
  let proxy: ZeroProxy;
  let server: http.Server;
  let proxyUrl: string;
  let a: Guest;
  let b: Guest;

  beforeAll(async () => {
    relay = await countingRelay(Number(new URL(zeroUrl).port));
    proxy = zeroProxy({ target: relay.url, verify: (t) => tokens.verify(t) });
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', proxy.handleUpgrade);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    [a, b] = await Promise.all([makeGuest(), makeGuest()]);
  });
  afterAll(async () => {
    proxy.closeAll();
    await new Promise<void>((r) => server.close(() => r()));
    await relay.close();
    await sql.end();
  });

  it('a refused request never reaches zero-cache', async () => {
    const before = relay.seen.length;
    const connect = `${proxyUrl}/zero/sync/v51/connect?${connectQuery(a.ownerId)}`;
    const refused = await Promise.all([
      upgrade(`${proxyUrl}/zero/replication/v6/changes`, secProtocol(a.token)),
      upgrade(`${proxyUrl}/zero/replication/v6/snapshot`, secProtocol(a.token)),
      upgrade(`${proxyUrl}/zero/mutate/v51/push?${connectQuery(a.ownerId)}`, secProtocol(a.token)),
      upgrade(
        `${proxyUrl}/zero/sync/v51/connect/../../replication/v6/changes`,
        secProtocol(a.token),
      ),
      upgrade(connect),
      upgrade(connect, secProtocol(`${a.token.slice(0, -4)}AAAA`)),
      upgrade(connect, secProtocol(b.token)),
    ]);
    expect(refused.map((r) => r.status)).toEqual([404, 404, 404, 404, 401, 401, 403]);
    expect(relay.seen.length).toBe(before);

    // The same path with A's token does reach it, with /zero taken off.
    expect((await upgrade(connect, secProtocol(a.token))).status).toBe(101);
    expect(relay.seen.length).toBe(before + 1);
    expect(relay.seen.at(-1)!.requestLine).toMatch(/^GET \/sync\/v51\/connect\?clientID=c1&/);
  });

  it("closing an owner's connections cuts that owner's live sync only", async () => {
    await Promise.all([createForm(a, 1), createForm(b, 1)]);
    const from = relay.seen.length;
    const zeros = [connectZero(`${proxyUrl}/zero`, a), connectZero(`${proxyUrl}/zero`, b)];
    try {
      const views = zeros.map((z) => z.materialize(queries.myForms()));
      await waitFor(() => views.every((v) => v.data.length >= 1), 30_000);
      const socketOf = (g: Guest) => {
        const open = relay.seen
          .slice(from)
          .filter((s) => !s.socket.destroyed && s.requestLine.includes(`userID=${g.ownerId}`));
        expect(open).toHaveLength(1);
        return open[0]!.socket;
      };
      const [aSocket, bSocket] = [socketOf(a), socketOf(b)];

      expect(proxy.closeOwner(a.ownerId)).toBe(1);
      await waitFor(() => aSocket!.destroyed, 10_000);
      expect(bSocket!.destroyed).toBe(false);
      expect(proxy.closeOwner(randomBytes(8).toString('hex'))).toBe(0);

      // B still gets rows live over its untouched connection.
      const later = await createForm(b, 2);
      await waitFor(() => views[1]!.data.some((f) => f.id === later), 30_000);
      expect(bSocket!.destroyed).toBe(false);
      views.forEach((v) => v.destroy());
    } finally {
      await Promise.all(zeros.map((z) => z.close()));
    }
  });
});
