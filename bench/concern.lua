-- wrk script: POST /api/v1/concerns, each request a valid, distinct concern
-- (anonymous; run youyue with --anon-rate 0).  The station cycles over
-- 1..BENCH_STATIONS (default 128, the demo district's), the title and body
-- carry the thread and request number.  Any answer but 201 is counted and
-- printed at the end (wrk itself only reports non-2xx/3xx).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local n = 0
local bad = 0
local stations = tonumber(os.getenv("BENCH_STATIONS") or "128")
local headers = { ["Content-Type"] = "application/json" }

function request()
  n = n + 1
  local st = (n * 7 + tid * 13) % stations + 1
  local body = string.format(
    '{"title":"小区路灯不亮 %d-%d","body":"晚上出行很不方便，希望尽快维修。编号 %d-%d",' ..
    '"category":"城市建设与管理","station_id":%d,"contact_name":"王先生",' ..
    '"contact_phone":"13800138000"}', tid, n, tid, n, st)
  return wrk.format("POST", "/api/v1/concerns", headers, body)
end

function response(status, hdrs, body)
  if status ~= 201 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("bad") or 0)
  end
  io.write(string.format("not 201: %d\n", total))
end
