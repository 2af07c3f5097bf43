import type { ServerResponse } from 'node:http';
import type { InspectorFeed } from './feed.js';
import { eventId, parseEventId, RESET_CHUNK, type WireChanges, type WireRow } from './wire.js';

/**
 * One page's stream: the feed as server-sent events, from what the page lacks to every change
 * after. Catching up (every task, or the changes after the page's `Last-Event-ID`) goes out in
 * pieces of `RESET_CHUNK` rows, each written only when the socket has room, with the event loop
 * free between pieces: a page connecting to a million tasks costs the server a piece at a time,
 * and a page that does not read costs it one piece. Changes that come meanwhile wait, then
 * follow in order.
 *
 * A reader is dropped, never buffered for without end, when it holds `MAX_BUFFERED` bytes
 * unread, has `MAX_WAITING` changes waiting behind its catch-up, or lets a piece wait `STALL` ms
 * for room. A dropped page reconnects with its `Last-Event-ID` and resumes.
 */

/** Above this many unread bytes, the next catch-up piece waits for the socket to drain. */
const HIGH_WATER = 256 * 1024;
/** A reader with this many bytes unread is dropped. */
export const MAX_BUFFERED = 4 * 1024 * 1024;
/** A reader with this many changed rows waiting behind its catch-up is dropped. */
const MAX_WAITING = 200_000;
/** A catch-up piece that waits this long for room drops its reader. */
const STALL = 30_000;
const HEARTBEAT = 15_000;

/** Streams `feed` to `response` (headers already sent) until either ends; returns the stop. */
export function streamFeed(
  response: ServerResponse,
  feed: InspectorFeed,
  page: { readonly actions: boolean; readonly nodes: boolean },
  lastEventId: string | undefined,
): () => void {
  let closed = false;
  let catching = true;
  let waitingRows = 0;
  const waiting: [number, WireChanges][] = [];
  const stops: (() => void)[] = [];

  const drop = () => {
    if (closed) return;
    closed = true;
    response.destroy();
  };
  const write = (n: number, event: 'reset' | 'changes', data: unknown) => {
    if (closed) return;
    response.write(`id: ${eventId(feed.instance, n)}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (response.writableLength > MAX_BUFFERED) drop();
  };
  /** Resolves when the socket can take another piece: at once (after other I/O) or on drain. */
  const room = () =>
    new Promise<void>((resolve) => {
      if (response.writableLength < HIGH_WATER) {
        setImmediate(resolve);
        return;
      }
      const done = () => {
        clearTimeout(timer);
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        drop();
        done();
      }, STALL);
      response.on('drain', done);
      response.on('close', done);
    });
  /** Writes a batch, split into pieces when large; all but the last say `more`. */
  const send = async (n: number, changes: WireChanges, pace: boolean) => {
    const { rows, deleted, registry } = changes;
    if (rows.length + deleted.length <= RESET_CHUNK) {
      write(n, 'changes', pace ? { ...changes, more: false } : changes);
      return;
    }
    const pieces: WireChanges[] = [];
    for (let at = 0; at < rows.length; at += RESET_CHUNK) {
      pieces.push({ rows: rows.slice(at, at + RESET_CHUNK), deleted: [] });
    }
    for (let at = 0; at < deleted.length; at += RESET_CHUNK) {
      pieces.push({ rows: [], deleted: deleted.slice(at, at + RESET_CHUNK) });
    }
    for (const [index, piece] of pieces.entries()) {
      const last = index === pieces.length - 1;
      write(n, 'changes', { ...piece, ...(last && registry !== undefined ? { registry } : {}), more: !last });
      if (pace && !last) await room();
      if (closed) return;
    }
  };

  const catchUp = async () => {
    const last = parseEventId(lastEventId);
    const missed = last?.instance === feed.instance ? feed.since(last.n) : undefined;
    stops.push(
      feed.listen((n, changes) => {
        if (!catching) {
          void send(n, changes, false);
          return;
        }
        waiting.push([n, changes]);
        waitingRows += changes.rows.length + changes.deleted.length;
        if (waitingRows > MAX_WAITING) drop();
      }),
    );
    if (missed !== undefined) {
      await send(feed.n, missed, true);
    } else {
      let rows: WireRow[] = [];
      let first = true;
      for (const row of feed.rows()) {
        rows.push(row);
        if (rows.length < RESET_CHUNK) continue;
        write(feed.n, first ? 'reset' : 'changes', first ? reset(rows, true) : { rows, deleted: [], more: true });
        first = false;
        rows = [];
        await room();
        if (closed) return;
      }
      // What changed while reading goes out after the last piece, so it is not lost in a tick.
      feed.flush();
      write(feed.n, first ? 'reset' : 'changes', first ? reset(rows, false) : { rows, deleted: [], more: false });
    }
    catching = false;
    // Unpaced, so synchronous: nothing the feed sends can come between them.
    for (const [n, changes] of waiting.splice(0)) void send(n, changes, false);
  };
  const reset = (rows: WireRow[], more: boolean) => ({ rows, registry: feed.registry, ...page, more });

  const heartbeat = setInterval(() => {
    if (!closed) response.write(': still here\n\n');
  }, HEARTBEAT);
  stops.push(() => clearInterval(heartbeat));
  const stop = () => {
    for (const each of stops.splice(0)) each();
  };
  response.on('close', () => {
    closed = true;
    stop();
  });
  catchUp().catch(drop);
  return () => {
    stop();
    drop();
  };
}
