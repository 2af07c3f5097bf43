import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { type McpFetch, toNodeListener } from '../../src/protocols/mcpTasks.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `fetch` served on a loopback port through `toNodeListener`; answers its URL. */
async function serve(fetch: McpFetch, options?: Parameters<typeof toNodeListener>[1]): Promise<string> {
  const server: Server = createServer(toNodeListener(fetch, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

// The MCP Tasks suite (mcpTasks.test.ts, 'http') and the conformance run serve through it too.
describe('toNodeListener', () => {
  it('hands the endpoint a Request with method, headers, body and the principal authInfo names', async () => {
    const seen: unknown[] = [];
    const url = await serve(
      async (request, options) => {
        seen.push([request.method, request.headers.get('x-test'), await request.text(), options?.authInfo?.clientId]);
        return Response.json({ ok: true }, { headers: { 'x-answer': 'yes' } });
      },
      { authInfo: (req) => ({ token: 't', clientId: String(req.headers['x-test']), scopes: [] }) },
    );
    const response = await fetch(url, { method: 'POST', headers: { 'x-test': 'ada' }, body: '{"a":1}' });
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toEqual([['POST', 'ada', '{"a":1}', 'ada']]);
  });

  it('streams the response as it is written, and aborts the request’s signal when the client goes away', async () => {
    let push = (_text: string) => {};
    let aborted: Promise<unknown> = Promise.resolve();
    const url = await serve(async (request) => {
      aborted = new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    const client = new AbortController();
    const response = await fetch(url, { signal: client.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    push('data: one\n\n');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: one\n\n');
    push('data: two\n\n');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: two\n\n');
    client.abort();
    await aborted;
  });

  it('answers 500 with a JSON-RPC -32603 when the endpoint throws, and keeps serving', async () => {
    let calls = 0;
    const url = await serve(async () => {
      calls++;
      if (calls === 1) throw new Error('endpoint broke');
      return Response.json({ ok: true });
    });
    const failed = await fetch(url, { method: 'POST', body: '{}' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32603 } });
    expect(await (await fetch(url)).json()).toEqual({ ok: true });
  });

  it('refuses what is not a fetch handler or options, with what it expected', () => {
    expect(() => toNodeListener(undefined as never)).toThrow(InvalidArgumentError);
    expect(() => toNodeListener(async () => new Response(), { authInfo: 'alice' as never })).toThrow(
      'Expected `authInfo` to be a function, got',
    );
    expect(() => toNodeListener(async () => new Response(), { principal: 'x' } as never)).toThrow(InvalidArgumentError);
  });
});
