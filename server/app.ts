import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { apiDocument } from './api-doc.ts';
import { audioRoutes } from './audio/routes.ts';
import { streamRoutes } from './audio/stream.ts';
import type { AudioStorage } from './audio/storage.ts';
import type { UrlSigner, VapidKeys } from './auth/signing.ts';
import type { DownloadLinks } from './delivery/links.ts';
import { downloadListRoutes, downloadRoutes } from './delivery/routes.ts';
import { Refusal } from './errors.ts';
import { formRoutes } from './forms/routes.ts';
import { giftRoutes } from './gifts/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { demoCheckoutRoutes } from './payments/demo.ts';
import type { Payments } from './payments/index.ts';
import { checkoutRoutes } from './payments/routes.ts';
import { pushRoutes } from './push/routes.ts';
import { pronunciationRoutes } from './forms/pronunciation.ts';
import { MUSICGPT_WEBHOOK_ROUTE } from './providers/musicgpt/webhook.ts';
import type { MusicProvider } from './providers/types.ts';
import { siteInfo } from './site.ts';
import { readerLocale } from './http/locale.ts';
import { resumeRoutes } from './resume/routes.ts';
import type { SampleSongs } from './samples/index.ts';
import { sampleRoutes } from './samples/routes.ts';
import type { Generation } from './slots/generation.ts';
import type { Reconciler } from './slots/reconciler.ts';
import { syncRoutes } from './sync/routes.ts';
import { musicGptWebhookRoutes } from './webhooks/musicgpt.ts';
import { stripeWebhookRoutes } from './webhooks/stripe.ts';
import type { Writer } from './writer/index.ts';
import { sessionRoutes } from './session/routes.ts';
import { signOutRoutes } from './session/sign-out.ts';
import { zeroRoutes } from './zero/endpoints.ts';
import { ZERO_PATH } from './zero/proxy.ts';
import type { AppDeps, AppEnv } from './http/env.ts';
import { onError } from './http/errors.ts';
import { securityHeaders } from './http/security-headers.ts';
import { pwaRoutes } from './http/static.ts';
import { Metrics } from './metrics/metrics.ts';
import { metricsRoutes } from './metrics/routes.ts';

export interface AppServices {
  generation: Generation;
  reconciler: Pick<Reconciler, 'pollNow'>;
  signer: UrlSigner;
  storage: AudioStorage;
  payments: Payments;
  links: DownloadLinks;
  writer: Writer;
  provider: Pick<MusicProvider, 'sings'>;
  vapid: Pick<VapidKeys, 'publicKey'>;
  samples: SampleSongs;
}

/** The whole HTTP surface: API under /api, the PWA everywhere else. */
export function createApp(deps: AppDeps, services: AppServices) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', c.req.header('x-request-id') ?? randomUUID());
    await next();
  });
  app.use('*', securityHeaders(deps.config));
  app.onError(onError);

  app.route('/api/health', healthRoutes(deps, services.writer.summary));
  app.route('/api/session', sessionRoutes(deps));
  app.route('/api/session', signOutRoutes(deps));
  app.route('/api/resume-codes', resumeRoutes(deps));
  app.route('/api/zero', zeroRoutes(deps));
  const metrics = new Metrics(deps.sql, deps.isSyncUp);
  app.route('/metrics', metricsRoutes(deps, metrics));
  app.route('/api/sync', syncRoutes(deps, services.generation, metrics));
  app.route('/api/forms', formRoutes(deps));
  app.route('/api/forms', checkoutRoutes(deps, services.payments.checkout));
  app.route('/api/forms', downloadListRoutes(deps, services.links));
  app.route('/api/download', downloadRoutes(deps, services.storage, services.links));
  app.route('/api/audio', audioRoutes(deps, services.storage, services.signer));
  app.route('/api/streams', streamRoutes(deps, services.signer));
  app.route('/api/push', pushRoutes(deps, services.vapid));
  app.route('/api/pronounce', pronunciationRoutes());
  app.route('/api/samples', sampleRoutes(services.samples));
  app.route(
    MUSICGPT_WEBHOOK_ROUTE,
    musicGptWebhookRoutes(deps, services.signer, services.generation, services.reconciler),
  );
  app.route('/api/webhooks/stripe', stripeWebhookRoutes(deps.sql, services.payments));
  app.get('/api/openapi.json', (c) => c.json(apiDocument(deps.config)));
  const site = async (locale?: string) =>
    siteInfo(
      {
        config: deps.config,
        sings: services.provider.sings,
        samples: await services.samples.list(),
      },
      locale,
    );
  app.get('/api/config', async (c) =>
    c.json(await site(readerLocale(c.req.header('accept-language')))),
  );
  // Only the WebSocket upgrade of /zero/sync/... is served (server/zero/proxy.ts).
  app.all(`${ZERO_PATH}/*`, () => {
    throw new Refusal(
      'not_found',
      `no such endpoint: live sync connects by WebSocket under ${ZERO_PATH}`,
    );
  });
  app.all('/api/*', (c) => {
    throw new Refusal('not_found', `no such endpoint: ${c.req.method} ${c.req.path}`);
  });
  app.route('/g', giftRoutes(deps, services.storage));
  if (deps.config.payments === 'demo') {
    app.route('/demo-checkout', demoCheckoutRoutes(deps.sql, services.payments));
  }
  if (deps.distDir) app.route('/', pwaRoutes(deps.distDir, site));
  return app;
}
