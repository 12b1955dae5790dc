#include "registry/local_store.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/atomic_file.hpp"

namespace tc::registry {

namespace {

Error io_error(const std::string& what, int err = errno) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(err));
}

int open_read(const std::string& path) {
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  return fd;
}

struct Fd {
  int fd;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

int64_t mtime_ns(const struct stat& st) {
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

bool is_temp(const std::string& name) { return name.find(".tmp.") != std::string::npos; }

// Whether one of `a`, `b` starts with the other.
bool compatible(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  return a.compare(0, n, b, 0, n) == 0;
}

// Appends every regular file under `dir` (key prefix `rel`) whose key
// starts with `prefix` to `out`, entering only directories that can hold
// such keys (resolving an id prefix walks one process, not all).
void walk(const std::string& dir, const std::string& rel, const std::string& prefix,
          std::vector<ObjectInfo>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || is_temp(name)) continue;
    std::string key = rel + name;
    if (!compatible(key, prefix)) continue;
    std::string path = dir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;  // deleted meanwhile
    if (S_ISDIR(st.st_mode)) walk(path, key + "/", prefix, out);
    else if (S_ISREG(st.st_mode) && key.size() >= prefix.size())
      out.push_back({key, uint64_t(st.st_size), mtime_ns(st)});
  }
  ::closedir(d);
}

}  // namespace

LocalStore::LocalStore(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Expected<void> LocalStore::check_key(const std::string& key) const {
  bool bad = key.empty() || key.front() == '/' || key.back() == '/' ||
             key.find('\0') != std::string::npos;
  for (size_t i = 0; !bad && i <= key.size();) {
    size_t j = std::min(key.find('/', i), key.size());
    std::string part = key.substr(i, j - i);
    bad = part.empty() || part == "." || part == "..";
    i = j + 1;
  }
  if (bad) return make_error(ErrorKind::Usage, root_ + ": invalid object key \"" + key + "\"");
  return {};
}

Expected<void> LocalStore::make_parents(const std::string& key) const {
  for (size_t i = key.find('/'); i != std::string::npos; i = key.find('/', i + 1)) {
    std::string dir = path_of(key.substr(0, i));
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return io_error("cannot create " + dir);
  }
  return {};
}

Expected<std::optional<ObjectInfo>> LocalStore::head(const std::string& key) const {
  TC_TRY(check_key(key));
  struct stat st;
  if (::stat(path_of(key).c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<ObjectInfo>();
    return io_error("cannot stat " + path_of(key));
  }
  if (!S_ISREG(st.st_mode)) return std::optional<ObjectInfo>();
  return std::optional<ObjectInfo>(ObjectInfo{key, uint64_t(st.st_size), mtime_ns(st)});
}

Expected<std::optional<std::vector<uint8_t>>> LocalStore::get(const std::string& key) const {
  return get_range(key, 0, UINT64_MAX);
}

Expected<std::optional<std::vector<uint8_t>>> LocalStore::get_range(const std::string& key,
                                                                    uint64_t offset,
                                                                    uint64_t len) const {
  using Result = std::optional<std::vector<uint8_t>>;
  TC_TRY(check_key(key));
  std::string path = path_of(key);
  Fd f{open_read(path)};
  if (f.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Result();
    return io_error("cannot open " + path);
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat " + path);
  if (!S_ISREG(st.st_mode)) return Result();
  uint64_t size = uint64_t(st.st_size);
  uint64_t n = offset >= size ? 0 : std::min(len, size - offset);
  std::vector<uint8_t> out(n);
  uint64_t done = 0;
  while (done < n) {  // pread: a file being appended (the open log segment) reads as it was
    ssize_t r = ::pread(f.fd, out.data() + done, n - done, off_t(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return io_error("cannot read " + path);
    if (r == 0) break;  // truncated meanwhile
    done += uint64_t(r);
  }
  out.resize(done);
  return Result(std::move(out));
}

Expected<PutResult> LocalStore::put_if_absent(const std::string& key,
                                              std::span<const uint8_t> data) {
  TC_TRY(check_key(key));
  TC_TRY(make_parents(key));
  std::string path = path_of(key);
  if (::access(path.c_str(), F_OK) == 0) return PutResult::AlreadyExists;  // (cheap, not the decision)
  // The whole object, durable, under a name of its own; then link(2), which
  // never replaces: the one atomic step that decides who stored it.
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(std::random_device{}());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create " + tmp);
  const uint8_t* p = data.data();
  size_t left = data.size();
  bool ok = true;
  while (ok && left) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) {
      p += n;
      left -= size_t(n);
    }
  }
  int err = errno;
  ok = ok && ::fsync(fd) == 0;
  if (!ok) err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return io_error("cannot write " + tmp, err);
  }
  int r = ::link(tmp.c_str(), path.c_str());
  err = errno;
  ::unlink(tmp.c_str());
  if (r != 0) {
    if (err == EEXIST) return PutResult::AlreadyExists;
    return io_error("cannot store " + path, err);
  }
  std::string dir = path.substr(0, path.find_last_of('/'));
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return PutResult::Stored;
}

Expected<void> LocalStore::put(const std::string& key, std::span<const uint8_t> data,
                               bool durable) {
  TC_TRY(check_key(key));
  TC_TRY(make_parents(key));
  return write_file_atomic(path_of(key), data, durable);
}

Expected<std::vector<ObjectInfo>> LocalStore::list(const std::string& prefix) const {
  // Walk the deepest directory the prefix names, then filter by the rest.
  size_t slash = prefix.find_last_of('/');
  std::string dir_rel = slash == std::string::npos ? "" : prefix.substr(0, slash + 1);
  if (!dir_rel.empty()) TC_TRY(check_key(dir_rel.substr(0, dir_rel.size() - 1)));
  std::string dir = dir_rel.empty() ? root_ : path_of(dir_rel.substr(0, dir_rel.size() - 1));
  std::vector<ObjectInfo> out;
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return out;
    return io_error("cannot list " + dir);
  }
  if (!S_ISDIR(st.st_mode)) return out;
  if (DIR* d = ::opendir(dir.c_str())) ::closedir(d);
  else return io_error("cannot list " + dir);
  walk(dir, dir_rel, prefix, out);
  std::sort(out.begin(), out.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return out;
}

Expected<void> LocalStore::remove(const std::string& key) {
  TC_TRY(check_key(key));
  if (::unlink(path_of(key).c_str()) != 0 && errno != ENOENT && errno != ENOTDIR)
    return io_error("cannot delete " + path_of(key));
  return {};
}

}  // namespace tc::registry
