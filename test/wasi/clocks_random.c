// Clocks, random_get, sched_yield and poll_oneoff (clock and fd subscriptions).
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>
#include "common.h"

static __wasi_timestamp_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(id, 1, &t);
  return t;
}

int main(void) {
  __wasi_timestamp_t res = 0;
  SHOW("res monotonic", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res));
  printf("res > 0: %d\n", res > 0);
  SHOW("res bad clock", __wasi_clock_res_get(42, &res));
  printf("realtime after 2020: %d\n", now(__WASI_CLOCKID_REALTIME) > 1577836800ull * 1000000000ull);
  __wasi_timestamp_t a = now(__WASI_CLOCKID_MONOTONIC);
  struct timespec ts = {0, 20 * 1000 * 1000};
  nanosleep(&ts, NULL);  // poll_oneoff with a relative clock subscription
  __wasi_timestamp_t b = now(__WASI_CLOCKID_MONOTONIC);
  printf("slept >= 20ms: %d\n", b - a >= 20ull * 1000 * 1000);
  printf("process cputime: %d\n", now(__WASI_CLOCKID_PROCESS_CPUTIME_ID) > 0);

  unsigned char buf[256];
  memset(buf, 0, sizeof buf);
  SHOW("random_get", __wasi_random_get(buf, sizeof buf));
  int nonzero = 0;
  for (size_t i = 0; i < sizeof buf; ++i) nonzero += buf[i] != 0;
  printf("random mostly non-zero: %d\n", nonzero > 200);
  SHOW("random_get 0 bytes", __wasi_random_get(buf, 0));
  SHOW("sched_yield", __wasi_sched_yield());

  // An absolute deadline in the past fires at once; stdout (fd 1) is writable.
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 0;
  subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  subs[1].userdata = 22;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[1].u.u.fd_write.file_descriptor = 1;
  __wasi_event_t ev[2];
  __wasi_size_t n = 0;
  SHOW("poll clock+fd", __wasi_poll_oneoff(subs, ev, 2, &n));
  int saw11 = 0, saw22 = 0;
  for (__wasi_size_t i = 0; i < n; ++i) {
    saw11 |= ev[i].userdata == 11 && ev[i].type == __WASI_EVENTTYPE_CLOCK;
    saw22 |= ev[i].userdata == 22 && ev[i].type == __WASI_EVENTTYPE_FD_WRITE && ev[i].error == 0;
  }
  printf("events: clock=%d fd=%d\n", saw11, saw22);
  subs[1].u.u.fd_write.file_descriptor = 77;
  SHOW("poll bad fd", __wasi_poll_oneoff(subs + 1, ev, 1, &n));
  printf("bad fd event: n=%u error=%s\n", n, wasi_errno_name(ev[0].error));
  SHOW("poll no subscriptions", __wasi_poll_oneoff(subs, ev, 0, &n));
  return 0;
}
