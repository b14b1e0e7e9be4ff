import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroqWriter, SONG_JSON_SCHEMA, type GroqWriterOptions } from '../../server/writer/groq.ts';
import { GROQ_MODELS } from '../../server/writer/models.ts';
import { writeLocal } from '../../server/writer/local.ts';
import { presetsFor } from '../../server/writer/presets.ts';
import { WriterOutputSchema, type WriterInput } from '../../server/writer/types.ts';
import {
  CHAT_COMPLETIONS_PATH,
  SAMPLE_SONG,
  startGroqStandIn,
  type GroqStandIn,
} from '../standins/groq.ts';

let groq: GroqStandIn;
beforeAll(async () => {
  groq = await startGroqStandIn();
});
afterAll(async () => {
  await groq.close();
});

const input: WriterInput = {
  song: {
    recipient: 'Maria',
    relationship: 'wife',
    occasion: 'anniversary',
    story: 'We danced in the kitchen in Lisbon. She always sings off-key in the car.',
    genre: 'acoustic pop',
    mood: 'nostalgic',
    vocals: 'male',
    language: 'English',
  },
  form: { songCount: 3, buyerEmail: 'secret-buyer@example.com' },
  preset: presetsFor({ relationship: 'wife', occasion: 'anniversary' })[0]!,
  songIndex: 0,
};

const writer = (opts: Partial<GroqWriterOptions> = {}) =>
  new GroqWriter({
    apiKey: 'test-key',
    baseURL: groq.url,
    maxRetries: 2,
    timeoutMs: 5_000,
    ...opts,
  });

type SentBody = {
  model: string;
  messages: { role: string; content: string }[];
  reasoning_effort?: string;
  include_reasoning?: boolean;
  response_format: {
    type: string;
    json_schema: {
      name: string;
      strict: boolean;
      schema: { required: string[]; additionalProperties: boolean };
    };
  };
};

describe('groq writer against the stand-in', () => {
  it('writes with Groq and sends a strict json_schema request with the brief as a data block', async () => {
    groq.script([{ kind: 'ok', content: SAMPLE_SONG }]);
    const result = await writer().write(input);

    expect(result.writer).toBe('groq');
    expect(result.fellBack).toBeUndefined();
    expect(WriterOutputSchema.parse(result.output)).toEqual(result.output);
    expect(result.output.title).toBe(SAMPLE_SONG.title);
    expect(result.output.lyrics).toBe(SAMPLE_SONG.lyrics.replace(/\n\n+/g, '\n\n'));

    expect(groq.calls).toHaveLength(1);
    const call = groq.calls[0]!;
    expect(call.path).toBe(CHAT_COMPLETIONS_PATH);
    expect(call.headers.authorization).toBe('Bearer test-key');
    const body = call.body as SentBody;
    expect(body.model).toBe('openai/gpt-oss-120b');
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.strict).toBe(true);
    expect(body.response_format.json_schema.schema.required).toEqual([
      'title',
      'musicPrompt',
      'musicStyle',
      'lyrics',
    ]);
    expect(body.response_format.json_schema.schema.additionalProperties).toBe(false);

    const user = body.messages.find((m) => m.role === 'user')!.content;
    const block = /^<brief>\n(.*)\n<\/brief>$/s.exec(user);
    expect(block).not.toBeNull();
    const data = JSON.parse(block![1]!);
    expect(data.recipient).toBe('Maria');
    expect(data.story).toContain('kitchen in Lisbon');
    expect(JSON.stringify(body)).not.toContain('secret-buyer@example.com');
  });

  it('rides out a 429: the SDK honours retry-after, retries once, and Groq still writes', async () => {
    groq.script([
      { kind: 'rateLimit', retryAfter: '0.2' },
      { kind: 'ok', content: SAMPLE_SONG },
    ]);
    const result = await writer().write(input);

    expect(groq.calls.map((c) => c.behaviour)).toEqual(['rateLimit', 'ok']);
    expect(result.fellBack).toBeUndefined();
    expect(result.writer).toBe('groq');
    // The retry waited for the 200 ms the server asked for, not the SDK's own backoff.
    expect(groq.calls[1]!.at - groq.calls[0]!.at).toBeGreaterThanOrEqual(180);
  });

  it('falls back to the local writer when 429s outlast the retries', async () => {
    groq.script([{ kind: 'rateLimit', retryAfter: '0' }]);
    const result = await writer({ maxRetries: 1 }).write(input);
    expect(groq.calls).toHaveLength(2);
    expect(result.fellBack?.reason).toMatch(/rate limited \(429\) after 1 retry/);
    expect(result.output).toEqual(writeLocal(input));
  });

  it('falls back after 500s on every attempt, with valid local output', async () => {
    groq.script([{ kind: 'serverError', retryAfter: '0' }]);
    const result = await writer({ maxRetries: 2 }).write(input);

    expect(groq.calls).toHaveLength(3);
    expect(result.writer).toBe('local');
    expect(result.fellBack?.reason).toMatch(/HTTP 500 after 2 retries/);
    expect(WriterOutputSchema.parse(result.output)).toEqual(result.output);
    expect(result.output).toEqual(writeLocal(input));
  });

  it('falls back when the content is not JSON, without retrying', async () => {
    groq.script([{ kind: 'malformed' }]);
    const result = await writer().write(input);
    expect(groq.calls).toHaveLength(1);
    expect(result.fellBack?.reason).toMatch(/not valid JSON/);
    expect(result.output).toEqual(writeLocal(input));
  });

  it('falls back when the JSON has the wrong shape', async () => {
    groq.script([{ kind: 'ok', content: { title: 42, lyrics: ['not', 'a', 'string'] } }]);
    const result = await writer().write(input);
    expect(result.fellBack?.reason).toMatch(/does not match the song schema/);
    expect(result.writer).toBe('local');
  });

  it('falls back when the lyrics have no section tags or the completion was cut off', async () => {
    groq.script([
      { kind: 'ok', content: { ...SAMPLE_SONG, lyrics: 'just some words\nwith no structure' } },
    ]);
    expect((await writer().write(input)).fellBack?.reason).toMatch(/no tagged sections/);
    groq.script([{ kind: 'ok', content: SAMPLE_SONG, finishReason: 'length' }]);
    expect((await writer().write(input)).fellBack?.reason).toMatch(/cut off/);
  });

  it('falls back when Groq does not answer within the timeout', async () => {
    groq.script([{ kind: 'hang' }]);
    const started = performance.now();
    const result = await writer({ timeoutMs: 300, maxRetries: 0 }).write(input);
    const elapsed = performance.now() - started;

    expect(groq.calls).toHaveLength(1);
    expect(result.fellBack?.reason).toMatch(/timed out after 300 ms/);
    expect(result.output).toEqual(writeLocal(input));
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('falls back when nothing is listening', async () => {
    const closed = await startGroqStandIn();
    const url = closed.url;
    await closed.close();
    const result = await new GroqWriter({ apiKey: 'k', baseURL: url, maxRetries: 0 }).write(input);
    expect(result.fellBack?.reason).toMatch(/connection failed/);
    expect(WriterOutputSchema.parse(result.output)).toEqual(result.output);
  });
});

describe('groq writer with each model it can drive', () => {
  const jsonModeModels = Object.keys(GROQ_MODELS).filter((m) => GROQ_MODELS[m] === 'json_object');

  it('the stand-in refuses, as Groq does, strict json_schema or reasoning_effort for a model without them', async () => {
    const send = async (body: object) => {
      const res = await fetch(`${groq.url}${CHAT_COMPLETIONS_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
        body: JSON.stringify({
          model: 'llama-3.3-70b-versatile',
          messages: [{ role: 'user', content: 'Reply in JSON.' }],
          ...body,
        }),
      });
      return { status: res.status, error: ((await res.json()) as { error?: object }).error };
    };
    groq.script([{ kind: 'ok', content: SAMPLE_SONG }]);
    const strict = {
      type: 'json_schema',
      json_schema: { name: 'song', schema: SONG_JSON_SCHEMA, strict: true },
    };
    expect(await send({ response_format: strict })).toMatchObject({
      status: 400,
      error: { type: 'invalid_request_error' },
    });
    expect(
      await send({ response_format: { type: 'json_object' }, reasoning_effort: 'low' }),
    ).toMatchObject({ status: 400 });
    expect((await send({ response_format: { type: 'json_object' } })).status).toBe(200);
    expect(groq.calls.map((c) => c.behaviour)).toEqual(['badRequest', 'badRequest', 'ok']);
  });

  it.each(jsonModeModels)(
    '%s writes the song with Groq through JSON mode, the schema in the prompt and no reasoning parameters',
    async (model) => {
      groq.script([{ kind: 'ok', content: SAMPLE_SONG }]);
      const groqWriter = writer({ model });
      const result = await groqWriter.write(input);

      expect(result.fellBack).toBeUndefined();
      expect(result.writer).toBe('groq');
      expect(result.output.title).toBe(SAMPLE_SONG.title);
      expect(groqWriter.summary).toEqual({ name: 'groq', model, shape: 'json_object' });

      expect(groq.calls.map((c) => c.behaviour)).toEqual(['ok']);
      const body = groq.calls[0]!.body as SentBody;
      expect(body.model).toBe(model);
      expect(body.response_format).toEqual({ type: 'json_object' });
      expect(body).not.toHaveProperty('reasoning_effort');
      expect(body).not.toHaveProperty('include_reasoning');
      const system = body.messages.find((m) => m.role === 'system')!.content;
      expect(system).toContain(JSON.stringify(SONG_JSON_SCHEMA));
    },
  );

  it('validates a JSON-mode answer with the same schema: an off-schema object falls back', async () => {
    groq.script([{ kind: 'ok', content: { title: 'Only a title', lyrics: 7 } }]);
    const result = await writer({ model: 'llama-3.1-8b-instant' }).write(input);
    expect(result.writer).toBe('local');
    expect(result.fellBack?.reason).toMatch(/does not match the song schema/);
    expect(result.output).toEqual(writeLocal(input));
  });
});
