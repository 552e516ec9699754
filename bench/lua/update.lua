-- PUT /api/workflows/{id} {status: running, current_step: u-<thread>-<n>}: a step of a running workflow.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init(args)
  ids = load_ids("update-ids.txt")
  n = 0
  seed()
end

function request()
  n = n + 1
  return wrk.format("PUT", "/api/workflows/" .. ids[math.random(#ids)], write_headers(n),
    '{"status":"running","current_step":"u-' .. tid .. '-' .. n .. '"}')
end
