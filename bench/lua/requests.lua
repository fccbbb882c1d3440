-- Sends the requests listed in the file named by BENCH_REQUESTS, one line each:
-- METHOD <tab> PATH <tab> COOKIE <tab> BODY. Each wrk thread takes every n-th line, so no
-- two requests are the same one; a thread past its last line starts again from its first.
-- A file of fewer lines than threads (one page asked again and again) is every thread's.
-- BENCH_BODY_FILE, if set, is the body of every request (an upload), and BENCH_CONTENT_TYPE
-- its type. BENCH_PORTS, if set, lists the ports of several web nodes on wrk's host (comma
-- separated): the threads take them in turn, so each node gets the same share of the
-- connections. At the end it prints how many requests were sent and how many answered 2xx/3xx.

local threads = {}
local count = 0
local nodes = nil

function setup(thread)
  count = count + 1
  thread:set("number", count)
  table.insert(threads, thread)
  local ports = os.getenv("BENCH_PORTS") or ""
  if ports ~= "" then
    if not nodes then
      nodes = {}
      for port in ports:gmatch("%d+") do
        table.insert(nodes, wrk.lookup(wrk.host, port)[1])
      end
    end
    thread.addr = nodes[(count - 1) % #nodes + 1]
  end
end

function init(args)
  local total = tonumber(args[1])
  local shared_body = nil
  local body_file = os.getenv("BENCH_BODY_FILE")
  if body_file and body_file ~= "" then
    local file = assert(io.open(body_file, "rb"))
    shared_body = file:read("*a")
    file:close()
  end
  local content_type = os.getenv("BENCH_CONTENT_TYPE") or "application/x-www-form-urlencoded"
  local lines = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do table.insert(lines, line) end
  mine = {}
  for line_number, line in ipairs(lines) do
    if #lines < total or (line_number - number) % total == 0 then
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      local headers = { Cookie = cookie }
      if method == "POST" then headers["Content-Type"] = content_type end
      table.insert(mine, wrk.format(method, path, headers, shared_body or body))
    end
  end
  index = 0
  sent = 0
  answered = 0
end

function request()
  index = index % #mine + 1
  sent = sent + 1
  return mine[index]
end

function response(status, headers, body)
  if status < 400 then answered = answered + 1 end
end

function done(summary, latency, requests)
  local total_sent, total_answered = 0, 0
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_answered = total_answered + thread:get("answered")
  end
  io.write(string.format("BENCH sent %d answered-ok %d\n", total_sent, total_answered))
end
