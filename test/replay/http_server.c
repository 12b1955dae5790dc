// A tiny HTTP/1.1 server for `timecraft run --listen ADDR:PORT` (the
// listener is fd 3 when no --dir is given): accept(), then requests on the
// connection until the client closes it (keep-alive) or asks to close.
// Exits after argv[1] requests so that a test ends. Paths:
//   GET /hello  200 "hello, world\n"      GET /big  200, 3000 bytes
//   POST /echo  200, the request body     anything else: 404
// Reads with recv() (sock_recv); writes the head with send() (sock_send)
// and the body with write() (fd_write): the trace counts both.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];
static size_t have;

// Reads until `buf` holds at least `n` bytes; 0 when the peer closed first.
static int fill(int fd, size_t n) {
  while (have < n) {
    ssize_t r = recv(fd, buf + have, sizeof buf - have, 0);
    if (r <= 0) return 0;
    have += (size_t)r;
  }
  return 1;
}

static void drop(size_t n) {
  memmove(buf, buf + n, have - n);
  have -= n;
}

static size_t content_length(const char* head) {
  const char* p = head;
  while ((p = strchr(p, '\n')) != NULL) {
    ++p;
    if (strncasecmp(p, "Content-Length:", 15) == 0) return (size_t)strtoul(p + 15, NULL, 10);
  }
  return 0;
}

static void respond(int fd, int status, const char* reason, const char* body, size_t len,
                    int close_after) {
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n",
                   status, reason, len, close_after ? "Connection: close\r\n" : "");
  send(fd, head, (size_t)n, 0);
  if (len) write(fd, body, len);
}

// One request from the connection; 0 when there is none (the peer closed).
static int serve_one(int fd, int* close_after) {
  char* end;
  while ((end = memmem(buf, have, "\r\n\r\n", 4)) == NULL)
    if (!fill(fd, have + 1)) return 0;
  size_t head_len = (size_t)(end - buf) + 4;
  buf[head_len - 1] = '\0';  // the head as a string (the last '\n' is not needed)
  char method[16] = "", path[256] = "";
  sscanf(buf, "%15s %255s", method, path);
  size_t body_len = content_length(buf);
  *close_after = strcasestr(buf, "\r\nConnection: close") != NULL;
  if (!fill(fd, head_len + body_len)) return 0;
  if (strcmp(method, "POST") == 0 && strcmp(path, "/echo") == 0) {
    respond(fd, 200, "OK", buf + head_len, body_len, *close_after);
  } else if (strcmp(method, "GET") == 0 && strcmp(path, "/hello") == 0) {
    respond(fd, 200, "OK", "hello, world\n", 13, *close_after);
  } else if (strcmp(method, "GET") == 0 && strcmp(path, "/big") == 0) {
    static char big[3000];
    for (size_t i = 0; i < sizeof big; ++i) big[i] = (char)('a' + i % 26);
    respond(fd, 200, "OK", big, sizeof big, *close_after);
  } else {
    respond(fd, 404, "Not Found", "not found\n", 10, *close_after);
  }
  drop(head_len + body_len);
  return 1;
}

int main(int argc, char** argv) {
  int left = argc > 1 ? atoi(argv[1]) : 1;
  int listener = argc > 2 ? atoi(argv[2]) : 3;
  while (left > 0) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
      perror("accept");
      return 1;
    }
    have = 0;
    int close_after = 0;
    while (left > 0 && !close_after && serve_one(fd, &close_after)) --left;
    shutdown(fd, SHUT_WR);
    close(fd);
  }
  printf("served all requests\n");
  return 0;
}
