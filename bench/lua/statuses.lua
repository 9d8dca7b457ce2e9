-- wrk script: counts responses by status (wrk itself counts a 302 to the
-- login page as a success) and prints p50/p99 latency, plus, with
-- TIMELINE=1, the statuses per second (bench/pg_restart.sh reads those).
-- Counters use string keys: wrk copies tables between threads by string key.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
end

function response(status, headers, body)
  local key = os.time() .. " " .. status
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals, seconds, first = {}, {}, nil
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do
      local second, status = key:match("(%d+) (%d+)")
      second, status = tonumber(second), tonumber(status)
      totals[status] = (totals[status] or 0) + count
      seconds[second] = seconds[second] or {}
      seconds[second][status] = (seconds[second][status] or 0) + count
      if first == nil or second < first then first = second end
    end
  end
  local not_ok = 0
  io.write("statuses:")
  for status, count in pairs(totals) do
    io.write(string.format(" %d=%d", status, count))
    if status ~= 200 then not_ok = not_ok + count end
  end
  io.write("\n")
  local errors = summary.errors
  io.write(string.format(
    "summary: %.0f req/s, p50 %.1f ms, p99 %.1f ms, non-200 %d, socket errors %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, not_ok,
    errors.connect + errors.read + errors.write + errors.timeout))
  if os.getenv("TIMELINE") == "1" and first then
    local keys = {}
    for second in pairs(seconds) do table.insert(keys, second) end
    table.sort(keys)
    for _, second in ipairs(keys) do
      io.write(string.format("t+%02ds", second - first))
      for status, count in pairs(seconds[second]) do
        io.write(string.format(" %d=%d", status, count))
      end
      io.write("\n")
    end
  end
end
