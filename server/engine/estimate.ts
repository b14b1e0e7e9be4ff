// When a render will be done. The engine's speed differs tenfold between machines and with what
// else they run, so it is measured here, render by render, rather than assumed; a render's place
// in the queue and the pool's concurrency say how long it waits for a worker.

/**
 * Seconds of audio one render makes per wall second before any render has been measured on this
 * machine: well under the 10–15× measured with two workers on a loaded two-core machine
 * (docs/engine.md), so the first estimates err late rather than early.
 */
export const DEFAULT_RENDER_SPEED = 4;

/** The length a take is rendered at when its spec names none (SongSpec.durationSec). */
export const DEFAULT_TAKE_SEC = 150;

// How much one new measurement moves the running speed: recent renders count most, and one render
// slowed by a busy moment (or the first render's cold start) does not swing every estimate.
const WEIGHT = 0.3;

/** The engine's running speed on this machine: seconds of audio per wall second of one render. */
export class RenderSpeed {
  private speed = DEFAULT_RENDER_SPEED;
  private measured = 0;

  /** Seconds of audio one render makes per wall second (its share of the pool's cores included). */
  get current(): number {
    return this.speed;
  }

  /** Renders measured so far. */
  get samples(): number {
    return this.measured;
  }

  /** Takes in one finished render: `audioSec` of audio made in `wallSec` of wall time. */
  record(audioSec: number, wallSec: number): void {
    if (!(audioSec > 0) || !(wallSec > 0) || !Number.isFinite(audioSec / wallSec)) return;
    const measured = audioSec / wallSec;
    this.speed = this.measured === 0 ? measured : this.speed + WEIGHT * (measured - this.speed);
    this.measured++;
  }
}

/** The pool at one moment, in wall seconds at the current speed. */
export interface PoolLoad {
  /** What each running render still needs (never below zero). */
  runningLeftSec: number[];
  /** What each waiting render will need, in the order the queue hands them out. */
  waitingSec: number[];
  /** Renders at once. */
  concurrency: number;
}

/**
 * Seconds from now until each render is done: a running one when its time is up, a waiting one
 * on the worker that frees first once every render ahead of it has started (list scheduling,
 * as the pool hands out work). With equal renders of T seconds and every worker just busy, the
 * k-th waiting render is done after (⌊k / concurrency⌋ + 2)·T: its place over the concurrency.
 */
export function finishTimes(load: PoolLoad): { running: number[]; waiting: number[] } {
  const running = load.runningLeftSec.map((s) => Math.max(0, s));
  const workers = Math.max(1, load.concurrency, running.length);
  const free = [...running];
  while (free.length < workers) free.push(0);
  const waiting = load.waitingSec.map((sec) => {
    let first = 0;
    for (let i = 1; i < free.length; i++) if (free[i]! < free[first]!) first = i;
    const done = free[first]! + Math.max(0, sec);
    free[first] = done;
    return done;
  });
  return { running, waiting };
}

/** Wall seconds one render of `audioSec` takes at `speed`. */
export const renderSec = (audioSec: number, speed: number): number =>
  audioSec / Math.max(speed, 1e-6);
