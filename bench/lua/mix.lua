-- 80% reads, 20% writes: 60% get, 10% list (limit 20), 10% history, 10% create, 10% update.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local create_body = '{"workflow_name":"bench-mix","initial_data":{"source":"wrk","n":1}}'

function init(args)
  read_ids = load_ids("read-ids.txt")
  update_ids = load_ids("update-ids.txt")
  n = 0
  seed()
end

function request()
  local r = math.random(100)
  if r <= 60 then
    return wrk.format("GET", "/api/workflows/" .. read_ids[math.random(#read_ids)])
  elseif r <= 70 then
    return wrk.format("GET", "/api/workflows?limit=20")
  elseif r <= 80 then
    return wrk.format("GET", "/api/workflows/" .. read_ids[math.random(#read_ids)] .. "/history")
  elseif r <= 90 then
    return wrk.format("POST", "/api/workflows", json_headers, create_body)
  else
    n = n + 1
    return wrk.format("PUT", "/api/workflows/" .. update_ids[math.random(#update_ids)], json_headers,
      '{"status":"running","current_step":"m-' .. tid .. '-' .. n .. '"}')
  end
end
