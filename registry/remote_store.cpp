#include "registry/remote_store.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "registry/s3/s3_plugin.hpp"

namespace tc::registry {

namespace {

std::string exe_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, size_t(n));
  auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}

struct Plugin {
  timecraft_s3_open_fn open = nullptr;
  std::string error;
};

const Plugin& plugin() {
  static Plugin p;
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> tried;
    if (const char* env = std::getenv("TIMECRAFT_S3_LIBRARY"); env && *env) {
      tried.push_back(env);
    } else {
      std::string dir = exe_dir();
      tried.push_back(dir + "/libtimecraft_s3.so");
      tried.push_back(dir + "/../libtimecraft_s3.so");
    }
    void* h = nullptr;
    std::string why;
    for (const auto& path : tried) {
      if (::access(path.c_str(), F_OK) != 0) continue;
      h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (h) break;
      const char* e = ::dlerror();
      why = e ? e : path + ": cannot load";
    }
    if (!h) {
      p.error = why.empty() ? "remote registry: " + tried.front() +
                                  " not found (the S3 support library, built with timecraft)"
                            : "remote registry: " + why;
      return;
    }
    auto abi = reinterpret_cast<timecraft_s3_abi_fn>(::dlsym(h, "timecraft_s3_abi"));
    auto open = reinterpret_cast<timecraft_s3_open_fn>(::dlsym(h, "timecraft_s3_open"));
    if (!abi || !open || abi() != TIMECRAFT_S3_ABI) {
      p.error = "remote registry: the S3 support library does not match this timecraft (rebuild it)";
      return;
    }
    p.open = open;
  });
  return p;
}

}  // namespace

Expected<std::shared_ptr<ObjectStore>> open_remote_store(const std::string& url,
                                                         const std::string& endpoint,
                                                         const std::string& region) {
  const Plugin& p = plugin();
  if (!p.open) return make_error(ErrorKind::Usage, p.error);
  std::string error;
  ObjectStore* s = p.open(url.c_str(), endpoint.c_str(), region.c_str(), &error);
  if (!s) return make_error(ErrorKind::Usage, "remote registry: " + error);
  return std::shared_ptr<ObjectStore>(s);
}

}  // namespace tc::registry
