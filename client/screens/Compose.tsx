import { useQuery } from '@rocicorp/zero/react';
import { useEffect, useState } from 'react';
import {
  isSendableEmail,
  MAX_SONGS,
  REQUIRED_SONG_FIELDS,
  SONG_FIELD_MAX,
  SONG_FIELDS,
} from '../../schema/draft-fields.ts';
import type { DraftDoc } from '../../schema/draft.ts';
import { queries } from '../../schema/queries.ts';
import type { FieldConflict } from '../data/db.ts';
import { mergeServerDraft, settleConflict, submitDraft } from '../data/drafts.ts';
import { editDraft } from '../data/journal.ts';
import { PronunciationField } from './Pronunciation.tsx';
import { enqueue } from '../data/outbox.ts';
import { SongBrief } from '../data/schemas.ts';
import { cleanText } from '../data/text.ts';
import { LiveScope } from '../ui/live-sync.ts';
import { useApp } from '../ui/context.ts';
import { isPastDay } from '../ui/estimate.ts';
import { useLive } from '../ui/live.ts';
import { packagePrice, useSite } from '../ui/site.ts';
import { linkProps, navigate } from '../ui/router.ts';

const LABELS: Record<(typeof SONG_FIELDS)[number], string> = {
  recipient: 'Who is it for?',
  pronunciation: 'How to say the name',
  relationship: 'Your relationship',
  occasion: 'Occasion',
  occasionDate: 'When is the occasion?',
  story: 'Your story — names, places, moments',
  genre: 'Style / genre',
  mood: 'Mood',
  vocals: 'Vocals',
  language: 'Language',
};

const HINTS: Partial<Record<(typeof SONG_FIELDS)[number], string>> = {
  recipient: 'e.g. Ana',
  pronunciation: 'e.g. shi-VAWN',
  relationship: 'e.g. my wife',
  occasion: 'e.g. anniversary, birthday, wedding',
  genre: 'e.g. acoustic pop, country, jazz',
  mood: 'e.g. romantic, playful, nostalgic',
};

/** Compose: every keystroke goes to IndexedDB at once and syncs when it can. */
export function Compose({ formId }: { formId: string }) {
  const { db, hasZero } = useApp();
  const local = useLive(() => db.drafts.get(formId), [db, formId], undefined);
  return (
    <section aria-labelledby="compose-title">
      <h2 id="compose-title">Describe the song</h2>
      {hasZero && (
        <LiveScope>
          <ServerMerge formId={formId} />
        </LiveScope>
      )}
      {local ? (
        <ComposeForm formId={formId} draft={local.draft} conflicts={local.conflicts ?? {}} />
      ) : (
        <p>Loading your draft…</p>
      )}
      {hasZero && (
        <LiveScope>
          <DraftHistory formId={formId} />
        </LiveScope>
      )}
    </section>
  );
}

/** Brings edits made on another device into this one, by the server's per-field rule. */
function ServerMerge({ formId }: { formId: string }) {
  const { db } = useApp();
  const [form] = useQuery(queries.form({ formId }));
  useEffect(() => {
    if (!form?.draft || !Array.isArray(form.draft.songs)) return;
    void mergeServerDraft(
      db,
      formId,
      { draft: form.draft, fieldTimes: form.fieldTimes },
      (path) => document.activeElement?.id === fieldId(path),
    );
  }, [db, formId, form?.draft, form?.fieldTimes]);
  if (form && form.status !== 'draft') {
    return (
      <p className="notice">
        This form was submitted. <a {...linkProps(`/forms/${formId}`)}>See its songs</a>
      </p>
    );
  }
  return null;
}

function ComposeForm({
  formId,
  draft,
  conflicts,
}: {
  formId: string;
  draft: DraftDoc;
  conflicts: Record<string, FieldConflict>;
}) {
  const { db, sync } = useApp();
  // Once a submit found problems, they are checked again on every change, so each one leaves
  // the list as soon as it is fixed.
  const [checked, setChecked] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const problems = checked ? problemsOf(draft) : [];
  const problemOf = (id: string) => problems.find((p) => p.id === id);
  useEffect(() => {
    if (attempt === 0) return;
    const first = problemsOf(draft)[0];
    if (first) document.getElementById(first.id)?.focus();
    // Only a new submit moves focus; typing a fix must not pull it away.
  }, [attempt]);
  // Unknown (a first visit that never reached the server) offers the choice rather than deny it.
  const site = useSite();
  const price = packagePrice(site, draft.songCount);
  const sings = site?.sings !== false;
  const fields = sings ? SONG_FIELDS : SONG_FIELDS.filter((field) => field !== 'vocals');
  const set = (path: string, value: unknown) => {
    void editDraft(db, formId, path, value).then(() => sync.kick(300));
  };
  const onText = (path: string) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    set(path, typedText(e.target));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    // What this render shows can lag the last keystroke (it arrives through a Dexie live query);
    // IndexedDB orders this read after every write already started, so it sees all of them.
    const latest = (await db.drafts.get(formId))?.draft ?? draft;
    if (problemsOf(latest).length) {
      setChecked(true);
      setAttempt((n) => n + 1);
      return;
    }
    await submitDraft(db, formId);
    sync.kick();
    navigate(`/forms/${formId}`);
  };

  return (
    <form onSubmit={submit} noValidate data-testid="compose-form">
      <div className="field">
        <label htmlFor="songCount">How many songs?</label>
        <select
          id="songCount"
          value={draft.songCount}
          onChange={(e) => set('songCount', Number(e.target.value))}
        >
          {Array.from({ length: MAX_SONGS }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n} song{n === 1 ? '' : 's'}
            </option>
          ))}
        </select>
        {price && (
          <p className="hint" data-testid="form-price" aria-live="polite">
            {draft.songCount} song{draft.songCount === 1 ? '' : 's'}: {price}, paid once after you
            hear the previews and choose.
          </p>
        )}
      </div>
      {!sings && (
        <p className="notice" data-testid="instrumental-notice">
          Songs made here are instrumental: an instrument such as a flute, violin or sax plays the
          tune where a singer would. Your lyrics come with each song, to read or sing along.
        </p>
      )}
      {draft.songs.slice(0, draft.songCount).map((song, i) => (
        <fieldset key={i} className="song" data-testid={`song-${i}`}>
          <legend>Song {i + 1}</legend>
          {fields.map((field) => {
            const id = `song-${i}-${field}`;
            const value = String(song[field] ?? '');
            const problem = problemOf(id);
            const dated = field === 'occasionDate';
            const max = field === 'vocals' || dated ? undefined : SONG_FIELD_MAX[field];
            const counted = max !== undefined && value.length >= max * COUNT_FROM;
            const described =
              [problem && `${id}-error`, counted && `${id}-count`, dated && `${id}-note`]
                .filter(Boolean)
                .join(' ') || undefined;
            const a11y = {
              'aria-invalid': problem ? true : undefined,
              'aria-describedby': described,
              'aria-required': REQUIRED_SONG_FIELDS.includes(field) || undefined,
            };
            return (
              <div className="field" key={field}>
                <label htmlFor={id}>
                  {LABELS[field]}
                  {REQUIRED_SONG_FIELDS.includes(field) && (
                    <span className="field__required"> (required)</span>
                  )}
                </label>
                {field === 'story' ? (
                  <textarea
                    id={id}
                    {...a11y}
                    rows={5}
                    value={value}
                    placeholder="What happened, the little details only you two know…"
                    onChange={onText(`songs.${i}.${field}`)}
                  />
                ) : field === 'vocals' ? (
                  <select
                    id={id}
                    {...a11y}
                    value={value}
                    onChange={(e) => set(`songs.${i}.${field}`, e.target.value)}
                  >
                    <option value="female">Female voice</option>
                    <option value="male">Male voice</option>
                    <option value="none">Instrumental</option>
                  </select>
                ) : dated ? (
                  <input
                    id={id}
                    {...a11y}
                    type="date"
                    value={value}
                    onChange={(e) => set(`songs.${i}.${field}`, e.target.value)}
                  />
                ) : field === 'pronunciation' ? (
                  <PronunciationField
                    {...{ id, a11y, value, sings, placeholder: HINTS[field] }}
                    latest={async () => (await db.drafts.get(formId))?.draft.songs[i] ?? song}
                    onText={onText(`songs.${i}.${field}`)}
                    onPick={(respelling) => set(`songs.${i}.${field}`, respelling)}
                  />
                ) : (
                  <input
                    id={id}
                    {...a11y}
                    value={value}
                    placeholder={HINTS[field]}
                    onChange={onText(`songs.${i}.${field}`)}
                  />
                )}
                {conflicts[`songs.${i}.${field}`] && (
                  <ConflictNotice
                    formId={formId}
                    path={`songs.${i}.${field}`}
                    id={id}
                    conflict={conflicts[`songs.${i}.${field}`]!}
                  />
                )}
                {dated && <DateNote id={`${id}-note`} date={value} />}
                {counted && (
                  <p className="field__count" id={`${id}-count`}>
                    {value.length.toLocaleString()} of {max.toLocaleString()} characters
                  </p>
                )}
                {problem && (
                  <p className="field__error" id={`${id}-error`}>
                    {problem.text}
                  </p>
                )}
              </div>
            );
          })}
        </fieldset>
      ))}
      <div className="field">
        <label htmlFor="buyerEmail">Your email (optional, for the receipt)</label>
        <input
          id="buyerEmail"
          type="email"
          autoComplete="email"
          aria-invalid={problemOf('buyerEmail') ? true : undefined}
          aria-describedby={problemOf('buyerEmail') ? 'buyerEmail-error' : undefined}
          value={draft.buyerEmail ?? ''}
          onChange={onText('buyerEmail')}
        />
        {conflicts.buyerEmail && (
          <ConflictNotice
            formId={formId}
            path="buyerEmail"
            id="buyerEmail"
            conflict={conflicts.buyerEmail}
          />
        )}
        {problemOf('buyerEmail') && (
          <p className="field__error" id="buyerEmail-error">
            {problemOf('buyerEmail')!.text}
          </p>
        )}
      </div>
      {problems.length > 0 && (
        <div className="errors" role="alert" data-testid="form-errors">
          <p>Before your songs can be made:</p>
          <ul>
            {problems.map((p) => (
              <li key={`${p.id} ${p.text}`}>
                <a href={`#${p.id}`}>
                  {p.where}: {p.text}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="submit" className="button button--primary" data-testid="submit">
        Make my songs
      </button>
      <p className="hint">
        Everything you type is saved on this device right away, and synced when you are online.
      </p>
    </form>
  );
}

/** Under the date: what it is for, and a gentle word (not a refusal) for a day already gone. */
function DateNote({ id, date }: { id: string; date: string }) {
  return (
    <p className="hint" id={id} data-testid="occasion-date-note">
      {isPastDay(date, Date.now())
        ? 'That day has already passed. That is fine — the song is made all the same; pick the next time you will celebrate if you like.'
        : 'Optional. The songs page then tells you whether everything will be ready in time.'}
    </p>
  );
}

// How a problem names each field ("the story is missing" is the server's own wording).
const NOUNS: Record<(typeof SONG_FIELDS)[number], string> = {
  recipient: 'the name',
  pronunciation: 'how to say the name',
  relationship: 'the relationship',
  occasion: 'the occasion',
  occasionDate: 'the date',
  story: 'the story',
  genre: 'the style',
  mood: 'the mood',
  vocals: 'the voice',
  language: 'the language',
};

// A field shows how much of it is used from 80% of its limit on, not before.
const COUNT_FROM = 0.8;

interface Problem {
  /** The id of the field to fix. */
  id: string;
  /** Where it is, as the summary names it: "Song 2", "Your email". */
  where: string;
  text: string;
}

/** What keeps the draft from being sent, one entry per field, in the order of the form. */
function problemsOf(draft: DraftDoc): Problem[] {
  const problems: Problem[] = [];
  draft.songs.slice(0, draft.songCount).forEach((song, i) => {
    const parsed = SongBrief.safeParse(song);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as (typeof SONG_FIELDS)[number];
      const text =
        issue.code === 'too_big'
          ? `${NOUNS[field]} is longer than ${Number(issue.maximum).toLocaleString()} characters; shorten it`
          : issue.message;
      problems.push({ id: `song-${i}-${field}`, where: `Song ${i + 1}`, text });
    }
  });
  if (!isSendableEmail(draft.buyerEmail)) {
    problems.push({
      id: 'buyerEmail',
      where: 'Your email',
      text: 'that address looks incomplete; finish it or leave it empty',
    });
  }
  return problems;
}

/**
 * The field's text as it will be stored: NULs and lone surrogates (from a paste or a keyboard)
 * are taken out of the field itself too, keeping the caret where it was.
 */
function typedText(el: HTMLInputElement | HTMLTextAreaElement): string {
  const raw = el.value;
  const clean = cleanText(raw);
  if (clean === raw) return raw;
  const caret = cleanText(raw.slice(0, el.selectionStart ?? raw.length)).length;
  el.value = clean;
  // An email input has no caret API (it throws); its caret goes to the end.
  if (el.type !== 'email') el.setSelectionRange(caret, caret);
  return clean;
}

/** The id of the input for a draft path: `songs.1.story` is `song-1-story`. */
function fieldId(path: string): string {
  const [head, index, field] = path.split('.');
  return head === 'songs' ? `song-${index}-${field}` : path;
}

/** Longest excerpt of the other device's text shown in a conflict notice. */
const CONFLICT_EXCERPT = 240;

/**
 * A field changed on another device while it was being typed here: what was typed stays in the
 * field, the other value is shown beside it, and the person picks one.
 */
function ConflictNotice({
  formId,
  path,
  id,
  conflict,
}: {
  formId: string;
  path: string;
  id: string;
  conflict: FieldConflict;
}) {
  const { db, sync } = useApp();
  const theirs = String(conflict.value ?? '');
  const excerpt =
    theirs.length > CONFLICT_EXCERPT ? `${theirs.slice(0, CONFLICT_EXCERPT)}…` : theirs;
  const settle = (keep: 'mine' | 'theirs') =>
    void settleConflict(db, formId, path, keep).then(() => sync.kick(300));
  return (
    <div className="conflict" role="status" data-testid={`conflict-${id}`}>
      <p>
        Changed on your other device while you were typing here. There it reads:{' '}
        {excerpt ? <q>{excerpt}</q> : <em>(empty)</em>}
      </p>
      <div className="conflict__actions">
        <button type="button" className="button button--small" onClick={() => settle('mine')}>
          Keep mine
        </button>
        <button type="button" className="button button--small" onClick={() => settle('theirs')}>
          Use theirs
        </button>
      </div>
    </div>
  );
}

/** Values that lost a merge (an older edit, another device): each can be put back. */
function DraftHistory({ formId }: { formId: string }) {
  const { db, sync } = useApp();
  const [entries] = useQuery(queries.draftHistory({ formId }));
  if (entries.length === 0) return null;
  return (
    <details className="history" data-testid="draft-history">
      <summary>Earlier values ({entries.length})</summary>
      <ul>
        {entries.map((h) => (
          <li key={h.id}>
            <span className="history__field">{h.field}</span>: <q>{String(h.value ?? '')}</q>{' '}
            <button
              type="button"
              className="button button--small"
              onClick={() =>
                void enqueue(db, 'draft.restore', { formId, historyId: h.id }, formId).then(() =>
                  sync.kick(),
                )
              }
            >
              Restore
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
