// Worker threads do not inherit the parent's TypeScript loader (and under a test runner there
// is none to inherit), so the worker registers tsx itself before loading its TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
