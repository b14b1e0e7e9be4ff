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
});
