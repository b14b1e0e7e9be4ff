// A look-ahead peak limiter for the master bus. Loudness normalisation to -14 LUFS pushes drum
// hits past full scale; the limiter turns those few peaks down smoothly instead of clipping.
// The gain never exceeds what each sample needs (a minimum over the look-ahead window, then a
// moving average over the same window), so the ceiling holds exactly; the release is a
// one-pole glide so the gain does not flutter on bass notes.

/** One channel or two (left, right). */
export type Channels = readonly [Float32Array] | readonly [Float32Array, Float32Array];

export interface LimiterOptions {
  sampleRate: number;
  /** Linear ceiling for the detected peak. */
  ceiling: number;
  lookaheadSec?: number;
  releaseSec?: number;
}

/**
 * What the limiter's detector sees at each sample: the largest of the channels' magnitudes and
 * of the cubic mid-points to the next sample, which catches most inter-sample overs at no real
 * cost. It depends only on the signal, so a master limited several times over computes it once.
 * `peaks`, when given, is where it is written (as long as the channels).
 */
export function detectPeaks(
  channels: readonly Float32Array[],
  peaks: Float32Array = new Float32Array(channels[0]?.length ?? 0),
): Float32Array {
  const n = peaks.length;
  peaks.fill(0);
  for (const x of channels) {
    let a = 0;
    let b = n > 0 ? (x[0] as number) : 0;
    let c = n > 1 ? (x[1] as number) : 0;
    for (let i = 0; i < n; i++) {
      const d = i + 2 < n ? (x[i + 2] as number) : 0;
      const mid = Math.abs((-a + 9 * b + 9 * c - d) * 0.0625);
      const ab = b < 0 ? -b : b;
      const v = ab > mid ? ab : mid;
      if (v > (peaks[i] as number)) peaks[i] = v;
      a = b;
      b = c;
      c = d;
    }
  }
  return peaks;
}

/**
 * Applies gain `pre` and limits in place. Returns the largest gain reduction in dB. `peaks`,
 * when given, must be detectPeaks of the channels as they are now.
 */
export function limit(
  channels: Channels,
  pre: number,
  o: LimiterOptions,
  peaks: Float32Array = detectPeaks(channels),
): number {
  const [first, second] = channels;
  const n = first.length;
  if (n === 0) return 0;
  const look = Math.max(2, Math.round((o.lookaheadSec ?? 0.004) * o.sampleRate));
  const release = Math.exp(-1 / ((o.releaseSec ?? 0.12) * o.sampleRate));
  const window = look + 1;
  const ceiling = o.ceiling / pre;

  // Monotonic deque of (index, need) over the look-ahead window, kept in rings.
  const ring = window + 1;
  const dqIdx = new Int32Array(ring);
  const dqVal = new Float64Array(ring);
  // Ring indices wrap by comparison: a modulo per step cost more than the rest of the loop.
  let head = 0;
  let tail = 0;
  let size = 0;
  // Ring of recent gains for the moving average.
  const recent = new Float64Array(window);
  let r = 0;
  let sum = 0;
  let held = 1;
  let worst = 1;
  let primed = false;

  for (let i = 0; i < n + look; i++) {
    if (i < n) {
      const p = peaks[i] as number;
      const v = p > ceiling ? ceiling / p : 1;
      while (size > 0) {
        const last = tail === 0 ? ring - 1 : tail - 1;
        if ((dqVal[last] as number) < v) break;
        tail = last;
        size--;
      }
      dqIdx[tail] = i;
      dqVal[tail] = v;
      if (++tail === ring) tail = 0;
      size++;
    }
    const j = i - look;
    if (j < 0) continue;
    while (size > 0 && (dqIdx[head] as number) < j) {
      if (++head === ring) head = 0;
      size--;
    }
    const m = size > 0 ? (dqVal[head] as number) : 1;
    held = m < held ? m : m + (held - m) * release;
    if (!primed) {
      // Before the start, pad with the first window's minimum, which is below every need in it.
      recent.fill(held);
      sum = held * window;
      primed = true;
    }
    sum += held - (recent[r] as number);
    recent[r] = held;
    if (++r === window) r = 0;
    const g = sum / window;
    if (g < worst) worst = g;
    const gain = pre * g;
    first[j] = (first[j] as number) * gain;
    if (second) second[j] = (second[j] as number) * gain;
  }
  return -20 * Math.log10(worst);
}
