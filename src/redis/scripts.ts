/**
 * The Lua scripts of the Redis store, one per multi-key change, so no reader ever sees half a
 * change and no two processes interleave one (BullMQ's habit).
 *
 * Keys: every key of a namespace starts with one prefix holding a hash tag,
 * `tooltask:{<namespace>}:`, so they all live in one cluster slot. The scripts take that prefix
 * as ARGV[1] and derive the keys of the ids they meet:
 *
 * | key                  | type   | what                                                                 |
 * | -------------------- | ------ | -------------------------------------------------------------------- |
 * | `t:<id>`             | string | the task: seq, state (1 pending … 5 cancelled), creation ordinal, lost flag and encoded snapshot, joined by a bar (see `readTask`); a string, not a hash: a hash holding a ~200 B snapshot is over `hash-max-listpack-value` and costs 607 B against 318 B (measured) |
 * | `l:<id>`             | hash   | while the task is live: `own` owner node, `tok` insert token, `ttl`  |
 * | `ctr`                | string | the creation counter (`INCR`): the ordinals                          |
 * | `s:<state>`          | zset   | the tasks in one state, score = ordinal                              |
 * | `x`                  | zset   | finished tasks with a ttl, score = when their record expires (ms)    |
 * | `h:<id>`             | list   | the task's latest snapshots as `<seq>:<encoded>` (resume by seq); a list, not a stream: measured 2x cheaper per write and 3x smaller per live task |
 * | `ev`                 | stream | every snapshot (`k` = `s`) and deletion (`k` = `d`) of the namespace, ids `0-1`, `0-2` … without a hole, so a reader sees what a trim took from it |
 * | `c:<id>`             | channel | (pub/sub, no key) each snapshot and deletion of one task, for the processes following it |
 * | `own:<node>`         | set    | the live tasks a node owns                                           |
 * | `nodes`              | hash   | node → the generation of its lease (`-` while it is being reaped): every write of a node carries it |
 * | `leases`             | zset   | node → when its lease lapses (ms, Redis `TIME`)                      |
 * | `clock`              | string | when a lease was last renewed (ms): a silence longer than a lease is an outage, not a death |
 * | `fence:<node>`       | string | a reaped node's fence (`PX` 10 × lease): its late writes are refused |
 * | `cmd:<node>`         | stream | commands for the tasks a node owns (expires when idle)               |
 * | `rep:<node>`         | stream | replies to the commands a node sent (expires when idle)              |
 *
 * Generations come from `ctr` too, so the keys that outlive every process are `ctr` (ordinals and
 * cursors stay valid), `ev` (capped at `eventsLength`) and, while nodes live, `clock`.
 */

/** Helpers every script starts with. P is the namespace prefix (ARGV[1] of every script). */
const prelude = `
local P = ARGV[1]
local STATES = { 'pending', 'running', 'complete', 'failed', 'cancelled' }
local STATE_NUMBER = { pending = 1, running = 2, complete = 3, failed = 4, cancelled = 5 }
local function isFinal(state)
  return state == 'complete' or state == 'failed' or state == 'cancelled'
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- A task's record, from the string at t:<id> (seq|state number|ordinal|lost|snapshot), or nil.
-- lost: it was reaped as lost.
local function readTask(id)
  local raw = redis.call('GET', P .. 't:' .. id)
  if not raw then return nil end
  local seq, state, ordinal, lost, encoded = string.match(raw, '^(%d+)|(%d)|(%d+)|(%d?)|(.*)$')
  return { seq = tonumber(seq), st = STATES[tonumber(state)], o = tonumber(ordinal), lost = lost == '1', v = encoded }
end
-- Removes an id from every index (the hash is gone or going); a finished one (expired) is in no
-- live state's index, which the sweep skips.
local function unindex(id, finished)
  for i, state in ipairs(STATES) do
    if not finished or i > 2 then redis.call('ZREM', P .. 's:' .. state, id) end
  end
  redis.call('ZREM', P .. 'x', id)
end
-- When every task of the namespace is finished with a ttl, its indexes expire a second after the
-- last of them: a namespace whose processes all closed keeps no index of tasks long gone.
local function expireIndexes()
  local tasks = 0
  for _, state in ipairs(STATES) do tasks = tasks + redis.call('ZCARD', P .. 's:' .. state) end
  if tasks ~= redis.call('ZCARD', P .. 'x') then return end
  local last = redis.call('ZRANGE', P .. 'x', -1, -1, 'WITHSCORES')[2]
  if not last then return end
  for _, name in ipairs({ 's:complete', 's:failed', 's:cancelled', 'x' }) do
    redis.call('PEXPIREAT', P .. name, tonumber(last) + 1000)
  end
end
-- Appends to the namespace's stream with the next id of 0-1, 0-2 …: a hole in what a reader got is
-- a trim. And tells the task's followers on its channel, <kind>:<seq>:<encoded> (or d alone):
-- a process following one task gets that task's changes only.
local function publish(allMax, kind, id, seq, encoded)
  if kind == 'd' and not encoded then
    redis.call('XADD', P .. 'ev', 'MAXLEN', '~', allMax, '0-*', 'k', 'd', 'id', id)
    redis.call('PUBLISH', P .. 'c:' .. id, 'd')
  else
    redis.call('XADD', P .. 'ev', 'MAXLEN', '~', allMax, '0-*', 'k', kind, 'id', id, 'seq', seq, 'v', encoded)
    redis.call('PUBLISH', P .. 'c:' .. id, kind .. ':' .. seq .. ':' .. encoded)
  end
end
-- Writes a snapshot whose seq was checked: hash, indexes, owner, expiry, history, event.
-- taskMax: snapshots a task's history keeps; allMax: events the namespace's stream keeps (MAXLEN ~);
-- grace: ms a finished task's history stays for late followers.
-- lost: the reaper ends it as lost (a later save of its owner is told so).
local function write(id, encoded, seq, state, ttl, owner, token, taskMax, allMax, grace, lost)
  local key = P .. 't:' .. id
  local live = P .. 'l:' .. id
  local old = readTask(id)
  local oldState = old and old.st
  local oldOwner = redis.call('HGET', live, 'own')
  local ordinal = old and old.o
  if ordinal == nil then
    ordinal = redis.call('INCR', P .. 'ctr')
    -- A new life of this id: the history of an earlier one (kept for its grace) goes.
    redis.call('DEL', P .. 'h:' .. id)
  end
  if oldState ~= state then
    if oldState then redis.call('ZREM', P .. 's:' .. oldState, id) end
    redis.call('ZADD', P .. 's:' .. state, ordinal, id)
    if isFinal(state) and ttl == '' then redis.call('PERSIST', P .. 's:' .. state) end
  end
  redis.call('SET', key, seq .. '|' .. STATE_NUMBER[state] .. '|' .. ordinal .. '|' .. (lost and '1' or '') .. '|' .. encoded)
  if redis.call('RPUSH', P .. 'h:' .. id, seq .. ':' .. encoded) > tonumber(taskMax) then
    redis.call('LTRIM', P .. 'h:' .. id, -tonumber(taskMax), -1)
  end
  publish(allMax, 's', id, seq, encoded)
  if isFinal(state) then
    if oldOwner then redis.call('SREM', P .. 'own:' .. oldOwner, id) end
    redis.call('DEL', live)
    if ttl ~= '' then
      local expiry = now() + tonumber(ttl)
      redis.call('PEXPIRE', key, ttl)
      redis.call('ZADD', P .. 'x', expiry, id)
      -- An index that expires (see expireIndexes) lives at least as long as this entry.
      for _, name in ipairs({ 's:' .. state, 'x' }) do
        redis.call('PEXPIREAT', P .. name, expiry + 1000, 'GT')
      end
      expireIndexes()
    end
    redis.call('PEXPIRE', P .. 'h:' .. id, grace)
  else
    if ttl ~= '' then redis.call('HSET', live, 'ttl', ttl) end
    if token ~= '' then redis.call('HSET', live, 'tok', token) end
    if owner ~= '' and oldOwner ~= owner then
      if oldOwner then redis.call('SREM', P .. 'own:' .. oldOwner, id) end
      redis.call('HSET', live, 'own', owner)
      redis.call('SADD', P .. 'own:' .. owner, id)
    end
  end
end
-- Forgets a node: no lease, no generation; the clock goes with the last node. A reaped node leaves
-- a fence for fence ms, so its late writes are refused rather than taken for a node Redis forgot
-- (data lost). Its streams stay: a node reaped while alive still reads its replies (they expire idle).
local function forget(node, fence)
  if fence then redis.call('SET', P .. 'fence:' .. node, '1', 'PX', fence) end
  redis.call('ZREM', P .. 'leases', node)
  redis.call('HDEL', P .. 'nodes', node)
  if redis.call('HLEN', P .. 'nodes') == 0 then redis.call('DEL', P .. 'clock') end
end
-- Ends up to budget - #reaped live tasks of a node as failed with a TaskLostError (ids appended
-- to reaped); its generation is dead from the first one. True when the node has none left
-- (it is then forgotten). The failed snapshot is the stored one with a patch on top:
-- {"$p": patch, "$b": stored}, so the script never parses the stored snapshot (cjson would lose
-- precision and empty arrays).
local function reapNode(node, budget, reaped, taskMax, allMax, grace, fence)
  local owned = P .. 'own:' .. node
  if redis.call('SCARD', owned) == 0 then
    forget(node, fence)
    return true
  end
  redis.call('HSET', P .. 'nodes', node, '-')
  for _, id in ipairs(redis.call('SRANDMEMBER', owned, budget - #reaped)) do
    redis.call('SREM', owned, id)
    local task = readTask(id)
    if task and not isFinal(task.st) then
      local seq = task.seq + 1
      local t = now()
      local message = cjson.encode('Task \`' .. id .. '\` was lost: its owner \`' .. node .. '\` stopped renewing its lease')
      local patch = '{"state":"failed","seq":' .. seq .. ',"updatedAt":' .. t .. ',"completedAt":' .. t
        .. ',"awaiting":{"$t":"u"},"inputRequests":{"$t":"u"},"value":"failed","event":"task.lost"'
        .. ',"error":{"$t":"e","name":"TaskLostError","message":' .. message
        .. ',"fields":{"name":"TaskLostError","code":"TASK_LOST","taskId":' .. cjson.encode(id)
        .. ',"owner":' .. cjson.encode(node) .. '}}}'
      local ttl = redis.call('HGET', P .. 'l:' .. id, 'ttl') or ''
      write(id, '{"$p":' .. patch .. ',"$b":' .. task.v .. '}', seq, 'failed', ttl, '', '', taskMax, allMax, grace, true)
      reaped[#reaped + 1] = id
    end
  end
  if redis.call('SCARD', owned) > 0 then return false end
  forget(node, fence)
  return true
end
-- Whether a write of a node's generation is refused: another generation holds, or this one was
-- reaped. A node Redis does not know at all (it lost its data) is not fenced: its beat registers it again.
local function fenced(node, generation)
  local current = redis.call('HGET', P .. 'nodes', node)
  if current == generation then return false end
  return current ~= false or redis.call('EXISTS', P .. 'fence:' .. node) == 1
end
`;

/** What the scripts are told about stream lengths and grace, as strings, once. */
export interface StreamLimits {
  readonly task: string;
  readonly events: string;
  readonly grace: string;
}

/** A named Lua script: its source, and what it does, for errors and docs. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
}

function script(name: string, body: string): LuaScript {
  return { name, source: `-- ${name}\n${prelude}\n${body}` };
}

/**
 * insertTask: adds a new task, atomically; exactly one of two racing creators wins.
 * ARGV: 1 prefix, 2 id, 3 encoded, 4 seq, 5 state, 6 ttl ms or '', 7 node, 8 its generation,
 *       9 insert token, 10 history length, 11 events MAXLEN, 12 grace ms.
 * Returns 1 inserted (or this very insert was applied already: a retry after a lost reply),
 * 0 exists, -2 refused: the node's generation was reaped (fenced).
 */
export const insertTask: LuaScript = script(
  'insertTask',
  `
local key = P .. 't:' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then
  if ARGV[9] ~= '' and redis.call('HGET', P .. 'l:' .. ARGV[2], 'tok') == ARGV[9] then return 1 end
  return 0
end
if fenced(ARGV[7], ARGV[8]) then return -2 end
write(ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], ARGV[9], ARGV[10], ARGV[11], ARGV[12], false)
return 1
`,
);

/**
 * saveTask: compare-and-set on seq, for one snapshot or several of one task in seq order (the
 * writer coalesces what queued behind a write into one call). Each is written only when its seq
 * is above the stored one and the stored task is not finished (a finished task never changes,
 * whoever writes late), and only from the live generation of the node's lease (fencing: a node
 * whose tasks were reaped as lost cannot write them back); each moves the task between the state
 * indexes and is appended to the task's history and the namespace's stream, in one step.
 * ARGV: 1 prefix, 2 id, 3 ttl ms or '', 4 node, 5 its generation, 6 history length,
 *       7 events MAXLEN, 8 grace ms, then (encoded, seq, state) for each snapshot.
 * Returns 1 written, 0 ignored (older or equal seq), -1 ignored (the task is finished),
 * -2 refused: the node's generation was reaped (fenced), -3 refused: the task was reaped as lost.
 */
export const saveTask: LuaScript = script(
  'saveTask',
  `
local stored = readTask(ARGV[2])
if stored and isFinal(stored.st) then
  if stored.lost then return -3 end
  return -1
end
if fenced(ARGV[4], ARGV[5]) then return -2 end
local current = stored and stored.seq or -1
local written = 0
for i = 9, #ARGV, 3 do
  local seq = tonumber(ARGV[i + 1])
  if seq > current then
    write(ARGV[2], ARGV[i], seq, ARGV[i + 2], ARGV[3], ARGV[4], '', ARGV[6], ARGV[7], ARGV[8], false)
    current = seq
    written = 1
  end
end
return written
`,
);

/**
 * deleteTask: removes a task, its indexes and ownership, and publishes the deletion with the task's
 * last snapshot; its history stays for its grace: a follower still catching up gets every change
 * up to the final one before the end. With an insert token, only the task that insert made, and
 * only while it is live (undoing an insert whose call failed but may have landed).
 * ARGV: 1 prefix, 2 id, 3 events MAXLEN, 4 grace ms, 5 insert token or ''. Returns 1 deleted,
 * 0 there was none (or not that insert's).
 */
export const deleteTask: LuaScript = script(
  'deleteTask',
  `
local task = readTask(ARGV[2])
if not task then return 0 end
if ARGV[5] ~= '' and redis.call('HGET', P .. 'l:' .. ARGV[2], 'tok') ~= ARGV[5] then return 0 end
local owner = redis.call('HGET', P .. 'l:' .. ARGV[2], 'own')
redis.call('DEL', P .. 't:' .. ARGV[2], P .. 'l:' .. ARGV[2])
unindex(ARGV[2])
expireIndexes()
if owner then redis.call('SREM', P .. 'own:' .. owner, ARGV[2]) end
redis.call('PEXPIRE', P .. 'h:' .. ARGV[2], ARGV[4])
publish(ARGV[3], 'd', ARGV[2], task.seq, task.v)
return 1
`,
);

/**
 * pageTasks: up to `limit` tasks after an ordinal in one index, in creation order. An index entry
 * whose hash expired is dropped on the way, at most `budget` of them per call (the sweep does the
 * rest), so a page never does unbounded work: it may come back short, with where it stopped.
 * ARGV: 1 prefix, 2 index ('all' or 's:<state>'), 3 after ordinal, 4 limit, 5 budget.
 * Returns [last ordinal looked at, '1' when the index has nothing after it else '0',
 *          ordinal, record, ordinal, record, …] (records as stored at `t:<id>`); an error
 *          `CURSOR …` for an ordinal never issued.
 */
export const pageTasks: LuaScript = script(
  'pageTasks',
  `
local index = P .. ARGV[2]
local after = ARGV[3]
local limit = tonumber(ARGV[4])
local budget = tonumber(ARGV[5])
if tonumber(after) > tonumber(redis.call('GET', P .. 'ctr') or '0') then
  return redis.error_reply('CURSOR past the last task of this namespace')
end
-- Up to n entries after an ordinal, flat (id, ordinal, …): of one state's index, or of all five
-- merged ('all': no index of every task, which would cost ~114 B a task).
local function range(after, n)
  if ARGV[2] ~= 'all' then
    return redis.call('ZRANGEBYSCORE', index, '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', 0, n)
  end
  local merged = {}
  for _, state in ipairs(STATES) do
    local part = redis.call('ZRANGEBYSCORE', P .. 's:' .. state, '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', 0, n)
    for i = 1, #part, 2 do merged[#merged + 1] = { part[i], tonumber(part[i + 1]) } end
  end
  table.sort(merged, function(a, b) return a[2] < b[2] end)
  local flat = {}
  for i = 1, math.min(n, #merged) do
    flat[#flat + 1] = merged[i][1]
    flat[#flat + 1] = merged[i][2]
  end
  return flat
end
local out = { '', '0' }
local found = 0
local dropped = 0
while found < limit and dropped < budget do
  local batch = range(after, limit - found)
  if #batch == 0 then
    out[2] = '1'
    break
  end
  for i = 1, #batch, 2 do
    after = batch[i + 1]
    -- The whole record: the store strips its prefix (less work here).
    local encoded = redis.call('GET', P .. 't:' .. batch[i])
    if encoded then
      found = found + 1
      out[#out + 1] = after
      out[#out + 1] = encoded
    else
      unindex(batch[i])
      dropped = dropped + 1
      if dropped >= budget then break end
    end
  end
end
out[1] = after
return out
`,
);

/**
 * sweepExpired: drops the index entries of finished tasks whose hash Redis expired, and publishes
 * their deletion. Run on the store's heartbeat; no timer per task anywhere.
 * ARGV: 1 prefix, 2 at most this many, 3 events MAXLEN. Returns how many it dropped.
 */
export const sweepExpired: LuaScript = script(
  'sweepExpired',
  `
local t = now()
local due = redis.call('ZRANGEBYSCORE', P .. 'x', '-inf', t, 'LIMIT', 0, tonumber(ARGV[2]))
local dropped = 0
for _, id in ipairs(due) do
  local left = redis.call('PTTL', P .. 't:' .. id)
  if left == -2 then
    unindex(id, true)
    publish(ARGV[3], 'd', id)
    dropped = dropped + 1
  elseif left == -1 then
    redis.call('ZREM', P .. 'x', id)
  else
    redis.call('ZADD', P .. 'x', t + left, id)
  end
end
return dropped
`,
);

/**
 * takeLease: gives a node a new generation and a lease of `lease` ms. A node that owned tasks
 * under an earlier generation (its tasks were being reaped, or it restarts under a fixed id) has
 * them ended as lost first, `budget` at a time: the caller calls again while it answers ''.
 * ARGV: 1 prefix, 2 node, 3 lease ms, 4 budget, 5 history length, 6 events MAXLEN, 7 grace ms.
 * Returns {generation or '' (more to reap first), reaped ids…}.
 */
export const takeLease: LuaScript = script(
  'takeLease',
  `
local reaped = {}
redis.call('DEL', P .. 'fence:' .. ARGV[2])
if not reapNode(ARGV[2], tonumber(ARGV[4]), reaped, ARGV[5], ARGV[6], ARGV[7], nil) then
  table.insert(reaped, 1, '')
  return reaped
end
local t = now()
local generation = tostring(redis.call('INCR', P .. 'ctr'))
redis.call('HSET', P .. 'nodes', ARGV[2], generation)
redis.call('ZADD', P .. 'leases', t + tonumber(ARGV[3]), ARGV[2])
redis.call('SET', P .. 'clock', t)
table.insert(reaped, 1, generation)
return reaped
`,
);

/**
 * beat: renews a node's lease and reaps the nodes whose lease lapsed, in one step per heartbeat.
 * A silence of every node longer than a lease (Redis was down, or restarted: its clock jumped) is
 * an outage, not a death: every lease still held gets a fresh one, and on that beat only the
 * nodes that left (`leaveNode`, score 0) are reaped.
 * ARGV: 1 prefix, 2 node, 3 its generation, 4 lease ms, 5 '1' to reap, 6 budget,
 *       7 history length, 8 events MAXLEN, 9 grace ms.
 * Returns {1 renewed or 0 (the generation was reaped: take a new lease), reaped ids…}.
 */
export const beat: LuaScript = script(
  'beat',
  `
local t = now()
local lease = tonumber(ARGV[4])
local last = tonumber(redis.call('GET', P .. 'clock') or '')
local outage = last ~= nil and t - last > lease
redis.call('SET', P .. 'clock', t)
if outage then
  -- Every lease still held gets a fresh one; a node that left (score 0) stays gone.
  local all = redis.call('ZRANGEBYSCORE', P .. 'leases', '(0', '+inf')
  for _, node in ipairs(all) do redis.call('ZADD', P .. 'leases', 'GT', t + lease, node) end
end
local held = 0
if not fenced(ARGV[2], ARGV[3]) then
  -- Its own generation, or one Redis forgot (restarted without its data): renewed, or listed again.
  redis.call('HSET', P .. 'nodes', ARGV[2], ARGV[3])
  redis.call('ZADD', P .. 'leases', t + lease, ARGV[2])
  held = 1
end
local out = { held }
if ARGV[5] == '1' then
  -- After an outage only the nodes that left are due: every other lease was just renewed.
  local budget = tonumber(ARGV[6])
  local reaped = {}
  for _, node in ipairs(redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', t, 'LIMIT', 0, 10)) do
    if not reapNode(node, budget, reaped, ARGV[7], ARGV[8], ARGV[9], 10 * lease) then break end
  end
  for _, id in ipairs(reaped) do out[#out + 1] = id end
end
return out
`,
);

/**
 * leaveNode: a node closing. Its streams go; its lease lapses now when it still owns live tasks
 * (a survivor reaps them on its next beat), else the node is forgotten.
 * ARGV: 1 prefix, 2 node, 3 its generation. Returns 1.
 */
export const leaveNode: LuaScript = script(
  'leaveNode',
  `
redis.call('DEL', P .. 'cmd:' .. ARGV[2], P .. 'rep:' .. ARGV[2])
if redis.call('HGET', P .. 'nodes', ARGV[2]) ~= ARGV[3] then return 1 end
if redis.call('SCARD', P .. 'own:' .. ARGV[2]) > 0 then
  redis.call('ZADD', P .. 'leases', 0, ARGV[2])
else
  forget(ARGV[2], nil)
end
return 1
`,
);

/**
 * sendCommand: queues a command on the stream of the node that owns a live task, or says why not.
 * ARGV: 1 prefix, 2 id, 3 sender node, 4 request id, 5 encoded command, 6 command stream MAXLEN,
 *       7 ms an idle command stream lives.
 * Returns {'sent', owner}, {'final', encoded snapshot} or {'missing'}.
 */
export const sendCommand: LuaScript = script(
  'sendCommand',
  `
local task = readTask(ARGV[2])
if not task then return { 'missing' } end
local owner = redis.call('HGET', P .. 'l:' .. ARGV[2], 'own')
if isFinal(task.st) or not owner then return { 'final', task.v } end
local stream = P .. 'cmd:' .. owner
redis.call('XADD', stream, 'MAXLEN', '~', ARGV[6], '*', 'from', ARGV[3], 'rid', ARGV[4], 'v', ARGV[5])
redis.call('PEXPIRE', stream, ARGV[7])
return { 'sent', owner }
`,
);

/**
 * replyCommand: puts an owner's answer on the sender's reply stream.
 * ARGV: 1 prefix, 2 sender node, 3 request id, 4 '1' answered or '0' refused, 5 encoded value,
 *       6 reply stream MAXLEN, 7 ms an idle reply stream lives. Returns 1.
 */
export const replyCommand: LuaScript = script(
  'replyCommand',
  `
local stream = P .. 'rep:' .. ARGV[2]
redis.call('XADD', stream, 'MAXLEN', '~', ARGV[6], '*', 'rid', ARGV[3], 'ok', ARGV[4], 'v', ARGV[5])
redis.call('PEXPIRE', stream, ARGV[7])
return 1
`,
);

/** Every script, loaded together when the store connects (and again after a Redis restart). */
export const SCRIPTS: readonly LuaScript[] = [
  insertTask,
  saveTask,
  deleteTask,
  pageTasks,
  sweepExpired,
  takeLease,
  beat,
  leaveNode,
  sendCommand,
  replyCommand,
];
