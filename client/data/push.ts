import type { Session } from './session.ts';

/**
 * Whether this device is told when songs are ready: `unsupported` (no Push API, e.g. an iPhone's
 * Safari outside an installed app), `denied` (blocked in the browser's settings), `off` (may be
 * asked), `on` (subscribed).
 */
export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

const supported = () =>
  'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

export async function pushState(): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
}

/**
 * Asks the person (only ever from a tap: browsers refuse a prompt nobody asked for), subscribes
 * this device with the server's VAPID key, and hands the subscription to the server.
 */
export async function turnOnPush(session: Session): Promise<PushState> {
  if (!supported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return 'denied';
  if (permission !== 'granted') return 'off';
  const { publicKey } = (await (await fetch('/api/push/key')).json()) as { publicKey: string };
  const registration = await navigator.serviceWorker.ready;
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: fromBase64url(publicKey),
    }));
  const res = await fetch('/api/push/subscriptions', {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify(subscription.toJSON()),
  });
  if (!res.ok) {
    const { error } = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(error ?? `the server answered ${res.status}`);
  }
  return 'on';
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
