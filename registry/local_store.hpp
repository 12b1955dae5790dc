// The ObjectStore over a local directory (the registry's root): a key is
// the path of a file under it, so existing registries read as stores.
//
//   get/head/get_range  open + fstat/pread: whole files, since every
//                       writer below renames a complete file into place;
//   put                 write_file_atomic (temp + fsync + rename);
//   put_if_absent       a complete temporary file link()ed to the key:
//                       link fails with EEXIST if the key exists, so of
//                       two writers exactly one gets Stored, and readers
//                       never see the object partly written;
//   list                recursive under the prefix's directory, sorted;
//                       temporary files (".tmp." in the name) are left out.
//
// A key is relative, '/'-separated, without "." or ".." components.
#pragma once
#include "registry/object_store.hpp"

namespace tc::registry {

class LocalStore : public ObjectStore {
 public:
  explicit LocalStore(std::string root);

  const std::string& root() const { return root_; }
  // The file that holds `key` (for the local-only fast paths: appending
  // the open log segment, file locks).
  std::string path_of(const std::string& key) const { return root_ + "/" + key; }
  // Creates the directories leading to `key`'s file.
  Expected<void> make_parents(const std::string& key) const;

  std::string describe() const override { return root_; }
  Expected<std::optional<ObjectInfo>> head(const std::string& key) const override;
  Expected<std::optional<std::vector<uint8_t>>> get(const std::string& key) const override;
  Expected<std::optional<std::vector<uint8_t>>> get_range(const std::string& key, uint64_t offset,
                                                          uint64_t len) const override;
  Expected<PutResult> put_if_absent(const std::string& key,
                                    std::span<const uint8_t> data) override;
  Expected<void> put(const std::string& key, std::span<const uint8_t> data,
                     bool durable = true) override;
  Expected<std::vector<ObjectInfo>> list(const std::string& prefix) const override;
  Expected<void> remove(const std::string& key) override;

 private:
  // A Usage error for a key that could leave the root.
  Expected<void> check_key(const std::string& key) const;
  std::string root_;
};

}  // namespace tc::registry
