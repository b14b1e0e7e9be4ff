/**
 * A Web Push message's payload: what the server sends (server/push/notifier.ts) and the service
 * worker shows (sw/push.ts).
 */
export interface PushNotice {
  title: string;
  body: string;
  /** The page a tap opens, a path on this origin. */
  url: string;
  /** One notification per form: a newer notice replaces the older one on the phone. */
  tag: string;
}
