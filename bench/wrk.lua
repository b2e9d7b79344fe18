-- wrk script of bench/throughput.py. Every request says it came over HTTPS, as nginx's do.
-- BENCH_NOCACHE=<token>: each request names a host of its own (<token>-<thread>-<n>.nocache.invalid,
-- which the benchmark's ALLOWED_HOSTS admits), so each misses the page cache, and comes from an
-- address of its own (X-Real-IP), as many readers each opening a page would, so that no client's
-- budget of rendered pages runs out. Query parameters would not do: pages ignore those they do
-- not read. BENCH_IF_NONE_MATCH=<etag>: a conditional GET.
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
  local host = nocache .. "-" .. thread_id .. "-" .. counter .. ".nocache.invalid"
  local address = string.format("10.%d.%d.%d", thread_id % 256, math.floor(counter / 256) % 256, counter % 256)
  -- wrk.format uses the headers given instead of wrk.headers: start from a copy of those.
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Host"] = host
  headers["X-Real-IP"] = address
  return wrk.format(nil, wrk.path, headers)
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
