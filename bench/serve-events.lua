-- wrk script for gru4rec-serve's stateful endpoint: POST /v1/sessions/{sid}/events
-- with {"item": ..., "k": 10}. Each request picks a random session among SESSIONS
-- (or, with DISTINCT=1, a new session id every request) and a random item id read
-- from ITEMS (one id per line). With LIMIT set, each thread stops after LIMIT
-- responses, so a run is bounded in count as well as in time (wrk -d).
local items = {}
local sessions = tonumber(os.getenv("SESSIONS") or "10000")
local distinct = os.getenv("DISTINCT") == "1"
local limit = tonumber(os.getenv("LIMIT") or "0")
local prefix = os.getenv("PREFIX") or "t"
for line in io.lines(os.getenv("ITEMS")) do items[#items + 1] = line end

local counter = 0
local responses = 0
local thread_id = 0
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(1234 + thread_id)
end

function request()
  counter = counter + 1
  local sid
  if distinct then sid = prefix .. thread_id .. "-" .. counter else sid = "s" .. math.random(sessions) end
  local body = '{"item": "' .. items[math.random(#items)] .. '", "k": 10}'
  return wrk.format("POST", "/v1/sessions/" .. sid .. "/events", {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  responses = responses + 1
  if limit > 0 and responses >= limit then wrk.thread:stop() end
end
