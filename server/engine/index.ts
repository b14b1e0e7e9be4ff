// The built-in music engine: deterministic composition, SoundFont rendering, mastering to
// -14 LUFS and MP3 output, with a worker pool so rendering never blocks the API thread.

export type { RenderedTake, SongPlan, SongSpec } from './types.ts';
export { planSong, renderSong } from './render.ts';
export { EnginePool, type EnginePoolOptions, type RenderEstimate } from './pool.ts';
