// SoundFont rendering, one distinct note at a time. A song repeats the same drum hits, bass
// notes and chord tones hundreds of times; rendering each distinct (instrument, pitch,
// velocity, length) once and copying it to every place it occurs gives the same sound as
// streaming the whole score through the synthesizer (voices mix linearly) for a fraction of
// the CPU, and places every note on its exact sample instead of a 128-sample block.

import { SpessaSynthProcessor, type BasicSoundBank } from 'spessasynth_core';

export const SAMPLE_RATE = 44100;
const BLOCK = 1024;

export interface ChannelSetup {
  channel: number;
  program: number;
  kit: boolean;
}

export interface NoteRequest {
  channel: number;
  pitch: number;
  velocity: number;
  /** Samples until note-off; null lets a one-shot (a drum hit) ring until it ends. */
  hold: number | null;
  /** Samples after which the sound is choked with a short fade (an open hi-hat closing). */
  cut: number | null;
}

export interface RenderedNote {
  left: Float32Array;
  right: Float32Array;
  length: number;
  /** Both channels identical (a mono sample rendered at centre pan). */
  mono: boolean;
}

/** Longest release tail kept after note-off, and longest ring of a one-shot. */
const MAX_TAIL_SEC = 2.5;
const MAX_RING_SEC = 3.5;
/** A tail is done once it stays this far below the note's own peak (-60 dB). */
const TAIL_FLOOR = 1e-3;

export class NoteSynth {
  private readonly proc: SpessaSynthProcessor;
  private left = new Float32Array(0);
  private right = new Float32Array(0);
  /** Resolves once the SF3 (Ogg Vorbis) sample decoder is ready. */
  readonly ready: Promise<void>;

  constructor(bank: BasicSoundBank, channels: readonly ChannelSetup[]) {
    // A fresh processor per song: no voice, controller or clock state carries over from the
    // previous song rendered on this thread, which keeps renders byte-identical.
    this.proc = new SpessaSynthProcessor(SAMPLE_RATE, {
      maxBufferSize: BLOCK,
      effectsEnabled: false,
      eventsEnabled: false,
    });
    this.proc.soundBankManager.addSoundBank(bank, 'gm');
    this.ready = this.proc.processorInitialized;
    for (const c of channels) {
      this.proc.controllerChange(c.channel, 7, 127);
      this.proc.controllerChange(c.channel, 10, 64);
      this.proc.controllerChange(c.channel, 91, 0);
      this.proc.controllerChange(c.channel, 93, 0);
      if (c.kit && c.channel !== 9) throw new Error('drum kits play on channel 10');
      this.proc.programChange(c.channel, c.program);
    }
  }

  /** The returned arrays are views into scratch memory, valid until the next call. */
  render(req: NoteRequest): RenderedNote {
    const hold = req.hold ?? 0;
    const maxLen = Math.ceil(
      hold + SAMPLE_RATE * (req.hold === null ? MAX_RING_SEC : MAX_TAIL_SEC),
    );
    if (this.left.length < maxLen) {
      this.left = new Float32Array(maxLen);
      this.right = new Float32Array(maxLen);
    }
    const L = this.left;
    const R = this.right;
    L.fill(0, 0, maxLen);
    R.fill(0, 0, maxLen);

    this.proc.noteOn(req.channel, req.pitch, req.velocity);
    let pos = 0;
    let peak = 0;
    const blockPeak = (from: number, to: number) => {
      let p = 0;
      for (let i = from; i < to; i++) {
        const a = Math.abs(L[i] as number);
        const b = Math.abs(R[i] as number);
        if (a > p) p = a;
        if (b > p) p = b;
      }
      return p;
    };
    if (req.hold !== null) {
      while (pos < hold) {
        const n = Math.min(BLOCK, hold - pos);
        this.proc.process(L, R, pos, n);
        peak = Math.max(peak, blockPeak(pos, pos + n));
        pos += n;
      }
      this.proc.noteOff(req.channel, req.pitch);
    }
    let quiet = 0;
    while (pos < maxLen) {
      const n = Math.min(BLOCK, maxLen - pos);
      this.proc.process(L, R, pos, n);
      const p = blockPeak(pos, pos + n);
      peak = Math.max(peak, p);
      pos += n;
      if (this.proc.voiceCount === 0) break;
      // Long releases fade below hearing well before the envelope formally ends.
      quiet = p < peak * TAIL_FLOOR ? quiet + 1 : 0;
      if (quiet >= 2) break;
    }
    if (this.proc.voiceCount > 0) {
      this.proc.stopAllChannels(true);
      // Cut at the cap (or below the floor): fade the last 40 ms so nothing clicks.
      fadeOut(L, R, pos, Math.round(0.04 * SAMPLE_RATE));
    }

    let length = pos;
    if (req.cut !== null && req.cut < length) {
      const fade = Math.round(0.012 * SAMPLE_RATE);
      length = Math.min(length, req.cut + fade);
      fadeOut(L, R, length, fade);
    }
    const floor = peak * TAIL_FLOOR;
    while (
      length > 0 &&
      Math.abs(L[length - 1] as number) <= floor &&
      Math.abs(R[length - 1] as number) <= floor
    )
      length--;
    let mono = true;
    for (let i = 0; i < length; i++) {
      if (L[i] !== R[i]) {
        mono = false;
        break;
      }
    }
    return { left: L.subarray(0, length), right: R.subarray(0, length), length, mono };
  }
}

function fadeOut(L: Float32Array, R: Float32Array, end: number, len: number): void {
  const start = Math.max(0, end - len);
  for (let i = start; i < end; i++) {
    const g = (end - i) / (end - start);
    L[i] = (L[i] as number) * g * g;
    R[i] = (R[i] as number) * g * g;
  }
}
