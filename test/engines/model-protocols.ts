// The answers of the scripted model server in each wire protocol: a call of the file-writing tool the request offers
// (until a tool result comes back), then a final text message. Usage figures are fixed so tests can assert them.

import path from 'node:path';

/** What one conversation should come to. */
export interface Turn {
  /** Absolute path of the file to write; undefined when the prompt names none (side requests: titles, checks). */
  file: string | undefined;
  content: string;
  finalText: string;
}

export type ErrorReply = Record<string, unknown>;

/** One answer: a JSON body, or SSE events when the client streams. */
export interface Answer {
  summary: string;
  json?: unknown;
  events?: string[];
}

/** Tokens every answer reports. */
export const USAGE = { input: 120, output: 30 } as const;

type Json = Record<string, unknown>;

/** A tool whose parameters take a path and a content: Claude Code's Write, Gemini's write_file, opencode's write… */
function writeTool(tools: { name: string; schema: unknown }[]): { name: string; pathKey: string } | undefined {
  for (const tool of tools) {
    const properties = Object.keys(((tool.schema ?? {}) as { properties?: Json }).properties ?? {});
    const pathKey = ['file_path', 'filePath', 'absolute_path', 'path'].find((key) => properties.includes(key));
    if (pathKey !== undefined && properties.includes('content')) return { name: tool.name, pathKey };
  }
  return undefined;
}

const sse = (event: string | undefined, data: unknown) => `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;

/** Anthropic messages (Claude Code streams). */
export function answerAnthropic(body: Json, turn: Turn): Answer {
  const messages = (body.messages ?? []) as { content: unknown }[];
  const answered = messages.some((message) => Array.isArray(message.content) && (message.content as Json[]).some((part) => part.type === 'tool_result'));
  const tool = writeTool(((body.tools ?? []) as { name: string; input_schema?: unknown }[]).map((t) => ({ name: t.name, schema: t.input_schema })));
  const call = !answered && tool !== undefined && turn.file !== undefined ? { tool, input: { [tool.pathKey]: turn.file, content: turn.content } } : undefined;
  const block = call === undefined ? { type: 'text', text: turn.finalText } : { type: 'tool_use', id: 'toolu_scripted_1', name: call.tool.name, input: call.input };
  const message = { id: 'msg_scripted', type: 'message', role: 'assistant', model: body.model, content: [block], stop_reason: call === undefined ? 'end_turn' : 'tool_use', stop_sequence: null, usage: { input_tokens: USAGE.input, output_tokens: USAGE.output } };
  const events = [
    sse('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: USAGE.input, output_tokens: 1 } } }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: call === undefined ? { type: 'text', text: '' } : { ...block, input: {} } }),
    sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: call === undefined ? { type: 'text_delta', text: turn.finalText } : { type: 'input_json_delta', partial_json: JSON.stringify(call.input) } }),
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: USAGE.output } }),
    sse('message_stop', { type: 'message_stop' }),
  ];
  return { summary: call === undefined ? 'text' : `tool:${call.tool.name}`, json: message, events };
}

/** OpenAI responses (codex streams it): apply_patch when offered, else a write tool, else a shell command. */
export function answerResponses(body: Json, turn: Turn): Answer {
  const input = (Array.isArray(body.input) ? body.input : []) as Json[];
  const answered = input.some((item) => typeof item.type === 'string' && item.type.endsWith('_call_output'));
  const tools = (body.tools ?? []) as { type: string; name?: string; parameters?: unknown }[];
  let item: Json = { type: 'message', id: 'msg_scripted', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: turn.finalText, annotations: [] }] };
  let summary = 'text';
  if (!answered && turn.file !== undefined) {
    const patch = `*** Begin Patch\n*** Add File: ${turn.file}\n${turn.content.replace(/\n$/, '').split('\n').map((line) => `+${line}`).join('\n')}\n*** End Patch\n`;
    const applyPatch = tools.find((tool) => tool.name === 'apply_patch');
    const write = writeTool(tools.filter((tool) => tool.type === 'function').map((tool) => ({ name: tool.name ?? '', schema: tool.parameters })));
    const shell = tools.find((tool) => ['shell', 'shell_command', 'exec_command', 'local_shell'].includes(tool.name ?? tool.type));
    if (applyPatch?.type === 'custom') item = { type: 'custom_tool_call', id: 'ctc_scripted', call_id: 'call_scripted_1', name: 'apply_patch', input: patch, status: 'completed' };
    else if (applyPatch !== undefined) item = functionCall('apply_patch', { input: patch });
    else if (write !== undefined) item = functionCall(write.name, { [write.pathKey]: turn.file, content: turn.content });
    else if (shell !== undefined) {
      // base64 keeps the content out of shell quoting.
      const script = `mkdir -p '${path.dirname(turn.file)}' && printf %s ${Buffer.from(turn.content).toString('base64')} | base64 -d > '${turn.file}'`;
      const takesString = Object.keys((shell.parameters as { properties?: Json } | undefined)?.properties ?? {}).includes('cmd');
      item = functionCall(shell.name ?? 'shell', takesString ? { cmd: script } : { command: ['sh', '-c', script] });
    }
    if (item.type !== 'message') summary = `tool:${String(item.name)}`;
  }
  const usage = { input_tokens: USAGE.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: USAGE.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: USAGE.input + USAGE.output };
  const response = { id: 'resp_scripted', object: 'response', created_at: 1_700_000_000, status: 'completed', model: body.model, output: [item], usage };
  const events = [
    sse('response.created', { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } }),
    sse('response.output_item.added', { type: 'response.output_item.added', output_index: 0, item }),
    ...(item.type === 'message' ? [sse('response.output_text.delta', { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: turn.finalText })] : []),
    sse('response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }),
    sse('response.completed', { type: 'response.completed', response }),
  ];
  return { summary, json: response, events };
}

function functionCall(name: string, args: Json): Json {
  return { type: 'function_call', id: 'fc_scripted', call_id: 'call_scripted_1', name, arguments: JSON.stringify(args), status: 'completed' };
}

/** OpenAI chat/completions, streaming or not (qwen-code, opencode and the like). */
export function answerChatCompletions(body: Json, turn: Turn, streaming: boolean): Answer {
  const messages = (body.messages ?? []) as Json[];
  const answered = messages.some((message) => message.role === 'tool');
  const tool = writeTool(((body.tools ?? []) as { function: { name: string; parameters?: unknown } }[]).map((t) => ({ name: t.function.name, schema: t.function.parameters })));
  const call = !answered && tool !== undefined && turn.file !== undefined ? { id: 'call_scripted_1', type: 'function', function: { name: tool.name, arguments: JSON.stringify({ [tool.pathKey]: turn.file, content: turn.content }) } } : undefined;
  const message = call === undefined ? { role: 'assistant', content: turn.finalText } : { role: 'assistant', content: null, tool_calls: [call] };
  const finish = call === undefined ? 'stop' : 'tool_calls';
  const usage = { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output };
  const base = { id: 'chatcmpl-scripted', created: 1_700_000_000, model: body.model };
  const summary = call === undefined ? 'text' : `tool:${call.function.name}`;
  if (!streaming) return { summary, json: { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage } };
  const delta = call === undefined ? { role: 'assistant', content: turn.finalText } : { role: 'assistant', tool_calls: [{ index: 0, ...call }] };
  const chunk = (choices: unknown[], extra: Json = {}) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
  return { summary, events: [chunk([{ index: 0, delta, finish_reason: null }]), chunk([{ index: 0, delta: {}, finish_reason: finish }]), chunk([], { usage }), 'data: [DONE]\n\n'] };
}

/** Gemini generateContent / streamGenerateContent (SSE with alt=sse). */
export function answerGemini(body: Json, turn: Turn, pathname: string): Answer {
  const contents = (body.contents ?? []) as { parts?: Json[] }[];
  const answered = contents.some((content) => (content.parts ?? []).some((part) => part.functionResponse !== undefined));
  const declarations = ((body.tools ?? []) as { functionDeclarations?: { name: string; parameters?: unknown; parametersJsonSchema?: unknown }[] }[]).flatMap((t) => t.functionDeclarations ?? []);
  const tool = writeTool(declarations.map((d) => ({ name: d.name, schema: d.parametersJsonSchema ?? d.parameters })));
  const config = (body.generationConfig ?? {}) as Json;
  // Gemini CLI's side calls that want JSON (the next-speaker check and the like) get the "user speaks next" answer.
  const wantsJson = config.responseMimeType === 'application/json';
  const call = !answered && !wantsJson && tool !== undefined && turn.file !== undefined ? { name: tool.name, args: { [tool.pathKey]: turn.file, content: turn.content } } : undefined;
  const text = wantsJson ? JSON.stringify({ reasoning: 'The task is done.', next_speaker: 'user' }) : turn.finalText;
  const response = {
    candidates: [{ content: { role: 'model', parts: [call === undefined ? { text } : { functionCall: call }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: USAGE.input, candidatesTokenCount: USAGE.output, totalTokenCount: USAGE.input + USAGE.output },
    modelVersion: /models\/([^:]+)/.exec(pathname)?.[1] ?? 'gemini',
  };
  return { summary: call === undefined ? (wantsJson ? 'json' : 'text') : `tool:${call.name}`, json: response, events: [`data: ${JSON.stringify(response)}\n\n`] };
}
