import { importJWK, jwtVerify, SignJWT } from 'jose';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { sessionKey, urlSigner, vapidKeys } from '../../server/auth/signing.ts';
import { DOWNLOAD_TTL_MS, downloadLinks } from '../../server/delivery/links.ts';
import { demoWebhookSecret } from '../../server/payments/receipt.ts';

// Signatures live on in stored URLs, registered webhooks and links already handed out: the exact
// strings below were made before signing had one home, and must keep coming out.

const SECRET = new TextEncoder().encode('a-fixed-installation-secret-of-40-chars!');
const OTHER_SECRET = new TextEncoder().encode('another-installation-secret-of-40-chars!');
const ID = '0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_ID = '0b6f2a4e-3c1d-4e5f-8a9b-0c1d2e3f4a5c';

describe('URL signatures', () => {
  const signer = urlSigner(SECRET);

  it('are the same strings as ever', () => {
    expect(signer.sign('webhook', ID)).toBe('BDdhwe7tRbQTzCqtr4OX5BgAY1fkklwMr35JjYxOKyU');
    expect(signer.sign('audio', ID)).toBe('7CtrtI5L3A-sv2CHTapcR2Ud-btQ65jmlfIEW2EbwCI');
    expect(signer.sign('cover', ID)).toBe('lcvF2DkhmEkViL-5yokUAzUYfFjVbE8zOQveHhLdJCc');
    expect(signer.sign('stream', ID)).toBe('s8cBtqm4ljYaE9RboCx_-JafypVQClO8FygVZwd5E4g');
    expect(signer.sign('stream', 'abc:seg/0001.ts')).toBe(
      '4gp6MP1dTmdnyAxRBsUqHTKobbRsIcO13QphpOGrjRs',
    );
  });

  it('verify only for the purpose, id and installation they were made for', () => {
    const token = signer.sign('audio', ID);
    expect(signer.verify('audio', ID, token)).toBe(true);
    expect(signer.verify('cover', ID, token)).toBe(false);
    expect(signer.verify('webhook', ID, token)).toBe(false);
    expect(signer.verify('audio', OTHER_ID, token)).toBe(false);
    expect(urlSigner(OTHER_SECRET).verify('audio', ID, token)).toBe(false);
    expect(signer.verify('audio', ID, token.slice(0, -1))).toBe(false);
    expect(signer.verify('audio', ID, `${token}A`)).toBe(false);
    expect(signer.verify('audio', ID, '')).toBe(false);
    expect(signer.verify('audio', ID, undefined)).toBe(false);
    expect(signer.verify('audio', ID, null)).toBe(false);
  });
});

describe('download links', () => {
  const links = downloadLinks(SECRET);
  const EXPIRES = 1_893_456_000_000;
  const NOW = EXPIRES - DOWNLOAD_TTL_MS;
  const sigOf = (url: string) => new URL(url, 'http://x').searchParams.get('sig')!;

  it('are the same URLs as ever', () => {
    expect(links.url(ID, 'mp3', EXPIRES)).toBe(
      `/api/download/${ID}.mp3?exp=1893456000000&sig=E0p8lpwYJooSa9MFPqqT18GkHRP4mO6u7ofR1oqxNNM`,
    );
    expect(links.url(ID, 'wav', EXPIRES)).toBe(
      `/api/download/${ID}.wav?exp=1893456000000&sig=Pgk7xQTmIN38bcCQkLRQ2PQSufDf0PwbAKk2Pt9ICdc`,
    );
    expect(links.url(ID, 'txt', 1_700_000_000_000)).toBe(
      `/api/download/${ID}.txt?exp=1700000000000&sig=-upOD8FPS99YLmMs7xmNz40sOm8VPVSpyx7W8RsLwWE`,
    );
  });

  it('check take, kind, expiry and installation', () => {
    const sig = sigOf(links.url(ID, 'mp3', EXPIRES));
    const exp = String(EXPIRES);
    expect(links.check(ID, 'mp3', exp, sig, NOW)).toBe('valid');
    expect(links.check(ID, 'mp3', exp, sig, EXPIRES + 1)).toBe('expired');
    expect(links.check(ID, 'wav', exp, sig, NOW)).toBe('forged');
    expect(links.check(OTHER_ID, 'mp3', exp, sig, NOW)).toBe('forged');
    expect(links.check(ID, 'mp3', String(EXPIRES + 60_000), sig, NOW)).toBe('forged');
    expect(links.check(ID, 'mp3', `${exp}.0`, sig, NOW)).toBe('forged');
    expect(links.check(ID, 'mp3', undefined, sig, NOW)).toBe('forged');
    expect(links.check(ID, 'mp3', exp, undefined, NOW)).toBe('forged');
    expect(downloadLinks(OTHER_SECRET).check(ID, 'mp3', exp, sig, NOW)).toBe('forged');
    // The same message under the URL signer's key is no download signature.
    expect(links.check(ID, 'mp3', exp, urlSigner(SECRET).sign('audio', ID), NOW)).toBe('forged');
  });

  it('are checked by the clock they are minted by: a day on, an old link has expired and a new one works', () => {
    const DAY = 86_400_000;
    let now = NOW;
    const clocked = downloadLinks(SECRET, () => now);
    const old = new URL(clocked.url(ID, 'mp3', clocked.now() + DOWNLOAD_TTL_MS), 'http://x');
    const parts = (u: URL) => [u.searchParams.get('exp')!, u.searchParams.get('sig')!] as const;
    expect(clocked.check(ID, 'mp3', ...parts(old))).toBe('valid');
    now += DAY;
    expect(clocked.check(ID, 'mp3', ...parts(old))).toBe('expired');
    const fresh = new URL(clocked.url(ID, 'mp3', clocked.now() + DOWNLOAD_TTL_MS), 'http://x');
    expect(clocked.check(ID, 'mp3', ...parts(fresh))).toBe('valid');
    // The same link, read by the real clock of a server a day behind, is valid too: only the
    // clock moved, not the key.
    expect(links.check(ID, 'mp3', ...parts(fresh), NOW)).toBe('valid');
  });
});

describe('other keys from the auth secret', () => {
  it("derive the demo checkout's webhook secret as ever", () => {
    expect(demoWebhookSecret(SECRET)).toBe(
      'whsec_demo_8xLbNJF-ApHwJadGM2Zj9flqe5PbiS5yRKVn5aczGJg',
    );
    expect(demoWebhookSecret(OTHER_SECRET)).not.toBe(demoWebhookSecret(SECRET));
  });

  it('keep session tokens issued before valid', async () => {
    const issued =
      'eyJhbGciOiJIUzI1NiJ9.eyJ2ZXIiOjEsInN1YiI6IjBiNmYyYTRlLTNjMWQtNGU1Zi04YTliLTBjMWQyZTNmNGE1YiIsImlzcyI6InJlZnJhaW4iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.pwTXBtlmBQscsUGpZ1nUp6zIr6dd6cvT9XpYU_3HCK0';
    const { payload } = await jwtVerify(issued, sessionKey(SECRET), { issuer: 'refrain' });
    expect(payload.sub).toBe(ID);
    const forged = await new SignJWT({ ver: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(ID)
      .setIssuer('refrain')
      .setExpirationTime('1h')
      .sign(OTHER_SECRET);
    await expect(jwtVerify(forged, sessionKey(SECRET), { issuer: 'refrain' })).rejects.toThrow();
  });
});

// Browsers' subscriptions are bound to this key: it must never change for an installation.
const PINNED_VAPID = {
  publicKey:
    'BNZ7Q9qzBb_4VDWUsE7IiCo5Jo6IR4VCEM8IOUELGyK1rTj83-o5s59n8ITtelUehBsHLAm-znbKNcGyJ6v1eGY',
  privateKey: 'TnlGMB2nLXTIRUXUg1mWsh9Vja8-auNC8rFmKUGOSWQ',
};

describe('VAPID keys', () => {
  it('are derived from the installation secret: the same in every process, different per installation', () => {
    const keys = vapidKeys(SECRET);
    expect(keys).toEqual(vapidKeys(SECRET));
    expect(keys).toEqual(PINNED_VAPID);
    expect(vapidKeys(OTHER_SECRET).publicKey).not.toBe(keys.publicKey);
  });

  it('are a P-256 pair web-push accepts and a VAPID signature checks out against', async () => {
    const keys = vapidKeys(SECRET);
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    const headers = webpush.getVapidHeaders(
      'https://push.example',
      'https://refrain.example',
      keys.publicKey,
      keys.privateKey,
      'aes128gcm',
    );
    const [, jwt, k] = /^vapid t=([^,]+), k=(.+)$/.exec(headers.Authorization)!;
    expect(k).toBe(keys.publicKey);
    const publicKey = await importJWK({
      kty: 'EC',
      crv: 'P-256',
      x: Buffer.from(keys.publicKey, 'base64url').subarray(1, 33).toString('base64url'),
      y: Buffer.from(keys.publicKey, 'base64url').subarray(33).toString('base64url'),
      alg: 'ES256',
    });
    const { payload } = await jwtVerify(jwt!, publicKey);
    expect(payload.aud).toBe('https://push.example');
  });
});
