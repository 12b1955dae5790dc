// A one-connection HTTP server over WasmEdge's socket extension: sock_open,
// sock_bind to ADDR PORT, sock_listen, then preview1's sock_accept; reads a
// request, prints its first line, answers "200 OK" with a fixed body.
//
//   net_server ADDR PORT        (ADDR an IPv4 address)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WASMEDGE(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef struct {
  uint8_t* buf;
  uint32_t buf_len;
} address_t;

uint32_t sock_open(uint32_t af, uint32_t type, uint32_t* fd) WASMEDGE(sock_open);
uint32_t sock_bind(uint32_t fd, address_t* addr, uint32_t port) WASMEDGE(sock_bind);
uint32_t sock_listen(uint32_t fd, int32_t backlog) WASMEDGE(sock_listen);
uint32_t sock_getpeeraddr(uint32_t fd, address_t* addr, uint32_t* port) WASMEDGE(sock_getpeeraddr);

static void check(uint32_t e, const char* what) {
  if (e == 0) return;
  printf("%s: errno %u%s\n", what, e, e == 76 ? " (ENOTCAPABLE)" : "");
  exit(1);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: net_server ADDR PORT\n");
    return 2;
  }
  unsigned a[4];
  if (sscanf(argv[1], "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]) != 4) return 2;
  uint32_t port = (uint32_t)atoi(argv[2]);
  uint32_t fd;
  check(sock_open(1, 2, &fd), "sock_open");
  uint8_t storage[128] = {1, 0, (uint8_t)a[0], (uint8_t)a[1], (uint8_t)a[2], (uint8_t)a[3]};
  address_t addr = {storage, sizeof storage};
  check(sock_bind(fd, &addr, port), "sock_bind");
  check(sock_listen(fd, 16), "sock_listen");
  printf("listening on %s:%u\n", argv[1], port);
  fflush(stdout);
  __wasi_fd_t conn;
  check(__wasi_sock_accept(fd, 0, &conn), "sock_accept");
  uint8_t peer[128];
  address_t pa = {peer, sizeof peer};
  uint32_t pport;
  check(sock_getpeeraddr(conn, &pa, &pport), "sock_getpeeraddr");
  printf("accepted a connection from %u.%u.%u.%u\n", peer[2], peer[3], peer[4], peer[5]);
  char req[2048];
  size_t have = 0;
  while (have < sizeof req - 1 && !(have >= 4 && memcmp(req + have - 4, "\r\n\r\n", 4) == 0)) {
    __wasi_iovec_t in = {(uint8_t*)req + have, sizeof req - 1 - have};
    size_t got = 0;
    __wasi_roflags_t ro;
    check(__wasi_sock_recv(conn, &in, 1, 0, &got, &ro), "sock_recv");
    if (got == 0) break;
    have += got;
  }
  req[have] = 0;
  char* eol = strstr(req, "\r\n");
  if (eol) *eol = 0;
  printf("request: %s\n", req);
  const char body[] = "hello from net_server\n";
  char resp[256];
  int len = snprintf(resp, sizeof resp,
                     "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
  __wasi_ciovec_t out = {(const uint8_t*)resp, (size_t)len};
  size_t sent;
  check(__wasi_sock_send(conn, &out, 1, 0, &sent), "sock_send");
  (void)__wasi_fd_close(conn);
  (void)__wasi_fd_close(fd);
  printf("answered %zu bytes\n", sent);
  return 0;
}
