-- Lua 5.4 benchmark (reported set): tables, strings, closures, sorting.
--   lua bench.lua [SCALE]     (SCALE 1 = the full run)
local scale = tonumber(arg and arg[1]) or 1
local h = 0
local function mix(v) h = (h * 31 + v) % 4294967296 end

-- 1. a hash table of string keys: word counts over generated text
local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
local counts, x = {}, 12345
for i = 1, 120000 * scale do
  x = (x * 1103515245 + 12345) % 2147483648
  local w = words[x % 8 + 1] .. (x % 97)
  counts[w] = (counts[w] or 0) + 1
end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do mix(counts[k]); mix(#k) end

-- 2. closures and higher-order functions
local function map(t, f) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function fold(t, f, a) for i = 1, #t do a = f(a, t[i]) end return a end
local nums = {}
for i = 1, 2000 do nums[i] = i end
for r = 1, 60 * scale do
  local k = r
  local sq = map(nums, function(v) return (v * v + k) % 1000 end)
  mix(fold(sq, function(a, v) return (a + v) % 1000003 end, 0))
end

-- 3. objects with metatables (a vector class) and method calls
local Vec = {}
Vec.__index = Vec
function Vec.new(a, b) return setmetatable({a = a, b = b}, Vec) end
function Vec.__add(p, q) return Vec.new(p.a + q.a, p.b + q.b) end
function Vec:dot(q) return self.a * q.a + self.b * q.b end
local acc = Vec.new(0, 0)
for i = 1, 150000 * scale do
  acc = acc + Vec.new(i % 7, i % 5)
  if i % 1000 == 0 then mix(acc:dot(Vec.new(1, 2)) % 65536) end
end

-- 4. strings: building, gsub, find, format
local parts = {}
for i = 1, 20000 * scale do parts[#parts + 1] = string.format("%d:%x", i, i * 7) end
local s = table.concat(parts, ",")
local n = 0
for a, b in s:gmatch("(%d+):(%x+)") do n = n + #a + #b end
mix(n)
mix(#s:gsub("1", "one"))
mix(s:find("19999:", 1, true) or 0)

-- 5. sort with a comparator
local arr = {}
for i = 1, 40000 * scale do x = (x * 1103515245 + 12345) % 2147483648; arr[i] = x % 100000 end
table.sort(arr, function(p, q) return p > q end)
for i = 1, #arr, 97 do mix(arr[i]) end

print(string.format("checksum: %08x", h))
