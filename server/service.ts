import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Sql } from 'postgres';
import { loadAuthSecret } from './auth/secret.ts';
import { urlSigner, vapidKeys } from './auth/signing.ts';
import { tokenSigner } from './auth/token.ts';
import type { Config } from './config.ts';
import { AudioStorage } from './audio/storage.ts';
import { downloadLinks } from './delivery/links.ts';
import { createPayments } from './payments/index.ts';
import { createApp } from './app.ts';
import { createProvider, providerIdentity } from './providers/index.ts';
import { PushNotifier } from './push/notifier.ts';
import { createReceiptMailer } from './receipts/index.ts';
import { Generation } from './slots/generation.ts';
import { Reconciler } from './slots/reconciler.ts';
import { sampleSongs } from './samples/index.ts';
import { createWriter } from './writer/index.ts';
import { logger } from './log.ts';
import { isZeroCacheUp } from './zero/cache.ts';
import { zeroProxy, type ZeroProxy } from './zero/proxy.ts';
import { SIGNED_OUT_CHANNEL } from './session/sign-out.ts';

const log = logger('api');

export const DIST_DIR = path.join(fileURLToPath(new URL('..', import.meta.url)), 'dist');

export interface Service {
  stop(): Promise<void>;
}

/**
 * The API process: HTTP on PORT (the app, the API and Zero's socket), generation, the reconciler
 * and payment settlement, on a database the supervisor has already migrated. Stops in reverse.
 */
export async function startService(config: Config, sql: Sql): Promise<Service> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err) => log.error('stop failed', { error: String(err) }));
    }
    stops.length = 0;
  };
  try {
    const secret = loadAuthSecret(config.dataDir, config.authSecret);
    if (config.downloadClockOffsetMs) {
      log.warn(
        'download links run ahead of the real clock (DOWNLOAD_CLOCK_OFFSET_MS; tests only)',
        {
          offsetMs: config.downloadClockOffsetMs,
        },
      );
    }
    const signer = urlSigner(secret);
    const storage = new AudioStorage(
      path.join(config.dataDir, 'audio'),
      config.maxAudioBytes,
      config.mediaTrustedHosts,
    );
    // The built-in engine hands its finished takes to generation, which needs the provider to be
    // built first: the hook reaches generation by the time any render can finish, since only
    // generation starts renders.
    const provider = createProvider(config, storage, {
      onComplete: (slotId, takes, taskId) => generation.acceptEngineTakes(slotId, takes, taskId),
      onEstimate: (slotId, readyInSec) => void generation.recordEstimate(slotId, readyInSec),
    });
    const writer = createWriter({
      groqApiKey: config.groq.apiKey,
      groqModel: config.groq.model,
      groqBaseUrl: config.groq.baseUrl,
    });
    const generation = new Generation({
      sql,
      config,
      provider,
      providerId: providerIdentity(config),
      writer,
      signer,
      storage,
    });
    const reconciler = new Reconciler(sql, config, provider, generation);
    const payments = createPayments(sql, config, secret);
    const vapid = vapidKeys(secret);
    const notifier = new PushNotifier(sql, {
      vapid,
      subject: vapidSubject(config.publicUrl),
      trustedHosts: config.mediaTrustedHosts,
    });
    const receipts = createReceiptMailer(sql, config);
    stops.push(async () => {
      generation.stop();
      await reconciler.stop();
      await payments.settlement.stop();
      await notifier.stop();
      await receipts?.stop();
      await provider.close?.();
    });

    const tokens = tokenSigner(secret, sql);
    const proxy = zeroProxy({ target: config.zeroCacheUrl, verify: (t) => tokens.verify(t) });
    // "Sign out everywhere" in any API process ends the owner's live sync in every one of them.
    const signedOut = await sql.listen(SIGNED_OUT_CHANNEL, (ownerId) => {
      const closed = proxy.closeOwner(ownerId);
      if (closed) log.info('signed out everywhere: live sync closed', { ownerId, closed });
    });
    stops.push(() => signedOut.unlisten());
    const app = createApp(
      {
        config,
        sql,
        tokens,
        // zero-cache runs beside this process; one caught listening beyond loopback is stopped for
        // good by the supervisor, so its port answering is the whole story.
        isSyncUp: () => isZeroCacheUp(config.zeroCacheUrl),
        distDir: DIST_DIR,
      },
      {
        generation,
        reconciler,
        signer,
        storage,
        payments,
        links: downloadLinks(secret, () => Date.now() + config.downloadClockOffsetMs),
        writer,
        provider,
        vapid,
        samples: sampleSongs(config, provider.renderTake),
      },
    );
    const server = await listen(app.fetch, config.port, proxy);
    stops.push(() => closeServer(server, proxy));
    reconciler.start();
    await notifier.start();
    payments.settlement.start();
    await receipts?.start();
    return { stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** How long an idle keep-alive connection stays open: longer than any client's or proxy's. */
const KEEP_ALIVE_MS = 65_000;

/** PORT, the one public port: the app, and Zero's socket through the proxy. */
function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  port: number,
  proxy: ZeroProxy,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '0.0.0.0' }, () => resolve(server as Server));
    // An idle keep-alive connection is closed by the client, never by the server: Node's 5 s
    // default races clients (undici's own idle limit is 4 s, a proxy's often 60 s) that reuse the
    // connection just as it closes, and the request is lost with "other side closed". Shutdown
    // closes every connection at once (closeServer), so a long idle limit never holds it.
    const http = server as Server;
    http.keepAliveTimeout = KEEP_ALIVE_MS;
    http.headersTimeout = KEEP_ALIVE_MS + 1_000;
    server.on('upgrade', proxy.handleUpgrade);
    server.once('error', reject);
  });
}

function closeServer(server: Server, proxy: ZeroProxy): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Open keep-alive and proxied WebSocket connections would hold close() forever.
    server.closeAllConnections();
    proxy.closeAll();
  });
}

/**
 * VAPID's contact for push services (RFC 8292): the site's own https address, else a mailto on its
 * host name (push services refuse a plain-http subject).
 */
function vapidSubject(publicUrl: string): string {
  const url = new URL(publicUrl);
  return url.protocol === 'https:' && url.hostname !== 'localhost'
    ? url.origin
    : `mailto:push@${url.hostname}`;
}
