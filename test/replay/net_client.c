// An HTTP/1.0 client over WasmEdge's socket extension, its imports declared
// by hand (wasi-libc has none of them): resolves HOST PORT with
// sock_getaddrinfo, connects, shows its local and peer addresses and two
// socket options, sends "GET / HTTP/1.0", prints the response. With a third
// argument UDP_PORT it also sends "ping" there with sock_send_to and prints
// the reply sock_recv_from got, and from where.
//
//   net_client HOST PORT [UDP_PORT]
//
// Exit status 1 when a call fails (the errno is printed, with its name).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WASMEDGE(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

// __wasi_address_t: a buffer of 4 / 16 raw bytes, or 128 bytes of "v2"
// storage (u16 family, then the address).
typedef struct {
  uint8_t* buf;
  uint32_t buf_len;
} address_t;

// __wasi_sockaddr_t and __wasi_addrinfo_t as WasmEdge lays them out.
typedef struct {
  uint8_t sa_family;
  uint32_t sa_data_len;
  uint8_t* sa_data;
} sockaddr_t;
typedef struct addrinfo_t {
  uint16_t ai_flags;
  uint8_t ai_family;
  uint8_t ai_socktype;
  uint8_t ai_protocol;
  uint32_t ai_addrlen;
  sockaddr_t* ai_addr;
  char* ai_canonname;
  uint32_t ai_canonname_len;
  struct addrinfo_t* ai_next;
} addrinfo_t;

enum { INET4 = 1, INET6 = 2 };
enum { SOCK_DGRAM_ = 1, SOCK_STREAM_ = 2 };
enum { SOL_SOCKET_ = 0, SO_TYPE_ = 1, SO_KEEPALIVE_ = 7 };

uint32_t sock_open(uint32_t af, uint32_t type, uint32_t* fd) WASMEDGE(sock_open);
uint32_t sock_connect(uint32_t fd, address_t* addr, uint32_t port) WASMEDGE(sock_connect);
uint32_t sock_getaddrinfo(const char* node, uint32_t node_len, const char* service,
                          uint32_t service_len, const addrinfo_t* hints, addrinfo_t** res,
                          uint32_t max_res, uint32_t* res_len) WASMEDGE(sock_getaddrinfo);
uint32_t sock_getlocaladdr(uint32_t fd, address_t* addr, uint32_t* port) WASMEDGE(sock_getlocaladdr);
uint32_t sock_getpeeraddr(uint32_t fd, address_t* addr, uint32_t* port) WASMEDGE(sock_getpeeraddr);
uint32_t sock_setsockopt(uint32_t fd, uint32_t level, uint32_t name, const int32_t* value,
                         uint32_t size) WASMEDGE(sock_setsockopt);
uint32_t sock_getsockopt(uint32_t fd, uint32_t level, uint32_t name, int32_t* value,
                         uint32_t* size) WASMEDGE(sock_getsockopt);
uint32_t sock_send_to(uint32_t fd, const __wasi_ciovec_t* iovs, uint32_t iovs_len, address_t* addr,
                      uint32_t port, uint32_t flags, uint32_t* nsent) WASMEDGE(sock_send_to);
uint32_t sock_recv_from(uint32_t fd, const __wasi_iovec_t* iovs, uint32_t iovs_len, address_t* addr,
                        uint32_t flags, uint32_t* port, uint32_t* nread,
                        uint16_t* roflags) WASMEDGE(sock_recv_from);

static const char* errno_name(uint32_t e) {
  switch (e) {
    case 8: return "EBADF";
    case 14: return "ECONNREFUSED";
    case 28: return "EINVAL";
    case 76: return "ENOTCAPABLE";
    case 84: return "EAI_NONAME";
    default: return "?";
  }
}

static void check(uint32_t e, const char* what) {
  if (e == 0) return;
  printf("%s: errno %u (%s)\n", what, e, errno_name(e));
  exit(1);
}

// "127.0.0.1:8080" from v2 storage and a port.
static void show(const char* label, const uint8_t* storage, uint32_t port) {
  uint16_t family = (uint16_t)(storage[0] | storage[1] << 8);
  const uint8_t* a = storage + 2;
  if (family == INET4) printf("%s %u.%u.%u.%u:%u\n", label, a[0], a[1], a[2], a[3], port);
  else printf("%s family %u port %u\n", label, family, port);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: net_client HOST PORT [UDP_PORT]\n");
    return 2;
  }
  const char* host = argv[1];
  const char* port = argv[2];

  // Resolve: two preallocated results, linked by ai_next.
  uint8_t data[2][26];
  sockaddr_t sa[2];
  addrinfo_t ai[2];
  memset(ai, 0, sizeof ai);
  for (int i = 0; i < 2; ++i) {
    sa[i] = (sockaddr_t){0, sizeof data[i], data[i]};
    ai[i].ai_addr = &sa[i];
    ai[i].ai_next = i == 0 ? &ai[1] : NULL;
  }
  addrinfo_t hints = {0};
  hints.ai_family = INET4;
  hints.ai_socktype = SOCK_STREAM_;
  addrinfo_t* res = ai;
  uint32_t n = 0;
  check(sock_getaddrinfo(host, strlen(host), port, strlen(port), &hints, &res, 2, &n),
        "sock_getaddrinfo");
  if (n == 0) {
    printf("sock_getaddrinfo: no address\n");
    return 1;
  }
  const uint8_t* d = res->ai_addr->sa_data;  // port (network order), then the address
  uint32_t rport = (uint32_t)d[0] << 8 | d[1];
  printf("resolved %s:%s -> %u.%u.%u.%u:%u (%u result%s)\n", host, port, d[2], d[3], d[4], d[5],
         rport, n, n == 1 ? "" : "s");

  uint32_t fd;
  check(sock_open(INET4, SOCK_STREAM_, &fd), "sock_open");
  int32_t one = 1, value = 0;
  uint32_t size = sizeof value;
  check(sock_setsockopt(fd, SOL_SOCKET_, SO_KEEPALIVE_, &one, sizeof one), "sock_setsockopt");
  check(sock_getsockopt(fd, SOL_SOCKET_, SO_KEEPALIVE_, &value, &size), "sock_getsockopt");
  printf("SO_KEEPALIVE=%d", value);
  check(sock_getsockopt(fd, SOL_SOCKET_, SO_TYPE_, &value, &size), "sock_getsockopt");
  printf(" SO_TYPE=%s\n", value == SOCK_STREAM_ ? "STREAM" : "?");

  uint8_t storage[128] = {INET4, 0, d[2], d[3], d[4], d[5]};
  address_t addr = {storage, sizeof storage};
  char what[64];
  snprintf(what, sizeof what, "sock_connect(%u.%u.%u.%u:%u)", d[2], d[3], d[4], d[5], rport);
  check(sock_connect(fd, &addr, rport), what);

  uint8_t local[128], peer[128];
  address_t la = {local, sizeof local}, pa = {peer, sizeof peer};
  uint32_t lport, pport;
  check(sock_getlocaladdr(fd, &la, &lport), "sock_getlocaladdr");
  check(sock_getpeeraddr(fd, &pa, &pport), "sock_getpeeraddr");
  show("local", local, 0);  // the port is ephemeral: "0" keeps the output the same run to run
  show("peer", peer, pport);
  if (lport == 0) printf("local port missing\n");

  char req[256];
  int len = snprintf(req, sizeof req, "GET / HTTP/1.0\r\nHost: %s:%s\r\n\r\n", host, port);
  __wasi_ciovec_t out = {(const uint8_t*)req, (size_t)len};
  size_t sent = 0;
  check(__wasi_sock_send(fd, &out, 1, 0, &sent), "sock_send");
  printf("sent %zu bytes\n", sent);
  char buf[4096];
  size_t total = 0;
  for (;;) {
    __wasi_iovec_t in = {(uint8_t*)buf, sizeof buf};
    size_t got = 0;
    __wasi_roflags_t ro;
    check(__wasi_sock_recv(fd, &in, 1, 0, &got, &ro), "sock_recv");
    if (got == 0) break;
    fwrite(buf, 1, got, stdout);
    total += got;
  }
  printf("\n-- %zu bytes received\n", total);
  (void)__wasi_fd_close(fd);

  if (argc > 3) {
    uint32_t udp_port = (uint32_t)atoi(argv[3]);
    uint32_t u;
    check(sock_open(INET4, SOCK_DGRAM_, &u), "sock_open(udp)");
    const char ping[] = "ping";
    __wasi_ciovec_t p = {(const uint8_t*)ping, 4};
    uint32_t nsent;
    check(sock_send_to(u, &p, 1, &addr, udp_port, 0, &nsent), "sock_send_to");
    uint8_t from[128];
    address_t fa = {from, sizeof from};
    char reply[64];
    __wasi_iovec_t r = {(uint8_t*)reply, sizeof reply - 1};
    uint32_t fport, nread;
    uint16_t roflags;
    check(sock_recv_from(u, &r, 1, &fa, 0, &fport, &nread, &roflags), "sock_recv_from");
    reply[nread] = 0;
    printf("udp: sent %u bytes, got \"%s\" ", nsent, reply);
    show("from", from, fport);
    (void)__wasi_fd_close(u);
  }
  return 0;
}
