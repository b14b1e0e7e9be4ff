import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import type { StandInTask } from '../standins/musicgpt.ts';

// Whoever holds a slot's webhook URL can write its deliveries. These tests play that person with
// a valid token: every link they name that is not a real, reachable-on-the-internet media file
// is refused, nothing is stored, and the real delivery still finishes the slot.

const fx = musicGptFixture();
const { sql } = fx;

const HTML = '<!doctype html><html><body><h1>Sign in</h1><form>…</form></body></html>\n';
const postgresPort = () => new URL(inject('stack').databaseUrl).port;

// Stands for a service on this machine no media link may reach; it would serve a real MP3, so a
// server that followed a link here would store it. It counts every connection it gets.
let inside: Server;
let insidePort: number;
let insideConnections = 0;

beforeAll(async () => {
  inside = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'audio/mpeg' }).end(fx.musicgpt.mp3),
  );
  inside.on('connection', () => insideConnections++);
  await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
  insidePort = (inside.address() as AddressInfo).port;
});
afterAll(async () => {
  inside.closeAllConnections();
  await new Promise<void>((resolve) => inside.close(() => resolve()));
});

interface PendingSlot {
  formId: string;
  slotId: string;
  task: StandInTask;
  webhookUrl: string;
}

/** A slot whose MusicGPT task is accepted but not finished: no webhook has arrived yet. */
async function pendingSlot(): Promise<PendingSlot> {
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.webhooks = 'none';
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  const [answer] = await sync(guest, [ops.request(formId, 0, 0)]);
  expect(answer!.status).toBe('applied');
  let found: { slotId: string; task: StandInTask } | undefined;
  await waitFor(
    async () => {
      const [slot] = await sql<{ id: string; status: string; task_id: string | null }[]>`
        select id, status, task_id from slots where form_id = ${formId}`;
      const task = slot?.task_id ? fx.musicgpt.tasks.get(slot.task_id) : undefined;
      if (slot?.status === 'generating' && task) found = { slotId: slot.id, task };
      return found !== undefined;
    },
    30_000,
    () => `no generating slot for form ${formId}`,
  );
  return { formId, ...found!, webhookUrl: String(found!.task.body.webhook_url) };
}

// These deliveries are about the take's audio: the task's cover, which MusicGPT's music webhook
// also names, is left out so that only the link under test could store anything.
const musicBody = (slot: PendingSlot, take: 0 | 1, fields: Record<string, unknown> = {}) => ({
  ...slot.task.webhooks.filter((w) => w.kind === 'music')[take]!.body,
  album_cover_path: '',
  ...fields,
});

async function deliver(slot: PendingSlot, body: Record<string, unknown>) {
  const res = await fetch(slot.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
}

/** What a delivery could have changed: the slot, its takes, its ledger rows and its files. */
async function stateOf(slotId: string) {
  const [slot] = await sql`select status, error, cover_url from slots where id = ${slotId}`;
  const takes = await sql`
    select conversion_id, audio_file, remote_audio_url, preview_file from takes
    where slot_id = ${slotId} order by conversion_id`;
  const [{ n: deliveries }] = (await sql`
    select count(*)::int as n from webhook_deliveries where slot_id = ${slotId}`) as unknown as [
    { n: number },
  ];
  return { slot, takes, deliveries, files: filesOf(slotId) };
}

function filesOf(slotId: string): string[] {
  const dir = path.join(fx.server.dataDir, 'audio', slotId);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** Waits until the server has tried the take's link and forgotten it as refused. */
async function waitUntilForgotten(slotId: string, conversionId: string) {
  await waitFor(
    async () => {
      const [take] = await sql`
        select remote_audio_url from takes where slot_id = ${slotId} and conversion_id = ${conversionId}`;
      return take !== undefined && take.remote_audio_url === null;
    },
    30_000,
    () => `the link of ${conversionId} was never refused:\n${fx.server.output().slice(-2000)}`,
  );
}

describe('media links in MusicGPT deliveries', () => {
  it('a webhook naming another slot’s engine file is refused whole, and so is a byId answer naming one', async () => {
    const victim = await pendingSlot();
    const attacker = await pendingSlot();
    // The victim's file, where the built-in engine would have written it.
    const victimFile = path.join(fx.server.dataDir, 'audio', victim.slotId, 'local-1.mp3');
    fs.mkdirSync(path.dirname(victimFile), { recursive: true });
    fs.writeFileSync(victimFile, fx.musicgpt.mp3);
    const before = await stateOf(attacker.slotId);

    const crossSlot = `local:${victim.slotId}/local-1.mp3`;
    for (const fields of [
      { conversion_path: crossSlot },
      { conversion_path_wav: crossSlot },
      { conversion_path: `local:${attacker.slotId}/../${victim.slotId}/local-1.mp3` },
    ]) {
      const answer = await deliver(attacker, musicBody(attacker, 0, fields));
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatch(/must be an http\(s\) link/);
    }
    expect(await stateOf(attacker.slotId)).toEqual(before);

    // The same path in MusicGPT's byId answer (and its webhooks) stores nothing either.
    for (const hook of attacker.task.webhooks.filter((w) => w.kind === 'music')) {
      hook.body.conversion_path = crossSlot;
    }
    fx.musicgpt.complete(attacker.task.taskId);
    await fx.musicgpt.webhooksSettled(attacker.task.taskId);
    // The webhooks were refused, so only the poll can make takes: wait for them.
    await waitFor(
      async () => (await sql`select id from takes where slot_id = ${attacker.slotId}`).length === 2,
      30_000,
      () => 'the reconciler never recorded the finished task',
    );
    const after = await sql`
      select audio_file, remote_audio_url from takes where slot_id = ${attacker.slotId}`;
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((t) => t.audio_file === null && t.remote_audio_url === null)).toBe(true);
    expect(filesOf(attacker.slotId)).not.toContain('local-1.mp3');
    expect((await stateOf(attacker.slotId)).slot!.status).toBe('generating');
  });

  it('links to loopback (the database port), private and metadata addresses are refused before any connection', async () => {
    const slot = await pendingSlot();
    const before = await stateOf(slot.slotId);
    const pg = postgresPort();
    for (const link of [
      `http://127.0.0.1:${pg}/take.mp3`,
      `http://0x7f000001:${pg}/take.mp3`,
      `http://2130706433:${pg}/take.mp3`,
      `https://127.0.0.1:${pg}/take.mp3`,
      `https://[::ffff:127.0.0.1]:${pg}/take.mp3`,
      'https://10.0.0.1/take.mp3',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:a9fe:a9fe]/latest/meta-data/',
    ]) {
      const answer = await deliver(slot, musicBody(slot, 0, { conversion_path: link }));
      expect(answer.status, link).toBe(422);
      expect(answer.body.error, link).toMatch(/plain http is refused|is not a public address/);
    }
    const cover = await deliver(slot, {
      subtype: 'album_cover_generation',
      task_id: slot.task.taskId,
      image_path: 'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
    });
    expect(cover.status).toBe(422);
    expect(await stateOf(slot.slotId)).toEqual(before);
  });

  it('a name that resolves to loopback is refused when fetched, and the link is forgotten', async () => {
    const slot = await pendingSlot();
    const conversionId = slot.task.conversionIds[0];
    const link = `https://localhost:${postgresPort()}/take.mp3`;
    // Its form is fine; only DNS tells where it goes.
    expect((await deliver(slot, musicBody(slot, 0, { conversion_path: link }))).status).toBe(200);
    await waitUntilForgotten(slot.slotId, conversionId);
    const state = await stateOf(slot.slotId);
    expect(state.slot!.status).toBe('generating');
    expect(state.takes.every((t) => t.audio_file === null)).toBe(true);
    expect(state.files).toEqual([]);
    expect(fx.server.output()).toMatch(
      /refused the audio of a take; nothing was stored.*localhost resolves to/,
    );
  });

  it('a trusted link that redirects to a loopback port it does not trust is refused without connecting there', async () => {
    const slot = await pendingSlot();
    const toInside = fx.musicgpt.serveFile('to-inside.mp3', {
      status: 302,
      headers: { location: `http://127.0.0.1:${insidePort}/take.mp3` },
    });
    const toPostgres = fx.musicgpt.serveFile('to-postgres.mp3', {
      status: 301,
      headers: { location: `https://localhost:${postgresPort()}/` },
    });
    const connections = insideConnections;
    const [first, second] = slot.task.conversionIds;
    expect((await deliver(slot, musicBody(slot, 0, { conversion_path: toInside }))).status).toBe(
      200,
    );
    expect((await deliver(slot, musicBody(slot, 1, { conversion_path: toPostgres }))).status).toBe(
      200,
    );
    await waitUntilForgotten(slot.slotId, first);
    await waitUntilForgotten(slot.slotId, second);
    expect(fx.musicgpt.fileRequests.get('to-inside.mp3')).toBeGreaterThan(0);
    expect(insideConnections).toBe(connections);
    const state = await stateOf(slot.slotId);
    expect(state.slot!.status).toBe('generating');
    expect(state.takes.every((t) => t.audio_file === null)).toBe(true);
    expect(state.files).toEqual([]);
  });

  it('an HTML page labelled audio/mpeg (or a cover labelled image/png) is not kept, and the real delivery still completes the slot', async () => {
    const slot = await pendingSlot();
    const page = fx.musicgpt.serveFile(`page-${slot.slotId}.mp3`, {
      headers: { 'content-type': 'audio/mpeg' },
      body: HTML,
    });
    const fakeCover = fx.musicgpt.serveFile(`cover-${slot.slotId}.png`, {
      headers: { 'content-type': 'image/png' },
      body: HTML,
    });
    const conversionId = slot.task.conversionIds[0];
    expect((await deliver(slot, musicBody(slot, 0, { conversion_path: page }))).status).toBe(200);
    await waitUntilForgotten(slot.slotId, conversionId);
    expect(fx.server.output()).toMatch(/refused the audio of a take.*the file is not an MP3/);
    // A cover is stored before its delivery is answered: by now it was tried and refused.
    const coverAnswer = await deliver(slot, {
      subtype: 'album_cover_generation',
      task_id: slot.task.taskId,
      image_path: fakeCover,
    });
    expect(coverAnswer.status).toBe(200);
    const refused = await stateOf(slot.slotId);
    expect(refused.slot).toMatchObject({ status: 'generating', cover_url: null });
    expect(refused.takes.every((t) => t.audio_file === null)).toBe(true);
    expect(refused.files).toEqual([]); // no temporary file left either
    expect(
      await sql`select file, remote_url from slot_covers where slot_id = ${slot.slotId}`,
    ).toEqual([{ file: null, remote_url: null }]);

    // MusicGPT's own deliveries arrive: the slot completes with the real audio and cover.
    fx.musicgpt.complete(slot.task.taskId);
    await waitForSlots(sql, slot.formId, 1);
    await fx.musicgpt.webhooksSettled(slot.task.taskId);
    const takes = await sql<{ audio_file: string }[]>`
      select audio_file from takes where slot_id = ${slot.slotId} and audio_file is not null`;
    expect(takes).toHaveLength(2);
    for (const take of takes) {
      const stored = fs.readFileSync(path.join(fx.server.dataDir, 'audio', take.audio_file));
      expect(stored.equals(fx.musicgpt.mp3)).toBe(true);
    }
    await waitFor(
      async () =>
        (await sql`select cover_url from slots where id = ${slot.slotId}`)[0]!.cover_url !== null,
      30_000,
      () => 'the real cover was never stored',
    );
    const [row] = await sql<{ cover_url: string }[]>`
      select cover_url from slots where id = ${slot.slotId}`;
    const coverUrl = row!.cover_url;
    // Devices get our own URL for the cover, never the provider's link.
    expect(coverUrl).toMatch(new RegExp(`^/api/audio/covers/${slot.slotId}\\?sig=`));
    const served = await fetch(`${fx.server.baseUrl}${coverUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    const original = await fetch(
      String(slot.task.webhooks.find((w) => w.kind === 'cover')!.body.image_path),
    );
    expect(Buffer.from(await served.arrayBuffer())).toEqual(
      Buffer.from(await original.arrayBuffer()),
    );
    expect(
      (await fetch(`${fx.server.baseUrl}/api/audio/covers/${slot.slotId}?sig=forged`)).status,
    ).toBe(403);
  });
});
