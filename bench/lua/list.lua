-- GET /api/workflows?limit=20: the newest 20 workflows.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.path = "/api/workflows?limit=20"
