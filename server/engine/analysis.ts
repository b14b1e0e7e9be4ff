// Listening tools for rendered audio: an onset-based tempo estimate, a coarse spectral profile
// and the width of the stereo image. The tests use them to check that variations really sound
// different (tempo heard in the audio, not just written in the plan) and that the mix is really
// stereo, and the benchmark reports them.

function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] as number) * cr - (im[b] as number) * ci;
        const xi = (re[b] as number) * ci + (im[b] as number) * cr;
        re[b] = (re[a] as number) - xr;
        im[b] = (im[a] as number) - xi;
        re[a] = (re[a] as number) + xr;
        im[a] = (im[a] as number) + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** Magnitude spectra of Hann-windowed frames, `hop` samples apart. */
function spectra(
  x: Float32Array,
  size: number,
  hop: number,
  each: (mag: Float64Array) => void,
): void {
  const win = new Float64Array(size);
  for (let i = 0; i < size; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const mag = new Float64Array(size / 2);
  for (let start = 0; start + size <= x.length; start += hop) {
    for (let i = 0; i < size; i++) {
      re[i] = (x[start + i] as number) * (win[i] as number);
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < size / 2; k++) mag[k] = Math.hypot(re[k] as number, im[k] as number);
    each(mag);
  }
}

/** Spectral flux with log compression: how much new energy each 10 ms frame brings. */
export function onsetEnvelope(
  x: Float32Array,
  sampleRate: number,
): { env: Float64Array; rate: number } {
  const hop = Math.round(sampleRate / 100);
  const size = 2048;
  const out: number[] = [];
  let prev: Float64Array | null = null;
  spectra(x, size, hop, (mag) => {
    const logMag = mag.map((m) => Math.log1p(1000 * m));
    let flux = 0;
    if (prev)
      for (let k = 1; k < logMag.length; k++)
        flux += Math.max(0, (logMag[k] as number) - (prev[k] as number));
    out.push(flux);
    prev = logMag;
  });
  return { env: Float64Array.from(out), rate: sampleRate / hop };
}

/**
 * The dominant beat period, in beats per minute between `lo` and `hi`, from the
 * autocorrelation of the onset envelope (with a mild preference for moderate tempi).
 */
export function estimateTempo(x: Float32Array, sampleRate: number, lo = 50, hi = 200): number {
  const { env, rate } = onsetEnvelope(x, sampleRate);
  const mean = env.reduce((a, b) => a + b, 0) / Math.max(1, env.length);
  const e = env.map((v) => v - mean);
  const minLag = Math.floor((60 * rate) / hi);
  const maxLag = Math.ceil((60 * rate) / lo);
  const ac = new Float64Array(maxLag + 2);
  for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
    let sum = 0;
    for (let i = lag; i < e.length; i++) sum += (e[i] as number) * (e[i - lag] as number);
    ac[lag] = sum / (e.length - lag);
  }
  let best = minLag;
  let bestScore = -Infinity;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const bpm = (60 * rate) / lag;
    const prior = Math.exp(-0.5 * (Math.log2(bpm / 110) / 1.2) ** 2);
    const score = (ac[lag] as number) * prior;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  // Parabolic interpolation around the peak for sub-frame precision.
  const a = ac[best - 1] as number;
  const b = ac[best] as number;
  const c = ac[best + 1] as number;
  const denom = a - 2 * b + c;
  const shift = denom !== 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0;
  return (60 * rate) / (best + shift);
}

/** Average level (dB) in octave-wide bands from 62.5 Hz to 16 kHz, relative to the loudest band. */
export function bandProfile(x: Float32Array, sampleRate: number): number[] {
  const size = 4096;
  const edges = [44, 88, 177, 354, 707, 1414, 2828, 5657, 11314, 20000];
  const acc = new Float64Array(edges.length - 1);
  spectra(x, size, size, (mag) => {
    for (let k = 1; k < mag.length; k++) {
      const f = (k * sampleRate) / size;
      for (let b = 0; b < acc.length; b++) {
        if (f >= (edges[b] as number) && f < (edges[b + 1] as number)) {
          acc[b] = (acc[b] as number) + (mag[k] as number) ** 2;
          break;
        }
      }
    }
  });
  const db = Array.from(acc, (v) => 10 * Math.log10(v + 1e-20));
  const top = Math.max(...db);
  return db.map((v) => v - top);
}

export interface StereoImage {
  /** Side energy against mid energy (dB): -Infinity for mono, 0 for no common signal at all. */
  sideToMidDb: number;
  /** Correlation of left and right: 1 for mono, near 0 for unrelated channels, below 0 out of phase. */
  correlation: number;
}

/** How wide a stereo signal is, and whether its channels work against each other. */
export function stereoImage(left: Float32Array, right: Float32Array): StereoImage {
  let mid = 0;
  let side = 0;
  let lr = 0;
  let ll = 0;
  let rr = 0;
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const l = left[i] as number;
    const r = right[i] as number;
    mid += (l + r) * (l + r);
    side += (l - r) * (l - r);
    lr += l * r;
    ll += l * l;
    rr += r * r;
  }
  return {
    sideToMidDb: 10 * Math.log10(side / Math.max(mid, 1e-30)),
    correlation: ll > 0 && rr > 0 ? lr / Math.sqrt(ll * rr) : 1,
  };
}
