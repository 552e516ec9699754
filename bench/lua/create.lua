-- POST /api/workflows, the same small body every time (ids are made by the server); with BENCH_IDEMPOTENCY=1
-- each with an Idempotency-Key of its own.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/api/workflows"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"workflow_name":"bench-create","initial_data":{"source":"wrk","n":1}}'

if idempotency then
  function init(args)
    n = 0
    seed()
  end

  function request()
    n = n + 1
    return wrk.format("POST", "/api/workflows", write_headers(n), wrk.body)
  end
end
