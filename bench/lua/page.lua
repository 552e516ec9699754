-- GET BENCH_PAGE (a path with its query): one page of a list, the same page every time (bench/run.sh pages).
dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.path = os.getenv("BENCH_PAGE")
