import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadAuthSecret } from './auth/secret.ts';
import { tokenSigner } from './auth/token.ts';
import { ensureClientBuild } from './build/client.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { AudioStorage } from './audio/storage.ts';
import { downloadLinks } from './delivery/links.ts';
import { createPayments } from './payments/index.ts';
import { createApp } from './http/app.ts';
import { createProvider, providerIdentity } from './providers/index.ts';
import { Generation } from './slots/generation.ts';
import { Reconciler } from './slots/reconciler.ts';
import { urlSigner } from './slots/tokens.ts';
import { createWriter } from './writer/index.ts';
import { logger } from './log.ts';
import { isZeroCacheUp, startZeroCache, type ZeroCache } from './sync/zero-cache.ts';
import { zeroProxy, type ZeroProxy } from './sync/zero-proxy.ts';
import { SIGNED_OUT_CHANNEL } from './session/sign-out.ts';

const log = logger('refrain');

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = path.join(ROOT, 'dist');

export interface Stack {
  url: string;
  db: Database;
  zeroCache: ZeroCache | undefined;
  stop(): Promise<void>;
}

/**
 * Brings up every part in dependency order (build, Postgres, migrations, API, zero-cache) and
 * stops in reverse. A failure part-way stops what already started, so nothing is left behind.
 */
export async function startStack(config: Config): Promise<Stack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch((err) => log.error('stop failed', { error: String(err) }));
    }
    stops.length = 0;
  };
  try {
    fs.mkdirSync(config.dataDir, { recursive: true });
    await ensureClientBuild(ROOT, DIST_DIR);

    const db = await openDatabase(config);
    stops.push(db.close);
    await migrate(db.sql);

    const secret = loadAuthSecret(config.dataDir, config.authSecret);
    const signer = urlSigner(secret);
    const storage = new AudioStorage(
      path.join(config.dataDir, 'audio'),
      config.maxAudioBytes,
      config.mediaTrustedHosts,
    );
    const provider = createProvider(config, storage);
    const writer = createWriter({
      groqApiKey: config.groq.apiKey,
      groqModel: config.groq.model,
      groqBaseUrl: config.groq.baseUrl,
    });
    const generation = new Generation({
      sql: db.sql,
      config,
      provider,
      providerId: providerIdentity(config),
      writer,
      signer,
      storage,
    });
    provider.onComplete = (slotId, takes, taskId) =>
      generation.acceptEngineTakes(slotId, takes, taskId);
    const reconciler = new Reconciler(db.sql, config, provider, generation);
    const payments = createPayments(db.sql, config, secret);
    stops.push(async () => {
      generation.stop();
      await reconciler.stop();
      await payments.settlement.stop();
      await provider.close?.();
    });

    let zeroCache: ZeroCache | undefined;
    const tokens = tokenSigner(secret, db.sql);
    const proxy = zeroProxy({ target: config.zeroCacheUrl, verify: (t) => tokens.verify(t) });
    // "Sign out everywhere" in any API process ends the owner's live sync in every one of them.
    const signedOut = await db.sql.listen(SIGNED_OUT_CHANNEL, (ownerId) => {
      const closed = proxy.closeOwner(ownerId);
      if (closed) log.info('signed out everywhere: live sync closed', { ownerId, closed });
    });
    stops.push(() => signedOut.unlisten());
    const app = createApp(
      {
        config,
        sql: db.sql,
        tokens,
        // A zero-cache stopped for listening beyond loopback stays down even if its port answers.
        isSyncUp: async () => !zeroCache?.exposure && isZeroCacheUp(config.zeroCacheUrl),
        distDir: DIST_DIR,
      },
      { generation, signer, storage, payments, links: downloadLinks(secret) },
    );
    const server = await listen(app.fetch, config.port, proxy);
    stops.push(() => closeServer(server, proxy));
    reconciler.start();
    payments.settlement.start();

    // With RUN_ZERO_CACHE=false this process is one more API server for a zero-cache run elsewhere.
    if (config.runZeroCache) {
      zeroCache = startZeroCache(config, db.url, `http://127.0.0.1:${config.port}`);
      stops.push(() => zeroCache!.stop());
      await zeroCache.waitUntilUp(120_000);
    }

    return { url: config.publicUrl, db, zeroCache, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** PORT, the one public port: the app, and Zero's socket through the proxy. */
function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  port: number,
  proxy: ZeroProxy,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '0.0.0.0' }, () => resolve(server as Server));
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
