import { useRef, useState } from 'react';
import { samplesHint, type SampleSong } from '../../schema/site-check.ts';
import { playbackFailure } from '../data/failure.ts';
import { SampleCardView, SamplesView } from '../screens/HomeView.tsx';
import { useSite } from './site.ts';

/**
 * Songs this installation's music provider made, to hear before asking for one; starting one
 * sample pauses the others. A first visit has them in the painted page already (the server writes
 * them from the same views), and this adopts them as they are.
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
    <SamplesView hint={samplesHint(site!.sings)} listRef={list}>
      {samples.map((sample) => (
        <Sample key={sample.id} sample={sample} onPlay={pauseOthers} />
      ))}
    </SamplesView>
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
    <SampleCardView
      sample={sample}
      player={{
        ref: player,
        onPlay: (e) => onPlay(e.currentTarget),
        onPlaying: () => setFailure(undefined),
        onError: () => setFailure(`This sample cannot play now: ${playbackFailure()}.`),
      }}
      failure={
        failure && (
          <>
            <p>{failure}</p>
            <button type="button" className="button button--small" onClick={retry}>
              Try again
            </button>
          </>
        )
      }
    />
  );
}
