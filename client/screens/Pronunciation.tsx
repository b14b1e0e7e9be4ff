import { useState } from 'react';
import type { SongDraft } from '../../schema/draft.ts';
import { PRONOUNCE_NAME_MAX, PronounceAnswer } from '../data/schemas.ts';

/** What the last Suggest found: ways to say the name, or a sentence saying why there are none. */
type Found =
  { respellings: string[]; note?: undefined } | { respellings?: undefined; note: string };

// How a respelling is written, for a person typing one themselves.
const HOW = 'syllables with hyphens, the stressed one in capitals';

/** Asks the server's pronouncing dictionary; any failure is a sentence, never a thrown error. */
async function suggest(name: string): Promise<Found> {
  const said = name.trim();
  if (!said) return { note: 'Type the name above first, then ask for a suggestion.' };
  if (said.length > PRONOUNCE_NAME_MAX)
    return { note: `Suggestions are made for names of up to ${PRONOUNCE_NAME_MAX} characters.` };
  if (!navigator.onLine)
    return { note: `You are offline. Type how it sounds (${HOW}); suggestions work online.` };
  try {
    const res = await fetch(`/api/pronounce?name=${encodeURIComponent(said)}`);
    const body: unknown = await res.json().catch(() => undefined);
    const answer = PronounceAnswer.safeParse(body);
    if (!res.ok || !answer.success) {
      const error = (body as { error?: unknown } | undefined)?.error;
      return { note: typeof error === 'string' ? error : 'No suggestion right now; try again.' };
    }
    if (answer.data.respellings.length === 0)
      return { note: `No suggestion for “${said}”. Type how it sounds: ${HOW}, e.g. EE-fa.` };
    return { respellings: answer.data.respellings };
  } catch {
    return { note: `Could not reach the server. Type how it sounds (${HOW}), or try again.` };
  }
}

/**
 * "How to say the name": the field, and Suggest, which fills it from the dictionary when the field
 * is empty or holds an earlier suggestion. A respelling the person typed is never replaced: the
 * suggestions are offered as buttons instead.
 */
export function PronunciationField(props: {
  id: string;
  a11y: { 'aria-describedby'?: string | undefined } & Record<string, unknown>;
  value: string;
  /** The song as IndexedDB holds it now: what this render shows can lag the last keystroke. */
  latest: () => Promise<SongDraft>;
  placeholder: string | undefined;
  /** Whether the provider sings; the built-in engine plays the tune, shaped by how it is said. */
  sings: boolean;
  onText: (e: React.ChangeEvent<HTMLInputElement>) => void;
  onPick: (respelling: string) => void;
}) {
  const { id, value } = props;
  const [found, setFound] = useState<Found>();
  const [asking, setAsking] = useState(false);

  const ask = async () => {
    setAsking(true);
    const next = await suggest((await props.latest()).recipient);
    setAsking(false);
    // Read again after the answer: the person may have typed while it came.
    const now = (await props.latest()).pronunciation ?? '';
    const first = next.respellings?.[0];
    if (first && (!now.trim() || found?.respellings?.includes(now))) props.onPick(first);
    setFound(next);
  };
  const others = found?.respellings?.filter((r) => r !== value) ?? [];

  return (
    <>
      <div className="field__row">
        <input
          id={id}
          {...props.a11y}
          aria-describedby={[`${id}-hint`, props.a11y['aria-describedby']]
            .filter(Boolean)
            .join(' ')}
          value={value}
          autoCapitalize="off"
          spellCheck={false}
          placeholder={props.placeholder}
          onChange={props.onText}
        />
        <button
          type="button"
          className="button"
          data-testid={`${id}-suggest`}
          disabled={asking}
          onClick={() => void ask()}
        >
          {asking ? 'Looking…' : 'Suggest'}
        </button>
      </div>
      <p className="hint field__hint" id={`${id}-hint`}>
        {props.sings
          ? 'Sung this way; the lyrics you read keep the spelling.'
          : 'The tune follows how the name is said; the lyrics you read keep the spelling.'}
      </p>
      <div className="field__suggestion" role="status" data-testid={`${id}-status`}>
        {found?.note && <p className="hint">{found.note}</p>}
        {others.length > 0 && (
          <p className="hint">
            {value.trim() ? 'Or say it: ' : 'Say it: '}
            {others.map((r) => (
              <button key={r} type="button" className="button" onClick={() => props.onPick(r)}>
                {r}
              </button>
            ))}
          </p>
        )}
      </div>
    </>
  );
}
