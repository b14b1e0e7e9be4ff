import { randomUUID } from 'node:crypto';
import type { DraftDoc, FieldTimes } from '../../schema/draft.ts';
import type { OpResult, SyncOp, SyncResponse } from '../../schema/ops.ts';
import { queries } from '../../schema/queries.ts';
import type { FormStatus, SlotStatus } from '../../schema/status.ts';
import type { Guest } from '../helpers/guest.ts';
import { allFieldTimes, draftOf, ops } from '../helpers/ops.ts';
import { keepConnected } from '../../client/data/zero-connection.ts';
import { connectZero } from '../helpers/zero.ts';
import type { Journal } from './journal.ts';
import type { Prng } from './prng.ts';

type ZeroClient = ReturnType<typeof connectZero>;
const watchForms = (zero: ZeroClient) => zero.materialize(queries.myForms());
const watchOrders = (zero: ZeroClient) => zero.materialize(queries.myOrders());
const watchForm = (zero: ZeroClient, formId: string) => zero.materialize(queries.form({ formId }));
export type FormView = ReturnType<typeof watchForm>;
export type FormsView = ReturnType<typeof watchForms>;
export type OrdersView = ReturnType<typeof watchOrders>;

// How often a device cuts its own request short (a phone losing signal mid-request).
const DROP_CHANCE = 0.12;
const MAX_BATCH = 40;
const REQUEST_TIMEOUT_MS = 60_000;
// Longer than client/data/zero-connection.ts's longest wait before it connects Zero again.
const ZERO_GIVEN_UP_MS = 45_000;

export interface DeviceOptions {
  name: string;
  guest: Guest;
  rng: Prng;
  journal: Journal;
  /** Forms this device may start; it stops making new ones after that. */
  maxForms: number;
  /** Called once a payment went through, so its takes are fingerprinted at that moment. */
  onPaid: (formId: string, device: string) => Promise<void>;
}

type Intent = 'create' | 'edit' | 'submit' | 'request' | 'retry' | 'select' | 'pay' | 'look';

/** What a device believes about one of its forms, from Zero or from GET /api/forms/:id. */
interface KnownForm {
  id: string;
  status: FormStatus;
  songCount: number;
  /** Current attempts only, with the indexes of their takes. */
  slots: { id: string; formId: string; songIndex: number; status: SlotStatus; takes: number[] }[];
  selections: { songIndex: number; slotId: string }[];
}

/**
 * One phone or laptop: a session, an outbox of ops with ids made here, and a Zero client through
 * the app's /zero (as a browser connects). It states intent the way the app does, learns what
 * happened from Zero only, and re-sends what was not answered with the same ids, now and then
 * with already answered ops mixed in.
 */
export class Device {
  readonly name: string;
  readonly guest: Guest;
  readonly zero: ZeroClient;
  readonly forms: FormsView;
  readonly orders: OrdersView;
  readonly formViews = new Map<string, FormView>();
  private readonly outbox: SyncOp[] = [];
  private readonly answered: SyncOp[] = [];
  private readonly drafts = new Map<string, { draft: DraftDoc; times: FieldTimes }>();
  /** Forms read through the API, for when Zero is behind (zero-cache restarting, API down). */
  private readonly looked = new Map<string, KnownForm>();
  /** Forms whose submit this device saw answered. */
  private readonly submitted = new Set<string>();
  private created = 0;
  private edits = 0;
  private readonly releaseZero: () => void;
  private zeroStateSince = Date.now();

  constructor(private readonly opts: DeviceOptions) {
    this.name = opts.name;
    this.guest = opts.guest;
    this.zero = connectZero(`${opts.guest.baseUrl}/zero`, opts.guest);
    // As the app does (client/main.tsx): a Zero stopped by an error connects again by itself.
    this.releaseZero = keepConnected(this.zero.connection);
    this.forms = watchForms(this.zero);
    this.orders = watchOrders(this.zero);
    // A Zero client in 'error' or 'needs-auth' stops retrying on its own: worth a line each time.
    this.zero.connection.state.subscribe((state) => {
      this.zeroStateSince = Date.now();
      if (state.name !== 'connecting' && state.name !== 'connected')
        opts.journal.note(`${this.name} Zero ${state.name}: ${JSON.stringify(state.reason)}`);
    });
  }

  /**
   * Whether the Zero client has stayed stopped ('error', 'needs-auth') longer than the app's
   * reconnect backoff (at most 30 s): then nothing will bring it back without a reload.
   */
  get zeroStopped(): boolean {
    const { name } = this.zero.connection.state.current;
    const stopped = name === 'error' || name === 'needs-auth' || name === 'closed';
    return stopped && Date.now() - this.zeroStateSince > ZERO_GIVEN_UP_MS;
  }

  /** The Zero client's connection state, in words. */
  get zeroState(): string {
    const state = this.zero.connection.state.current;
    return 'reason' in state && state.reason
      ? `${state.name} (${JSON.stringify(state.reason)})`
      : state.name;
  }

  get pending(): number {
    return this.outbox.length;
  }

  /** States intents and sends them until `stop()` says so. */
  async run(stop: () => boolean): Promise<void> {
    const { rng } = this.opts;
    while (!stop()) {
      this.watchNewForms();
      await this.act(this.choose());
      if (rng.chance(0.6)) {
        // A second tab (or the service worker) draining the same outbox at the same moment.
        if (rng.chance(0.08)) await Promise.all([this.flush(true), this.flush(true)]);
        else await this.flush(true);
      }
      await pause(rng.between(40, 350));
    }
  }

  /** Sends until every queued op has a final answer; no dropped requests here. */
  async drain(deadline: number): Promise<void> {
    while (this.outbox.length > 0) {
      if (Date.now() > deadline)
        throw new Error(`${this.name}: ${this.outbox.length} op(s) never got an answer`);
      if (!(await this.flush(false))) await pause(250);
    }
  }

  /** Opens a view of every form the owner has, so the device can act on (and compare) it. */
  watchNewForms(): void {
    for (const f of this.forms.data) {
      if (!this.formViews.has(f.id)) this.formViews.set(f.id, watchForm(this.zero, f.id));
    }
  }

  async close(): Promise<void> {
    for (const v of this.formViews.values()) v.destroy();
    this.forms.destroy();
    this.orders.destroy();
    this.releaseZero();
    await this.zero.close();
  }

  private choose(): Intent | undefined {
    const views = this.views();
    const draftForms = this.knownDrafts();
    return this.opts.rng.weighted<Intent>({
      create: this.created < this.opts.maxForms ? (this.created === 0 ? 50 : 2) : 0,
      edit: draftForms.length ? 2 : 0,
      submit: draftForms.length ? 2 : 0,
      request: views.length ? 1 : 0,
      retry: this.slotsIn('failed').length ? 2 : 0,
      select: this.slotsIn('ready').length ? 3 : 0,
      pay: this.payable().length ? 3 : 0,
      look: this.formIds().length ? 3 : 0,
    });
  }

  private async act(intent: Intent | undefined): Promise<void> {
    const { rng } = this.opts;
    switch (intent) {
      case 'create': {
        const formId = randomUUID();
        const draft = draftOf(rng.between(1, 2));
        draft.songs.forEach((s, i) => (s.story = `${s.story} (${this.name}, song ${i + 1})`));
        const times = allFieldTimes(draft);
        this.drafts.set(formId, { draft, times });
        this.created++;
        // A queued op is never changed again: later edits go to this device's copy only.
        this.queue(ops.draftPut(formId, structuredClone(draft), { ...times }));
        // The app queues the latest draft, then the submit, in that order.
        if (rng.chance(0.6)) this.queue(ops.submit(formId));
        return;
      }
      case 'edit': {
        const formId = rng.pick(this.knownDrafts());
        const local = this.draftOf(formId);
        if (!local) return;
        const i = rng.int(local.draft.songs.length);
        local.draft.songs[i]!.story =
          `Edit ${++this.edits} by ${this.name}: we danced in the rain.`;
        local.times[`songs.${i}.story`] = Date.now();
        this.queue(ops.draftPut(formId, structuredClone(local.draft), { ...local.times }));
        return;
      }
      case 'submit':
        this.queue(ops.submit(rng.pick(this.knownDrafts())));
        return;
      case 'request': {
        const form = rng.pick(this.views());
        this.queue(ops.request(form.id, rng.int(form.songCount), rng.int(3)));
        return;
      }
      case 'retry': {
        this.queue(ops.retry(rng.pick(this.slotsIn('failed')).id));
        return;
      }
      case 'select': {
        const slot = rng.pick(this.slotsIn('ready'));
        this.queue(ops.select(slot.formId, slot.songIndex, slot.id, rng.pick(slot.takes) as 1 | 2));
        return;
      }
      case 'look':
        await this.look(rng.pick(this.formIds()));
        return;
      case 'pay': {
        const payable = this.payable();
        if (payable.length) await this.pay(rng.pick(payable));
        return;
      }
      case undefined:
        return;
    }
  }

  private queue(op: SyncOp): void {
    this.opts.journal.queued(op, this.name, this.guest.ownerId);
    this.outbox.push(op);
  }

  /** One POST /api/sync of the outbox's head; true when the server answered every op in it. */
  async flush(mayDrop: boolean): Promise<boolean> {
    const { rng, journal } = this.opts;
    let batch = this.outbox.slice(0, MAX_BATCH);
    if (this.answered.length && rng.chance(0.3)) {
      for (const op of rng.sample(this.answered, rng.between(1, 4)))
        batch.splice(rng.int(batch.length + 1), 0, op);
    }
    if (batch.length === 0) return true;
    // Rarely the order is lost too, as when two tabs race: an op may then find its form missing.
    if (rng.chance(0.04)) batch = rng.shuffle(batch);
    journal.sent(batch);
    const sentAt = Date.now();
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const dropping = mayDrop && rng.chance(DROP_CHANCE);
    const drop = dropping ? setTimeout(() => controller.abort(), rng.int(250)) : undefined;
    if (dropping) journal.fault('client-drop');
    try {
      const res = await this.guest.fetch('/api/sync', {
        method: 'POST',
        body: JSON.stringify({ clientId: this.name, ops: batch }),
        signal: controller.signal,
      });
      const text = await res.text();
      journal.request(String(res.status));
      if (res.status !== 200 && res.status !== 429) {
        if (res.status >= 500)
          journal.note(`${this.name} /api/sync ${res.status}: ${text.slice(0, 200)}`);
        return false;
      }
      const { results } = JSON.parse(text) as SyncResponse;
      journal.answered(results, sentAt);
      for (const r of results) this.settle(r);
      return results.every((r) => r.status !== 'limited');
    } catch (err) {
      if (controller.signal.aborted) journal.request('dropped');
      else journal.networkError(err);
      return false;
    } finally {
      clearTimeout(timeout);
      clearTimeout(drop);
    }
  }

  private settle(r: OpResult): void {
    const i = this.outbox.findIndex((o) => o.id === r.id);
    if (i < 0 || r.status === 'limited') return;
    const [op] = this.outbox.splice(i, 1);
    // A rejection is final: the app drops the op and shows why.
    if (r.status === 'applied' || r.status === 'duplicate') {
      this.answered.push(op!);
      if (op!.type === 'form.submit') this.submitted.add((op!.args as { formId: string }).formId);
    }
  }

  /** GET /api/forms/:id: what a client without a live Zero view can know. */
  private async look(formId: string): Promise<void> {
    try {
      const res = await this.guest.fetch(`/api/forms/${formId}`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.status !== 200) return;
      const body = (await res.json()) as {
        form: { status: FormStatus; songCount: number };
        slots: { id: string; songIndex: number; status: SlotStatus; isCurrent: boolean }[];
        takes: { slotId: string; take: number | null }[];
        selections: { songIndex: number; slotId: string }[];
      };
      this.looked.set(formId, {
        id: formId,
        status: body.form.status,
        songCount: body.form.songCount,
        slots: body.slots
          .filter((s) => s.isCurrent)
          .map((s) => ({
            id: s.id,
            formId,
            songIndex: s.songIndex,
            status: s.status,
            takes: body.takes.flatMap((t) => (t.slotId === s.id && t.take ? [t.take] : [])),
          })),
        selections: body.selections,
      });
    } catch {
      // No answer: the device keeps what it knew.
    }
  }

  /** Checkout with the demo gateway and press "Pay"; any step may be cut short. */
  private async pay(formId: string): Promise<void> {
    const { rng, journal } = this.opts;
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    const drop = rng.chance(DROP_CHANCE)
      ? setTimeout(() => controller.abort(), rng.int(400))
      : undefined;
    try {
      const res = await this.guest.fetch(`/api/forms/${formId}/checkout`, {
        method: 'POST',
        body: '{}',
        signal: controller.signal,
      });
      const body = (await res.json()) as { status?: string; url?: string };
      if (res.status !== 200) {
        journal.payment(`checkout ${res.status}`);
        return;
      }
      if (body.status === 'paid') {
        journal.payment('already paid');
        await this.opts.onPaid(formId, this.name);
        return;
      }
      const paid = await fetch(`${body.url}/pay`, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
      });
      await paid.arrayBuffer();
      journal.payment(`pay ${paid.status}`);
      if (paid.status === 303) await this.opts.onPaid(formId, this.name);
    } catch {
      journal.payment(controller.signal.aborted ? 'dropped' : 'network');
    } finally {
      clearTimeout(timeout);
      clearTimeout(drop);
    }
  }

  /** Every form the device knows of: Zero's view, unless the API answered about it more lately. */
  private views(): KnownForm[] {
    return this.formIds().flatMap((id): KnownForm[] => {
      const read = this.looked.get(id);
      if (read) return [read];
      const form = this.formViews.get(id)?.data;
      if (!form) return [];
      return [
        {
          id,
          status: form.status,
          songCount: form.songCount,
          slots: form.slots.map((s) => ({
            id: s.id,
            formId: id,
            songIndex: s.songIndex,
            status: s.status,
            takes: s.takes.flatMap((t) => (t.takeIndex ? [t.takeIndex] : [])),
          })),
          selections: [...form.selections],
        },
      ];
    });
  }

  /** Current slots in `status`; a ready one only once its takes are known. */
  private slotsIn(status: 'ready' | 'failed') {
    return this.views().flatMap((f) =>
      f.slots.filter((s) => s.status === status && (status !== 'ready' || s.takes.length)),
    );
  }

  private formIds(): string[] {
    return [...new Set([...this.drafts.keys(), ...this.forms.data.map((f) => f.id)])];
  }

  /** Forms this device believes are still drafts: its own new ones, and drafts Zero shows. */
  private knownDrafts(): string[] {
    const seen = new Map(this.forms.data.map((f) => [f.id, f.status]));
    for (const f of this.looked.values()) seen.set(f.id, f.status);
    return this.formIds().filter(
      (id) => !this.submitted.has(id) && (seen.get(id) ?? 'draft') === 'draft',
    );
  }

  /** This device's copy of a draft, or the server's (from Zero) when another device made it. */
  private draftOf(formId: string) {
    const mine = this.drafts.get(formId);
    if (mine) return mine;
    const row = this.forms.data.find((f) => f.id === formId);
    if (!row || !row.draft || !Array.isArray((row.draft as DraftDoc).songs)) return undefined;
    const times = { ...row.fieldTimes };
    const copy = { draft: structuredClone(row.draft) as DraftDoc, times };
    this.drafts.set(formId, copy);
    return copy;
  }

  /** Forms whose every song has a chosen take of a ready slot; now and then a paid one again. */
  private payable(): string[] {
    const paid = new Set(this.orders.data.filter((o) => o.status === 'paid').map((o) => o.formId));
    return this.views()
      .filter((f) => (!paid.has(f.id) && f.status !== 'paid') || this.opts.rng.chance(0.1))
      .filter((f) =>
        Array.from({ length: f.songCount }, (_, i) => i).every((i) => {
          const sel = f.selections.find((s) => s.songIndex === i);
          return sel && f.slots.some((s) => s.id === sel.slotId && s.status === 'ready');
        }),
      )
      .map((f) => f.id);
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
