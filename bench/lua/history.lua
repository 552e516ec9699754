-- GET /api/workflows/{id}/history of a set-up workflow (5 history rows each).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init(args)
  ids = load_ids("read-ids.txt")
  seed()
end

function request()
  return wrk.format("GET", "/api/workflows/" .. ids[math.random(#ids)] .. "/history")
end
