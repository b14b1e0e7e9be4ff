import type { SampleSong } from '../../schema/site.ts';
import type { RenderedTake, SongSpec } from '../engine/index.ts';

/** The sample songs Home offers to hear, and their audio. */
export interface SampleSongs {
  /** The samples to list now; none rather than an error. */
  list(): Promise<SampleSong[]>;
  /**
   * The stored MP3 of sample `id`, rendered first when it must be; undefined when there is no
   * such sample. Rejects with a Refusal when it cannot be made now.
   */
  audioFile(id: string): Promise<string | undefined>;
}

/** Renders one take on the engine's workers, in `owner`'s turn (LocalProvider.renderTake). */
export type RenderTake = (spec: SongSpec, owner: string) => Promise<RenderedTake>;
