import type { MouseEvent, ReactNode, Ref } from 'react';
import { MAX_SONGS } from '../../schema/draft-fields.ts';
import { sampleWords, type SampleSong } from '../../schema/site-check.ts';

// Home's markup without its data: Home fills it in the app, and the build renders the first
// visit's view into the page itself (vite.config.ts), so a phone on a slow network reads how
// Refrain works before any JavaScript has arrived, and nothing moves when React takes over.
// Nothing here may import more than React: the build runs it in Node.

/** What songs cost, said before anything is asked: one song, and the most a form can hold. */
export function PriceText({ one, most }: { one: string; most: string }) {
  return (
    <p className="hint" data-testid="price-line">
      One song {one}, {MAX_SONGS} songs {most}. You hear three versions of each song first, and pay
      once, for the ones you choose.
    </p>
  );
}

/**
 * How it works, in three steps, with the promise that matters on a phone: shown until the person
 * has songs of their own (then the list is what they came for), and kept short enough that the
 * "New song" button stays in view on a 360 px screen.
 */
export function HowItWorks() {
  return (
    <section className="how" aria-labelledby="how-title" data-testid="how-it-works">
      <h3 id="how-title">How it works</h3>
      <ol className="how__steps">
        <li>
          <strong>Tell us about them.</strong> Who it is for, the occasion, and the moments only you
          two know. A couple of minutes.
        </li>
        <li>
          <strong>Hear three versions.</strong> Each song comes in three styles, with its lyrics to
          read. Change a line or ask for another take before you choose.
        </li>
        <li>
          <strong>Pay once and give it.</strong> Download the song you chose, keep it, and send it
          to them.
        </li>
      </ol>
      <p className="how__promise">
        Everything you type is saved on this phone as you type, even offline, and nothing is made or
        charged twice.
      </p>
    </section>
  );
}

/** The list's place when there is nothing in it yet. */
export function EmptyState() {
  return (
    <p className="empty" data-testid="empty-state">
      Nothing here yet. Start with “New song”: tell us who it is for and what happened.
    </p>
  );
}

/**
 * The screen's frame: title and "New song", the price, how it works (first visits), the list, and
 * songs to hear. The samples come last: the pre-rendered page cannot know them, and what appears
 * below everything else moves nothing the person is already reading.
 */
export function HomeView(props: {
  onNew?: (e: MouseEvent<HTMLAnchorElement>) => void;
  price: ReactNode;
  firstVisit: boolean;
  list: ReactNode;
  samples?: ReactNode;
}) {
  return (
    <section aria-labelledby="history-title">
      <div className="row row--between">
        <h2 id="history-title">My songs</h2>
        {/* A link, so that a tap before the app has started still opens the form (/new). */}
        <a
          href="/new"
          className="button button--primary"
          onClick={props.onNew}
          data-testid="new-song"
        >
          New song
        </a>
      </div>
      {props.price}
      {props.firstVisit && <HowItWorks />}
      {props.list}
      {props.samples}
    </section>
  );
}

/**
 * "Hear a sample": the songs this installation's provider made. No audio is fetched before play
 * is pressed (preload="none": Home is measured on its first load, and a phone's data is the
 * person's).
 */
export function SamplesView(props: {
  hint: string;
  listRef?: Ref<HTMLUListElement>;
  children: ReactNode;
}) {
  return (
    <section className="samples" aria-labelledby="samples-title" data-testid="samples">
      <h3 id="samples-title">Hear a sample</h3>
      <p className="hint">{props.hint}</p>
      <ul className="cards" ref={props.listRef}>
        {props.children}
      </ul>
    </section>
  );
}

/** One sample's card; the app adds the player's behaviour and what it says when it fails. */
export function SampleCardView(props: {
  sample: SampleSong;
  player?: {
    ref: Ref<HTMLAudioElement>;
    onPlay: (e: { currentTarget: HTMLAudioElement }) => void;
    onPlaying: () => void;
    onError: () => void;
  };
  failure?: ReactNode;
}) {
  const { sample } = props;
  const words = sampleWords(sample);
  return (
    <li className="card sample" data-testid="sample" data-sample-id={sample.id}>
      <h4>{sample.title}</h4>
      <p className="card__meta">
        <span>{sample.occasion}</span>
        <span>{words.meta}</span>
      </p>
      <p className="sample__lyrics">
        {sample.lyricsExcerpt.map((line, i) => (
          <span key={i}>{line}</span>
        ))}
      </p>
      <audio
        controls
        preload="none"
        src={sample.audioUrl}
        aria-label={words.label}
        data-testid="sample-player"
        {...props.player}
      />
      {/* Always there, so a screen reader hears a failure when it appears. */}
      <div className="sample__failure" role="status">
        {props.failure}
      </div>
    </li>
  );
}

/** Where the server writes the reader's price of n songs into the pre-rendered first view. */
export const priceSlot = (songs: number) => `{{price:${songs}}}`;

/**
 * The samples as the build pre-renders them for the server to fill in (server/http/shell.ts): one
 * card with a slot for each field and one lyric line, repeated by the server per sample and line.
 */
export const SAMPLE_SLOTS: SampleSong = {
  id: '{{sample:id}}',
  title: '{{sample:title}}',
  occasion: '{{sample:occasion}}',
  style: '{{sample:meta}}',
  lyricsExcerpt: ['{{sample:line}}'],
  audioUrl: '{{sample:audioUrl}}',
};

/** Home as a first visit sees it before anything is loaded: what the build pre-renders. */
export function FirstVisitHome(props: { samples?: ReactNode }) {
  return (
    <HomeView
      price={<PriceText one={priceSlot(1)} most={priceSlot(MAX_SONGS)} />}
      firstVisit
      list={<EmptyState />}
      samples={props.samples}
    />
  );
}
