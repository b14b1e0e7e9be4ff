// A small-hall reverb: two input diffusers into an 8-line feedback delay network with a
// Hadamard mixing matrix and per-line damping. It costs a few dozen operations per sample,
// far less than the synthesizer's built-in effects, and gives the dry samples a room. The
// loop is written out by hand because indexing arrays of lines is several times slower.

const BASE_DELAYS = [1433, 1601, 1867, 2053, 2251, 2399, 2617, 2797];
const DIFFUSERS = [142, 379];

export interface ReverbOptions {
  sampleRate: number;
  /** 0..1: small room to large hall. */
  size: number;
  /** Seconds of pre-delay before the first reflections. */
  preDelaySec?: number;
}

/** Renders the wet signal of a mono send into one or two outputs (added, not overwritten). */
export function reverb(send: Float32Array, outs: readonly Float32Array[], o: ReverbOptions): void {
  const outL = outs[0] as Float32Array;
  const outR = outs[1];
  const stereo = outR !== undefined;
  const len = send.length;
  const scale = (0.75 + o.size * 0.5) * (o.sampleRate / 44100);
  const delays = BASE_DELAYS.map((d) => Math.round(d * scale));
  const rt60 = 1.1 + o.size * 1.9;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = delays.map((d) =>
    Math.pow(10, (-3 * d) / (rt60 * o.sampleRate)),
  ) as [number, number, number, number, number, number, number, number];
  // One-pole low-pass inside the loop: highs die first, as in a real room.
  const keep = 1 - (0.25 + o.size * 0.2);
  const [n0, n1, n2, n3, n4, n5, n6, n7] = delays as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const d0 = new Float32Array(n0),
    d1 = new Float32Array(n1),
    d2 = new Float32Array(n2),
    d3 = new Float32Array(n3);
  const d4 = new Float32Array(n4),
    d5 = new Float32Array(n5),
    d6 = new Float32Array(n6),
    d7 = new Float32Array(n7);
  let i0 = 0,
    i1 = 0,
    i2 = 0,
    i3 = 0,
    i4 = 0,
    i5 = 0,
    i6 = 0,
    i7 = 0;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0;
  const ap1 = new Float32Array(Math.round((DIFFUSERS[0] as number) * scale));
  const ap2 = new Float32Array(Math.round((DIFFUSERS[1] as number) * scale));
  let j1 = 0,
    j2 = 0;
  const pre = Math.max(1, Math.round((o.preDelaySec ?? 0.018) * o.sampleRate));
  const preBuf = new Float32Array(pre);
  let preIdx = 0;
  let hp = 0;
  let hpPrev = 0;
  const hpCoef = Math.exp((-2 * Math.PI * 180) / o.sampleRate);
  const norm = 1 / Math.sqrt(8);
  const outGain = 0.22;

  for (let i = 0; i < len; i++) {
    // Pre-delay and a gentle high-pass so the low end stays dry and tight.
    const delayed = preBuf[preIdx] as number;
    preBuf[preIdx] = send[i] as number;
    if (++preIdx === pre) preIdx = 0;
    hp = hpCoef * (hp + delayed - hpPrev);
    hpPrev = delayed;
    // Series all-pass diffusers smear the onset into a dense cloud.
    let x = hp;
    {
      const z = ap1[j1] as number;
      const y = z - 0.6 * x;
      ap1[j1] = x + 0.6 * y;
      if (++j1 === ap1.length) j1 = 0;
      x = y;
    }
    {
      const z = ap2[j2] as number;
      const y = z - 0.6 * x;
      ap2[j2] = x + 0.6 * y;
      if (++j2 === ap2.length) j2 = 0;
      x = y;
    }
    const o0 = d0[i0] as number;
    s0 += (o0 - s0) * keep;
    const o1 = d1[i1] as number;
    s1 += (o1 - s1) * keep;
    const o2 = d2[i2] as number;
    s2 += (o2 - s2) * keep;
    const o3 = d3[i3] as number;
    s3 += (o3 - s3) * keep;
    const o4 = d4[i4] as number;
    s4 += (o4 - s4) * keep;
    const o5 = d5[i5] as number;
    s5 += (o5 - s5) * keep;
    const o6 = d6[i6] as number;
    s6 += (o6 - s6) * keep;
    const o7 = d7[i7] as number;
    s7 += (o7 - s7) * keep;
    const left = s0 - s1 + s2 - s3;
    const right = s4 - s5 + s6 - s7;
    // Fast Walsh-Hadamard transform: lossless mixing between the eight lines.
    const v0 = s0 * g0;
    const v1 = s1 * g1;
    const v2 = s2 * g2;
    const v3 = s3 * g3;
    const v4 = s4 * g4;
    const v5 = s5 * g5;
    const v6 = s6 * g6;
    const v7 = s7 * g7;
    const a0 = v0 + v1,
      a1 = v0 - v1,
      a2 = v2 + v3,
      a3 = v2 - v3,
      a4 = v4 + v5,
      a5 = v4 - v5,
      a6 = v6 + v7,
      a7 = v6 - v7;
    const b0 = a0 + a2,
      b2 = a0 - a2,
      b1 = a1 + a3,
      b3 = a1 - a3,
      b4 = a4 + a6,
      b6 = a4 - a6,
      b5 = a5 + a7,
      b7 = a5 - a7;
    d0[i0] = (b0 + b4) * norm + x;
    d1[i1] = (b1 + b5) * norm - x;
    d2[i2] = (b2 + b6) * norm + x;
    d3[i3] = (b3 + b7) * norm - x;
    d4[i4] = (b0 - b4) * norm + x;
    d5[i5] = (b1 - b5) * norm - x;
    d6[i6] = (b2 - b6) * norm + x;
    d7[i7] = (b3 - b7) * norm - x;
    if (++i0 === n0) i0 = 0;
    if (++i1 === n1) i1 = 0;
    if (++i2 === n2) i2 = 0;
    if (++i3 === n3) i3 = 0;
    if (++i4 === n4) i4 = 0;
    if (++i5 === n5) i5 = 0;
    if (++i6 === n6) i6 = 0;
    if (++i7 === n7) i7 = 0;
    if (stereo) {
      outL[i] = (outL[i] as number) + left * outGain;
      outR[i] = (outR[i] as number) + right * outGain;
    } else {
      outL[i] = (outL[i] as number) + (left + right) * 0.5 * outGain;
    }
  }
}
