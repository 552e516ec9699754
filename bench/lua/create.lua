-- POST /api/workflows, the same small body every time (ids are made by the server).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/api/workflows"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"workflow_name":"bench-create","initial_data":{"source":"wrk","n":1}}'
