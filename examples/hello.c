// The bundled example: `scripts/demo.sh` compiles it to wasm32-wasi, runs
// it under timecraft (recording) and replays the recording.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  time_t now = time(NULL);
  unsigned char token[4];
  arc4random_buf(token, sizeof token);
  printf("Hello, World! from %s\n", argv[0]);
  printf("the time is %lld, a random token %02x%02x%02x%02x\n", (long long)now, token[0],
         token[1], token[2], token[3]);
  printf("(replay prints the same time and token: they come from the log)\n");
  return 0;
}
