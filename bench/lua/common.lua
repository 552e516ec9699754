-- Shared by every load script: thread numbering, id files, and one machine-readable result line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function load_ids(name)
  local ids = {}
  for line in io.lines(os.getenv("BENCH_DATA") .. "/" .. name) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  return ids
end

function seed()
  math.randomseed(os.time() * 100 + tid)
end

json_headers = { ["Content-Type"] = "application/json" }

-- BENCH_AUTH=1: bench/run.sh puts a read,write key in BENCH_KEY; every request carries it (wrk.format uses
-- wrk.headers when a script passes none, json_headers when it passes those).
local key = os.getenv("BENCH_KEY")
if key and #key > 0 then
  wrk.headers["Authorization"] = "Bearer " .. key
  json_headers["Authorization"] = "Bearer " .. key
end

-- BENCH_IDEMPOTENCY=1: every create and update carries an Idempotency-Key of its own, as a client that may
-- retry sends it (docs/PERFORMANCE.md, "Idempotency keys and versions"): the store looks each up and stores
-- each answer, in the write's transaction. BENCH_IDEMPOTENCY=sequential: the keys grow (a counter first), so
-- that they share the key index's last page: not what clients send, but it splits a key's cost into the
-- index pages random keys dirty and the rest (the lookup, the stored answer).
local idempotency_mode = os.getenv("BENCH_IDEMPOTENCY")
idempotency = idempotency_mode == "1" or idempotency_mode == "sequential"
local sequential = idempotency_mode == "sequential"
local run = tostring(os.time()) .. "-" .. tostring(math.random(1e9))

-- Otherwise random, as clients make them (a UUID each): every key lands at its own place in the key index,
-- which is what a key costs a write.
function write_headers(n)
  if not idempotency then return json_headers end
  local h = {}
  for k, v in pairs(json_headers) do h[k] = v end
  if sequential then -- n: the calling script's request count on this thread
    h["Idempotency-Key"] = string.format("%012d-%d-%s", n, tid, run)
    return h
  end
  h["Idempotency-Key"] = string.format("%08x-%04x-%04x-%08x-%d-%d", math.random(0, 0x7fffffff),
    math.random(0, 0xffff), math.random(0, 0xffff), math.random(0, 0x7fffffff), tid, n)
  return h
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
