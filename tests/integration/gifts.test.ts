import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { MAX_GIFTS_PER_FORM, makeGiftCode } from '../../schema/gifts.ts';
import { queries } from '../../schema/queries.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { musicGptFixture } from '../helpers/fixtures.ts';
import { readyForm } from '../helpers/generation.ts';
import { op, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const fx = musicGptFixture();
const { sql } = fx;
const get = (path: string, init?: RequestInit) => fetch(`${fx.server.baseUrl}${path}`, init);

const giftOp = (args: Record<string, unknown>, id?: string) =>
  op(
    'gift.create',
    { giftId: randomUUID(), code: makeGiftCode(), allowDownload: false, ...args },
    id,
  );

/** A form of `songs` songs, chosen and paid through the demo checkout, as a buyer does it. */
async function paidForm(guest: Guest, songs: number): Promise<string> {
  const formId = await readyForm(sql, guest, songs);
  const res = await guest.fetch(`/api/forms/${formId}/checkout`, { method: 'POST', body: '{}' });
  const { url } = (await res.json()) as { url: string };
  const paid = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
  expect(paid.status).toBe(303);
  await waitFor(
    async () => (await sql`select 1 from unlocks where form_id = ${formId}`).length === songs,
    20_000,
    () => `form ${formId} not unlocked`,
  );
  return formId;
}

const titleOf = async (formId: string, songIndex: number) =>
  (
    await sql<{ title: string }[]>`
      select coalesce(t.title, s.title) as title from unlocks u join takes t on t.id = u.take_id
        join slots s on s.id = t.slot_id where u.form_id = ${formId} and u.song_index = ${songIndex}`
  )[0]!.title;

describe('making and taking back gift links', () => {
  it('a preview-only song never gets a gift link, and the refusal says why', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await readyForm(sql, buyer, 1);
    const [answer] = await sync(buyer, [giftOp({ formId, songIndex: 0 })]);
    expect(answer).toMatchObject({ status: 'rejected', code: 'state' });
    expect(answer!.error).toMatch(/not paid for yet, so it cannot be given as a gift/);
    expect(await sql`select 1 from gifts where form_id = ${formId}`).toHaveLength(0);
  });

  it('one op makes one gift under any number of replays; another body under its id is a conflict', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await paidForm(buyer, 1);
    const create = giftOp({ formId, songIndex: 0, message: 'Happy birthday!' });
    const answers = (
      await Promise.all(Array.from({ length: 5 }, () => sync(buyer, [create, create, create])))
    ).flat();
    expect(answers.filter((a) => a.status === 'applied')).toHaveLength(1);
    expect(answers.filter((a) => a.status === 'duplicate')).toHaveLength(14);
    expect(await sql`select 1 from gifts where form_id = ${formId}`).toHaveLength(1);

    const [changed] = await sync(buyer, [
      { ...create, args: { ...(create.args as object), message: 'Another message' } },
    ]);
    expect(changed).toMatchObject({ status: 'rejected', code: 'conflict' });
    // The same gift id under a new op id, and a new gift reusing a code, are refused too.
    const args = create.args as { giftId: string; code: string };
    const [sameGift, sameCode] = await sync(buyer, [
      giftOp({ formId, giftId: args.giftId }),
      giftOp({ formId, code: args.code }),
    ]);
    expect(sameGift).toMatchObject({ status: 'rejected', code: 'conflict' });
    expect(sameCode).toMatchObject({ status: 'rejected', code: 'conflict' });
    expect(sameCode!.error).toMatch(/code is in use/);
    const [badCode] = await sync(buyer, [giftOp({ formId, code: 'short' })]);
    expect(badCode).toMatchObject({ status: 'rejected', code: 'invalid' });
    expect(await sql`select 1 from gifts where form_id = ${formId}`).toHaveLength(1);
  });

  it('a form gives at most 20 links over its life, revoked ones included, and says so', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await paidForm(buyer, 1);
    const made = Array.from({ length: MAX_GIFTS_PER_FORM }, () => giftOp({ formId }));
    const answers = await sync(buyer, made);
    expect(answers.every((a) => a.status === 'applied')).toBe(true);
    const giftId = (made[0]!.args as { giftId: string }).giftId;
    expect((await sync(buyer, [op('gift.revoke', { giftId })]))[0]!.status).toBe('applied');
    const [over] = await sync(buyer, [giftOp({ formId })]);
    expect(over).toMatchObject({ status: 'rejected', code: 'limit' });
    expect(over!.error).toMatch(/20 gift links already/);
    expect(await sql`select 1 from gifts where form_id = ${formId}`).toHaveLength(20);
    const [unknown] = await sync(buyer, [op('gift.revoke', { giftId: randomUUID() })]);
    expect(unknown).toMatchObject({ status: 'rejected', code: 'not_found' });
  });

  it('nobody but the buyer can make, revoke or see a gift of their songs', async () => {
    const { zeroUrl } = inject('stack');
    const [buyer, stranger] = await Promise.all([
      makeGuest(fx.server.baseUrl),
      makeGuest(fx.server.baseUrl),
    ]);
    const formId = await paidForm(buyer, 1);
    const mine = giftOp({ formId });
    expect((await sync(buyer, [mine]))[0]!.status).toBe('applied');
    const giftId = (mine.args as { giftId: string }).giftId;
    const [theirs, revoke] = await sync(stranger, [
      giftOp({ formId }),
      op('gift.revoke', { giftId }),
    ]);
    expect(theirs).toMatchObject({ status: 'rejected', code: 'forbidden' });
    expect(revoke).toMatchObject({ status: 'rejected', code: 'forbidden' });

    const zero = connectZero(zeroUrl, buyer);
    const peek = connectZero(zeroUrl, stranger);
    try {
      const gifts = zero.materialize(queries.formGifts({ formId }));
      await waitFor(
        () => gifts.data.some((g) => g.id === giftId),
        20_000,
        () => JSON.stringify(gifts.data),
      );
      expect(gifts.data[0]).toMatchObject({ code: (mine.args as { code: string }).code });
      expect(await peek.run(queries.formGifts({ formId }), { type: 'complete' })).toEqual([]);
      gifts.destroy();
    } finally {
      await zero.close();
      await peek.close();
    }
  });
});

describe('the gift page', () => {
  it('shows the song, escaped, to anyone with the link, and nothing of the buyer or their other songs', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await paidForm(buyer, 2);
    await sql`update orders set buyer_email = 'aoife.buyer@example.com' where form_id = ${formId}`;
    const create = giftOp({
      formId,
      songIndex: 0,
      fromName: 'Aoife',
      toName: 'Siobhan',
      message: 'For you <script>alert("x")</script> & all our "bus stop" days',
      allowDownload: true,
    });
    expect((await sync(buyer, [create]))[0]!.status).toBe('applied');
    const { code } = create.args as { code: string };

    const res = await get(`/g/${code}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(res.headers.get('content-security-policy')).toMatch(/style-src 'self' 'sha256-/);
    const html = await res.text();
    const title = await titleOf(formId, 0);
    expect(html).toContain('for Siobhan, from Aoife');
    expect(html).toContain(
      'For you &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; all our &quot;bus stop&quot; days',
    );
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(`<meta property="og:title" content="`);
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(html).toContain(
      `<meta property="og:image" content="${fx.server.baseUrl}/g/${code}/1/og-image">`,
    );
    expect(html).toContain(`/g/${code}/1/audio.mp3`);
    expect(html).toContain(`/g/${code}/1/download`);
    expect(html).not.toContain(`/g/${code}/2/`);
    for (const secret of [
      buyer.token,
      buyer.ownerId,
      formId,
      'aoife.buyer@example.com',
      await titleOf(formId, 1),
    ]) {
      if (secret !== title) expect(html).not.toContain(secret);
    }
    const unlockedTake = await sql`select take_id from unlocks where form_id = ${formId}`;
    for (const t of unlockedTake) expect(html).not.toContain(t.take_id);

    // The full song, with Range support, from the code alone.
    const whole = await get(`/g/${code}/1/audio.mp3`);
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.equals(fx.musicgpt.mp3)).toBe(true);
    const part = await get(`/g/${code}/1/audio.mp3`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    expect((await get(`/g/${code}/2/audio.mp3`)).status).toBe(404);
    const download = await get(`/g/${code}/1/download`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    const cover = await get(`/g/${code}/1/cover`);
    expect(cover.status).toBe(200);
    expect(cover.headers.get('content-type')).toMatch(/^image\//);
    // The provider's stored cover, as messengers' previews take it.
    const preview = await get(`/g/${code}/1/og-image`);
    expect(preview.headers.get('content-type')).toBe('image/png');
    const stored = Buffer.from(await cover.arrayBuffer());
    expect(Buffer.from(await preview.arrayBuffer()).equals(stored)).toBe(true);
  });

  it('a gift of a whole order plays every paid song, each under its place in the gift', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await paidForm(buyer, 2);
    const create = giftOp({ formId });
    expect((await sync(buyer, [create]))[0]!.status).toBe('applied');
    const { code } = create.args as { code: string };
    const html = await (await get(`/g/${code}`)).text();
    expect(html).toContain('2 songs for Ana &amp; Ben');
    for (const i of [0, 1]) expect(html).toContain(await titleOf(formId, i));
    for (const n of [1, 2]) {
      expect(html).toContain(`/g/${code}/${n}/audio.mp3`);
      expect((await get(`/g/${code}/${n}/audio.mp3`)).status).toBe(200);
    }
    expect((await get(`/g/${code}/3/audio.mp3`)).status).toBe(404);
  });

  it('before its reveal date the page counts down and holds no audio, and the audio is refused', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await paidForm(buyer, 1);
    const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const create = giftOp({ formId, revealAt: later, message: 'Not yet!' });
    expect((await sync(buyer, [create]))[0]!.status).toBe('applied');
    const { code } = create.args as { code: string };
    const html = await (await get(`/g/${code}`)).text();
    expect(html).toContain(`data-reveal-at="${later}"`);
    expect(html).not.toMatch(/<audio|\.mp3|\/cover|\/download/);
    expect(html).not.toContain(await titleOf(formId, 0));
    expect(html).not.toContain('Not yet!');
    expect((await get(`/g/${code}/1/audio.mp3`)).status).toBe(403);
    expect((await get(`/g/${code}/1/cover`)).status).toBe(403);
    expect((await get(`/g/${code}/1/download`)).status).toBe(403);
  });

  it('a revoked or unknown code answers 404 with a kind page, and its audio stops', async () => {
    const buyer = await makeGuest(fx.server.baseUrl);
    const formId = await paidForm(buyer, 1);
    const create = giftOp({ formId });
    expect((await sync(buyer, [create]))[0]!.status).toBe('applied');
    const { code, giftId } = create.args as { code: string; giftId: string };
    expect((await get(`/g/${code}/1/audio.mp3`)).status).toBe(200);

    const revoke = op('gift.revoke', { giftId });
    const answers = await sync(buyer, [revoke, revoke]);
    expect(answers.map((a) => a.status)).toEqual(['applied', 'duplicate']);
    expect((await sync(buyer, [op('gift.revoke', { giftId })]))[0]!.status).toBe('applied');
    const [row] = await sql`select revoked_at from gifts where id = ${giftId}`;
    expect(row!.revoked_at).toBeInstanceOf(Date);

    for (const path of [`/g/${code}`, `/g/${makeGiftCode()}`]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('This gift link is not available');
    }
    expect((await get(`/g/${code}/1/audio.mp3`)).status).toBe(404);
    expect((await get(`/g/${code}/1/cover`)).status).toBe(404);
  });
});
