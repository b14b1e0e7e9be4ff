import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { ROOT } from '../helpers/stack.ts';

describe('configuration', () => {
  it('has working defaults with no variables at all', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.publicUrl).toBe('http://localhost:8787');
    expect(config.provider).toBe('local');
    expect(config.writer).toBe('local');
    expect(config.payments).toBe('demo');
  });

  it('derives the writer and payments from the keys that are set', () => {
    const config = loadConfig({
      GROQ_API_KEY: 'gsk_x',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      PORT: '9000',
      PUBLIC_URL: 'https://songs.example.com/',
    });
    expect(config.writer).toBe('groq');
    expect(config.payments).toBe('stripe');
    expect(config.publicUrl).toBe('https://songs.example.com');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MUSIC_PROVIDER: 'suno' }, 'MUSIC_PROVIDER'],
    [{ MUSIC_PROVIDER: 'musicgpt' }, 'MUSICGPT_API_KEY'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ AUTH_SECRET: 'short' }, 'AUTH_SECRET'],
    [{ STRIPE_SECRET_KEY: 'sk_test_x' }, 'STRIPE_WEBHOOK_SECRET'],
  ])('rejects %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^\\s+${name}:`, 'm'));
  });

  it('takes MusicGPT’s base without a version, still reading one written with /v1', () => {
    expect(loadConfig({}).musicgpt).toMatchObject({
      apiUrl: 'https://api.musicgpt.com/api/public',
      model: 'v6',
      plan: 'pro',
    });
    for (const written of [
      'https://api.musicgpt.com/api/public/v1',
      'https://api.musicgpt.com/api/public/v1/',
      'https://api.musicgpt.com/api/public/',
    ]) {
      expect(loadConfig({ MUSICGPT_API_URL: written }).musicgpt.apiUrl).toBe(
        'https://api.musicgpt.com/api/public',
      );
    }
  });

  it('refuses a MUSICGPT_MODEL outside V2’s enum or the plan, naming what the plan offers', () => {
    const musicgpt = { MUSIC_PROVIDER: 'musicgpt', MUSICGPT_API_KEY: 'k' };
    expect(loadConfig({ ...musicgpt, MUSICGPT_MODEL: 'v7-pro' }).musicgpt.model).toBe('v7-pro');
    expect(() => loadConfig({ ...musicgpt, MUSICGPT_MODEL: 'v5' })).toThrow(/^\s+MUSICGPT_MODEL:/m);
    expect(() => loadConfig({ ...musicgpt, MUSICGPT_PLAN: 'plus', MUSICGPT_MODEL: 'v7' })).toThrow(
      /MUSICGPT_MODEL: is not available on MusicGPT's plus plan \(it offers v6-pro, v6\)/,
    );
    // The default model runs on every plan.
    for (const plan of ['free', 'plus', 'pro']) {
      expect(loadConfig({ ...musicgpt, MUSICGPT_PLAN: plan }).musicgpt.model).toBe('v6');
    }
  });

  it('reads prices in the currency’s smallest unit, under PRICES or its older name', () => {
    expect(loadConfig({}).pricing).toMatchObject({ currency: 'usd', bySongCount: { 1: 2900 } });
    const yen = loadConfig({ PRICE_CURRENCY: 'JPY', PRICES: '1:500,2:900,3:1300,4:1600,5:1900' });
    expect(yen.pricing).toMatchObject({ currency: 'jpy', bySongCount: { 1: 500, 5: 1900 } });
    const old = loadConfig({ PRICES_CENTS: '1:1900,2:3900,3:5900,4:7900,5:9900' });
    expect(old.pricing.bySongCount).toMatchObject({ 1: 1900, 5: 9900 });
    // Cents-looking yen are taken as yen: ¥2,900, not guessed to be ¥29.
    const literal = loadConfig({
      PRICE_CURRENCY: 'jpy',
      PRICES_CENTS: '1:2900,2:4900,3:6900,4:8400,5:9900',
    });
    expect(literal.pricing.bySongCount[1]).toBe(2900);
  });

  it.each([
    [
      { PRICE_CURRENCY: 'jpy', PRICES: '1:29,2:49,3:69,4:84,5:99' },
      /^  PRICES: the price for 1 song, ¥29, is below Stripe's smallest charge in JPY, ¥50; prices count the currency's smallest unit, ¥1 \(got "1:29,/m,
    ],
    [
      { PRICES_CENTS: '1:40,2:4900,3:6900,4:8400,5:9900' },
      /^  PRICES_CENTS: the price for 1 song, \$0\.40, is below Stripe's smallest charge in USD, \$0\.50;/m,
    ],
    [
      { PRICE_CURRENCY: 'huf' },
      /^  PRICES: the price for 1 song, HUF.29, is below .* set PRICES for huf/m,
    ],
    [
      { PRICE_CURRENCY: 'kwd', PRICES: '1:2905,2:4900,3:6900,4:8400,5:9900' },
      /^  PRICES: the price for 1 song, KWD.2\.905, cannot be charged: Stripe takes KWD only in steps of KWD.0\.010 /m,
    ],
    [
      { PRICE_CURRENCY: 'isk', PRICES: '1:290050,2:490000,3:690000,4:840000,5:990000' },
      /^  PRICES: the price for 1 song, ISK.2,900\.50, cannot be charged: Stripe takes ISK only in steps of ISK.1 /m,
    ],
    [{ PRICE_CURRENCY: 'yen' }, /^  PRICE_CURRENCY: is not a currency Stripe charges in /m],
    [{ PRICE_CURRENCY: 'xyz' }, /^  PRICE_CURRENCY: is not a currency Stripe charges in /m],
    [
      { PRICES: '1:2900,2:4900,3:6900,4:8400,5:9900', PRICES_CENTS: '1:50,2:99,3:99,4:99,5:99' },
      /^  PRICES_CENTS: is the older name of PRICES/m,
    ],
  ])('refuses to start on prices it could not charge as meant: %j', (env, line) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(line);
  });

  it('with a Groq key, refuses a GROQ_MODEL the writer cannot drive, in one line naming it and the supported ones', () => {
    const env = { GROQ_API_KEY: 'gsk_x', GROQ_MODEL: 'llama3-70b-8192' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      message = (err as Error).message;
    }
    const line = message.split('\n').find((l) => /^\s+GROQ_MODEL:/.test(l));
    expect(line).toContain('"llama3-70b-8192"');
    expect(line).toContain('openai/gpt-oss-120b');
    expect(line).toContain('llama-3.3-70b-versatile');
    expect(message).not.toContain('gsk_x');

    // A model it can drive starts; without a key the built-in writer writes and GROQ_MODEL is unread.
    expect(loadConfig({ ...env, GROQ_MODEL: 'llama-3.3-70b-versatile' }).groq.model).toBe(
      'llama-3.3-70b-versatile',
    );
    expect(loadConfig({ GROQ_MODEL: 'llama3-70b-8192' }).writer).toBe('local');
  });

  it('never prints a secret value in its error', () => {
    expect(() => loadConfig({ AUTH_SECRET: 'hunter2' })).toThrow(/hidden value/);
    expect(() => loadConfig({ AUTH_SECRET: 'hunter2' })).not.toThrow(/hunter2/);
  });

  it('a bad variable stops `npm start` with the variable named and a non-zero exit', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'not-a-port', DATA_DIR: '/nonexistent/never-created' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Refrain cannot start/);
    expect(run.stderr).toMatch(/^\s+PORT:/m);
  });

  it('a Groq model the writer cannot drive stops `npm start` naming GROQ_MODEL', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        GROQ_API_KEY: 'gsk_x',
        GROQ_MODEL: 'llama3-70b-8192',
        DATA_DIR: '/nonexistent/never-created',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^\s+GROQ_MODEL: "llama3-70b-8192" is not a Groq model/m);
  });
});
