// Debian's patched luaconf.h includes this generated header (debian/rules
// writes it at build time); the benchmark builds load no C modules.
#define DEB_HOST_MULTIARCH "none"
