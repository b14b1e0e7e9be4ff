import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { id3Tag } from '../../server/media/mp3/id3.ts';
import { encodeMp3 } from '../helpers/mp3.ts';
import { parseMp3, scanFrames } from '../../server/media/mp3/frames.ts';
import { cutMp3Preview, cutPreview } from '../../server/media/mp3/preview.ts';

// Stored takes, previews and downloads are these bytes: encoding and cutting must not drift. The
// hashes were taken from the output before the frame parsers were merged.

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function tone(seconds: number, rate: number, hz = 330): Float32Array {
  const pcm = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.25 * Math.sin((2 * Math.PI * hz * i) / rate);
  return pcm;
}

/** The MPEG frames of `mp3` played `times` over: a long take without encoding one. */
function looped(mp3: Buffer, times: number): Buffer {
  const scan = scanFrames(mp3)!;
  return Buffer.concat(Array<Buffer>(times).fill(mp3.subarray(scan.start, scan.end)));
}

/** A copy of `mp3` with `edit` applied to each frame's bytes. */
function editFrames(mp3: Buffer, edit: (frame: Buffer, index: number) => void): Buffer {
  const copy = Buffer.from(mp3);
  scanFrames(copy)!.frames.forEach((f, i) => edit(copy.subarray(f.offset, f.offset + f.length), i));
  return copy;
}

const MONO = encodeMp3([tone(4, 32_000)], 32_000, 64);
const STEREO = encodeMp3([tone(3, 44_100), tone(3, 44_100, 440)], 44_100, 128, 'Lisbon Nights');
const UTF16_TITLE = encodeMp3([tone(1, 48_000)], 48_000, 96, 'Ночь в Лиссабоне');
const MPEG2 = encodeMp3([tone(4, 22_050)], 22_050, 64);
// 40 seconds: long enough that a downloaded take's preview starts past its opening.
const LONG = looped(MONO, 10);
const LONG_MPEG2 = looped(MPEG2, 10);
// 64 kbit/s at 32 kHz, MPEG-1: 144 000 × 64 / 32 000 bytes a frame.
const FRAME = 288;

describe('MP3 encoding', () => {
  it('writes the same bytes as before', () => {
    expect(sha256(MONO)).toMatchInlineSnapshot(
      `"be322f3724cb927950c76206dffffff6b433940fcb6efae1f2c83968449e3db7"`,
    );
    expect(sha256(STEREO)).toMatchInlineSnapshot(
      `"42518daadcd889143a409afe754a5e9a218471a2221f240f6ac932ae7fc4bec0"`,
    );
    expect(sha256(UTF16_TITLE)).toMatchInlineSnapshot(
      `"a114491917c714498ea4baa70c4af8420bbcb80c462442b1aca5d3677f0977b9"`,
    );
    expect(sha256(MPEG2)).toMatchInlineSnapshot(
      `"1094113a5feeee8baa50d8e2850d91bf66925648d6878a5416c29c0cab16b01a"`,
    );
  });
});

describe('MP3 parsing', () => {
  const summary = (mp3: Uint8Array) => {
    const info = parseMp3(mp3);
    const frames = info.frames.map((f) => [
      f.offset,
      f.length,
      f.bitrate,
      f.channels,
      f.isProtected,
      f.mainDataBegin,
    ]);
    const { sampleRate, channels, tagBytes, durationSec } = info;
    return {
      sampleRate,
      channels,
      tagBytes,
      durationSec,
      frames: sha256(Buffer.from(JSON.stringify(frames))),
    };
  };

  it('reads every frame of a valid file', () => {
    expect(summary(MONO)).toMatchInlineSnapshot(`
      {
        "channels": 1,
        "durationSec": 4.068,
        "frames": "1a91f2cd06ecfba3d2f49e71142003ea32915eef85aa0e34d4f09d257179c0f6",
        "sampleRate": 32000,
        "tagBytes": 0,
      }
    `);
    expect(summary(STEREO)).toMatchInlineSnapshot(`
      {
        "channels": 2,
        "durationSec": 3.030204081632653,
        "frames": "4874de3d59809fe143e6bafe31474d886c3819adbb0729c27ef393e103af5037",
        "sampleRate": 44100,
        "tagBytes": 68,
      }
    `);
    expect(summary(encodeMp3([new Float32Array(0)], 32_000, 64, 'Empty'))).toMatchInlineSnapshot(`
      {
        "channels": 1,
        "durationSec": 0.036,
        "frames": "44481753c501ae1ea8e74aa17a45030d6255732ef40f06ea3aad40f0160ae866",
        "sampleRate": 32000,
        "tagBytes": 60,
      }
    `);
    // Fewer than four bytes after the last frame are no header to read.
    expect(summary(Buffer.concat([MONO, Buffer.from([0xff, 0xfb])]))).toEqual(summary(MONO));
    const protectedFrames = editFrames(MONO, (f) => (f[1] = f[1]! & 0xfe));
    expect(summary(protectedFrames)).toMatchInlineSnapshot(`
      {
        "channels": 1,
        "durationSec": 4.068,
        "frames": "d5cf056a469402e0d517cb08bbd16fda1bb09945af84db916d7cc90d78471900",
        "sampleRate": 32000,
        "tagBytes": 0,
      }
    `);
  });

  it('refuses what a player would stumble on, saying where', () => {
    const error = (mp3: Uint8Array) => {
      try {
        parseMp3(mp3);
        return 'parsed';
      } catch (err) {
        return (err as Error).message;
      }
    };
    const badBitrate = Buffer.from(MONO);
    badBitrate[FRAME * 2 + 2] = 0xf0;
    const mpeg2Later = Buffer.concat([MONO.subarray(0, FRAME * 3), MPEG2]);
    const monoThenStereo = Buffer.concat([
      MONO.subarray(0, FRAME * 3),
      STEREO.subarray(parseMp3(STEREO).tagBytes),
    ]);
    const channelsChange = editFrames(MONO, (f, i) => i === 5 && (f[3] = f[3]! & 0x3f));
    expect({
      text: error(Buffer.from('not an mp3 at all')),
      empty: error(Buffer.alloc(0)),
      threeBytes: error(Buffer.from([0xff, 0xfb, 0x90])),
      mpeg2: error(MPEG2),
      mpeg2Later: error(mpeg2Later),
      truncated: error(MONO.subarray(0, MONO.length - 100)),
      rateChanges: error(monoThenStereo),
      channelsChange: error(channelsChange),
      trailingJunk: error(Buffer.concat([MONO, Buffer.from('TAG trailing')])),
      leadingJunk: error(Buffer.concat([Buffer.from([1, 2, 3]), MONO])),
      badBitrate: error(badBitrate),
    }).toMatchInlineSnapshot(`
      {
        "badBitrate": "bad bitrate or sample rate at byte 576",
        "channelsChange": "format changes at byte 1440",
        "empty": "no MP3 frames",
        "leadingJunk": "lost frame sync at byte 0",
        "mpeg2": "not MPEG-1 Layer III at byte 0",
        "mpeg2Later": "not MPEG-1 Layer III at byte 864",
        "rateChanges": "format changes at byte 864",
        "text": "lost frame sync at byte 0",
        "threeBytes": "no MP3 frames",
        "trailingJunk": "lost frame sync at byte 32544",
        "truncated": "truncated frame at byte 32256",
      }
    `);
    const secondBroken = Buffer.from(MONO);
    secondBroken[FRAME + 2] = 0xf0;
    const mpeg2BadBitrate = Buffer.from(MPEG2);
    mpeg2BadBitrate[2] = 0xf0;
    const tagOverrun = Buffer.concat([id3Tag('Title'), MONO]).subarray(0, 40);
    const stereoMidway = Buffer.concat([
      MONO.subarray(0, FRAME * 3),
      editFrames(MONO, (f) => (f[3] = f[3]! & 0x3f)),
    ]);
    expect({
      secondBroken: error(secondBroken),
      mpeg2BadBitrate: error(mpeg2BadBitrate),
      tagOverrun: error(tagOverrun),
      stereoMidwayTruncated: error(stereoMidway.subarray(0, FRAME * 3 + 100)),
    }).toMatchInlineSnapshot(`
      {
        "mpeg2BadBitrate": "not MPEG-1 Layer III at byte 0",
        "secondBroken": "bad bitrate or sample rate at byte 288",
        "stereoMidwayTruncated": "format changes at byte 864",
        "tagOverrun": "no MP3 frames",
      }
    `);
  });
});

describe('MP3 previews', () => {
  const cut = (mp3: Buffer) => {
    try {
      const { mp3: bytes, durationSec } = cutMp3Preview(mp3);
      return { durationSec, bytes: bytes.length, sha256: sha256(bytes) };
    } catch (err) {
      return String(err);
    }
  };

  it("cuts the built-in engine's faded preview as before", () => {
    const a = cutPreview(STEREO, {
      startSec: 1,
      lengthSec: 1.5,
      fadeInSec: 0.5,
      fadeOutSec: 1,
      title: 'Preview',
    });
    expect([a.durationSec, sha256(a.mp3)]).toMatchInlineSnapshot(`
      [
        1.4889795918367348,
        "347dcd21e72dc0118523dc6ac4493f9d06ada11669ab7c0a80c5c58e6b50d002",
      ]
    `);
    const b = cutPreview(LONG, { startSec: 0, lengthSec: 30, fadeInSec: 0.5, fadeOutSec: 3 });
    expect([b.durationSec, sha256(b.mp3)]).toMatchInlineSnapshot(`
      [
        29.987999999999996,
        "09f427f473fc840e4dd0a44e6b846881df5c29a354d365d24d4307f700b9b02f",
      ]
    `);
  });

  it("cuts a downloaded take's preview as before", () => {
    // Reservoir: the frames at a fifth of the way in borrow bits, so the cut starts later; when
    // every frame borrows, or frames carry CRCs, whole frames are copied unfaded.
    const first = Math.round(scanFrames(LONG)!.frames.length * 0.2);
    const borrowNear = editFrames(LONG, (f, i) => i >= first && i < first + 60 && (f[4] = 0x12));
    const borrowAll = editFrames(LONG, (f) => (f[4] = 0x12));
    const withCrc = editFrames(LONG, (f) => (f[1] = f[1]! & 0xfe));
    const taggedWithJunk = Buffer.concat([id3Tag('Tagged'), LONG, Buffer.from('TAG junk')]);
    // Frames a lenient scan takes in but a strict parse refuses: copied unfaded.
    const channelsChange = editFrames(LONG, (f, i) => i === 900 && (f[3] = f[3]! & 0x3f));
    expect({
      channelsChange: cut(channelsChange),
      long: cut(LONG),
      short: cut(MONO),
      stereo: cut(STEREO),
      mpeg2: cut(LONG_MPEG2),
      taggedWithJunk: cut(taggedWithJunk),
      borrowNear: cut(borrowNear),
      borrowAll: cut(borrowAll),
      withCrc: cut(withCrc),
      garbage: cut(Buffer.from('not an mp3 at all')),
    }).toMatchInlineSnapshot(`
      {
        "borrowAll": {
          "bytes": 239904,
          "durationSec": 29.987999999999996,
          "sha256": "0342b63572dbca0986a5e50104b282779d3c65be33eb6d554d7719ac0a7a7a79",
        },
        "borrowNear": {
          "bytes": 239904,
          "durationSec": 29.987999999999996,
          "sha256": "ebda66748cf99ee55c1d25566cc5e0e2cf18c1566abb11c8190257d51fd8fc81",
        },
        "channelsChange": {
          "bytes": 239904,
          "durationSec": 29.987999999999996,
          "sha256": "438a50fcb643236e3e812c9a576627cf9a02fd4005e2e4df8eaa9c8e3757e459",
        },
        "garbage": "Error: no MPEG audio frames",
        "long": {
          "bytes": 239904,
          "durationSec": 29.987999999999996,
          "sha256": "50ebdd958ba53484d6f083526953442966a3651c713ee70d3cb2193a9da4dc36",
        },
        "mpeg2": {
          "bytes": 239902,
          "durationSec": 29.98857142857143,
          "sha256": "98c1ce799f852865c29bc9f56bb7958565657acfec685067659fcc03f49c61a9",
        },
        "short": {
          "bytes": 32544,
          "durationSec": 4.068,
          "sha256": "319b6854b3fb7a81d4eefddadb7e3437b12948ed0eb5ecf1ad7ed0795c0625c0",
        },
        "stereo": {
          "bytes": 48483,
          "durationSec": 3.030204081632653,
          "sha256": "4b5d6fb34aa39f2a4eb02dfe886f9b12aa5136887064ff2859779047b33871b6",
        },
        "taggedWithJunk": {
          "bytes": 239904,
          "durationSec": 29.987999999999996,
          "sha256": "50ebdd958ba53484d6f083526953442966a3651c713ee70d3cb2193a9da4dc36",
        },
        "withCrc": {
          "bytes": 239904,
          "durationSec": 29.987999999999996,
          "sha256": "4d6969b93baf7a2dea6d2774bd96fff2c52472e86cf1b4f4e7f4341cb795c821",
        },
      }
    `);
  });
});
