-- Lua 5.4 tuning-corpus workload (bench/real.sh corpus): other code than
-- bench.lua, for the op profile that fusion choices are made from.
local scale = tonumber(arg and arg[1]) or 1
local h = 0
local function mix(v) h = (h * 33 + v) % 4294967296 end

-- a small JSON-like serializer over nested tables
local function ser(v, out)
  local t = type(v)
  if t == "table" then
    out[#out + 1] = "{"
    for i = 1, #v do ser(v[i], out); out[#out + 1] = "," end
    out[#out + 1] = "}"
  elseif t == "string" then out[#out + 1] = '"' .. v .. '"'
  else out[#out + 1] = tostring(v) end
end
for r = 1, 300 * scale do
  local doc = {}
  for i = 1, 50 do doc[i] = {i, "k" .. (i * r % 13), {r % 7, i % 3}} end
  local out = {}
  ser(doc, out)
  mix(#table.concat(out))
end

-- integer sieve and bit operations
local N = 200000 * scale
local comp = {}
local cnt = 0
for i = 2, N do
  if not comp[i] then cnt = cnt + 1; for j = i * i, N, i do comp[j] = true end end
end
mix(cnt)
local v = 0
for i = 1, 300000 * scale do v = (v ~ (i << 3)) & 0xffffff; v = v | (i >> 2) end
mix(v)

-- a queue/stack simulation with table.insert/remove
local q = {}
for i = 1, 30000 * scale do
  table.insert(q, i)
  if i % 3 == 0 then mix(table.remove(q, 1) % 1000) end
end
mix(#q)
print(string.format("checksum: %08x", h))
