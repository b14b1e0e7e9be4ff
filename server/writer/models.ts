// The Groq models the writer knows how to drive, and the request shape each one accepts. A model
// outside this table is refused at start: sent a request it does not take, Groq answers 400 and
// every song quietly falls back to the built-in writer.

/**
 * `json_schema`: strict structured outputs (constrained decoding) plus `reasoning_effort`.
 * `json_object`: JSON mode, the schema described in the prompt, and no reasoning parameters.
 * Both paths validate the answer with the same zod schema.
 */
export type GroqRequestShape = 'json_schema' | 'json_object';

export const GROQ_MODELS: Readonly<Record<string, GroqRequestShape>> = {
  // Strict mode and reasoning_effort low/medium/high exist only on these two
  // (console.groq.com/docs/structured-outputs "Models with Strict Mode";
  // console.groq.com/docs/reasoning "Options for Reasoning Effort (GPT-OSS)").
  'openai/gpt-oss-20b': 'json_schema',
  'openai/gpt-oss-120b': 'json_schema',
  // JSON mode: "JSON Mode Support? Yes" in console.groq.com/docs/tool-use "Supported Models"; none
  // of them takes reasoning_effort (docs/reasoning). The Llama 4 and Kimi models also have
  // best-effort json_schema (docs/structured-outputs), which promises no more than JSON mode plus
  // our own validation, so one shape serves them all.
  'llama-3.3-70b-versatile': 'json_object',
  'llama-3.1-8b-instant': 'json_object',
  'meta-llama/llama-4-maverick-17b-128e-instruct': 'json_object',
  'meta-llama/llama-4-scout-17b-16e-instruct': 'json_object',
  'moonshotai/kimi-k2-instruct-0905': 'json_object',
  // The earlier Kimi K2 id, listed in an earlier version of docs/structured-outputs.
  'moonshotai/kimi-k2-instruct': 'json_object',
  // Left out on purpose: qwen/qwen3-32b reasons in its content unless reasoning_format is set (a
  // third shape, docs/reasoning), and openai/gpt-oss-safeguard-20b is a safety classifier.
};

export const GROQ_DEFAULT_MODEL = 'openai/gpt-oss-120b';

/** The request shape for a model, or undefined when the writer cannot drive it. */
export function groqRequestShape(model: string): GroqRequestShape | undefined {
  return Object.hasOwn(GROQ_MODELS, model) ? GROQ_MODELS[model] : undefined;
}

/** One line naming the refused model and the ones that work. */
export function unsupportedGroqModel(model: string): string {
  return `"${model}" is not a Groq model the writer can drive; use one of ${Object.keys(GROQ_MODELS).join(', ')}`;
}
