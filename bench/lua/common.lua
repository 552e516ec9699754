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

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
