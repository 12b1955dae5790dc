// Reading a bundle into a registry (`timecraft import`): checked entry by
// entry as it streams in, assembled out of sight, then renamed into place.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

#include "registry/atomic_file.hpp"
#include "registry/bundle.hpp"
#include "registry/sha256.hpp"
#include "trace/log_reader.hpp"
#include "trace/log_writer.hpp"

namespace tc::registry {

namespace fs = std::filesystem;

namespace {

Error bad(const std::string& what) { return make_error(ErrorKind::Io, what); }
Error os_error(const std::string& what) { return bad(what + ": " + std::strerror(errno)); }

// processes/<id>.importing-<random>/, removed unless published.
struct Staging {
  std::string path;
  bool published = false;
  ~Staging() {
    std::error_code ec;
    if (!published && !path.empty()) fs::remove_all(path, ec);
  }
};

// Only what write_bundle writes: regular files, by the names the manifest
// gives, in its order; anything else is refused before a byte of it is read.
Expected<void> check_entry(const tar::Entry& e, const std::string& expected, uint64_t size) {
  std::string shown = "entry \"" + e.name + "\"";
  if (!e.name.empty() && e.name[0] == '/') return bad(shown + ": an absolute path (refused)");
  for (size_t at = 0; at <= e.name.size();) {
    size_t slash = std::min(e.name.find('/', at), e.name.size());
    if (e.name.compare(at, slash - at, "..") == 0)
      return bad(shown + ": a path that leaves the bundle (refused)");
    at = slash + 1;
  }
  if (e.type != '0' && e.type != '\0')
    return bad(shown + ": " + tar::type_name(e.type) + " (a bundle holds only regular files)");
  if (e.name != expected) return bad("unexpected " + shown + " (expected \"" + expected + "\")");
  if (e.size != size)
    return bad(e.name + ": " + std::to_string(e.size) + " bytes, the manifest says " +
               std::to_string(size));
  return {};
}

Expected<std::vector<uint8_t>> read_entry(tar::Reader& r, uint64_t size) {
  std::vector<uint8_t> out(size);
  for (size_t at = 0; at < out.size();) {
    auto n = r.read(std::span<uint8_t>(out).subspan(at));
    if (!n) return n.error();
    at += *n;
  }
  return out;
}

Expected<void> write_all(int fd, std::span<const uint8_t> data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return os_error("cannot write " + path);
    data = data.subspan(size_t(n));
  }
  return {};
}

// Streams the current entry into a new file at `path`; returns its sha256.
Expected<std::string> copy_entry(tar::Reader& r, const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return os_error("cannot create " + path);
  Sha256 h;
  uint8_t buf[65536];
  for (;;) {
    auto n = r.read(buf);
    if (!n) {
      ::close(fd);
      return n.error();
    }
    if (*n == 0) break;
    h.update(std::span<const uint8_t>(buf, *n));
    if (auto w = write_all(fd, std::span<const uint8_t>(buf, *n), path); !w) {
      ::close(fd);
      return w.error();
    }
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return os_error("cannot write " + path);
  return h.hex();
}

Expected<std::string> file_sha256(const std::string& path, uint64_t& size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error("cannot open " + path);
  Sha256 h;
  uint8_t buf[65536];
  size = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      if (n < 0) return os_error("cannot read " + path);
      return h.hex();
    }
    h.update(std::span<const uint8_t>(buf, size_t(n)));
    size += uint64_t(n);
  }
}

// Whether processes/<id> holds exactly what the bundle does.
bool same_process(const Registry& reg, const BundleManifest& m, const std::string& meta_text) {
  auto text = reg.read_process_meta(m.process_id);
  if (!text || *text != meta_text) return false;
  for (size_t i = 2; i < m.files.size(); ++i) {
    uint64_t size = 0;
    auto sha = file_sha256(reg.process_dir(m.process_id) + "/" + m.files[i].name, size);
    if (!sha || *sha != m.files[i].sha256 || size != m.files[i].size) return false;
  }
  return ::access(trace::segment_path(reg.log_dir(m.process_id), uint32_t(m.files.size() - 2)).c_str(),
                  F_OK) != 0;
}

// rename(2), refusing to replace an existing (even empty) directory.
int rename_noreplace(const std::string& from, const std::string& to) {
  int r = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
  if (r != 0 && (errno == EINVAL || errno == ENOSYS)) {  // a file system without the flag
    if (::access(to.c_str(), F_OK) == 0) {
      errno = EEXIST;
      return -1;
    }
    r = ::rename(from.c_str(), to.c_str());
  }
  return r;
}

void sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string text_of(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

}  // namespace

Expected<ImportResult> import_bundle(Registry& reg, const tar::Source& source,
                                     uint64_t module_max_bytes) {
  tar::Reader r(source);
  auto first = r.next();
  if (!first) return first.error();
  if (!*first) return bad("an empty archive (no " + std::string(kBundleManifestName) + ")");
  const tar::Entry& head = **first;
  if (head.name != kBundleManifestName)
    return bad("not a timecraft bundle (its first entry is \"" + head.name + "\", not " +
               kBundleManifestName + ")");
  if (head.size > kMaxBundleManifest)
    return bad(std::string(kBundleManifestName) + ": " + std::to_string(head.size) +
               " bytes, more than a manifest can be");
  TC_TRY(check_entry(head, kBundleManifestName, head.size));
  auto manifest_bytes = read_entry(r, head.size);
  if (!manifest_bytes) return manifest_bytes.error();
  auto manifest = bundle_manifest_from_json(text_of(*manifest_bytes));
  if (!manifest) return manifest.error();
  ImportResult result;
  const BundleManifest& m = result.manifest = std::move(*manifest);
  if (m.files[0].size > kMaxBundleProcessJson)
    return bad("process.json: " + std::to_string(m.files[0].size) + " bytes, more than process metadata can be");
  if (m.files[1].size > module_max_bytes)
    return bad("module.wasm: " + std::to_string(m.files[1].size) +
               " bytes, more than the module size limit (" + std::to_string(module_max_bytes) + ")");

  Staging staging;
  staging.path = reg.root() + "/processes/" + m.process_id + ".importing-" +
                 Registry::new_process_id().substr(0, 8);
  std::error_code ec;
  if (!fs::create_directory(staging.path, ec) || !fs::create_directory(staging.path + "/log", ec))
    return bad("cannot create " + staging.path + ": " + (ec ? ec.message() : "it exists"));

  std::vector<uint8_t> meta_bytes, module;
  for (const BundleFile& f : m.files) {
    auto e = r.next();
    if (!e) return e.error();
    if (!*e) return bad("truncated: the archive ends before " + f.name);
    TC_TRY(check_entry(**e, f.name, f.size));
    std::string sha;
    if (&f == &m.files[0] || &f == &m.files[1]) {
      auto bytes = read_entry(r, f.size);
      if (!bytes) return bytes.error();
      sha = sha256_hex(*bytes);
      (&f == &m.files[0] ? meta_bytes : module) = std::move(*bytes);
    } else {
      auto h = copy_entry(r, staging.path + "/" + f.name);
      if (!h) return h.error();
      sha = *h;
    }
    if (sha != f.sha256)
      return bad(f.name + ": sha256 mismatch (the bundle is corrupt or was altered)");
  }
  auto end = r.next();
  if (!end) return end.error();
  if (*end) return bad("unexpected entry \"" + (*end)->name + "\" after the last file of the manifest");
  TC_TRY(r.expect_end());

  // module.wasm's sha256 is the digest (the manifest checks it), so the
  // module is the one the process ran; now the metadata and the log.
  std::string meta_text = text_of(meta_bytes);
  auto meta = process_meta_from_json(meta_text);
  if (!meta) return bad("process.json: " + meta.error().message);
  if (meta->id != m.process_id)
    return bad("process.json is process " + meta->id + ", the manifest says " + m.process_id);
  if (meta->module_digest != m.module_digest || meta->module_size != module.size())
    return bad("process.json names another module (sha256:" + meta->module_digest + ")");
  auto log = trace::LogReader::open(staging.path + "/log");
  if (!log) {
    std::string msg = log.error().message;
    for (size_t p; (p = msg.find(staging.path + "/")) != std::string::npos;)
      msg.erase(p, staging.path.size() + 1);
    return bad("the log cannot be read: " + msg);
  }
  auto said = [](const std::optional<std::string>& t) { return t ? "ends early (" + *t + ")" : "is whole"; };
  if (log->torn_tail() != m.log_torn || log->stats().records != m.log_records)
    return bad("the log reads differently here: " + std::to_string(log->stats().records) +
               " records and it " + said(log->torn_tail()) + "; where it was exported, " +
               std::to_string(m.log_records) + " records and it " + said(m.log_torn));
  // process.json last, as a run writes it: it is what says a process is
  // whole (its durable write syncs the staging directory too).
  sync_dir(staging.path + "/log");
  TC_TRY(write_file_atomic(staging.path + "/process.json", meta_text));

  // The module before the process that needs it; never with a "validated"
  // mark: this registry's engine validates it before first trusting it.
  auto had = reg.module_entry(m.module_digest);
  result.module_new = !had && had.error().kind == ErrorKind::Usage;
  auto put = reg.put_module(module, meta->module_name, "", m.module_digest);
  if (!put) return put.error();

  std::string dest = reg.process_dir(m.process_id);
  if (rename_noreplace(staging.path, dest) != 0) {
    if (errno != EEXIST && errno != ENOTEMPTY) return os_error("cannot rename " + staging.path + " to " + dest);
    if (!same_process(reg, m, meta_text))
      return bad("process " + m.process_id + " is already in " + reg.root() +
                 ", with other contents (not replaced)");
    result.already_imported = true;
    return result;
  }
  staging.published = true;
  sync_dir(reg.root() + "/processes");
  return result;
}

}  // namespace tc::registry
