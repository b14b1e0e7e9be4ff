import path from 'node:path';
import { z } from 'zod';
import { currencyOf, formatMoney, type Currency } from '../schema/currency.ts';
import { GROQ_DEFAULT_MODEL, groqRequestShape, unsupportedGroqModel } from './writer/models.ts';

// Empty strings count as unset, so `FOO= npm start` behaves like leaving FOO out.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((v) => (v === '' || v === undefined ? fallback : v), schema);

// Values of these never reach a log line, not even in an error about them.
const SECRET = /SECRET|KEY|PASSWORD|TOKEN|DATABASE_URL|SMTP_URL/;

const port = z.coerce.number().int().min(1).max(65535);
const millis = z.coerce.number().int().min(0);

const WINDOW_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

// A rate as `count/window`, e.g. `30/10m`: at most `count` in each window of that length.
const rate = z.string().transform((text, ctx) => {
  const m = /^(\d+)\s*\/\s*(\d+)?\s*([smhd])$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not count/window like 30/10m (count at least 1; window in s, m, h or d)`,
    });
    return z.NEVER;
  }
  const unit = WINDOW_UNITS[m[3] as keyof typeof WINDOW_UNITS];
  return { points: Number(m[1]), windowMs: Number(m[2] ?? 1) * unit };
});
export type Rate = z.output<typeof rate>;

// `host` or `host:port` items; hosts are compared lowercased.
const hostList = z.string().transform((text, ctx) => {
  const hosts = text
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  for (const host of hosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) {
      ctx.addIssue({ code: 'custom', message: `"${host}" is not a host or host:port` });
      return z.NEVER;
    }
  }
  return hosts;
});

// `songs:amount` pairs, e.g. `1:2900,2:4900`, each amount in the currency's smallest unit (cents,
// or whole yen); every package size a form can have needs a price.
const prices = z.string().transform((text, ctx) => {
  const bySongCount: Record<number, number> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([1-5]):(\d+)$/.exec(pair);
    if (!m || Number(m[2]) < 1) {
      ctx.addIssue({
        code: 'custom',
        message: `"${pair}" is not songs:amount (songs 1-5, amount at least 1, in the currency's smallest unit)`,
      });
      return z.NEVER;
    }
    bySongCount[Number(m[1])] = Number(m[2]);
  }
  const missing = [1, 2, 3, 4, 5].filter((n) => bySongCount[n] === undefined);
  if (missing.length) {
    ctx.addIssue({ code: 'custom', message: `needs a price for ${missing.join(', ')} song(s)` });
    return z.NEVER;
  }
  return bySongCount;
});

const DEFAULT_BY_SONG_COUNT = prices.parse('1:2900,2:4900,3:6900,4:8400,5:9900');

const currency = z.string().transform((code, ctx) => {
  const found = currencyOf(code);
  if (!found) {
    ctx.addIssue({
      code: 'custom',
      message: 'is not a currency Stripe charges in (a three-letter code like usd, eur or jpy)',
    });
    return z.NEVER;
  }
  return found;
});

/** Why Stripe would refuse to charge `amount` for `songs` songs, in the operator's words. */
function priceProblem(songs: number, amount: number, cur: Currency): string | undefined {
  const money = (n: number) => formatMoney(n, cur.code, 'en');
  const code = cur.code.toUpperCase();
  const price = `the price for ${songs} song${songs === 1 ? '' : 's'}, ${money(amount)},`;
  if (cur.minimum !== undefined && amount < cur.minimum) {
    return `${price} is below Stripe's smallest charge in ${code}, ${money(cur.minimum)}; prices count the currency's smallest unit, ${money(1)}`;
  }
  if (amount % cur.step !== 0) {
    return `${price} cannot be charged: Stripe takes ${code} only in steps of ${money(cur.step)}`;
  }
  return undefined;
}

// MusicGPT's limits per plan (docs.musicgpt.com, api-documentation/utilities/ratelimits): parallel
// generations per key and byId calls a minute. Going past either earns 429s; the plan sets the
// defaults, PROVIDER_MAX_TASKS and MUSICGPT_BYID_PER_MINUTE override them (a custom plan). Plus:
// the page's current source says 3 parallel generations, an earlier rendering 5; the lower one is
// taken, since a place too few only waits while one too many earns 429s (docs/providers.md).
//
// callCents: what one Music AI call (two songs) costs on the plan, per model it offers, from the
// pricing page (api-documentation/index/pricing, from August 2026): twice the per-song price, as
// "AI Music … deliver 2 versions and its cost is based on per each song". A model missing here is
// "Not available" on that plan. The free tier is billed as Pay as You Go.
export const MUSICGPT_PLANS = {
  free: { parallelTasks: 1, byIdPerMinute: 20, callCents: { v6: 20 } },
  plus: { parallelTasks: 3, byIdPerMinute: 200, callCents: { 'v6-pro': 12, v6: 10 } },
  pro: {
    parallelTasks: 10,
    byIdPerMinute: 500,
    callCents: { 'v7-pro': 12, v7: 10, 'v6-pro': 9, v6: 7 },
  },
} as const;

export type MusicGptPlan = keyof typeof MUSICGPT_PLANS;

// Music AI V2's `model` values (api-documentation/openapi.json, /v2/MusicAI). The default is
// MusicGPT's own, and the one model every plan offers: v7-pro, which the docs recommend, is Pro only.
export const MUSICGPT_MODELS = ['v6', 'v6-pro', 'v7', 'v7-pro'] as const;
export type MusicGptModel = (typeof MUSICGPT_MODELS)[number];

/** US cents one Music AI call costs with `model` on `plan`; undefined when the plan lacks it. */
export function musicGptCallCents(plan: MusicGptPlan, model: MusicGptModel): number | undefined {
  const prices: Partial<Record<MusicGptModel, number>> = MUSICGPT_PLANS[plan].callCents;
  return prices[model];
}

// Music AI V2 submits under /v2 and polls under /v1, so the setting is the API's base. A base
// ending in /v1 (the only form before V2) still works: the version is cut off.
const musicGptBase = z.url().transform((url) => url.replace(/\/+$/, '').replace(/\/v1$/, ''));

// A sender as mail headers write it: `receipts@example.com` or `Refrain <receipts@example.com>`.
const mailbox = z
  .string()
  .trim()
  .regex(
    /^([^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/,
    'is not an address like receipts@example.com or "Refrain <receipts@example.com>"',
  );

const Env = z
  .object({
    PORT: withDefault(port, 8787),
    DATA_DIR: withDefault(z.string(), './.data'),
    DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/ })),
    PUBLIC_URL: optional(z.url()),
    AUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    PG_PORT: withDefault(port, 54329),
    ZERO_PORT: withDefault(port, 4848),
    ZERO_PUBLIC_URL: optional(z.url()),
    ZERO_CACHE_URL: optional(z.url({ protocol: /^https?$/ })),
    TRUST_PROXY_HOPS: withDefault(z.coerce.number().int().min(0).max(10), 0),
    METRICS_TOKEN: optional(z.string().min(16, 'METRICS_TOKEN needs at least 16 characters')),
    MUSIC_PROVIDER: withDefault(z.enum(['local', 'musicgpt']), 'local'),
    MUSICGPT_API_KEY: optional(z.string()),
    MUSICGPT_API_URL: withDefault(musicGptBase, 'https://api.musicgpt.com/api/public'),
    MUSICGPT_PLAN: withDefault(z.enum(['free', 'plus', 'pro']), 'pro'),
    MUSICGPT_MODEL: withDefault(z.enum(MUSICGPT_MODELS), 'v6'),
    MUSICGPT_BYID_PER_MINUTE: optional(z.coerce.number().int().min(1).max(100_000)),
    GROQ_API_KEY: optional(z.string()),
    GROQ_MODEL: withDefault(z.string(), GROQ_DEFAULT_MODEL),
    GROQ_BASE_URL: optional(z.url()),
    STRIPE_SECRET_KEY: optional(z.string()),
    STRIPE_WEBHOOK_SECRET: optional(z.string()),
    STRIPE_API_BASE: optional(z.url({ protocol: /^https?$/ })),
    PRICES: optional(prices),
    /** The older name of PRICES, still read: for two-decimal currencies its cents are the same. */
    PRICES_CENTS: optional(prices),
    PRICE_CURRENCY: withDefault(currency, 'usd'),
    CREDITS_PER_SONG: withDefault(z.coerce.number().int().min(1).max(100), 1),
    ENGINE_CONCURRENCY: withDefault(z.coerce.number().int().min(1).max(64), 1),
    ZERO_RESTART_MAX_MS: withDefault(millis, 10_000),
    RUN_ZERO_CACHE: withDefault(z.enum(['true', 'false']), 'true'),
    SLOT_LEASE_MS: withDefault(millis, 60_000),
    RENDER_LEASE_MS: optional(millis),
    WEBHOOK_GRACE_MS: withDefault(millis, 120_000),
    RECONCILE_AFTER_MS: withDefault(millis, 180_000),
    RECONCILE_INTERVAL_MS: withDefault(z.coerce.number().int().min(10), 5_000),
    GENERATION_TIMEOUT_MS: withDefault(millis, 600_000),
    PROVIDER_MAX_ATTEMPTS: withDefault(z.coerce.number().int().min(1).max(50), 8),
    PROVIDER_MAX_TASKS: optional(z.coerce.number().int().min(1).max(1000)),
    PROVIDER_BUSY_WAIT_MS: withDefault(z.coerce.number().int().min(10), 5_000),
    MAX_AUDIO_BYTES: withDefault(z.coerce.number().int().min(1024), 50 * 1024 * 1024),
    MEDIA_TRUSTED_HOSTS: withDefault(hostList, ''),
    DOWNLOAD_CLOCK_OFFSET_MS: withDefault(
      z.coerce
        .number()
        .int()
        .min(0)
        .max(365 * 86_400_000),
      0,
    ),
    RATE_SESSIONS_PER_IP: withDefault(rate, '30/10m'),
    RATE_RESUME_REDEEMS_PER_IP: withDefault(rate, '10/10m'),
    RATE_FORMS_PER_OWNER: withDefault(rate, '10/1h'),
    RATE_SLOTS_PER_OWNER: withDefault(rate, '60/1h'),
    MAX_GENERATING_SLOTS_PER_OWNER: withDefault(z.coerce.number().int().min(1).max(1000), 30),
    SMTP_URL: optional(z.url({ protocol: /^smtps?$/ })),
    MAIL_FROM: optional(mailbox),
    MAIL_RETRY_MS: withDefault(z.coerce.number().int().min(10), 60_000),
    MAIL_MAX_ATTEMPTS: withDefault(z.coerce.number().int().min(1).max(100), 8),
    LOG_LEVEL: withDefault(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  })
  .superRefine((env, ctx) => {
    if (env.MUSIC_PROVIDER === 'musicgpt' && !env.MUSICGPT_API_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['MUSICGPT_API_KEY'],
        message: 'is required when MUSIC_PROVIDER=musicgpt',
      });
    }
    if (
      env.MUSIC_PROVIDER === 'musicgpt' &&
      musicGptCallCents(env.MUSICGPT_PLAN, env.MUSICGPT_MODEL) === undefined
    ) {
      const offered = Object.keys(MUSICGPT_PLANS[env.MUSICGPT_PLAN].callCents).join(', ');
      ctx.addIssue({
        code: 'custom',
        path: ['MUSICGPT_MODEL'],
        message: `is not available on MusicGPT's ${env.MUSICGPT_PLAN} plan (it offers ${offered})`,
      });
    }
    // Without a key the built-in writer writes and GROQ_MODEL is never read, so it is not checked.
    if (env.GROQ_API_KEY && !groqRequestShape(env.GROQ_MODEL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['GROQ_MODEL'],
        message: unsupportedGroqModel(env.GROQ_MODEL),
      });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_WEBHOOK_SECRET'],
        message: 'is required when STRIPE_SECRET_KEY is set',
      });
    }
    if (env.PRICES && env.PRICES_CENTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['PRICES_CENTS'],
        message: 'is the older name of PRICES: set one of them, not both',
      });
    }
    const priced = env.PRICES_CENTS && !env.PRICES ? 'PRICES_CENTS' : 'PRICES';
    const bySongCount = env.PRICES ?? env.PRICES_CENTS;
    for (const [songs, amount] of Object.entries(bySongCount ?? DEFAULT_BY_SONG_COUNT)) {
      const problem = priceProblem(Number(songs), amount, env.PRICE_CURRENCY);
      if (!problem) continue;
      const hint = bySongCount
        ? ''
        : `; these are the default prices, set PRICES for ${env.PRICE_CURRENCY.code}`;
      ctx.addIssue({ code: 'custom', path: [priced], message: problem + hint });
    }
  });

export type Config = ReturnType<typeof toConfig>;

/** Thrown when the environment is wrong; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function toConfig(env: z.output<typeof Env>) {
  const dataDir = path.resolve(env.DATA_DIR);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  return {
    port: env.PORT,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    publicUrl,
    authSecret: env.AUTH_SECRET,
    pgPort: env.PG_PORT,
    zeroPort: env.ZERO_PORT,
    zeroPublicUrl: env.ZERO_PUBLIC_URL,
    /** Where this process reaches zero-cache: loopback, or a private network address. */
    zeroCacheUrl: (env.ZERO_CACHE_URL ?? `http://127.0.0.1:${env.ZERO_PORT}`).replace(/\/$/, ''),
    trustProxyHops: env.TRUST_PROXY_HOPS,
    /** Opens /metrics to a scraper off this machine (loopback needs none). */
    metricsToken: env.METRICS_TOKEN,
    provider: env.MUSIC_PROVIDER,
    musicgpt: {
      apiKey: env.MUSICGPT_API_KEY,
      /** The API's base, without a version: https://api.musicgpt.com/api/public. */
      apiUrl: env.MUSICGPT_API_URL,
      plan: env.MUSICGPT_PLAN,
      model: env.MUSICGPT_MODEL,
      /** byId calls a minute, shared by every process of the account (see the reconciler). */
      pollsPerMinute:
        env.MUSICGPT_BYID_PER_MINUTE ?? MUSICGPT_PLANS[env.MUSICGPT_PLAN].byIdPerMinute,
    },
    writer: env.GROQ_API_KEY ? ('groq' as const) : ('local' as const),
    groq: { apiKey: env.GROQ_API_KEY, model: env.GROQ_MODEL, baseUrl: env.GROQ_BASE_URL },
    payments: env.STRIPE_SECRET_KEY ? ('stripe' as const) : ('demo' as const),
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      apiBase: env.STRIPE_API_BASE,
    },
    pricing: {
      /** Package price by number of songs, in the currency's smallest unit (Stripe's `amount`). */
      bySongCount: env.PRICES ?? env.PRICES_CENTS ?? DEFAULT_BY_SONG_COUNT,
      currency: env.PRICE_CURRENCY.code,
      creditsPerSong: env.CREDITS_PER_SONG,
    },
    engineConcurrency: env.ENGINE_CONCURRENCY,
    /** Tests only: how far ahead of the real clock download links are minted and checked. */
    downloadClockOffsetMs: env.DOWNLOAD_CLOCK_OFFSET_MS,
    zeroRestartMaxMs: env.ZERO_RESTART_MAX_MS,
    runZeroCache: env.RUN_ZERO_CACHE === 'true',
    timing: {
      slotLeaseMs: env.SLOT_LEASE_MS,
      // A render in this process beats its lease from a busy event loop; a stall longer than a
      // short claim lease hands a healthy render to another process. Never shorter than the claim's.
      renderLeaseMs: Math.max(env.SLOT_LEASE_MS, env.RENDER_LEASE_MS ?? env.SLOT_LEASE_MS),
      webhookGraceMs: env.WEBHOOK_GRACE_MS,
      reconcileAfterMs: env.RECONCILE_AFTER_MS,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      generationTimeoutMs: env.GENERATION_TIMEOUT_MS,
      providerBusyWaitMs: env.PROVIDER_BUSY_WAIT_MS,
    },
    /** Tasks the provider account runs at once: the plan's parallel generations by default. */
    providerMaxTasks: env.PROVIDER_MAX_TASKS ?? MUSICGPT_PLANS[env.MUSICGPT_PLAN].parallelTasks,
    providerMaxAttempts: env.PROVIDER_MAX_ATTEMPTS,
    maxAudioBytes: env.MAX_AUDIO_BYTES,
    /** Media hosts fetched even over http or on a private address (tests' stand-ins). */
    mediaTrustedHosts: env.MEDIA_TRUSTED_HOSTS,
    limits: {
      sessionsPerIp: env.RATE_SESSIONS_PER_IP,
      resumeRedeemsPerIp: env.RATE_RESUME_REDEEMS_PER_IP,
      formsPerOwner: env.RATE_FORMS_PER_OWNER,
      slotsPerOwner: env.RATE_SLOTS_PER_OWNER,
      generatingSlotsPerOwner: env.MAX_GENERATING_SLOTS_PER_OWNER,
    },
    /** Receipts by email: only when SMTP_URL is set; without it no mail code runs. */
    mail: env.SMTP_URL
      ? {
          smtpUrl: env.SMTP_URL,
          from: env.MAIL_FROM ?? `Refrain <receipts@${new URL(publicUrl).hostname}>`,
          retryMs: env.MAIL_RETRY_MS,
          maxAttempts: env.MAIL_MAX_ATTEMPTS,
        }
      : undefined,
    logLevel: env.LOG_LEVEL,
  };
}

/** Parses the environment once; fails naming each bad variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const got = SECRET.test(name) ? 'a hidden value' : JSON.stringify(env[name] ?? null);
      return `  ${name}: ${issue.message} (got ${got})`;
    });
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return toConfig(parsed.data);
}
