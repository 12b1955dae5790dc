// What a registry keeps its data in: an object store. Keys are
// '/'-separated paths relative to the store's root ("modules/sha256/<hex>",
// "processes/<id>/process.json", "processes/<id>/log/00000000"); values are
// opaque bytes. Two implementations: a local directory (local_store.hpp)
// and an S3 bucket prefix (s3/, a later layer), so that the registry, the
// log writer and the log reader work the same on both.
//
// The registry relies on these guarantees, which both implementations keep:
//   - a reader sees an object whole or not at all (never a partial write);
//   - put_if_absent is atomic: of two writers of one key, exactly one gets
//     Stored and the other AlreadyExists (S3: PUT with If-None-Match: *,
//     412 Precondition Failed = already there);
//   - list() is sorted by key, ascending, and complete (no page limit).
// Errors are Io errors whose message names the store and key, one line
// ("s3://runs/team-a/processes/7f.../process.json: 403 AccessDenied").
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "interp/error.hpp"

namespace tc::registry {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t mtime_unix_ns = 0;  // when it was last written (0 if unknown)
};

enum class PutResult { Stored, AlreadyExists };

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Where it is, for messages: "/home/u/.timecraft", "s3://runs/team-a".
  virtual std::string describe() const = 0;

  // nullopt if the object does not exist.
  virtual Expected<std::optional<ObjectInfo>> head(const std::string& key) const = 0;
  // The whole object; nullopt if it does not exist.
  virtual Expected<std::optional<std::vector<uint8_t>>> get(const std::string& key) const = 0;
  // Bytes [offset, offset + len) of the object (fewer at its end; none
  // past it); nullopt if it does not exist.
  virtual Expected<std::optional<std::vector<uint8_t>>> get_range(const std::string& key,
                                                                  uint64_t offset,
                                                                  uint64_t len) const = 0;
  // Writes the object only if there is none: immutable objects (modules by
  // digest, sealed log segments) are written with it.
  virtual Expected<PutResult> put_if_absent(const std::string& key,
                                            std::span<const uint8_t> data) = 0;
  // Writes (or replaces) the object: the mutable ones (process metadata,
  // the index). `durable`: on stable storage before returning.
  virtual Expected<void> put(const std::string& key, std::span<const uint8_t> data,
                             bool durable = true) = 0;
  // Every object whose key starts with `prefix`, sorted by key.
  virtual Expected<std::vector<ObjectInfo>> list(const std::string& prefix) const = 0;
  // Deletes the object; deleting one that does not exist is not an error.
  virtual Expected<void> remove(const std::string& key) = 0;
};

}  // namespace tc::registry
