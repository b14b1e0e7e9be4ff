import { z } from 'zod';

// Every schema in schema/ takes zod from here, so this runs before any of them is built or used,
// whichever chunk of the client bundle is evaluated first. In a browser (a page or the service
// worker) the Content-Security-Policy forbids eval: zod would otherwise probe `new Function` on
// its first parse to compile faster validators, and the refused probe is reported as a violation.
// On the server (Node) the compiled validators stay on.
if (typeof process === 'undefined') z.config({ jitless: true });

export { z };
