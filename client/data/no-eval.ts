import { z } from 'zod';

// The pages' Content-Security-Policy forbids eval. zod would otherwise probe `new Function` on its
// first parse to compile faster validators; the probe is refused, and reported as a violation.
z.config({ jitless: true });
