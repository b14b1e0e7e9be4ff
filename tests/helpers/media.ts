import { encodeMp3 } from './mp3.ts';

/** A mono tone as an MP3, long enough that serving the whole take instead of a preview shows. */
export function toneMp3(seconds: number): Buffer {
  const rate = 32_000;
  const pcm = new Float32Array(rate * seconds);
  for (let i = 0; i < pcm.length; i++) pcm[i] = 0.25 * Math.sin((2 * Math.PI * 330 * i) / rate);
  return encodeMp3([pcm], rate, 64);
}

/** A minimal PCM WAV (8 kHz mono, 16-bit) with `bytes` bytes of samples. */
export function wavFile(bytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + bytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(bytes, 40);
  return Buffer.concat([header, Buffer.alloc(bytes, 1)]);
}
