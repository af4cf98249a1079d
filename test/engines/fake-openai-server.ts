// A small OpenAI-compatible chat-completions server on 127.0.0.1 (random port) for tests: each request takes the next
// scripted reply (a completion, an HTTP error, or a delay), and every request body is kept for assertions.
// It also answers Anthropic's `POST /v1/messages` in that API's shape, for the Anthropic engine.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** One scripted reply. */
export type ScriptedReply =
  | { text: string; inputTokens?: number; outputTokens?: number; delayMs?: number }
  | { status: number; error: string; delayMs?: number };

/** A request the server received. */
export interface ReceivedRequest {
  path: string;
  authorization: string | undefined;
  apiKeyHeader: string | undefined;
  body: { model: string; system?: unknown; messages: { role: string; content: unknown }[] };
}

export interface FakeOpenAiServer {
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Adds replies to the end of the script. */
  script(...replies: ScriptedReply[]): void;
}

/** Starts a server closed when the test finishes. Requests beyond the script get HTTP 500 "script exhausted". */
export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const queue: ScriptedReply[] = [];
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const apiKey = request.headers['x-api-key'];
    requests.push({ path: request.url ?? '', authorization: request.headers.authorization, apiKeyHeader: typeof apiKey === 'string' ? apiKey : undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedRequest['body'] });
    const reply = queue.shift() ?? { status: 500, error: 'script exhausted' };
    if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    if ('status' in reply) {
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: reply.error, type: 'server_error' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    if ((request.url ?? '').endsWith('/messages')) {
      response.end(
        JSON.stringify({
          id: `msg_${requests.length}`,
          type: 'message',
          role: 'assistant',
          model: requests.at(-1)?.body.model ?? 'test-model',
          content: [{ type: 'text', text: reply.text }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: reply.inputTokens ?? 11, output_tokens: reply.outputTokens ?? 7 },
        }),
      );
      return;
    }
    response.end(
      JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: 1_700_000_000,
        model: requests.at(-1)?.body.model ?? 'test-model',
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: reply.inputTokens ?? 11, completion_tokens: reply.outputTokens ?? 7, total_tokens: (reply.inputTokens ?? 11) + (reply.outputTokens ?? 7) },
      }),
    );
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, script: (...replies) => queue.push(...replies) };
}
