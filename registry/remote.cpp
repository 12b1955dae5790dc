#include "registry/remote.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "registry/process_summary.hpp"
#include "registry/remote_index.hpp"
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
  // Its index entry (after process.json, which a listing may lead to).
  TC_TRY(remote.put_if_absent(started_key(summary_of(*meta)), {}));

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

  // The end record last: the commit point; then its index entry.
  if (same) {
    ++st.skipped;
  } else if (!running && meta->status != "running") {
    TC_TRY(remote.put(meta_key(id), bytes_of(*text)));
    ++st.objects, st.bytes += text->size();
  }
  if (!running && meta->status != "running") {
    ProcessSummary end = summary_of(*meta);
    for (const auto& [index, info] : *segs) end.log_bytes += info.size;
    TC_TRY(remote.put_if_absent(ended_key(end), {}));
    remove_heartbeats(remote, id);
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
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return list_remote_index(remote, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

namespace {

struct Uploader {
  std::shared_ptr<trace::SegmentStore> local;
  std::shared_ptr<ObjectStore> remote;
  std::string id, prefix;
  std::function<void(const Error&)> on_error;
  uint32_t interval_s = 0;
  std::atomic<uint64_t> segments{0}, bytes{0};  // uploaded so far

  std::mutex mu;
  std::condition_variable cv;
  bool failed = false;  // after the first failure nothing more is tried
  bool stop = false, dirty = false;

  void fail(const Error& e) {
    {
      std::lock_guard<std::mutex> g(mu);
      if (failed) return;
      failed = true;
    }
    if (on_error) on_error(e);
  }
  bool has_failed() {
    std::lock_guard<std::mutex> g(mu);
    return failed;
  }

  // (The log writer's thread.)
  void upload(uint32_t index) {
    if (has_failed()) return;
    auto bytes_read = local->read(index, 0, UINT64_MAX);
    Expected<PutResult> r =
        bytes_read ? (*bytes_read ? remote->put_if_absent(prefix + trace::segment_name(index), **bytes_read)
                                  : Expected<PutResult>(make_error(ErrorKind::Io, local->name(index) + ": missing")))
                   : Expected<PutResult>(bytes_read.error());
    if (!r) return fail(r.error());
    ++segments;
    bytes += (*bytes_read)->size();
    std::lock_guard<std::mutex> g(mu);
    dirty = true;  // the heartbeat says so at once
    cv.notify_all();
  }

  // The heartbeat thread: a new index/alive key every interval and after
  // uploads (at most one a second), the previous one deleted once the new
  // one is there.
  void beat() {
    using Clock = std::chrono::steady_clock;
    std::string last;
    std::unique_lock<std::mutex> lk(mu);
    for (bool first = true; !stop && !failed; first = false) {
      if (!first) {
        auto since = Clock::now();
        cv.wait_for(lk, std::chrono::seconds(interval_s), [&] { return stop || dirty; });
        if (dirty)  // not more than one a second: the end of a run seals one too
          cv.wait_until(lk, since + std::chrono::seconds(1), [&] { return stop; });
        if (stop || failed) break;
      }
      dirty = false;
      lk.unlock();
      Heartbeat h;
      h.id = id;
      h.beat_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
      h.interval_s = interval_s;
      h.segments = segments;
      h.log_bytes = bytes;
      std::string key = alive_key(h);
      auto r = remote->put_if_absent(key, {});
      if (!r) {
        fail(r.error());
      } else if (key != last) {
        if (!last.empty()) (void)remote->remove(last);
        last = key;
      }
      lk.lock();
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
  explicit UploadingSegments(std::shared_ptr<Uploader> up) : up_(std::move(up)) {
    if (up_->interval_s) beats_ = std::thread([u = up_] { u->beat(); });
  }
  // When the run ends (its log writer goes): no more beats.
  ~UploadingSegments() override {
    {
      std::lock_guard<std::mutex> g(up_->mu);
      up_->stop = true;
    }
    up_->cv.notify_all();
    if (beats_.joinable()) beats_.join();
  }
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
  std::thread beats_;
};

}  // namespace

std::shared_ptr<trace::SegmentStore> uploading_segments(
    std::shared_ptr<trace::SegmentStore> local, std::shared_ptr<ObjectStore> remote,
    const std::string& id, uint32_t heartbeat_seconds, std::function<void(const Error&)> on_error) {
  auto up = std::make_shared<Uploader>();
  up->local = std::move(local);
  up->remote = std::move(remote);
  up->id = id;
  up->interval_s = heartbeat_seconds;
  up->prefix = log_prefix(id);
  up->on_error = std::move(on_error);
  return std::make_shared<UploadingSegments>(std::move(up));
}

}  // namespace tc::registry
