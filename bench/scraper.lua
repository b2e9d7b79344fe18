-- wrk script of bench/throughput.py's scraper: one client, as fast as it can, asking for public
-- pages with made-up query parameters (which the pages ignore: served from the cache) and for
-- random searches (each a page to render, until the client's budget is spent: then 429s).
-- BENCH_SCRAPER_IP: the address it claims (X-Real-IP, as nginx sets it); BENCH_SEED: the random
-- seed. done() prints "BENCH {json}" with the count of each status it got.

local pages = {"/en/", "/en/cases/", "/en/sources/", "/en/stats/", "/en/about/", "/ru/cases/"}
local letters = "abcdefghijklmnopqrstuvwxyz"
local threads = {}
statuses = {}  -- global: done() reads each thread's copy with thread:get

wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["X-Real-IP"] = os.getenv("BENCH_SCRAPER_IP") or "198.51.100.7"

local function word(length)
  local chars = {}
  for i = 1, length do
    local n = math.random(1, #letters)
    chars[i] = string.sub(letters, n, n)
  end
  return table.concat(chars)
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
end

function request()
  local path
  if math.random() < 0.5 then
    path = pages[math.random(1, #pages)] .. "?" .. word(3) .. "=" .. word(8)
  else
    path = "/en/cases/?q=" .. word(math.random(3, 9))
  end
  return wrk.format(nil, path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, table.concat(parts, ", ")))
end
