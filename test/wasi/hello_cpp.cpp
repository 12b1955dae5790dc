// C++ (libc++, -fno-exceptions) through WASI: iostreams-free formatting,
// containers, and file I/O via <cstdio>.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> words = {"pear", "apple", "fig"};
  std::sort(words.begin(), words.end());
  std::map<std::string, size_t> len;
  for (const auto& w : words) len[w] = w.size();
  for (const auto& [w, n] : len) std::printf("%s=%zu\n", w.c_str(), n);
  std::printf("args=%d\n", argc);
  return 0;
}
