// The registry's processes: their directories, metadata and liveness, and
// listing them through the index (process_index.hpp).
#include <algorithm>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

#include "registry/atomic_file.hpp"
#include "registry/detail.hpp"
#include "registry/log_segments.hpp"
#include "registry/process_summary.hpp"
#include "registry/registry.hpp"
#include "registry/spare_room.hpp"

namespace tc::registry {

namespace fs = std::filesystem;
using namespace detail;

namespace {

uint64_t log_size(const std::string& log_dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(log_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    uint64_t n = it->is_regular_file(ec2) ? it->file_size(ec2) : 0;
    if (!ec2) total += n;
  }
  return total;
}

std::string stamp_of(const struct stat& st) {
  return std::to_string(st.st_ino) + ":" +
         std::to_string(int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_size);
}

// The file's stamp (inode, mtime, size), "" if it cannot be had.
std::string stamp_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? stamp_of(st) : "";
}

// The file's text and the stamp of what was read.
bool read_stamped(const std::string& path, std::string& text, std::string& stamp) {
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return false;
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) stamp = stamp_of(st);
  char buf[65536];
  while (ok) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    text.append(buf, size_t(n));
  }
  ::close(fd);
  return ok;
}

}  // namespace

std::string Registry::new_process_id() {
  static thread_local boost::uuids::random_generator gen;
  return boost::uuids::to_string(gen());
}

std::string Registry::process_dir(const std::string& id) const { return root_ + "/processes/" + id; }
std::string Registry::log_dir(const std::string& id) const { return process_dir(id) + "/log"; }
std::shared_ptr<trace::SegmentStore> Registry::log_segments(const std::string& id) const {
  return store_segments(store_, "processes/" + id + "/log/");
}

Expected<FileLock> Registry::create_process(const std::string& id) {
  std::error_code ec;
  if (!fs::create_directory(process_dir(id), ec)) {
    if (ec) return fs_error("cannot create process " + id, ec);
    return make_error(ErrorKind::Io, "process " + id + " already exists");
  }
  auto lock = FileLock::try_acquire(process_dir(id) + "/lock", FileLock::Mode::Exclusive);
  if (lock && *lock) return std::move(**lock);
  fs::remove_all(process_dir(id), ec);
  if (!lock) return lock.error();
  return make_error(ErrorKind::Io, "process " + id + " is locked by another");  // ids are random: never
}

bool Registry::is_running(const std::string& id) const {
  return FileLock::held_exclusively(process_dir(id) + "/lock");
}

Expected<void> Registry::write_process_meta(const std::string& id, const std::string& j,
                                            bool durable) {
  return write_file_atomic(process_dir(id) + "/process.json", j, durable);
}

Expected<void> Registry::write_process_meta(const ProcessMeta& meta, bool durable) {
  return write_process_meta(meta.id, to_json(meta), durable);
}

void Registry::reserve_process_end(const ProcessMeta& meta, uint64_t extra) {
  (void)reserve_file_space(process_meta_path(meta.id), to_json(meta).size() + extra);
}

Expected<void> Registry::write_process_end(const ProcessMeta& meta) {
  std::string json = to_json(meta);
  auto w = write_process_meta(meta.id, json);
  if (w || overwrite_file_in_place(process_meta_path(meta.id), json)) return {};
  return w.error();
}

Expected<std::string> Registry::read_process_meta(const std::string& id) const {
  auto bytes = read_file(process_dir(id) + "/process.json");
  if (!bytes) return bytes.error();
  return std::string(bytes->begin(), bytes->end());
}

Expected<ProcessMeta> Registry::load_process_meta(const std::string& id) const {
  // Liveness first: a run that is not running now writes nothing more, so
  // the text read after is its last.
  bool running = is_running(id);
  auto text = read_process_meta(id);
  if (!text) return text.error();  // names the file
  auto meta = process_meta_from_json(*text);
  if (!meta) return make_error(meta.error().kind, process_dir(id) + "/process.json: " + meta.error().message);
  if (meta->status == "running" && !running) meta->status = "killed";
  return meta;
}

Expected<void> Registry::index_process(const ProcessMeta& meta) {
  IndexRecord r;
  r.summary = summary_of(meta);
  if (meta.status != "running") r.summary.log_bytes = log_size(log_dir(meta.id));
  r.meta_stamp = stamp_of(process_meta_path(meta.id));  // as just written
  return ProcessIndex(index_path()).append({r});
}

Expected<std::vector<std::string>> Registry::process_ids() const {
  std::vector<std::string> ids;
  std::string dir = root_ + "/processes";
  DIR* d = ::opendir(dir.c_str());  // (a third faster than fs::directory_iterator)
  if (!d) return make_error(ErrorKind::Io, "cannot list processes: " + dir + ": " + std::strerror(errno));
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (is_uuid(name)) ids.push_back(std::move(name));
  }
  int err = errno;
  ::closedir(d);
  if (err) return make_error(ErrorKind::Io, "cannot list processes: " + dir + ": " + std::strerror(err));
  return ids;
}

ProcessSummary Registry::summary_from_meta_file(const std::string& id,
                                                std::vector<IndexRecord>& fixes) const {
  bool running = is_running(id);  // before reading: see load_process_meta
  ProcessSummary s;
  s.id = id;
  std::string text, stamp;
  if (!read_stamped(process_meta_path(id), text, stamp)) {
    if (running) s.status = "running";  // just started: no process.json yet
    else s.broken = "process.json cannot be read";
    return s;
  }
  auto meta = process_meta_from_json(text);
  if (!meta) {
    s.broken = "process.json: " + meta.error().message;
    return s;
  }
  meta->id = id;  // the directory's name is the id
  s = summary_of(*meta);
  s.log_bytes = log_size(log_dir(id));
  if (s.status == "running" && !running) s.status = "killed";
  fixes.push_back(IndexRecord{s, false, stamp});
  return s;
}

Expected<std::vector<ProcessSummary>> Registry::list_processes() const {
  auto ids = process_ids();
  if (!ids) return ids.error();
  ProcessIndex index(index_path());
  ProcessIndex::Contents contents = index.load();
  std::vector<ProcessSummary> out;
  out.reserve(ids->size());
  std::vector<IndexRecord> fixes;
  for (const std::string& id : *ids) {
    auto it = contents.latest.find(id);
    IndexRecord* r = it == contents.latest.end() || it->second.deleted ? nullptr : &it->second;
    if (r && r->summary.status == "running") {
      // (Its run may rewrite process.json, which changes nothing listed.)
      if (is_running(id)) {
        out.push_back(std::move(r->summary));
        out.back().log_bytes = log_size(log_dir(id));  // it grows
        continue;
      }
      r = nullptr;  // ended (its end line lost?) or killed: process.json says which
    } else if (r && r->meta_stamp != stamp_of(process_meta_path(id))) {
      r = nullptr;  // process.json is not the one the line was made from
    }
    out.push_back(r ? std::move(r->summary) : summary_from_meta_file(id, fixes));
  }
  (void)index.append(fixes);
  // Many lines no longer needed (starts of ended runs, tombstones):
  // rewritten, one per process, unless the registry is busy (then at
  // another listing). Each run adds two lines, so this is every so many runs.
  if (contents.lines > ids->size() + ids->size() / 2 + 100)
    if (auto lock = FileLock::try_acquire(root_ + "/lock", FileLock::Mode::Exclusive); lock && *lock)
      (void)compact_index();
  std::sort(out.begin(), out.end(), [](const ProcessSummary& a, const ProcessSummary& b) {
    return a.start_unix_ns != b.start_unix_ns ? a.start_unix_ns > b.start_unix_ns : a.id < b.id;
  });
  return out;
}

Expected<void> Registry::compact_index() const {
  auto ids = process_ids();
  if (!ids) return ids.error();
  std::unordered_set<std::string> existing(ids->begin(), ids->end());
  ProcessIndex index(index_path());
  std::vector<IndexRecord> keep;
  for (auto& [id, r] : index.load().latest)
    if (!r.deleted && existing.count(id)) keep.push_back(std::move(r));
  std::sort(keep.begin(), keep.end(), [](const IndexRecord& a, const IndexRecord& b) {
    return a.summary.start_unix_ns < b.summary.start_unix_ns;
  });
  return index.rewrite(keep);
}

Expected<FileLock> Registry::lock_registry(FileLock::Mode mode) const {
  return FileLock::acquire(root_ + "/lock", mode);
}

ProcessSummary summary_of(const ProcessMeta& m) {
  ProcessSummary s;
  s.id = m.id;
  s.start_unix_ns = m.start_unix_ns;
  s.end_unix_ns = m.end_unix_ns;
  s.module_digest = m.module_digest;
  s.module_name = m.module_name;
  s.status = m.status;
  s.exit_code = m.exit_code;
  s.message = m.message;
  return s;
}

}  // namespace tc::registry
