import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';
import { startStripeStandIn, type StripeStandIn } from '../standins/stripe.ts';
import { QUIET_RECONCILER } from './api-server.ts';
import { launchBrowser } from './browser.ts';
import { startMusicGptServer, testSql, type TestSql } from './generation.ts';
import type { RunningStack } from './stack.ts';

/**
 * For a test file: an API process on MusicGPT (a fresh stand-in), a database connection for
 * counting, all started before the file's tests and stopped after them.
 */
export function musicGptFixture(env: Record<string, string> = {}) {
  const fx = { sql: testSql() } as {
    sql: TestSql;
    server: RunningStack;
    musicgpt: MusicGptStandIn;
  };
  beforeAll(async () => {
    Object.assign(fx, await startMusicGptServer(env));
  });
  afterAll(async () => {
    await fx.server?.stop();
    await fx.musicgpt?.close();
    await fx.sql.end();
  });
  return fx;
}

/**
 * For a test file: an API process on MusicGPT that takes card payments through a fresh Stripe
 * stand-in (`stripe`), with the reconciler idle so webhooks drive the songs; `env` adds to it.
 */
export function stripeFixture(env: Record<string, string> = {}) {
  const fx = { sql: testSql() } as {
    sql: TestSql;
    server: RunningStack;
    musicgpt: MusicGptStandIn;
    stripe: StripeStandIn;
  };
  beforeAll(async () => {
    fx.stripe = await startStripeStandIn();
    Object.assign(
      fx,
      await startMusicGptServer({
        ...QUIET_RECONCILER,
        STRIPE_SECRET_KEY: fx.stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: fx.stripe.webhookSecret,
        STRIPE_API_BASE: fx.stripe.url,
        ...env,
      }),
    );
  });
  afterAll(async () => {
    await fx.server?.stop();
    await fx.musicgpt?.close();
    await fx.stripe?.close();
    await fx.sql.end();
  });
  return fx;
}

/** For a test file: one headless Chromium, closed after the file's tests. */
export function browserFixture() {
  const fx = {} as { browser: Browser };
  beforeAll(async () => {
    fx.browser = await launchBrowser();
  });
  afterAll(async () => {
    await fx.browser?.close();
  });
  return fx;
}
