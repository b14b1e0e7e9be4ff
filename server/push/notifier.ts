import type { Sql } from 'postgres';
import webpush from 'web-push';
import { recipientsOf, type DraftDoc } from '../../schema/draft.ts';
import type { PushNotice } from '../../schema/push.ts';
import type { VapidKeys } from '../auth/signing.ts';
import { logger } from '../log.ts';
import { MediaRefused } from '../media/address.ts';
import { postToLink } from '../media/fetch.ts';

const log = logger('push');

export const FORM_SETTLED_CHANNEL = 'refrain_form_settled';

// A settlement missed while no process listened (all restarting) is found by this sweep, for an
// hour after it happened; older ones are news no longer worth a notification.
const SWEEP_MS = 30_000;
const SWEEP_WINDOW = '1 hour';
// A push service holds a message this long for a phone that is off.
const TTL_SEC = 24 * 3600;
const SEND_TIMEOUT_MS = 10_000;

interface SettledForm {
  id: string;
  owner_id: string;
  status: 'ready' | 'failed';
  draft: DraftDoc;
  attempts: number;
}

/** The words of a form's notice, as the person reads them on a lock screen. */
export function noticeFor(form: Pick<SettledForm, 'id' | 'status' | 'draft'>): PushNotice {
  const names = recipientsOf(form.draft);
  const songs = Math.max(1, form.draft.songCount ?? 1);
  const forWhom = names === 'Untitled' ? '' : ` for ${names}`;
  const url = `/forms/${form.id}`;
  if (form.status === 'ready') {
    return {
      title: songs === 1 ? `Your song${forWhom} is ready` : `Your songs${forWhom} are ready`,
      body: 'Hear the three versions of each and choose your favourite.',
      url,
      tag: form.id,
    };
  }
  return {
    title: `A song${forWhom} needs your attention`,
    body: 'One version could not be made. Open it to try again; nothing is charged for it.',
    url,
    tag: form.id,
  };
}

/**
 * Tells a person's devices when a form settles: every song's versions ready, or one failed.
 * Every API process listens for settlements; each settlement is a key in push_notices, and only
 * the process whose insert wins sends, so a phone gets one notification per settlement.
 */
export class PushNotifier {
  private timer: NodeJS.Timeout | undefined;
  private listener: { unlisten: () => Promise<void> } | undefined;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly options: {
      vapid: VapidKeys;
      /** VAPID's contact (RFC 8292): the site's https address, or a mailto. */
      subject: string;
      trustedHosts: readonly string[];
    },
  ) {}

  async start(): Promise<void> {
    this.listener = await this.sql.listen(FORM_SETTLED_CHANNEL, (formId) => {
      void this.settle(formId).catch((err) =>
        log.warn('notice failed', { formId, error: String(err) }),
      );
    });
    const sweep = () => {
      void this.sweep()
        .catch((err) => log.warn('sweep failed', { error: String(err) }))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(sweep, SWEEP_MS).unref();
        });
    };
    sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.listener?.unlisten().catch(() => undefined);
  }

  /** Settled forms of owners with a device subscribed whose notice was never sent. */
  async sweep(): Promise<void> {
    const forms = await this.sql<{ id: string }[]>`
      select f.id from forms f
      where f.status in ('ready', 'failed')
        and f.updated_at > now() - ${SWEEP_WINDOW}::interval
        and exists (select 1 from push_subscriptions p where p.owner_id = f.owner_id)`;
    for (const form of forms) await this.settle(form.id);
  }

  /** Sends the notice a form's settlement earned, unless some process already has. */
  async settle(formId: string): Promise<void> {
    const [form] = await this.sql<SettledForm[]>`
      select f.id, f.owner_id, f.status, f.draft,
             (select coalesce(sum(attempt), 0)::int from slots s
              where s.form_id = f.id and s.is_current) as attempts
      from forms f where f.id = ${formId} and f.status in ('ready', 'failed')`;
    if (!form) return;
    // A retry or another version makes a new attempt, so its settlement is a new notice.
    const key = `${form.status}:${form.id}:${form.attempts}`;
    const won = await this.sql`
      insert into push_notices (key, form_id) values (${key}, ${form.id})
      on conflict do nothing returning key`;
    if (won.length === 0) return;
    const devices = await this.sql<{ endpoint: string; p256dh: string; auth: string }[]>`
      select endpoint, p256dh, auth from push_subscriptions where owner_id = ${form.owner_id}`;
    const notice = noticeFor(form);
    await Promise.all(devices.map((device) => this.send(device, notice)));
  }

  private async send(
    device: { endpoint: string; p256dh: string; auth: string },
    notice: PushNotice,
  ): Promise<void> {
    const { vapid, subject, trustedHosts } = this.options;
    // web-push encrypts (RFC 8291) and signs (RFC 8292); the post itself goes through the media
    // policy, as the endpoint is whatever a browser, or anyone with a token, said it was.
    const request = webpush.generateRequestDetails(
      { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
      JSON.stringify(notice),
      {
        vapidDetails: { subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
        TTL: TTL_SEC,
        urgency: 'normal',
      },
    );
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    let status: number;
    try {
      status = await postToLink(
        device.endpoint,
        { headers, body: request.body ?? Buffer.alloc(0) },
        { trustedHosts, timeoutMs: SEND_TIMEOUT_MS },
      );
    } catch (err) {
      if (err instanceof MediaRefused) {
        // An address the policy refuses now (a name that came to resolve privately) never works.
        await this.forget(device.endpoint, err.message);
        return;
      }
      log.warn('push not delivered', { error: String(err) });
      return;
    }
    if (status === 404 || status === 410) {
      await this.forget(device.endpoint, `the push service answered ${status}`);
    } else if (status >= 200 && status < 300) {
      await this
        .sql`update push_subscriptions set last_sent_at = now() where endpoint = ${device.endpoint}`;
    } else {
      log.warn('push not delivered', { status });
    }
  }

  /** A subscription the push service says is gone (unsubscribed, expired) is dropped for good. */
  private async forget(endpoint: string, why: string): Promise<void> {
    await this.sql`delete from push_subscriptions where endpoint = ${endpoint}`;
    log.info('push subscription removed', { why });
  }
}
