// The one way the app reaches zod and the schemas built with it. Nothing the first load imports
// may come here except through import(): zod would add a tenth to the JavaScript a phone fetches
// before Home shows (tests/unit/first-load.test.ts keeps it out). zod is told not to compile
// validators (the CSP forbids eval) by schema/zod.ts, which every schema takes zod from.

export { SongBrief } from '../../schema/draft.ts';
export { MAX_DIRECTION, MAX_REVISED_LYRICS, REVISIONS_PER_SONG } from '../../schema/ops.ts';
export { PRONOUNCE_NAME_MAX, PronounceAnswer } from '../../schema/pronunciation.ts';
