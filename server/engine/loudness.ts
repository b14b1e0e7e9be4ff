// Loudness per ITU-R BS.1770-4 / EBU R 128: K-weighting (a high shelf for the head plus a
// high-pass), mean square over 400 ms blocks with 75% overlap, an absolute gate at -70 LUFS
// and a relative gate 10 LU below the ungated level. The filter is derived from its analogue
// prototype so it is exact at 44.1 kHz, not only at the 48 kHz of the published table.
// True peak is estimated by 4x oversampling, as in Annex 2 of the recommendation.

interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export function kWeighting(sampleRate: number): [Biquad, Biquad] {
  // Pre-filter: high shelf, +4 dB above ~1.7 kHz.
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  // RLB high-pass at ~38 Hz.
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highpass: Biquad = {
    b0: 1,
    b1: -2,
    b2: 1,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  return [shelf, highpass];
}

/** Mean square of the K-weighted signal in 100 ms steps. */
function weightedSquares(channel: Float32Array, sampleRate: number, hop: number): Float64Array {
  const [f1, f2] = kWeighting(sampleRate);
  const steps = Math.floor(channel.length / hop);
  const out = new Float64Array(steps);
  let x1 = 0,
    x2 = 0,
    y1 = 0,
    y2 = 0,
    z1 = 0,
    z2 = 0;
  for (let s = 0; s < steps; s++) {
    let acc = 0;
    const end = (s + 1) * hop;
    for (let i = s * hop; i < end; i++) {
      const x = channel[i] as number;
      const y = f1.b0 * x + f1.b1 * x1 + f1.b2 * x2 - f1.a1 * y1 - f1.a2 * y2;
      x2 = x1;
      x1 = x;
      const z = f2.b0 * y + f2.b1 * y1 + f2.b2 * y2 - f2.a1 * z1 - f2.a2 * z2;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      acc += z * z;
    }
    out[s] = acc;
  }
  return out;
}

export interface Loudness {
  integrated: number;
  /** Loudness of each 400 ms block (LUFS), for range and momentary checks. */
  blocks: number[];
}

/**
 * Integrated loudness of the given channels (each weighted 1.0, as for left and right).
 * Returns -Infinity for silence.
 */
export function measureLoudness(channels: readonly Float32Array[], sampleRate: number): Loudness {
  const hop = Math.round(sampleRate / 10);
  const per = channels.map((c) => weightedSquares(c, sampleRate, hop));
  const steps = per[0]?.length ?? 0;
  const blockLen = 4 * hop;
  const z: number[] = [];
  for (let s = 0; s + 4 <= steps; s++) {
    let sum = 0;
    for (const p of per)
      sum += (p[s] as number) + (p[s + 1] as number) + (p[s + 2] as number) + (p[s + 3] as number);
    z.push(sum / blockLen);
  }
  const lufs = (v: number) => -0.691 + 10 * Math.log10(v);
  const blocks = z.map(lufs);
  const abs = z.filter((v, i) => (blocks[i] as number) > -70);
  if (abs.length === 0) return { integrated: -Infinity, blocks };
  const relGate = lufs(abs.reduce((a, b) => a + b, 0) / abs.length) - 10;
  const gated = z.filter((v, i) => (blocks[i] as number) > -70 && (blocks[i] as number) > relGate);
  const integrated = lufs(gated.reduce((a, b) => a + b, 0) / gated.length);
  return { integrated, blocks };
}

/** Polyphase 4x interpolator: 3 fractional phases of a Kaiser-windowed sinc, 12 taps each. */
const TAPS = 12;
const PHASES: Float64Array[] = (() => {
  const beta = 6;
  const bessel = (x: number) => {
    let sum = 1,
      term = 1;
    for (let k = 1; k < 30; k++) {
      term *= (x / (2 * k)) * (x / (2 * k));
      sum += term;
    }
    return sum;
  };
  const half = TAPS / 2;
  return [0.25, 0.5, 0.75].map((frac) => {
    const h = new Float64Array(TAPS);
    let norm = 0;
    for (let k = 0; k < TAPS; k++) {
      const t = k - half + 1 - frac; // distance from the interpolated point to tap k
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      const r = t / (half + 0.5);
      const win = Math.abs(r) >= 1 ? 0 : bessel(beta * Math.sqrt(1 - r * r)) / bessel(beta);
      h[k] = sinc * win;
      norm += h[k] as number;
    }
    for (let k = 0; k < TAPS; k++) h[k] = (h[k] as number) / norm;
    return h;
  });
})();

/**
 * Highest absolute value between and on the samples, estimated at 4x the sample rate.
 * Interpolation only runs where the samples come within 6 dB of the sample peak: band-limited
 * audio does not overshoot its neighbours by more than that, and it keeps this cheap.
 */
export function truePeak(channels: readonly Float32Array[]): number {
  let samplePeak = 0;
  for (const x of channels) {
    for (let i = 0; i < x.length; i++) {
      const v = Math.abs(x[i] as number);
      if (v > samplePeak) samplePeak = v;
    }
  }
  const floor = samplePeak * 0.5;
  let peak = samplePeak;
  const half = TAPS / 2;
  const [h1, h2, h3] = PHASES as [Float64Array, Float64Array, Float64Array];
  for (const x of channels) {
    const n = x.length;
    for (let i = half - 1; i < n - half; i++) {
      if (Math.abs(x[i] as number) < floor && Math.abs(x[i + 1] as number) < floor) continue;
      const base = i - half + 1;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < TAPS; k++) {
        const v = x[base + k] as number;
        a1 += (h1[k] as number) * v;
        a2 += (h2[k] as number) * v;
        a3 += (h3[k] as number) * v;
      }
      const m = Math.max(Math.abs(a1), Math.abs(a2), Math.abs(a3));
      if (m > peak) peak = m;
    }
  }
  return peak;
}

export function toDb(linear: number): number {
  return 20 * Math.log10(Math.max(linear, 1e-12));
}
