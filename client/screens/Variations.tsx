import { useQuery } from '@rocicorp/zero/react';
import { useState } from 'react';
import type { DraftDoc, SongDraft } from '../../schema/draft.ts';
import type { OpArgsOf, TakeIndex } from '../../schema/ops.ts';
import { presetLabel, presetsFor } from '../../schema/presets.ts';
import { queries } from '../../schema/queries.ts';
import type { SlotStatus } from '../../schema/status.ts';
import { enqueue } from '../data/outbox.ts';
import { ReadyAlert } from '../ui/ReadyAlert.tsx';
import { Readiness, TimeLeft } from '../ui/Estimate.tsx';
import { LiveScope } from '../ui/live-sync.ts';
import { useApp } from '../ui/context.ts';
import { useLive } from '../ui/live.ts';
import { linkProps } from '../ui/router.ts';
import { Checkout } from './Checkout.tsx';
import { ThankYou } from './ThankYou.tsx';
import { ReviseVariation } from './Revise.tsx';

/**
 * A card's title: the label of the preset its slot was made with, or, before the server has
 * made the slot, the one the server will choose for this song (the same shared presetsFor).
 */
function variationLabel(
  brief: Pick<SongDraft, 'relationship' | 'occasion'> | undefined,
  storedPreset: string | undefined,
  variationIndex: number,
): string {
  const stored = storedPreset ? presetLabel(storedPreset) : null;
  if (stored) return stored;
  return presetsFor(brief ?? { relationship: '', occasion: '' })[variationIndex]!.label;
}

// `waiting` is a queued slot the studio has no place for yet; `pending`, one the server has not
// made yet.
const STATUS: Record<SlotStatus | 'waiting' | 'pending', string> = {
  queued: 'Waiting its turn',
  waiting: 'Waiting for a place',
  generating: 'Being made…',
  ready: 'Ready',
  failed: 'Could not be made',
  pending: 'Waiting to reach the server',
};

/**
 * Variations: three cards per song, live from the server through Zero. Nothing here starts a
 * generation on its own: loading, refreshing or racing this page only reads; only the explicit
 * submit, retry and choose buttons queue intents.
 */
export function Variations({ formId }: { formId: string }) {
  const { db, hasZero } = useApp();
  const local = useLive(() => db.drafts.get(formId), [db, formId], undefined);
  const pending = useLive(
    () => db.outbox.where('formId').equals(formId).toArray(),
    [db, formId],
    [],
  );
  return (
    <section aria-labelledby="variations-title">
      <h2 id="variations-title">Your songs</h2>
      {hasZero ? (
        <LiveScope>
          <ServerVariations formId={formId} localDraft={local?.draft} pendingOps={pending.length} />
        </LiveScope>
      ) : (
        <p className="notice">
          Your request is saved on this device and will be sent as soon as you are online.
        </p>
      )}
      <p>
        <a className="back" {...linkProps('/')}>
          Back to my songs
        </a>
      </p>
    </section>
  );
}

type FormView = NonNullable<ReturnType<typeof useFormQuery>[0]>;
function useFormQuery(formId: string) {
  return useQuery(queries.form({ formId }));
}

function ServerVariations({
  formId,
  localDraft,
  pendingOps,
}: {
  formId: string;
  localDraft?: DraftDoc;
  pendingOps: number;
}) {
  const [form, { type }] = useFormQuery(formId);
  if (!form) {
    return (
      <p className="notice" data-testid="waiting-server">
        {pendingOps > 0 || localDraft
          ? 'Your request is saved on this device and will reach the server as soon as it can.'
          : type === 'complete'
            ? 'This form does not exist, or belongs to another account.'
            : 'Loading…'}
      </p>
    );
  }
  const songCount = form.songCount;
  // Once paid, the downloads are what the person came for: they go first.
  const paid = form.status === 'paid';
  return (
    <>
      {paid && <ThankYou form={form} />}
      {/* One Checkout, moved (same key) rather than made again when payment lands, so what the
          person had open (the receipts) stays open. */}
      {paid && <Checkout key="checkout" form={form} />}
      <div className="progress" data-testid="form-progress">
        <progress
          max={form.progressTotal || songCount * 3}
          value={form.progressReady}
          aria-label="Songs ready"
        />
        <span role="status">
          {form.progressReady} of {form.progressTotal || songCount * 3} ready
        </span>
      </div>
      {(form.status === 'submitted' || form.status === 'generating') && <ReadyAlert />}
      {Array.from({ length: songCount }, (_, songIndex) => (
        <SongVariations key={songIndex} form={form} songIndex={songIndex} />
      ))}
      {!paid && <Checkout key="checkout" form={form} />}
    </>
  );
}

function SongVariations({ form, songIndex }: { form: FormView; songIndex: number }) {
  const { db } = useApp();
  const pendingChoice = useLive(
    () =>
      db.outbox
        .where('formId')
        .equals(form.id)
        .filter((op) => op.type === 'selection.set')
        .filter((op) => op.args.songIndex === songIndex)
        .last(),
    [db, form.id, songIndex],
    undefined,
  );
  const song = form.songs.find((s) => s.songIndex === songIndex);
  const recipient = song?.brief.recipient ?? form.draft?.songs?.[songIndex]?.recipient;
  // The draft's date, not the frozen brief's: a date moved after submitting moves no words.
  const occasionDate = form.draft?.songs?.[songIndex]?.occasionDate || song?.brief.occasionDate;
  const selection = form.selections.find((s) => s.songIndex === songIndex);
  const chosen = pendingChoice
    ? pendingChoice.args
    : selection && { slotId: selection.slotId, take: selection.takeIndex };
  return (
    <section
      className="song-variations"
      aria-label={`Song ${songIndex + 1}`}
      data-testid={`song-variations-${songIndex}`}
    >
      <h3>
        Song {songIndex + 1}
        {recipient ? ` · for ${recipient}` : ''}
      </h3>
      {occasionDate && (
        <Readiness
          occasionDate={occasionDate}
          slots={form.slots.filter((s) => s.songIndex === songIndex)}
        />
      )}
      <div className="variation-grid">
        {[0, 1, 2].map((v) => (
          <VariationCard
            key={v}
            form={form}
            songIndex={songIndex}
            variationIndex={v}
            chosen={chosen}
          />
        ))}
      </div>
    </section>
  );
}

function VariationCard({
  form,
  songIndex,
  variationIndex,
  chosen,
}: {
  form: FormView;
  songIndex: number;
  variationIndex: number;
  chosen?: { slotId: string; take: number };
}) {
  const { db, sync } = useApp();
  const [picked, setTake] = useState<TakeIndex>();
  const slot = form.slots.find(
    (s) => s.songIndex === songIndex && s.variationIndex === variationIndex,
  );
  // Until the person taps a take here, the card shows the one chosen (on any device), else take 1.
  const take: TakeIndex =
    picked ?? (slot && chosen?.slotId === slot.id ? (chosen.take as TakeIndex) : 1);
  const brief =
    form.songs.find((s) => s.songIndex === songIndex)?.brief ?? form.draft?.songs?.[songIndex];
  const label = variationLabel(brief, slot?.preset, variationIndex);
  const status = slot?.status ?? 'pending';
  const waiting = status === 'queued' && slot?.waitingSince != null;
  const current = slot?.takes.find((t) => t.takeIndex === take) ?? slot?.takes[0];
  const making = status === 'queued' || status === 'generating';
  const stream = making
    ? (slot?.streams.find((s) => s.takeIndex === take) ?? slot?.streams[0])
    : undefined;

  const isChosen =
    !!slot && chosen?.slotId === slot.id && chosen.take === (current?.takeIndex ?? take);
  const act = <T extends 'slot.retry' | 'selection.set'>(type: T, args: OpArgsOf<T>) =>
    void enqueue(db, type, args, form.id).then(() => sync.kick());

  return (
    <article
      className={`variation variation--${status}${isChosen ? ' variation--chosen' : ''}`}
      data-testid="variation"
      data-status={status}
      data-song={songIndex}
      data-variation={variationIndex}
    >
      <header>
        <h4>{label}</h4>
        {/* A polite live region per card: each change of status is announced with its name. */}
        <span className="badge" role="status">
          <span className="sr-only">{label}: </span>
          <span data-testid="variation-status">
            {STATUS[waiting ? 'waiting' : status] ?? status}
          </span>
        </span>
      </header>
      <p className="sr-only" role="status" data-testid="variation-chosen">
        {isChosen ? `${label}, take ${current?.takeIndex ?? take}: chosen` : ''}
      </p>
      {slot?.title && <p className="variation__title">“{slot.title}”</p>}
      {(status === 'queued' || status === 'generating' || status === 'pending') && (
        <progress aria-label="Making this variation" className="variation__busy" />
      )}
      {making && slot?.expectedReadyAt != null && (
        <TimeLeft expectedReadyAt={slot.expectedReadyAt} />
      )}
      {stream && <LiveTake url={stream.streamUrl} label={`${label}, live while it is made`} />}
      {waiting && (
        <p className="hint" data-testid="variation-waiting">
          The music studio is busy with other songs. This one starts as soon as a place frees up —
          nothing is lost, and you can close this page.
        </p>
      )}
      {status === 'failed' && (
        <>
          <p className="variation__error">{slot?.error ?? 'Something went wrong.'}</p>
          <button
            type="button"
            className="button"
            data-testid="retry"
            onClick={() => act('slot.retry', { slotId: slot!.id })}
          >
            Try again
          </button>
        </>
      )}
      {status === 'ready' && current?.previewUrl && (
        <>
          <audio
            controls
            preload="metadata"
            src={current.previewUrl}
            data-testid="player"
            aria-label={`${label}, take ${current.takeIndex}`}
          />
          {slot!.takes.length > 1 && (
            <div className="takes" role="group" aria-label="Takes">
              {slot!.takes.map((t) => (
                <button
                  key={t.id}
                  type="button"
                  className={`button button--small${t.takeIndex === current.takeIndex ? ' button--active' : ''}`}
                  aria-pressed={t.takeIndex === current.takeIndex}
                  onClick={() => setTake(t.takeIndex ?? 1)}
                >
                  Take {t.takeIndex}
                </button>
              ))}
            </div>
          )}
          {(current.lyrics ?? slot!.lyrics) && (
            <details className="lyrics">
              <summary>Lyrics</summary>
              <pre>{current.lyrics ?? slot!.lyrics}</pre>
            </details>
          )}
          {form.status !== 'paid' && (
            <button
              type="button"
              className="button button--primary"
              data-testid="choose"
              aria-pressed={isChosen}
              onClick={() =>
                act('selection.set', {
                  formId: form.id,
                  songIndex,
                  slotId: slot!.id,
                  take: current.takeIndex ?? 1,
                })
              }
            >
              {isChosen ? 'Chosen ✓' : 'Choose this one'}
            </button>
          )}
          {form.status !== 'paid' && slot!.lyrics && (
            <ReviseVariation
              key={slot!.id}
              formId={form.id}
              slotId={slot!.id}
              lyrics={slot!.lyrics}
              label={label}
            />
          )}
          {form.status === 'paid' && isChosen && <p className="badge">Your pick ✓</p>}
        </>
      )}
    </article>
  );
}

/** Whether this browser plays HLS itself (Safari, Chrome on Android and on desktop since 2025). */
function playsHls(): boolean {
  return document.createElement('audio').canPlayType('application/vnd.apple.mpegurl') !== '';
}

/**
 * A take MusicGPT is still composing, played from its live stream (proxied by this server, so
 * the page never talks to the studio). The stored preview replaces it once the take is ready.
 */
function LiveTake({ url, label }: { url: string; label: string }) {
  const [failed, setFailed] = useState(false);
  if (!playsHls()) {
    return (
      <p className="hint" data-testid="live-unsupported">
        This browser cannot play a song while it is being made. It will be here to play as soon as
        it is ready.
      </p>
    );
  }
  return (
    <div className="live" data-testid="live">
      <p className="live__label">
        <span className="live__dot" aria-hidden="true" /> Listen while it is made
      </p>
      <audio
        controls
        preload="none"
        src={url}
        data-testid="live-player"
        aria-label={label}
        onError={() => setFailed(true)}
      />
      <p className="hint">
        {failed
          ? 'The live version cannot be played right now. The finished take will be here soon.'
          : 'A first listen, straight from the studio. The finished take replaces it here.'}
      </p>
    </div>
  );
}
