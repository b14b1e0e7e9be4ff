import { useState } from 'react';
import { enqueue } from '../data/outbox.ts';
import { MAX_DIRECTION, MAX_REVISED_LYRICS, REVISIONS_PER_SONG } from '../data/schemas.ts';
import { cleanText } from '../data/text.ts';
import { useApp } from '../ui/context.ts';

/**
 * "Change this version": the lyrics to edit and a short direction for the music, sent as one
 * variation.revise. The server makes the version again (one new call) and refuses, with the
 * reason, once the song's included changes are used.
 */
export function ReviseVariation(props: {
  formId: string;
  slotId: string;
  lyrics: string;
  label: string;
}) {
  const { db, sync } = useApp();
  const [lyrics, setLyrics] = useState(props.lyrics);
  const [direction, setDirection] = useState('');
  const [problem, setProblem] = useState<string>();
  const id = `revise-${props.slotId}`;

  const send = () => {
    const changed = lyrics.trim() !== props.lyrics.trim();
    const asked = direction.trim();
    if (!changed && !asked) {
      setProblem('Change some words, or say what the music should do differently.');
      return;
    }
    if (changed && !lyrics.trim()) {
      setProblem('The lyrics are empty; write some, or leave them as they were.');
      return;
    }
    setProblem(undefined);
    void enqueue(
      db,
      'variation.revise',
      {
        slotId: props.slotId,
        ...(changed ? { lyrics: cleanText(lyrics) } : {}),
        ...(asked ? { direction: cleanText(asked) } : {}),
      },
      props.formId,
    ).then(() => sync.kick());
  };

  return (
    <details className="revise" data-testid="revise">
      <summary>Change this version</summary>
      <p className="hint">
        Edit the words or tell us what to change, and this version is made again. Each song includes{' '}
        {REVISIONS_PER_SONG} changes before you pay.
      </p>
      <div className="field">
        <label htmlFor={`${id}-lyrics`}>Lyrics</label>
        <textarea
          id={`${id}-lyrics`}
          rows={10}
          maxLength={MAX_REVISED_LYRICS}
          value={lyrics}
          onChange={(e) => {
            setLyrics(e.target.value);
            setProblem(undefined);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-direction`}>What should change? (optional)</label>
        <input
          id={`${id}-direction`}
          maxLength={MAX_DIRECTION}
          placeholder="e.g. slower, with piano; mention the dog"
          value={direction}
          onChange={(e) => {
            setDirection(e.target.value);
            setProblem(undefined);
          }}
        />
      </div>
      {problem && (
        <p className="field__error" role="alert">
          {problem}
        </p>
      )}
      <button
        type="button"
        className="button"
        data-testid="revise-send"
        aria-label={`Make ${props.label} again with these changes`}
        onClick={send}
      >
        Make it again
      </button>
    </details>
  );
}
