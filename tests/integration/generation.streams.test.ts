import { expect, it } from 'vitest';
import { makeGuest } from '../helpers/api.ts';
import { QUIET_RECONCILER } from '../helpers/api-server.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { requestOneVariation, waitForSlots } from '../helpers/generation.ts';
import { createForm, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import type { StandInTask } from '../standins/musicgpt.ts';

// Listening while a take is made: MusicGPT's streaming webhook names a live HLS playlist; this
// server keeps the link to itself and serves the playlist and its segments from its own paths.

const fx = musicGptFixture(QUIET_RECONCILER);
const { sql } = fx;

interface StreamRow {
  id: string;
  conversion_id: string;
  take_index: number | null;
  remote_url: string;
  stream_url: string;
}

const makingOne = () => requestOneVariation(sql, fx.server, fx.musicgpt);

const streamsOf = (slotId: string) => sql<StreamRow[]>`
  select id, conversion_id, take_index, remote_url, stream_url
  from take_streams where slot_id = ${slotId} order by take_index`;

function deliver(task: StandInTask, body: Record<string, unknown>) {
  return fetch(String(task.body.webhook_url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function streamingBody(task: StandInTask, conversionId: string, link: string) {
  return {
    success: true,
    conversion_type: 'Music AI',
    subtype: 'audio_streaming',
    task_id: task.taskId,
    conversion_id: conversionId,
    streaming_url: link,
  };
}

const get = (path: string) => fetch(`${fx.server.baseUrl}${path}`);

it('keeps both takes’ streams while the song is made and serves them from this server only', async () => {
  fx.musicgpt.reset();
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.streamsWhileComposing = true;
  const { formId, slotId, task } = await makingOne();
  let streams: StreamRow[] = [];
  // A stream that came before the submit answer learns its take once the answer is recorded.
  await waitFor(
    async () =>
      (streams = await streamsOf(slotId)).length === 2 &&
      streams.every((s) => s.take_index !== null),
    60_000,
    () => JSON.stringify(streams),
  );
  expect(streams.map((s) => s.take_index)).toEqual([1, 2]);
  expect(streams.map((s) => s.conversion_id)).toEqual(task.conversionIds);

  const [first] = streams;
  expect(first!.stream_url).toMatch(new RegExp(`^/api/streams/${first!.id}/index\\.m3u8\\?sig=`));
  const playlist = await get(first!.stream_url);
  expect(playlist.status).toBe(200);
  expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
  expect(playlist.headers.get('cache-control')).toBe('no-store');
  const text = await playlist.text();
  expect(text.startsWith('#EXTM3U')).toBe(true);
  // Every link points back here; the studio's address appears only inside a signed parameter.
  const links = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  expect(links.length).toBeGreaterThanOrEqual(3);
  expect(links).toHaveLength(text.match(/#EXTINF/g)!.length);
  for (const link of links) {
    expect(link).toMatch(new RegExp(`^/api/streams/${first!.id}/part\\?u=[^&]+&sig=`));
  }
  expect(text).not.toContain(fx.musicgpt.origin);

  const segmentName = `streams/${task.conversionIds[0]}/s0.ts`;
  const before = fx.musicgpt.fileRequests.get(segmentName) ?? 0;
  const segment = await get(links[0]!);
  expect(segment.status).toBe(200);
  expect(segment.headers.get('content-type')).toBe('video/mp2t');
  const bytes = new Uint8Array(await segment.arrayBuffer());
  expect(bytes[0]).toBe(0x47);
  expect(fx.musicgpt.fileRequests.get(segmentName)).toBe(before + 1);

  // A signature covers one stream and one link: no other address can be fetched through it.
  const forged = links[0]!.replace(
    /u=[^&]+/,
    `u=${encodeURIComponent(`${fx.musicgpt.origin}/files/${task.conversionIds[0]}.wav`)}`,
  );
  expect((await get(forged)).status).toBe(403);
  const otherStream = links[0]!.replace(first!.id, streams[1]!.id);
  expect((await get(otherStream)).status).toBe(403);
  const wrongSig = first!.stream_url.replace(/sig=.*/, 'sig=forged');
  const refused = await get(wrongSig);
  expect(refused.status).toBe(403);
  expect((await refused.json()).error).toBe('this live stream link is not valid');

  // Redelivered, a stream changes nothing.
  expect(
    (await deliver(task, task.webhooks.find((w) => w.kind === 'streaming')!.body)).status,
  ).toBe(200);
  expect(await streamsOf(slotId)).toEqual(streams);

  // Ready: the stored preview plays instead, and the stream says so.
  fx.musicgpt.complete(task.taskId);
  await waitForSlots(sql, formId, 1, 'ready', 90_000);
  const ended = await get(first!.stream_url);
  expect(ended.status).toBe(410);
  expect((await ended.json()).error).toMatch(/ready: its preview plays/);
  expect((await get(links[1]!)).status).toBe(410);
});

it('refuses a stream link MusicGPT would never send, and what a playlist or segment must not be', async () => {
  fx.musicgpt.reset();
  fx.musicgpt.script.completes = false;
  fx.musicgpt.script.webhooks = 'none';
  const { slotId, task } = await makingOne();
  const [take1, take2] = task.conversionIds;

  for (const link of [
    'https://10.0.0.7/streams/index.m3u8',
    'https://169.254.169.254/latest/meta-data',
    'http://cdn1.musicgpt.com/streams/x/index.m3u8',
  ]) {
    const res = await deliver(task, streamingBody(task, take1, link));
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatch(
      /^this delivery was not applied: streaming_url is refused/,
    );
  }
  expect(await streamsOf(slotId)).toEqual([]);

  // A "playlist" that is a web page, then playlists naming a local file and a page.
  const page = fx.musicgpt.serveFile('page.m3u8', {
    headers: { 'content-type': 'text/html' },
    body: '<html><body>Not found</body></html>',
  });
  expect((await deliver(task, streamingBody(task, take1, page))).status).toBe(200);
  const [pageStream] = await streamsOf(slotId);
  const notPlaylist = await get(pageStream!.stream_url);
  expect(notPlaylist.status).toBe(502);
  expect((await notPlaylist.json()).error).toBe(
    'the music studio’s live stream sent something that is not a playlist',
  );

  fx.musicgpt.serveFile('error.html', { body: '<html>500</html>' });
  const mixed = fx.musicgpt.serveFile('mixed.m3u8', {
    body: '#EXTM3U\n#EXTINF:1,\nerror.html\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n',
  });
  expect((await deliver(task, streamingBody(task, take2, mixed))).status).toBe(200);
  const mixedStream = (await streamsOf(slotId)).find((s) => s.conversion_id === take2)!;
  const refusedPlaylist = await get(mixedStream.stream_url);
  expect(refusedPlaylist.status).toBe(502);
  expect((await refusedPlaylist.json()).error).toMatch(/refused: the playlist names a file link/);

  const htmlOnly = fx.musicgpt.serveFile('html-only.m3u8', {
    body: '#EXTM3U\n#EXTINF:1,\nerror.html\n#EXT-X-ENDLIST\n',
  });
  await sql`update take_streams set remote_url = ${htmlOnly} where id = ${mixedStream.id}`;
  const rewritten = await (await get(mixedStream.stream_url)).text();
  const part = rewritten.split('\n').find((line) => line.startsWith('/api/streams/'))!;
  const notAudio = await get(part);
  expect(notAudio.status).toBe(502);
  expect((await notAudio.json()).error).toBe(
    'the music studio’s live stream sent something that is not audio',
  );
});

it('a stream arriving after the take is ready is not kept', async () => {
  fx.musicgpt.reset();
  fx.musicgpt.script.webhooks = 'in-order';
  const guest = await makeGuest(fx.server.baseUrl);
  const formId = await createForm(guest, 1);
  expect((await sync(guest, [ops.request(formId, 0, 0)]))[0]!.status).toBe('applied');
  await waitForSlots(sql, formId, 1, 'ready', 90_000);
  const [slot] = await sql<{ id: string; task_id: string }[]>`
    select id, task_id from slots where form_id = ${formId}`;
  const task = fx.musicgpt.tasks.get(slot!.task_id)!;
  await fx.musicgpt.webhooksSettled(task.taskId);
  const streaming = task.webhooks.filter((w) => w.kind === 'streaming');
  expect(streaming).toHaveLength(2);
  // In-order delivery sends the streams after the music: by then the slot may be ready.
  const late = {
    ...streaming[0]!.body,
    streaming_url: `${fx.musicgpt.origin}/streams/late/index.m3u8`,
  };
  expect((await deliver(task, late)).status).toBe(200);
  expect(
    (await streamsOf(slot!.id)).filter((s) => s.remote_url.includes('/streams/late/')),
  ).toEqual([]);
});
