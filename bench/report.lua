-- wrk script: rotate through the paths in the file given after --, optionally make every
-- request unique (to measure cache misses), and print one JSON line with the figures.
local paths = {}
local counter = 0
local unique = false
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do table.insert(paths, line) end
  unique = args[2] == "unique"
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  if unique then
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "_=" .. id .. "-" .. counter
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "max": %.2f, "errors": %d, "requests": %d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect + e.read + e.write + e.status + e.timeout, summary.requests))
end
