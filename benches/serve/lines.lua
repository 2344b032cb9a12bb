-- wrk: the whole book $BOOK (JSON Lines) in every request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-ndjson"
local f = assert(io.open(os.getenv("BOOK"), "rb"))
wrk.body = f:read("*a")
f:close()
