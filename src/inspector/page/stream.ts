import type { WireChanges, WireReset } from '../wire.js';

/** One message of the inspector's stream. */
export type StreamMessage =
  | { readonly kind: 'reset'; readonly id: string; readonly data: WireReset }
  | { readonly kind: 'changes'; readonly id: string; readonly data: WireChanges };

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

/**
 * Follows the inspector's server-sent events over `fetch`, not `EventSource`: only `fetch` can send
 * the token as a header, so it never appears in a URL. After a drop it reconnects with
 * `Last-Event-ID`, and the server sends exactly the changes after that one. A reset or a resume
 * comes in pieces (`more: true` on all but the last): until the last, the page does not count
 * itself caught up, so a drop in the middle starts it again rather than resuming from a half.
 */
export function follow(
  token: string,
  onMessage: (message: StreamMessage) => void,
  onStatus: (status: StreamStatus) => void,
): () => void {
  let last: string | undefined;
  let stopped = false;
  let controller: AbortController | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    controller = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (last !== undefined) headers['last-event-id'] = String(last);
    try {
      const response = await fetch('/api/events', { headers, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) {
        onStatus('unauthorized');
        return;
      }
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
      onStatus('live');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Look for the end of a message only in what arrived (and the byte before): a reset with
        // 100,000 tasks comes in hundreds of chunks.
        let from = Math.max(0, buffer.length - 1);
        buffer += value;
        let end = buffer.indexOf('\n\n', from);
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          from = 0;
          const message = parse(block);
          if (message !== undefined) {
            if (message.kind === 'reset') last = undefined;
            if (message.data.more !== true) last = message.id;
            onMessage(message);
          }
          end = buffer.indexOf('\n\n', from);
        }
      }
    } catch {
      // A dropped connection, or stop(): either way, the loop below decides.
    }
    if (stopped) return;
    onStatus('reconnecting');
    retry = setTimeout(connect, 500);
  };

  onStatus('connecting');
  void connect();
  return () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    controller?.abort();
  };
}

function parse(block: string): StreamMessage | undefined {
  let id: string | undefined;
  let event = '';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (id === undefined || data === '') return undefined;
  if (event === 'reset') return { kind: 'reset', id, data: JSON.parse(data) as WireReset };
  if (event === 'changes') return { kind: 'changes', id, data: JSON.parse(data) as WireChanges };
  return undefined;
}
