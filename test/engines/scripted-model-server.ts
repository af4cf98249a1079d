// A scripted model server on 127.0.0.1 for the real coding-agent CLIs: it speaks Anthropic messages (streaming),
// OpenAI responses (SSE) and chat/completions, and Gemini generateContent / streamGenerateContent. Each client
// registers a behaviour and gets an API key; the key a request carries picks the behaviour, so one server serves a
// whole test file. "write" answers with the file-writing tool the CLI offered (read from the request's tool list),
// then, once the tool result comes back, a final message. Every request is logged.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { answerAnthropic, answerChatCompletions, answerGemini, answerResponses, type ErrorReply, type Turn } from './model-protocols.js';

/** What the server does for one client. */
export type Behaviour =
  /** Write `text` to the step's target (named in the prompt: `Write the result to "X"`), resolved against `workDir`. */
  | { kind: 'write'; workDir: string; text: string }
  | { kind: 'error'; status: number; message: string }
  /** Never answer (until the client goes away). */
  | { kind: 'hang' };

/** One logged request. */
export interface LoggedRequest {
  method: string;
  path: string;
  key: string | undefined;
  body: Record<string, unknown>;
  /** What the server did: "tool:<name>", "text", "error <status>", "hang", "unknown key". */
  answer: string;
}

export interface ScriptedModelServer {
  /** http://127.0.0.1:<port> (no path). */
  origin: string;
  requests: LoggedRequest[];
  /** Registers a behaviour; returns the API key that selects it. */
  client(behaviour: Behaviour): string;
  /** The requests made with `key`. */
  requestsOf(key: string): LoggedRequest[];
  close(): Promise<void>;
}

/** The reply "write" finishes with, after the tool result. */
export const FINAL_MESSAGE = 'Done: the file is written.';

export async function startScriptedModelServer(): Promise<ScriptedModelServer> {
  const behaviours = new Map<string, Behaviour>();
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `scripted server: ${String(error)}` } }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = (raw === '' ? {} : JSON.parse(raw)) as Record<string, unknown>;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const key = apiKeyOf(request, url);
    const entry: LoggedRequest = { method: request.method ?? 'GET', path: url.pathname, key, body, answer: '' };
    requests.push(entry);
    const behaviour = key === undefined ? undefined : behaviours.get(key);
    const protocol = protocolOf(url.pathname);
    if (protocol === undefined) return reply(response, entry, 404, { error: { message: `scripted server: no route ${url.pathname}` } }, 'not found');
    if (behaviour === undefined) return errorReply(response, entry, protocol, { status: 401, message: 'scripted server: unknown API key' });
    if (behaviour.kind === 'hang') {
      entry.answer = 'hang';
      return;
    }
    if (behaviour.kind === 'error') return errorReply(response, entry, protocol, behaviour);
    if (protocol === 'count-tokens') return reply(response, entry, 200, { input_tokens: 10, totalTokens: 10 }, 'count');
    const turn: Turn = { finalText: FINAL_MESSAGE, file: targetOf(JSON.stringify(body), behaviour.workDir), content: behaviour.text };
    const streaming = body.stream === true || url.pathname.includes(':streamGenerateContent');
    const answer =
      protocol === 'anthropic' ? answerAnthropic(body, turn) : protocol === 'responses' ? answerResponses(body, turn) : protocol === 'chat' ? answerChatCompletions(body, turn, streaming) : answerGemini(body, turn, url.pathname);
    entry.answer = answer.summary;
    if (answer.events !== undefined && streaming) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of answer.events) response.write(event);
      response.end();
      return;
    }
    reply(response, entry, 200, answer.json, answer.summary);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let next = 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    client(behaviour) {
      next += 1;
      const key = `sk-scripted-${behaviour.kind}-${next}-0123456789`;
      behaviours.set(key, behaviour);
      return key;
    },
    requestsOf: (key) => requests.filter((entry) => entry.key === key),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type Protocol = 'anthropic' | 'responses' | 'chat' | 'gemini' | 'count-tokens';

function protocolOf(pathname: string): Protocol | undefined {
  if (pathname.endsWith('/messages/count_tokens') || pathname.endsWith(':countTokens')) return 'count-tokens';
  if (pathname.endsWith('/messages')) return 'anthropic';
  if (pathname.endsWith('/responses')) return 'responses';
  if (pathname.endsWith('/chat/completions')) return 'chat';
  if (/:(stream)?generateContent$/i.test(pathname)) return 'gemini';
  return undefined;
}

function apiKeyOf(request: IncomingMessage, url: URL): string | undefined {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return header('x-api-key') ?? header('x-goog-api-key') ?? url.searchParams.get('key') ?? header('authorization')?.replace(/^Bearer\s+/i, '');
}

/** The step's target, from the prompt's `Write the result to "X"`; absolute, since some CLIs' write tools want that. */
function targetOf(requestText: string, workDir: string): string | undefined {
  const match = /Write the result to \\"([^"\\]+)\\"/.exec(requestText);
  return match?.[1] === undefined ? undefined : path.resolve(workDir, match[1]);
}

function errorReply(response: ServerResponse, entry: LoggedRequest, protocol: Protocol, error: { status: number; message: string }): void {
  reply(response, entry, error.status, errorBody(protocol, error), `error ${error.status}`);
}

function errorBody(protocol: Protocol, error: { status: number; message: string }): ErrorReply {
  if (protocol === 'anthropic') return { type: 'error', error: { type: error.status === 401 ? 'authentication_error' : 'api_error', message: error.message } };
  if (protocol === 'gemini') return { error: { code: error.status, message: error.message, status: error.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL' } };
  return { error: { message: error.message, type: error.status === 401 ? 'invalid_request_error' : 'server_error', code: error.status === 401 ? 'invalid_api_key' : null } };
}

function reply(response: ServerResponse, entry: LoggedRequest, status: number, body: unknown, summary: string): void {
  entry.answer = summary;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
