import { describe, expect, it } from 'vitest';
import { createWriter, GroqWriter } from '../../server/writer/index.ts';
import {
  GROQ_DEFAULT_MODEL,
  GROQ_MODELS,
  groqRequestShape,
  unsupportedGroqModel,
} from '../../server/writer/models.ts';

describe('the Groq models the writer can drive', () => {
  it('drives only gpt-oss with strict json_schema, and the documented JSON-mode models with json_object', () => {
    expect(groqRequestShape('openai/gpt-oss-20b')).toBe('json_schema');
    expect(groqRequestShape('openai/gpt-oss-120b')).toBe('json_schema');
    expect(groqRequestShape(GROQ_DEFAULT_MODEL)).toBe('json_schema');
    for (const model of [
      'llama-3.3-70b-versatile',
      'llama-3.1-8b-instant',
      'moonshotai/kimi-k2-instruct',
      'moonshotai/kimi-k2-instruct-0905',
      'meta-llama/llama-4-scout-17b-16e-instruct',
      'meta-llama/llama-4-maverick-17b-128e-instruct',
    ]) {
      expect(groqRequestShape(model), model).toBe('json_object');
    }
    const strict = Object.keys(GROQ_MODELS).filter((m) => GROQ_MODELS[m] === 'json_schema');
    expect(strict.sort()).toEqual(['openai/gpt-oss-120b', 'openai/gpt-oss-20b']);
  });

  it('knows no other model, not even a name inherited by every object', () => {
    for (const model of ['llama3-70b-8192', 'qwen/qwen3-32b', 'OPENAI/GPT-OSS-120B', 'toString']) {
      expect(groqRequestShape(model), model).toBeUndefined();
    }
  });

  it('a Groq writer for a model it cannot drive is refused with one line naming it and the supported ones', () => {
    const make = () => new GroqWriter({ apiKey: 'k', model: 'llama3-70b-8192' });
    expect(make).toThrow(unsupportedGroqModel('llama3-70b-8192'));
    const message = unsupportedGroqModel('llama3-70b-8192');
    expect(message).not.toContain('\n');
    expect(message).toContain('"llama3-70b-8192"');
    for (const model of Object.keys(GROQ_MODELS)) expect(message).toContain(model);
  });

  it('each writer sums itself up without secrets: the built-in one by name, Groq with model and shape', () => {
    expect(createWriter({}).summary).toEqual({ name: 'local' });
    expect(createWriter({ groqModel: 'llama-3.3-70b-versatile' }).summary).toEqual({
      name: 'local',
    });
    const groq = createWriter({ groqApiKey: 'gsk_secret', groqModel: 'llama-3.3-70b-versatile' });
    expect(groq.summary).toEqual({
      name: 'groq',
      model: 'llama-3.3-70b-versatile',
      shape: 'json_object',
    });
    expect(createWriter({ groqApiKey: 'gsk_secret' }).summary).toEqual({
      name: 'groq',
      model: 'openai/gpt-oss-120b',
      shape: 'json_schema',
    });
    expect(JSON.stringify(groq.summary)).not.toContain('gsk_secret');
  });
});
