// Forced-included (-include) into the wasm build of Lua: WASI has no
// temporary file names, so os.tmpname fails cleanly (loslib.c's hooks).
#define LUA_TMPNAMBUFSIZE 32
#define lua_tmpnam(b, e) ((b)[0] = '\0', (e) = -1)
