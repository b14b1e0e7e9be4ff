import { z } from 'zod';

// The pages' Content-Security-Policy forbids eval. zod would otherwise probe `new Function` to
// compile faster validators; the probe is refused, and reported as a violation. zod makes that
// choice when a schema is built, not when it parses, so this runs before any schema module is
// evaluated: schemas.ts, the app's only way to them, imports this first.
z.config({ jitless: true });
