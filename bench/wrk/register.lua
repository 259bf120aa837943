-- POST a registration with a fresh e-mail address on every request (no cookies: a script is not a browser):
--   wrk -s bench/wrk/register.lua URL -- /api/events/SLUG/registrations RUN-ID
local threads = 0
local path, run  -- thread_id is a global set by setup()
local counter = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  path = args[1]
  run = args[2] or "run"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"Deelnemer %d-%d","email":"p%s-%d-%d@gemeente.example","organisation":"Gemeente"}',
    thread_id, counter, run, thread_id, counter)
  return wrk.format("POST", path, nil, body)
end
