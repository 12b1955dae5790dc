#include "registry/log_segments.hpp"

#include <algorithm>

#include "registry/local_store.hpp"
#include "trace/segment_file.hpp"

namespace tc::registry {

namespace {

// The open segment of a store that cannot append: kept whole in memory,
// stored as one object when sealed.
class BufferedSink : public trace::SegmentSink {
 public:
  BufferedSink(std::shared_ptr<ObjectStore> store, std::string key)
      : store_(std::move(store)), key_(std::move(key)) {}

  Expected<void> append(std::span<const uint8_t> a, std::span<const uint8_t> b) override {
    if (sealed_) return make_error(ErrorKind::Io, store_->describe() + "/" + key_ + ": segment is sealed");
    bytes_.insert(bytes_.end(), a.begin(), a.end());
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return {};
  }
  Expected<void> seal() override {
    if (sealed_) return {};
    auto r = store_->put_if_absent(key_, bytes_);
    if (!r) return r.error();
    if (*r == PutResult::AlreadyExists)
      return make_error(ErrorKind::Io, store_->describe() + "/" + key_ + ": another writer stored this segment");
    sealed_ = true;
    bytes_.clear();
    bytes_.shrink_to_fit();
    return {};
  }
  void discard() override {
    sealed_ = true;
    bytes_.clear();
  }

 private:
  std::shared_ptr<ObjectStore> store_;
  std::string key_;
  std::vector<uint8_t> bytes_;
  bool sealed_ = false;
};

class StoreSegments : public trace::SegmentStore {
 public:
  StoreSegments(std::shared_ptr<ObjectStore> store, std::string prefix)
      : store_(std::move(store)), prefix_(std::move(prefix)) {}

  std::string name(uint32_t index) const override {
    return store_->describe() + "/" + key(index);
  }

  Expected<std::vector<trace::SegmentEntry>> list() const override {
    auto objects = store_->list(prefix_);
    if (!objects) return objects.error();
    std::vector<trace::SegmentEntry> out;
    for (const ObjectInfo& o : *objects)  // sorted by key: by index, names being fixed-width
      if (auto i = trace::parse_segment_name(o.key.substr(prefix_.size())))
        out.push_back({*i, o.size});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    return out;
  }

  Expected<std::optional<std::vector<uint8_t>>> read(uint32_t index, uint64_t offset,
                                                     uint64_t len) const override {
    return store_->get_range(key(index), offset, len);
  }

  Expected<std::unique_ptr<trace::SegmentSink>> create(uint32_t index) override {
    if (auto* local = dynamic_cast<LocalStore*>(store_.get())) {
      TC_TRY(local->make_parents(key(index)));
      return trace::open_segment_file(local->path_of(key(index)));
    }
    auto there = store_->head(key(index));
    if (!there) return there.error();
    if (*there) return make_error(ErrorKind::Io, name(index) + ": segment exists");
    return std::unique_ptr<trace::SegmentSink>(new BufferedSink(store_, key(index)));
  }

 private:
  std::string key(uint32_t index) const { return prefix_ + trace::segment_name(index); }
  std::shared_ptr<ObjectStore> store_;
  std::string prefix_;
};

}  // namespace

std::shared_ptr<trace::SegmentStore> store_segments(std::shared_ptr<ObjectStore> store,
                                                    std::string prefix) {
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  return std::make_shared<StoreSegments>(std::move(store), std::move(prefix));
}

}  // namespace tc::registry
