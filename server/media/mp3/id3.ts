// The ID3v2.3 tag that names a file: every MP3 this server writes or cuts carries one.

/**
 * A minimal ID3v2.3 tag with the title, so a downloaded file shows its name. Version 2.3 with
 * Latin-1 or UTF-16 text is what the widest range of players and decoders read without fuss.
 */
export function id3Tag(title: string): Uint8Array {
  const frame = (id: string, text: string) => {
    const latin = /^[\u0000-\u00ff]*$/.test(text);
    const encoded = latin
      ? Buffer.from(text, 'latin1')
      : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const body = Buffer.concat([Buffer.from([latin ? 0 : 1]), encoded]);
    const head = Buffer.alloc(10);
    head.write(id, 0, 'latin1');
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const frames = Buffer.concat([
    frame('TIT2', title.slice(0, 200)),
    frame('TSSE', 'Refrain built-in engine'),
  ]);
  const header = Buffer.alloc(10);
  header.write('ID3', 0, 'latin1');
  header[3] = 3;
  writeSyncsafe(header, 6, frames.length);
  return Buffer.concat([header, frames]);
}

function writeSyncsafe(buf: Buffer, at: number, value: number): void {
  buf[at] = (value >> 21) & 0x7f;
  buf[at + 1] = (value >> 14) & 0x7f;
  buf[at + 2] = (value >> 7) & 0x7f;
  buf[at + 3] = value & 0x7f;
}
