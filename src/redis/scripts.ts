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
 * | `t:<id>`             | hash   | `v` encoded snapshot, `seq`, `st` state, `o` creation ordinal, `own` owner node while live, `tok` insert token while live, `ttl` |
 * | `ctr`                | string | the creation counter (`INCR`): the ordinals                          |
 * | `all`                | zset   | every task, score = ordinal                                          |
 * | `s:<state>`          | zset   | the tasks in one state, score = ordinal                              |
 * | `x`                  | zset   | finished tasks with a ttl, score = when their hash expires (ms)      |
 * | `h:<id>`             | list   | the task's latest snapshots as `<seq>:<encoded>` (resume by seq); a list, not a stream: measured 2x cheaper per write and 3x smaller per live task |
 * | `ev`                 | stream | every snapshot (`k` = `s`) and deletion (`k` = `d`) of the namespace  |
 * | `own:<node>`         | set    | the live tasks a node owns                                           |
 * | `nodes`              | set    | the nodes that hold or held a lease                                  |
 * | `lease:<node>`       | string | a node's lease (`PX` lease time, renewed on its heartbeat)           |
 * | `cmd:<node>`         | stream | commands for the tasks a node owns                                   |
 * | `rep:<node>`         | stream | replies to the commands a node sent                                  |
 */

/** Helpers every script starts with. P is the namespace prefix (ARGV[1] of every script). */
const prelude = `
local P = ARGV[1]
local STATES = { 'pending', 'running', 'complete', 'failed', 'cancelled' }
local function isFinal(state)
  return state == 'complete' or state == 'failed' or state == 'cancelled'
end
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Removes an id from every index (the hash is gone or going).
local function unindex(id)
  redis.call('ZREM', P .. 'all', id)
  for _, state in ipairs(STATES) do redis.call('ZREM', P .. 's:' .. state, id) end
  redis.call('ZREM', P .. 'x', id)
end
-- Writes a snapshot whose seq was checked: hash, indexes, owner, expiry, history, event.
-- taskMax: snapshots a task's history keeps; allMax: events the namespace's stream keeps (MAXLEN ~);
-- grace: ms a finished task's history stays for late followers.
local function write(id, encoded, seq, state, ttl, owner, token, taskMax, allMax, grace)
  local key = P .. 't:' .. id
  local old = redis.call('HMGET', key, 'st', 'o', 'own')
  local ordinal = tonumber(old[2])
  if ordinal == nil then
    ordinal = redis.call('INCR', P .. 'ctr')
    -- A new life of this id: the history of an earlier one (kept for its grace) goes.
    redis.call('DEL', P .. 'h:' .. id)
    redis.call('ZADD', P .. 'all', ordinal, id)
  end
  if old[1] ~= state then
    if old[1] then redis.call('ZREM', P .. 's:' .. old[1], id) end
    redis.call('ZADD', P .. 's:' .. state, ordinal, id)
  end
  redis.call('HSET', key, 'v', encoded, 'seq', seq, 'st', state, 'o', ordinal)
  if redis.call('RPUSH', P .. 'h:' .. id, seq .. ':' .. encoded) > tonumber(taskMax) then
    redis.call('LTRIM', P .. 'h:' .. id, -tonumber(taskMax), -1)
  end
  redis.call('XADD', P .. 'ev', 'MAXLEN', '~', allMax, '*', 'k', 's', 'id', id, 'seq', seq, 'v', encoded)
  if isFinal(state) then
    if old[3] then redis.call('SREM', P .. 'own:' .. old[3], id) end
    redis.call('HDEL', key, 'own', 'tok', 'ttl')
    if ttl ~= '' then
      redis.call('PEXPIRE', key, ttl)
      redis.call('ZADD', P .. 'x', now() + tonumber(ttl), id)
    end
    redis.call('PEXPIRE', P .. 'h:' .. id, grace)
  else
    if ttl ~= '' then redis.call('HSET', key, 'ttl', ttl) end
    if token ~= '' then redis.call('HSET', key, 'tok', token) end
    if owner ~= '' and old[3] ~= owner then
      if old[3] then redis.call('SREM', P .. 'own:' .. old[3], id) end
      redis.call('HSET', key, 'own', owner)
      redis.call('SADD', P .. 'own:' .. owner, id)
    end
  end
end
`;

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
 * ARGV: 1 prefix, 2 id, 3 encoded, 4 seq, 5 state, 6 ttl ms or '', 7 owner node or '',
 *       8 insert token, 9 history length, 10 events MAXLEN, 11 grace ms.
 * Returns 1 inserted (or this very insert was applied already: a retry after a lost reply), 0 exists.
 */
export const insertTask: LuaScript = script(
  'insertTask',
  `
local key = P .. 't:' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then
  if ARGV[8] ~= '' and redis.call('HGET', key, 'tok') == ARGV[8] then return 1 end
  return 0
end
write(ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11])
return 1
`,
);

/**
 * saveTask: compare-and-set on seq. Writes the snapshot only when its seq is above the stored one
 * and the stored task is not finished (a finished task never changes, whoever writes late);
 * moves it between the state indexes and appends it to the task's history and the namespace's stream, in one step.
 * ARGV: 1 prefix, 2 id, 3 encoded, 4 seq, 5 state, 6 ttl ms or '', 7 owner node or '',
 *       8 history length, 9 events MAXLEN, 10 grace ms.
 * Returns 1 written, 0 ignored (older or equal seq), -1 ignored (the task is finished).
 */
export const saveTask: LuaScript = script(
  'saveTask',
  `
local stored = redis.call('HMGET', P .. 't:' .. ARGV[2], 'seq', 'st')
local seq = tonumber(ARGV[4])
if stored[1] then
  if isFinal(stored[2]) then return -1 end
  if seq <= tonumber(stored[1]) then return 0 end
end
write(ARGV[2], ARGV[3], seq, ARGV[5], ARGV[6], ARGV[7], '', ARGV[8], ARGV[9], ARGV[10])
return 1
`,
);

/**
 * deleteTask: removes a task, its indexes, ownership and history, and publishes the deletion.
 * ARGV: 1 prefix, 2 id, 3 events MAXLEN. Returns 1 deleted, 0 there was none.
 */
export const deleteTask: LuaScript = script(
  'deleteTask',
  `
local key = P .. 't:' .. ARGV[2]
local owner = redis.call('HGET', key, 'own')
if redis.call('DEL', key) == 0 then return 0 end
unindex(ARGV[2])
if owner then redis.call('SREM', P .. 'own:' .. owner, ARGV[2]) end
redis.call('DEL', P .. 'h:' .. ARGV[2])
redis.call('XADD', P .. 'ev', 'MAXLEN', '~', ARGV[3], '*', 'k', 'd', 'id', ARGV[2])
return 1
`,
);

/**
 * pageTasks: up to `limit` tasks after an ordinal in one index, in creation order, as
 * [ordinal, encoded, ordinal, encoded, …]. An index entry whose hash expired is dropped on the way
 * (lazy clean-up; the sweep does the rest), so a page is full whenever enough tasks live.
 * ARGV: 1 prefix, 2 index ('all' or 's:<state>'), 3 after ordinal, 4 limit.
 */
export const pageTasks: LuaScript = script(
  'pageTasks',
  `
local index = P .. ARGV[2]
local after = ARGV[3]
local limit = tonumber(ARGV[4])
local out = {}
local found = 0
while found < limit do
  local batch = redis.call('ZRANGEBYSCORE', index, '(' .. after, '+inf', 'WITHSCORES', 'LIMIT', 0, limit - found)
  if #batch == 0 then break end
  for i = 1, #batch, 2 do
    after = batch[i + 1]
    local encoded = redis.call('HGET', P .. 't:' .. batch[i], 'v')
    if encoded then
      found = found + 1
      out[#out + 1] = after
      out[#out + 1] = encoded
    else
      unindex(batch[i])
    end
  end
end
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
    unindex(id)
    redis.call('XADD', P .. 'ev', 'MAXLEN', '~', ARGV[3], '*', 'k', 'd', 'id', id)
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
 * renewLease: sets a node's lease for `lease` ms and lists the node, in one step (a reaper never
 * sees a listed node between its listing and its first lease).
 * ARGV: 1 prefix, 2 node, 3 lease ms. Returns 1 when the lease was still held, 0 when it lapsed or is new.
 */
export const renewLease: LuaScript = script(
  'renewLease',
  `
local held = redis.call('SET', P .. 'lease:' .. ARGV[2], '1', 'PX', ARGV[3], 'GET')
redis.call('SADD', P .. 'nodes', ARGV[2])
if held then return 1 end
return 0
`,
);

/**
 * reapLost: for every listed node whose lease lapsed (and for ARGV[6], a node restarting under the
 * same id), ends each of its live tasks as failed with a TaskLostError, publishes those final
 * snapshots, and forgets the node. Atomic, so exactly one survivor reaps a node.
 * The failed snapshot is the stored one with a patch on top: `{"$p": patch, "$b": stored}`, so the
 * script never parses the stored snapshot (cjson would lose precision and empty arrays).
 * ARGV: 1 prefix, 2 history length, 3 events MAXLEN, 4 grace ms, 5 max tasks per call,
 *       6 node to reap whatever its lease ('' for none).
 * Returns the reaped task ids.
 */
export const reapLost: LuaScript = script(
  'reapLost',
  `
local reaped = {}
local budget = tonumber(ARGV[5])
for _, node in ipairs(redis.call('SMEMBERS', P .. 'nodes')) do
  if node == ARGV[6] or redis.call('EXISTS', P .. 'lease:' .. node) == 0 then
    local owned = P .. 'own:' .. node
    for _, id in ipairs(redis.call('SRANDMEMBER', owned, budget - #reaped)) do
      redis.call('SREM', owned, id)
      local task = redis.call('HMGET', P .. 't:' .. id, 'v', 'seq', 'st', 'ttl')
      if task[1] and not isFinal(task[3]) then
        local seq = tonumber(task[2]) + 1
        local t = now()
        local message = cjson.encode('Task \`' .. id .. '\` was lost: its owner \`' .. node .. '\` stopped renewing its lease')
        local patch = '{"state":"failed","seq":' .. seq .. ',"updatedAt":' .. t .. ',"completedAt":' .. t
          .. ',"awaiting":{"$t":"u"},"inputRequests":{"$t":"u"},"value":"failed","event":"task.lost"'
          .. ',"error":{"$t":"e","name":"TaskLostError","message":' .. message
          .. ',"fields":{"name":"TaskLostError","code":"TASK_LOST","taskId":' .. cjson.encode(id)
          .. ',"owner":' .. cjson.encode(node) .. '}}}'
        write(id, '{"$p":' .. patch .. ',"$b":' .. task[1] .. '}', seq, 'failed', task[4] or '', '', '', ARGV[2], ARGV[3], ARGV[4])
        reaped[#reaped + 1] = id
      end
    end
    if redis.call('SCARD', owned) == 0 and node ~= ARGV[6] then redis.call('SREM', P .. 'nodes', node) end
    if #reaped >= budget then return reaped end
  end
end
return reaped
`,
);

/**
 * sendCommand: queues a command on the stream of the node that owns a live task, or says why not.
 * ARGV: 1 prefix, 2 id, 3 sender node, 4 request id, 5 encoded command, 6 command stream MAXLEN.
 * Returns {'sent', owner}, {'final', encoded snapshot} or {'missing'}.
 */
export const sendCommand: LuaScript = script(
  'sendCommand',
  `
local task = redis.call('HMGET', P .. 't:' .. ARGV[2], 'st', 'own', 'v')
if not task[1] then return { 'missing' } end
if isFinal(task[1]) or not task[2] then return { 'final', task[3] } end
redis.call('XADD', P .. 'cmd:' .. task[2], 'MAXLEN', '~', ARGV[6], '*', 'from', ARGV[3], 'rid', ARGV[4], 'v', ARGV[5])
return { 'sent', task[2] }
`,
);

/** Every script, loaded together when the store connects (and again after a Redis restart). */
export const SCRIPTS: readonly LuaScript[] = [
  insertTask,
  saveTask,
  deleteTask,
  pageTasks,
  sweepExpired,
  renewLease,
  reapLost,
  sendCommand,
];
