import type { TimedLine } from '../../schema/lyrics.ts';
import type { Vocals } from '../../schema/draft.ts';
import type { SungName } from '../../schema/pronunciation.ts';
import type { VariationId } from '../../schema/presets.ts';

export interface SongSpec {
  /** e.g. `${slotId}:${take}`; the same seed gives byte-identical output. */
  seed: string;
  /** Take 2 is an alternate arrangement of the same variation. */
  take: 1 | 2;
  title: string;
  /** Free text, at most 280 characters; words like "slow", "acoustic", "upbeat" matter. */
  musicPrompt: string;
  /** e.g. "pop", "acoustic folk", "rnb", "rock", "country", "jazz", "edm", "lullaby", "hip hop". */
  musicStyle: string;
  /** e.g. "romantic", "playful", "nostalgic", "joyful", "heartfelt". */
  mood: string;
  /** e.g. "birthday", "anniversary", "wedding", "graduation", "memorial", "just because". */
  occasion: string;
  /** Variation preset id. Unknown ids are mapped onto the nearest known family. */
  preset: VariationId | (string & {});
  /** With [Verse]/[Chorus]/[Bridge] tags; may be empty for an instrumental. */
  lyrics: string;
  /** Names in the lyrics said another way than spelled: their notes follow the respelling. */
  sungNames?: readonly SungName[];
  vocals: Vocals;
  /** Target length of the full take in seconds; default 150, clamped to 110..190. */
  durationSec?: number;
}

/** When a sung lyric line starts: its first syllable's note, pickups included. */
export type LyricTime = TimedLine;

export interface SongPlan {
  key: string;
  mode: string;
  bpm: number;
  metre: string;
  progression: string[];
  instruments: string[];
  sections: string[];
  /** Every sung line in the order heard, for lyrics shown in time with the take. */
  lyricTimes: LyricTime[];
}

export interface RenderedTake {
  /** The full take. */
  mp3: Buffer;
  /** About 30 seconds from the start of the first chorus (or the top), faded out. */
  previewMp3: Buffer;
  /** Of the full take. */
  durationSec: number;
  previewDurationSec: number;
  plan: SongPlan;
  /** Integrated loudness of the full mix before encoding (ITU-R BS.1770, LUFS). */
  loudnessLufs: number;
  /** Estimated true peak of the full mix before encoding (dBFS). */
  peakDbfs: number;
}
