-- GET {prefix}{id}, id picked at random among the set-up workflows. BENCH_PREFIX lets the trivial
-- endpoint be driven by this very script (same request generation cost on the load generator's side).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local prefix = os.getenv("BENCH_PREFIX") or "/api/workflows/"

function init(args)
  ids = load_ids("read-ids.txt")
  seed()
end

function request()
  return wrk.format("GET", prefix .. ids[math.random(#ids)])
end
