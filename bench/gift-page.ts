import fs from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { makeGiftCode } from '../schema/gifts.ts';
import { ensureClientBuild } from '../server/build/client.ts';
import { DIST_DIR, ROOT } from '../server/stack.ts';
import { createGuest } from '../tests/helpers/guest.ts';
import { createForm, op, ops, sync } from '../tests/helpers/ops.ts';
import { startStack, waitFor } from '../tests/helpers/stack.ts';
import { startMusicGptStandIn } from '../tests/standins/musicgpt.ts';
import { launchChrome, performanceOf } from './lighthouse.ts';

/**
 * Lighthouse on a gift page (`/g/<code>`), as a recipient opens it: a real `npm start` stack on
 * the MusicGPT stand-in, one song made, chosen, paid through the demo checkout, and given.
 */
export async function run(rounds = 3) {
  await ensureClientBuild(ROOT, DIST_DIR);
  const musicgpt = await startMusicGptStandIn();
  const stack = await startStack({
    env: {
      MUSIC_PROVIDER: 'musicgpt',
      MUSICGPT_API_KEY: musicgpt.apiKey,
      MUSICGPT_API_URL: musicgpt.url,
      MEDIA_TRUSTED_HOSTS: new URL(musicgpt.origin).host,
    },
  });
  const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} });
  const chrome = await launchChrome();
  try {
    const guest = await createGuest(stack.baseUrl);
    const formId = await createForm(guest, 1);
    await sync(guest, [ops.request(formId, 0, 0)]);
    let slotId = '';
    await waitFor(
      async () => {
        const [slot] = await sql<{ id: string; status: string }[]>`
          select id, status from slots where form_id = ${formId}`;
        slotId = slot?.id ?? '';
        return slot?.status === 'ready';
      },
      120_000,
      () => 'the song was not made',
    );
    await sync(guest, [ops.select(formId, 0, slotId, 1)]);
    const checkout = await guest.fetch(`/api/forms/${formId}/checkout`, {
      method: 'POST',
      body: '{}',
    });
    const { url } = (await checkout.json()) as { url: string };
    await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
    const code = makeGiftCode();
    const [made] = await sync(guest, [
      op('gift.create', {
        giftId: randomUUID(),
        formId,
        code,
        fromName: 'Aoife',
        toName: 'Siobhan',
        message: 'Happy birthday! For every cold swim at Salthill.',
        allowDownload: true,
      }),
    ]);
    if (made?.status !== 'applied') throw new Error(`gift.create: ${JSON.stringify(made)}`);
    const page = `${stack.baseUrl}/g/${code}`;
    // One round first, not counted: the stack has just made and paid for a song, and zero-cache
    // is still replicating it on the same cores Chrome measures with.
    await performanceOf(page, chrome.port, 1);
    return {
      bench: 'gift-page',
      ...(await performanceOf(page, chrome.port, rounds)),
      loadAverage: Number(os.loadavg()[0]!.toFixed(1)),
    };
  } finally {
    await chrome.kill();
    await sql.end();
    await stack.stop();
    await musicgpt.close();
    fs.rmSync(stack.dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run();
  console.log(
    `gift page: performance ${result.performanceMedian} (${result.performanceScores}), LCP ${result.lcpMs} ms, CLS ${result.cls}`,
  );
  console.log(JSON.stringify(result));
}
