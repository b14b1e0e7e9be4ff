/**
 * When a sung lyric line starts in a take, for lyrics shown in time with the music (the gift
 * page). The built-in engine writes these for every take (takes.lyrics_timestamped); MusicGPT's
 * own timestamped lyrics are kept as it sends them, a shape its documentation does not give.
 */
export interface TimedLine {
  /** The section's label, e.g. "verse 1", "chorus 2". */
  section: string;
  line: string;
  /** Seconds from the start of the take. */
  startSec: number;
}
