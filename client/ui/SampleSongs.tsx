import { useRef, useState } from 'react';
import type { SampleSong } from '../../schema/site-check.ts';
import { playbackFailure } from '../data/failure.ts';
import { useSite } from './site.ts';

/** "0:30", "2:45": a length as players show it. */
const clock = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;

/**
 * Songs this installation's music provider made, to hear before asking for one. No audio is
 * fetched before play is pressed (preload="none": Home is measured on its first load, and a
 * phone's data is the person's), and starting one sample pauses the others.
 */
export function SampleSongs() {
  const site = useSite();
  const list = useRef<HTMLUListElement>(null);
  const samples = site?.samples ?? [];
  if (samples.length === 0) return null;
  // Media events do not bubble: each player says it started, and the list pauses the rest.
  const pauseOthers = (playing: HTMLAudioElement) => {
    for (const audio of list.current?.querySelectorAll('audio') ?? []) {
      if (audio !== playing) audio.pause();
    }
  };
  return (
    <section className="samples" aria-labelledby="samples-title" data-testid="samples">
      <h3 id="samples-title">Hear a sample</h3>
      <p className="hint">
        Each was made here from a few lines about someone, as yours will be.
        {site!.sings
          ? ''
          : ' The tune is played on instruments rather than sung; the words below go with it.'}
      </p>
      <ul className="cards" ref={list}>
        {samples.map((sample) => (
          <Sample key={sample.id} sample={sample} onPlay={pauseOthers} />
        ))}
      </ul>
    </section>
  );
}

function Sample({
  sample,
  onPlay,
}: {
  sample: SampleSong;
  onPlay: (audio: HTMLAudioElement) => void;
}) {
  const player = useRef<HTMLAudioElement>(null);
  const [failure, setFailure] = useState<string>();
  const retry = () => {
    setFailure(undefined);
    player.current?.load();
    void player.current?.play().catch(() => undefined);
  };
  return (
    <li className="card sample" data-testid="sample" data-sample-id={sample.id}>
      <h4>{sample.title}</h4>
      <p className="card__meta">
        <span>{sample.occasion}</span>
        <span>
          {sample.style}
          {sample.durationSeconds ? ` · ${clock(sample.durationSeconds)}` : ''}
        </span>
      </p>
      {sample.lyricsExcerpt.length > 0 && (
        <p className="sample__lyrics">
          {sample.lyricsExcerpt.map((line, i) => (
            <span key={i}>{line}</span>
          ))}
        </p>
      )}
      <audio
        ref={player}
        controls
        preload="none"
        src={sample.audioUrl}
        aria-label={`Play the sample “${sample.title}”`}
        data-testid="sample-player"
        onPlay={(e) => onPlay(e.currentTarget)}
        onPlaying={() => setFailure(undefined)}
        onError={() => setFailure(`This sample cannot play now: ${playbackFailure()}.`)}
      />
      {/* Always there, so a screen reader hears a failure when it appears. */}
      <div className="sample__failure" role="status">
        {failure && (
          <>
            <p>{failure}</p>
            <button type="button" className="button button--small" onClick={retry}>
              Try again
            </button>
          </>
        )}
      </div>
    </li>
  );
}
