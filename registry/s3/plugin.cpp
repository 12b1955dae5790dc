// The entry point of bin/libtimecraft_s3.so, the S3 store as a library that
// bin/timecraft loads (remote_store.cpp) only when a remote is configured:
// libcurl and what it pulls in are then mapped by remote runs only.
#include <cstring>
#include <memory>

#include "registry/s3/s3_plugin.hpp"
#include "registry/s3/s3_store.hpp"

extern "C" __attribute__((visibility("default"))) tc::registry::ObjectStore* timecraft_s3_open(
    const char* url, const char* endpoint, const char* region, std::string* error) {
  auto store = tc::registry::s3::S3Store::open(url, endpoint, region);
  if (!store) {
    *error = store.error().message;
    return nullptr;
  }
  return store->release();
}

extern "C" __attribute__((visibility("default"))) int timecraft_s3_abi() {
  return TIMECRAFT_S3_ABI;
}
