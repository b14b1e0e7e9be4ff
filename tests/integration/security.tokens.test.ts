import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { queries } from '../../schema/queries.ts';
import { makeGuest, type Guest } from '../helpers/api.ts';
import { guestWith } from '../helpers/guest.ts';
import { testSql } from '../helpers/generation.ts';
import { createForm, draftOf, ops, sync } from '../helpers/ops.ts';
import { waitFor } from '../helpers/stack.ts';
import { connectZero } from '../helpers/zero.ts';

const { baseUrl, dataDir } = inject('stack');
const sql = testSql();
afterAll(() => sql.end());

const secret = new TextEncoder().encode(
  fs.readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim(),
);

const withToken = (token: string, p: string, init: RequestInit = {}) =>
  fetch(`${baseUrl}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });

/** Every door a token opens: the write path, reads, Zero's query endpoint, the session check. */
async function statusesFor(token: string, formId: string) {
  const syncRes = await withToken(token, '/api/sync', {
    method: 'POST',
    body: JSON.stringify({ clientId: 't', ops: [ops.draftPut(formId, draftOf(1))] }),
  });
  const form = await withToken(token, `/api/forms/${formId}`);
  const zero = await withToken(token, '/api/zero/query?schema=x&appID=zero', {
    method: 'POST',
    body: '[]',
  });
  const whoami = await withToken(token, '/api/session');
  return [syncRes.status, form.status, zero.status, whoami.status];
}

async function redeemLink(guest: Guest): Promise<{ token: string; ownerId: string }> {
  const { code } = await (await guest.fetch('/api/resume-codes', { method: 'POST' })).json();
  const res = await fetch(`${baseUrl}/api/resume-codes/redeem`, {
    method: 'POST',
    body: JSON.stringify({ code }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe('tokens', () => {
  it('a correctly signed token without an expiry opens nothing', async () => {
    const guest = await makeGuest();
    const formId = await createForm(guest, 1);
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(guest.ownerId)
      .setIssuer('refrain')
      .setIssuedAt()
      .sign(secret);
    expect(await statusesFor(forever, formId)).toEqual([401, 401, 401, 401]);
    // The same owner with the expiry every issued token has is let in: only the expiry differs.
    const dated = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(guest.ownerId)
      .setIssuer('refrain')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    const [syncStatus, formStatus, , whoami] = await statusesFor(dated, formId);
    expect([syncStatus, formStatus, whoami]).toEqual([200, 200, 200]);
  });

  it('an expired token or one with a malformed subject is refused with a reason', async () => {
    const guest = await makeGuest();
    const formId = await createForm(guest, 1);
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(guest.ownerId)
      .setIssuer('refrain')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(secret);
    const odd = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject("'; drop table owners; --")
      .setIssuer('refrain')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    for (const token of [expired, odd]) {
      expect(await statusesFor(token, formId)).toEqual([401, 401, 401, 401]);
    }
    const res = await withToken(expired, `/api/forms/${formId}`);
    expect((await res.json()).error).toMatch(/no longer signed in/);
  });

  it('"sign out everywhere" ends every other device and open link, and keeps the device that asked', async () => {
    const phone = await makeGuest();
    const formId = await createForm(phone, 1);
    const laptop = await redeemLink(phone);
    expect(laptop.ownerId).toBe(phone.ownerId);
    const { code: unusedCode } = await (
      await phone.fetch('/api/resume-codes', { method: 'POST' })
    ).json();
    expect(await statusesFor(laptop.token, formId)).toEqual([200, 200, 200, 200]);

    const res = await phone.fetch('/api/session/sign-out-everywhere', { method: 'POST' });
    expect(res.status).toBe(200);
    const fresh = (await res.json()) as { token: string; ownerId: string };
    expect(fresh.ownerId).toBe(phone.ownerId);
    expect(fresh.token).not.toBe(phone.token);

    // Every earlier token, on every device, is refused at every door.
    expect(await statusesFor(phone.token, formId)).toEqual([401, 401, 401, 401]);
    expect(await statusesFor(laptop.token, formId)).toEqual([401, 401, 401, 401]);
    // The new one works, and still owns the same songs.
    const [syncStatus, formStatus, , whoami] = await statusesFor(fresh.token, formId);
    expect([syncStatus, formStatus, whoami]).toEqual([200, 200, 200]);
    // A link made before signing out no longer lets anyone in.
    const redeem = await fetch(`${baseUrl}/api/resume-codes/redeem`, {
      method: 'POST',
      body: JSON.stringify({ code: unusedCode }),
    });
    expect(redeem.status).toBe(410);
    // Signing out again ends the token of the first sign-out too.
    const again = await withToken(fresh.token, '/api/session/sign-out-everywhere', {
      method: 'POST',
    });
    expect(again.status).toBe(200);
    expect(await statusesFor(fresh.token, formId)).toEqual([401, 401, 401, 401]);
    const [[owner]] = [
      await sql<
        { token_version: number }[]
      >`select token_version from owners where id = ${phone.ownerId}`,
    ];
    expect(owner!.token_version).toBe(3);
  });

  it('"sign out everywhere" cuts the other devices\' live sync at once, and they cannot reconnect', async () => {
    const phone = await makeGuest();
    await createForm(phone, 1);
    const laptop = await redeemLink(phone);
    const laptopZero = connectZero(`${baseUrl}/zero`, { ...phone, ...laptop });
    let phoneZero: ReturnType<typeof connectZero> | undefined;
    try {
      const laptopView = laptopZero.materialize(queries.myForms());
      await waitFor(() => laptopView.data.length === 1, 30_000);
      expect(laptopZero.connection.state.current.name).toBe('connected');

      const res = await phone.fetch('/api/session/sign-out-everywhere', { method: 'POST' });
      const fresh = (await res.json()) as { token: string; ownerId: string };
      await waitFor(
        () => laptopZero.connection.state.current.name !== 'connected',
        20_000,
        () => `laptop still ${laptopZero.connection.state.current.name}`,
      );

      // A form made after signing out reaches the phone's new connection, never the laptop.
      const later = await createForm(guestWith(baseUrl, fresh), 1);
      phoneZero = connectZero(`${baseUrl}/zero`, { ...phone, ...fresh });
      const phoneView = phoneZero.materialize(queries.myForms());
      await waitFor(() => phoneView.data.some((f) => f.id === later), 30_000);
      expect(laptopView.data.some((f) => f.id === later)).toBe(false);
      expect(laptopZero.connection.state.current.name).not.toBe('connected');
    } finally {
      await laptopZero.close();
      await phoneZero?.close();
    }
  });

  it("a token of one owner never passes as another's, even after the other signs out", async () => {
    const a = await makeGuest();
    const b = await makeGuest();
    const formOfB = await createForm(b, 1);
    await withToken(b.token, '/api/session/sign-out-everywhere', { method: 'POST' });
    const res = await a.fetch(`/api/forms/${formOfB}`);
    expect(res.status).toBe(404);
    const answers = await sync(a, [ops.submit(formOfB)]);
    expect(answers[0]!.status).toBe('rejected');
  });
});
