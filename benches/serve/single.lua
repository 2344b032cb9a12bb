-- wrk: one snapshot per request, taken in turn from the book $BOOK (JSON Lines).
-- With $FP_A and $FP_B set, every response's X-Policy-Fingerprint is checked
-- to be one of the two (for the run with reloads).
local bodies = {}
for line in io.lines(os.getenv("BOOK")) do
  bodies[#bodies + 1] = line
end
local i = 0
local fp_a, fp_b = os.getenv("FP_A"), os.getenv("FP_B")
a, b, neither = 0, 0, 0

request = function()
  i = i % #bodies + 1
  return wrk.format("POST", "/v1/decide", { ["Content-Type"] = "application/json" }, bodies[i])
end

if fp_a then
  response = function(status, headers, body)
    local fp = headers["x-policy-fingerprint"]
    if status == 200 and fp == fp_a then
      a = a + 1
    elseif status == 200 and fp == fp_b then
      b = b + 1
    else
      neither = neither + 1
    end
  end
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end

done = function(summary, latency, requests)
  if fp_a then
    local ta, tb, tn = 0, 0, 0
    for _, t in ipairs(threads) do
      ta, tb, tn = ta + t:get("a"), tb + t:get("b"), tn + t:get("neither")
    end
    io.write(string.format("fingerprints: %d responses by A, %d by B, %d failed or by neither\n", ta, tb, tn))
  end
end
