#include "registry/remote.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <map>
#include <nlohmann/json.hpp>

#include "registry/process_summary.hpp"
#include "registry/sha256.hpp"
#include "trace/log_reader.hpp"

namespace tc::registry {

namespace {

using json = nlohmann::json;

std::string meta_key(const std::string& id) { return "processes/" + id + "/process.json"; }
std::string log_prefix(const std::string& id) { return "processes/" + id + "/log/"; }
std::string module_key(const std::string& digest) { return "modules/sha256/" + digest; }

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Error where(const ObjectStore& s, const std::string& key, const std::string& what) {
  return make_error(ErrorKind::Io, s.describe() + "/" + key + ": " + what);
}

// A log's segments held in memory: what pull reads back to check them
// before any is kept.
class MemorySegments : public trace::SegmentStore {
 public:
  std::map<uint32_t, std::vector<uint8_t>> segments;
  std::string prefix;
  std::string name(uint32_t index) const override { return prefix + trace::segment_name(index); }
  Expected<std::vector<trace::SegmentEntry>> list() const override {
    std::vector<trace::SegmentEntry> out;
    for (const auto& [i, b] : segments) out.push_back({i, b.size()});
    return out;
  }
  Expected<std::optional<std::vector<uint8_t>>> read(uint32_t index, uint64_t offset,
                                                     uint64_t len) const override {
    auto it = segments.find(index);
    if (it == segments.end()) return std::optional<std::vector<uint8_t>>();
    const auto& b = it->second;
    uint64_t from = std::min<uint64_t>(offset, b.size());
    uint64_t to = std::min<uint64_t>(b.size(), from + len);
    return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(b.begin() + from, b.begin() + to));
  }
  Expected<std::unique_ptr<trace::SegmentSink>> create(uint32_t) override {
    return make_error(ErrorKind::Io, prefix + ": read-only");
  }
};

// The segments (index -> object info) under `prefix`.
Expected<std::map<uint32_t, ObjectInfo>> segments_in(const ObjectStore& s, const std::string& prefix) {
  auto objects = s.list(prefix);
  if (!objects) return objects.error();
  std::map<uint32_t, ObjectInfo> out;
  for (auto& o : *objects)
    if (auto i = trace::parse_segment_name(o.key.substr(prefix.size()))) out[*i] = std::move(o);
  return out;
}

}  // namespace

Expected<TransferStats> push_process(const Registry& local, ObjectStore& remote,
                                     const std::string& id) {
  TransferStats st;
  auto text = local.read_process_meta(id);
  if (!text) return text.error();
  auto meta = process_meta_from_json(*text);
  if (!meta) return where(*local.store(), meta_key(id), meta.error().message);
  bool running = meta->status == "running" && local.is_running(id);
  auto count = [&](Expected<PutResult> r, uint64_t n) -> Expected<void> {
    if (!r) return r.error();
    if (*r == PutResult::Stored) ++st.objects, st.bytes += n;
    else ++st.skipped;
    return {};
  };

  // The module, then its sidecar without the local validation mark.
  auto module = local.read_module(meta->module_digest);
  if (!module) return module.error();
  TC_TRY(count(remote.put_if_absent(module_key(meta->module_digest), *module), module->size()));
  json side = {{"name", meta->module_name},
               {"size", module->size()},
               {"created", meta->start_unix_ns}};
  std::string side_text = side.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  TC_TRY(count(remote.put_if_absent(module_key(meta->module_digest) + ".json", bytes_of(side_text)),
               side_text.size()));

  // process.json as at the start, unless the remote has one already.
  auto there = remote.get(meta_key(id));
  if (!there) return there.error();
  bool same = *there && std::string((*there)->begin(), (*there)->end()) == *text;
  if (!*there) {
    ProcessMeta start = *meta;
    start.status = "running";
    start.end_unix_ns = 0;
    start.exit_code = 0;
    start.message.clear();
    start.log_error.clear();
    std::string s = to_json(start);
    TC_TRY(remote.put(meta_key(id), bytes_of(s)));
    ++st.objects, st.bytes += s.size();
  }

  // The sealed segments (all but the last while the run goes on).
  auto segs = segments_in(*local.store(), log_prefix(id));
  if (!segs) return segs.error();
  if (running && !segs->empty()) segs->erase(std::prev(segs->end()));
  auto theirs = segments_in(remote, log_prefix(id));
  if (!theirs) return theirs.error();
  for (const auto& [index, info] : *segs) {
    if (auto t = theirs->find(index); t != theirs->end() && t->second.size == info.size) {
      ++st.skipped;
      continue;
    }
    auto bytes = local.store()->get(info.key);
    if (!bytes) return bytes.error();
    if (!*bytes) return where(*local.store(), info.key, "vanished while pushing");
    TC_TRY(count(remote.put_if_absent(info.key, **bytes), (*bytes)->size()));
  }

  // The end record last: the commit point.
  if (same) {
    ++st.skipped;
  } else if (!running && meta->status != "running") {
    TC_TRY(remote.put(meta_key(id), bytes_of(*text)));
    ++st.objects, st.bytes += text->size();
  }
  return st;
}

Expected<std::string> resolve_remote(ObjectStore& remote, const std::string& prefix) {
  if (prefix.empty()) return make_error(ErrorKind::Usage, "empty process id");
  if (prefix.find('/') != std::string::npos)
    return make_error(ErrorKind::Usage, "invalid process id \"" + prefix + "\"");
  auto objects = remote.list("processes/" + prefix);
  if (!objects) return objects.error();
  std::vector<std::string> ids;
  for (const auto& o : *objects) {
    auto rest = o.key.substr(10);
    auto slash = rest.find('/');
    if (slash == std::string::npos || rest.substr(slash) != "/process.json") continue;
    ids.push_back(rest.substr(0, slash));
  }
  if (ids.empty())
    return make_error(ErrorKind::Usage, "no process \"" + prefix + "\" in " + remote.describe());
  if (ids.size() > 1)
    return make_error(ErrorKind::Usage, "process id \"" + prefix + "\" is ambiguous in " +
                                            remote.describe() + " (" + std::to_string(ids.size()) +
                                            " match)");
  return ids.front();
}

Expected<TransferStats> pull_process(Registry& local, const ObjectStore& remote,
                                     const std::string& id) {
  TransferStats st;
  auto text = remote.get(meta_key(id));
  if (!text) return text.error();
  if (!*text) return make_error(ErrorKind::Usage, "no process " + id + " in " + remote.describe());
  std::string meta_text((*text)->begin(), (*text)->end());
  auto meta = process_meta_from_json(meta_text);
  if (!meta) return where(remote, meta_key(id), meta.error().message);
  if (meta->id != id) return where(remote, meta_key(id), "says it is process " + meta->id);

  // Everything is fetched and checked before anything is written locally.
  std::optional<std::vector<uint8_t>> module;
  auto have = local.store()->head(module_key(meta->module_digest));
  if (!have) return have.error();
  if (!*have) {
    auto m = remote.get(module_key(meta->module_digest));
    if (!m) return m.error();
    if (!*m) return where(remote, module_key(meta->module_digest), "missing");
    if (sha256_hex(**m) != meta->module_digest)
      return where(remote, module_key(meta->module_digest), "corrupt (its sha256 does not match)");
    module = std::move(*m);
  }

  auto theirs = segments_in(remote, log_prefix(id));
  if (!theirs) return theirs.error();
  auto ours = segments_in(*local.store(), log_prefix(id));
  if (!ours) return ours.error();
  MemorySegments log;
  log.prefix = remote.describe() + "/" + log_prefix(id);
  std::vector<uint32_t> fetched;
  for (const auto& [index, info] : *theirs) {
    const ObjectStore& from = ours->count(index) ? *local.store() : remote;
    auto bytes = from.get(info.key);
    if (!bytes) return bytes.error();
    if (!*bytes) return where(from, info.key, "vanished while pulling");
    if (!ours->count(index)) fetched.push_back(index), st.bytes += (*bytes)->size();
    else ++st.skipped;
    log.segments[index] = std::move(**bytes);
  }
  if (!log.segments.empty()) {
    auto shared = std::make_shared<MemorySegments>(std::move(log));
    auto reader = trace::LogReader::open(shared);
    if (!reader) return where(remote, log_prefix(id), "corrupt log: " + reader.error().message);
    if (reader->torn_tail()) return where(remote, log_prefix(id), "corrupt log: " + *reader->torn_tail());
    if (reader->segments().size() != shared->segments.size())
      return where(remote, log_prefix(id), "corrupt log: a segment is missing");
    log = std::move(*shared);
  }

  // Checked: keep them.
  if (module) {
    auto d = local.put_module(*module, meta->module_name, "", meta->module_digest);
    if (!d) return d.error();
    ++st.objects, st.bytes += module->size();
  }
  // The segments, then process.json: a pull cut short (a full disk) takes
  // back the segments it wrote, so that no process without metadata stays.
  std::vector<std::string> written;
  std::error_code ec;
  const bool existed = std::filesystem::exists(local.process_dir(id), ec);
  auto take_back = [&](Error e) {
    for (const auto& key : written) (void)local.store()->remove(key);
    if (!existed) std::filesystem::remove_all(local.process_dir(id), ec);
    return e;
  };
  for (uint32_t index : fetched) {
    std::string key = log_prefix(id) + trace::segment_name(index);
    auto r = local.store()->put_if_absent(key, log.segments[index]);
    if (!r) return take_back(r.error());
    if (*r == PutResult::Stored) written.push_back(key);
    ++st.objects;
  }
  auto old = local.read_process_meta(id);
  if (!old || *old != meta_text) {
    if (auto w = local.write_process_meta(id, meta_text); !w) return take_back(w.error());
    ++st.objects, st.bytes += meta_text.size();
  }
  (void)local.index_process(*meta);
  return st;
}

Expected<std::vector<ProcessSummary>> list_remote_processes(const ObjectStore& remote) {
  auto objects = remote.list("processes/");
  if (!objects) return objects.error();
  std::vector<std::string> keys;
  std::map<std::string, uint64_t> log_bytes;
  for (const auto& o : *objects) {
    auto rest = o.key.substr(10);
    auto slash = rest.find('/');
    if (slash == std::string::npos) continue;
    std::string id = rest.substr(0, slash), tail = rest.substr(slash + 1);
    if (tail.rfind("log/", 0) == 0) log_bytes[id] += o.size;
    if (tail == "process.json") keys.push_back(o.key);
  }
  // One GET per process, a few at a time (a remote's latency, not its
  // bandwidth, is what a listing waits for).
  std::vector<ProcessSummary> out(keys.size());
  std::vector<std::optional<Error>> errors(keys.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < keys.size();) {
      auto text = remote.get(keys[i]);
      ProcessSummary& s = out[i];
      s.id = keys[i].substr(10, keys[i].size() - 10 - 13);
      if (!text) {
        errors[i] = text.error();
      } else if (!*text) {
        s.broken = "vanished while listing";
      } else if (auto meta = process_meta_from_json(std::string((*text)->begin(), (*text)->end()))) {
        s = summary_of(*meta);
      } else {
        s.broken = meta.error().message;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min<size_t>(8, keys.size()); ++t) threads.emplace_back(work);
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) return *e;
  for (auto& s : out) s.log_bytes = log_bytes[s.id];
  std::stable_sort(out.begin(), out.end(), [](const ProcessSummary& a, const ProcessSummary& b) {
    return a.start_unix_ns > b.start_unix_ns;
  });
  return out;
}

namespace {

struct Uploader {
  std::shared_ptr<trace::SegmentStore> local;
  std::shared_ptr<ObjectStore> remote;
  std::string prefix;
  std::function<void(const Error&)> on_error;
  bool failed = false;

  void upload(uint32_t index) {
    if (failed) return;
    auto bytes = local->read(index, 0, UINT64_MAX);
    Expected<PutResult> r = bytes ? (*bytes ? remote->put_if_absent(prefix + trace::segment_name(index), **bytes)
                                            : Expected<PutResult>(make_error(ErrorKind::Io, local->name(index) + ": missing")))
                                  : Expected<PutResult>(bytes.error());
    if (!r) {
      failed = true;
      if (on_error) on_error(r.error());
    }
  }
};

class UploadingSink : public trace::SegmentSink {
 public:
  UploadingSink(std::unique_ptr<trace::SegmentSink> inner, std::shared_ptr<Uploader> up, uint32_t index)
      : inner_(std::move(inner)), up_(std::move(up)), index_(index) {}
  Expected<void> append(std::span<const uint8_t> a, std::span<const uint8_t> b) override {
    return inner_->append(a, b);
  }
  Expected<void> seal() override {
    TC_TRY(inner_->seal());
    if (!sealed_) up_->upload(index_);
    sealed_ = true;
    return {};
  }
  void discard() override { inner_->discard(); }

 private:
  std::unique_ptr<trace::SegmentSink> inner_;
  std::shared_ptr<Uploader> up_;
  uint32_t index_;
  bool sealed_ = false;
};

class UploadingSegments : public trace::SegmentStore {
 public:
  explicit UploadingSegments(std::shared_ptr<Uploader> up) : up_(std::move(up)) {}
  std::string name(uint32_t index) const override { return up_->local->name(index); }
  Expected<std::vector<trace::SegmentEntry>> list() const override { return up_->local->list(); }
  Expected<std::optional<std::vector<uint8_t>>> read(uint32_t index, uint64_t offset,
                                                     uint64_t len) const override {
    return up_->local->read(index, offset, len);
  }
  Expected<std::unique_ptr<trace::SegmentSink>> create(uint32_t index) override {
    auto sink = up_->local->create(index);
    if (!sink) return sink.error();
    return std::unique_ptr<trace::SegmentSink>(new UploadingSink(std::move(*sink), up_, index));
  }

 private:
  std::shared_ptr<Uploader> up_;
};

}  // namespace

std::shared_ptr<trace::SegmentStore> uploading_segments(
    std::shared_ptr<trace::SegmentStore> local, std::shared_ptr<ObjectStore> remote,
    const std::string& id, std::function<void(const Error&)> on_error) {
  auto up = std::make_shared<Uploader>();
  up->local = std::move(local);
  up->remote = std::move(remote);
  up->prefix = log_prefix(id);
  up->on_error = std::move(on_error);
  return std::make_shared<UploadingSegments>(std::move(up));
}

}  // namespace tc::registry
