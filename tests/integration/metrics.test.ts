import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { startMusicGptServer, testSql, waitForSlots } from '../helpers/generation.ts';
import { forwardedAddress } from '../helpers/limits.ts';
import { draftOf, ops, sync } from '../helpers/ops.ts';
import { parsePrometheus, valueOf, type Family } from '../helpers/prometheus.ts';
import type { RunningStack } from '../helpers/stack.ts';
import type { MusicGptStandIn } from '../standins/musicgpt.ts';

const TOKEN = `metrics-${randomUUID()}`;
const sql = testSql();
let server: RunningStack;
let musicgpt: MusicGptStandIn;

beforeAll(async () => {
  // One trusted proxy: a request it relays from elsewhere must not pass as the proxy's loopback.
  ({ server, musicgpt } = await startMusicGptServer({
    METRICS_TOKEN: TOKEN,
    TRUST_PROXY_HOPS: '1',
  }));
}, 240_000);
afterAll(async () => {
  await server?.stop();
  await musicgpt?.close();
  await sql.end();
});

async function scrape(headers: Record<string, string> = {}) {
  const res = await fetch(`${server.baseUrl}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function families(): Promise<Map<string, Family>> {
  const { status, text } = await scrape();
  expect(status).toBe(200);
  return parsePrometheus(text);
}

const opsCounted = (f: Map<string, Family>, type: string, status: string) =>
  valueOf(f, 'refrain_sync_ops_total', { type, status });

describe('/metrics', () => {
  it('answers loopback and a scraper with the token; anyone else is refused in words', async () => {
    const local = await scrape();
    expect(local.status).toBe(200);
    expect(local.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const parsed = parsePrometheus(local.text);
    for (const name of [
      'refrain_sync_ops_total',
      'refrain_sync_request_duration_seconds',
      'refrain_zero_cache_up',
      'refrain_slots',
      'refrain_provider_calls_total',
      'refrain_provider_estimated_cost_cents_total',
      'refrain_provider_call_duration_seconds',
      'refrain_provider_open_tasks',
      'refrain_webhook_to_ready_seconds',
      'refrain_process_process_cpu_user_seconds_total',
    ]) {
      expect(parsed.has(name), name).toBe(true);
    }
    expect(valueOf(parsed, 'refrain_zero_cache_up')).toBe(1);

    // Relayed by the trusted proxy from another network: not loopback any more.
    const away = { 'x-forwarded-for': forwardedAddress() };
    const anonymous = await scrape(away);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toMatch(/^These figures are for the people who run this shop/);
    expect(anonymous.text).not.toContain('refrain_');
    const wrong = await scrape({ ...away, authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(403);
    expect(wrong.text).not.toContain('refrain_');
    const right = await scrape({ ...away, authorization: `Bearer ${TOKEN}` });
    expect(right.status).toBe(200);
    parsePrometheus(right.text);
  });

  it("counts each op's answer after a storm of replays and conflicts, and the ledger's calls", async () => {
    const before = await families();

    // Five devices, each with a backlog its outbox sends three times (as after flaky reconnects),
    // one op id reused for another change, one op of an unknown type, and one form submitted.
    const guests = await Promise.all(Array.from({ length: 5 }, () => makeGuest(server.baseUrl)));
    const submitted: string[] = [];
    await Promise.all(
      guests.map(async (guest, g) => {
        const formIds = Array.from({ length: 6 }, () => randomUUID());
        const puts = formIds.map((formId) => ops.draftPut(formId, draftOf(1)));
        for (let round = 0; round < 3; round++) {
          const answers = await sync(guest, puts, `metrics-${g}`);
          const expected = round === 0 ? 'applied' : 'duplicate';
          expect(answers.map((a) => a.status)).toEqual(puts.map(() => expected));
        }
        const reused = {
          ...ops.draftPut(formIds[0]!, draftOf(2)),
          id: puts[0]!.id,
        };
        const unknown = { id: randomUUID(), type: 'form.vanish', args: {} };
        const [conflict, strange] = await sync(guest, [reused, unknown as never], `metrics-${g}`);
        expect(conflict!.status).toBe('rejected');
        expect(strange!.status).toBe('rejected');
        if (g === 0) {
          const formId = formIds[1]!;
          const [submit] = await sync(guest, [ops.submit(formId)], `metrics-${g}`);
          expect(submit!.status).toBe('applied');
          submitted.push(formId);
        }
      }),
    );
    await waitForSlots(sql, submitted[0]!, 3, 'ready', 120_000);

    const after = await families();

    const delta = (type: string, status: string) =>
      opsCounted(after, type, status) - opsCounted(before, type, status);
    expect(delta('draft.put', 'applied')).toBe(5 * 6);
    expect(delta('draft.put', 'duplicate')).toBe(5 * 6 * 2);
    expect(delta('draft.put', 'rejected')).toBe(5);
    // An unknown type is counted, under a label no client can invent.
    expect(delta('other', 'rejected')).toBe(5);
    expect(delta('form.submit', 'applied')).toBe(1);
    const batches = (f: Map<string, Family>) =>
      valueOf(
        f,
        'refrain_sync_request_duration_seconds',
        { outcome: 'ok' },
        'refrain_sync_request_duration_seconds_count',
      );
    expect(batches(after) - batches(before)).toBe(5 * 4 + 1);

    // The ledger is read whichever process made the calls; this server's stand-in is an account
    // of its own (the provider label names the account by a hash), so its calls are exactly ours.
    const [slot] = await sql<{ provider: string }[]>`
      select provider from slots where form_id = ${submitted[0]!} limit 1`;
    const provider = slot!.provider;
    const ledger = await sql<{ kind: string; state: string; n: number }[]>`
      select kind, state, count(*)::int as n from provider_calls where provider = ${provider}
      group by kind, state`;
    expect(ledger.find((r) => r.kind === 'submit' && r.state === 'accepted')?.n).toBe(3);
    for (const row of ledger) {
      const labels = { provider, kind: row.kind, outcome: row.state };
      expect(valueOf(after, 'refrain_provider_calls_total', labels), JSON.stringify(labels)).toBe(
        row.n,
      );
    }
    expect(valueOf(after, 'refrain_provider_estimated_cost_cents_total', { provider })).toBe(
      valueOf(before, 'refrain_provider_estimated_cost_cents_total', { provider }) +
        Number(
          (
            await sql<{ c: number }[]>`
              select coalesce(sum(estimated_cost_cents), 0)::int as c from provider_calls
              where provider = ${provider}`
          )[0]!.c,
        ),
    );
    const readyAfterWebhook = valueOf(
      after,
      'refrain_webhook_to_ready_seconds',
      {},
      'refrain_webhook_to_ready_seconds_count',
    );
    expect(readyAfterWebhook).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
