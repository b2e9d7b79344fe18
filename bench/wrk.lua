-- wrk script of bench/throughput.py. Every request says it came over HTTPS, as nginx's do.
-- BENCH_NOCACHE=<token>: each request gets a query parameter of its own (nocache=<token>-<thread>-<n>),
-- so each misses the page cache. BENCH_IF_NONE_MATCH=<etag>: a conditional GET.
-- done() prints one line "BENCH {json}" with the figures bench/throughput.py reads.

local nocache = os.getenv("BENCH_NOCACHE") or ""
local etag = os.getenv("BENCH_IF_NONE_MATCH") or ""
local threads = {}
local counter = 0
local fixed

wrk.headers["X-Forwarded-Proto"] = "https"
if etag ~= "" then
  wrk.headers["If-None-Match"] = etag
end

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  fixed = wrk.format(nil, wrk.path)
end

function request()
  if nocache == "" then
    return fixed
  end
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  local path = wrk.path .. separator .. "nocache=" .. nocache .. "-" .. thread_id .. "-" .. counter
  return wrk.format(nil, path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
