// Deleting processes (and their profiles) and pruning old processes and
// unused modules, never those of a run that is running or starting.
#include <algorithm>
#include <filesystem>
#include <sys/stat.h>
#include <unordered_map>
#include <unordered_set>

#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace tc::registry {

namespace fs = std::filesystem;
using namespace detail;

namespace {

// A process directory being deleted is first renamed to this (not a UUID,
// so never listed); prune sweeps those left by a deletion cut short.
const std::string kTrashPrefix = ".deleted-";

uint64_t tree_size(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it); it.increment(ec)) {
    std::error_code ec2;
    if (it->is_regular_file(ec2)) {
      uint64_t n = it->file_size(ec2);
      if (!ec2) total += n;
    }
  }
  return total;
}

// 0 when there is no such file.
int64_t mtime_ns(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// A run that did not end well: worth keeping to look into.
bool failed(const ProcessSummary& p) {
  return !p.broken.empty() || p.status != "exited" || p.exit_code != 0;
}

}  // namespace

Expected<std::optional<uint64_t>> Registry::remove_process(const std::string& id,
                                                           const std::vector<std::string>& profiles) {
  std::string dir = process_dir(id);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return make_error(ErrorKind::Usage, "no process " + id);
  // Held until the end, so that it reads as running meanwhile. (A lock
  // file that is missing, from an older version, is created.)
  auto lock = FileLock::take_unless_held(dir + "/lock");
  if (!lock) return lock.error();
  if (!*lock) return std::optional<uint64_t>();
  if (!fs::is_directory(dir, ec)) return make_error(ErrorKind::Usage, "no process " + id);  // deleted meanwhile
  uint64_t bytes = tree_size(dir);
  // Renamed first: the process leaves listings at once and whole, however
  // the removal below ends.
  std::string trash = root_ + "/processes/" + kTrashPrefix + id;
  fs::remove_all(trash, ec);
  fs::rename(dir, trash, ec);
  if (ec) return fs_error("cannot delete process " + id, ec);
  IndexRecord tombstone;
  tombstone.summary.id = id;
  tombstone.deleted = true;
  (void)ProcessIndex(index_path()).append({tombstone});  // a cache: listings skip missing directories
  for (const auto& p : profiles) {
    uint64_t n = tree_size(profile_dir(p));
    if (delete_profile(p)) bytes += n;
  }
  fs::remove_all(trash, ec);
  if (ec) return fs_error("cannot delete process " + id + " (renamed to " + trash + ")", ec);
  return std::optional<uint64_t>(bytes);
}

Expected<void> Registry::delete_process(const std::string& id) {
  if (!is_uuid(id)) return make_error(ErrorKind::Usage, "not a process id: " + id);
  auto shared = lock_registry(FileLock::Mode::Shared);  // not during a prune
  if (!shared) return shared.error();
  std::vector<std::string> profiles;
  if (auto profs = list_profiles())
    for (const auto& p : *profs)
      if (p.process_id == id) profiles.push_back(p.id);
  auto removed = remove_process(id, profiles);
  if (!removed) return removed.error();
  if (!*removed) return make_error(ErrorKind::Usage, "process " + id + " is running");
  return {};
}

Expected<PruneResult> Registry::prune(int64_t cutoff, bool keep_failed, bool dry_run) {
  // Exclusive: no run is between storing its module and writing its
  // process.json, which names the module.
  auto exclusive = lock_registry(FileLock::Mode::Exclusive);
  if (!exclusive) return exclusive.error();
  auto procs = list_processes();
  if (!procs) return procs.error();
  std::unordered_map<std::string, std::vector<std::string>> profiles;  // by process
  if (auto profs = list_profiles())
    for (const auto& p : *profs) profiles[p.process_id].push_back(p.id);

  PruneResult res;
  // The modules of the processes kept. (A broken process.json names none:
  // such a process could not be replayed anyway.)
  std::unordered_set<std::string> used;
  for (const auto& p : *procs) {
    int64_t start = p.broken.empty() && p.start_unix_ns ? p.start_unix_ns : mtime_ns(process_dir(p.id));
    bool keep = start >= cutoff || p.status == "running" || (keep_failed && failed(p));
    if (!keep && dry_run) keep = is_running(p.id);
    if (!keep && dry_run) {
      res.processes.push_back(p.id);
      res.bytes_freed += tree_size(process_dir(p.id));
      for (const auto& f : profiles[p.id]) res.bytes_freed += tree_size(profile_dir(f));
    } else if (!keep) {
      auto removed = remove_process(p.id, profiles[p.id]);
      if (!removed) res.errors.push_back(removed.error().message);
      else if (*removed) res.processes.push_back(p.id), res.bytes_freed += **removed;
      keep = !removed || !*removed;  // still there (running after all)
    }
    if (keep) used.insert(p.module_digest);
  }

  auto mods = list_modules();
  if (!mods) return mods.error();
  for (const auto& m : *mods) {
    std::string path = root_ + "/modules/sha256/" + m.digest;
    // The sidecar's mtime is when a run last stored or found the module.
    int64_t last_used = std::max(mtime_ns(path), mtime_ns(path + ".json"));
    if (used.count(m.digest) || last_used >= cutoff) continue;
    uint64_t bytes = tree_size(path) + tree_size(path + ".json");
    if (!dry_run) {
      std::error_code ec;
      fs::remove(path, ec);  // first: a sidecar alone is no module
      if (!ec) fs::remove(path + ".json", ec);
      if (ec) {
        res.errors.push_back("cannot delete module " + m.digest + ": " + ec.message());
        continue;
      }
    }
    res.modules.push_back(m.digest);
    res.bytes_freed += bytes;
  }

  if (!dry_run) {
    std::vector<fs::path> trash;
    std::error_code ec;
    for (fs::directory_iterator it(root_ + "/processes", ec), end; !ec && it != end; it.increment(ec))
      if (it->path().filename().string().rfind(kTrashPrefix, 0) == 0) trash.push_back(it->path());
    for (const auto& t : trash) {
      uint64_t bytes = tree_size(t.string());
      fs::remove_all(t, ec);
      if (!ec) res.bytes_freed += bytes;
    }
    if (!res.processes.empty()) (void)compact_index();
  }
  return res;
}

}  // namespace tc::registry
