-- GET a different path on each request, in turn, from a file with one path per line:
--   wrk -s bench/wrk/paths.lua URL -- /tmp/paths.txt
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
