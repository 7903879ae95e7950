-- wrk script: cycle through the paths in a file (first argument after --), count statuses.
-- wrk -t2 -c16 -d60s --latency -s paths.lua -H "Cookie: ..." http://127.0.0.1:PORT -- paths.txt

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  index = math.random(#paths)
  ok, redirect, client_error, server_error = 0, 0, 0, 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  if status >= 500 then
    server_error = server_error + 1
  elseif status >= 400 then
    client_error = client_error + 1
  elseif status >= 300 then
    redirect = redirect + 1  -- a redirect here means the session was lost
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local totals = {ok = 0, redirect = 0, client_error = 0, server_error = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write("RESULT requests=", summary.requests, "\n")
  io.write(string.format("RESULT requests_per_second=%.1f\n", summary.requests / seconds))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("RESULT latency_p%d_ms=%.1f\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("RESULT latency_max_ms=%.1f\n", latency.max / 1000))
  io.write("RESULT status_2xx=", totals.ok, "\n")
  io.write("RESULT status_3xx=", totals.redirect, "\n")
  io.write("RESULT status_4xx=", totals.client_error, "\n")
  io.write("RESULT status_5xx=", totals.server_error, "\n")
  io.write("RESULT socket_errors=",
    errors.connect + errors.read + errors.write + errors.timeout, "\n")
end
