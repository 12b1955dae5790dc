#include "registry/registry.hpp"
#include "registry/detail.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "registry/atomic_file.hpp"
#include "registry/json_fields.hpp"
#include "registry/local_store.hpp"
#include "registry/sha256.hpp"

namespace tc::registry {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace detail {

int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace detail
namespace {
bool is_hex_digest(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}
}  // namespace
namespace detail {

bool is_uuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    char c = s[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!dash && !hex) return false;
  }
  return true;
}

Error fs_error(const std::string& what, const std::error_code& ec) {
  return make_error(ErrorKind::Io, what + ": " + ec.message());
}

}  // namespace detail
using namespace detail;

Registry::Registry(std::string root)
    : root_(std::move(root)), store_(std::make_shared<LocalStore>(root_)) {}

std::string Registry::default_root() {
  if (const char* r = std::getenv("TIMECRAFT_REGISTRY"); r && *r) return r;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.timecraft";
}

Expected<Registry> Registry::open(const std::string& root) {
  std::error_code ec;
  for (const char* sub : {"modules/sha256", "processes"}) {
    fs::create_directories(fs::path(root) / sub, ec);
    if (ec) return fs_error("cannot create registry at " + root, ec);
  }
  return Registry(root);
}

Expected<Registry> Registry::open_existing(const std::string& root) {
  std::error_code ec;
  if (!fs::is_directory(fs::path(root) / "processes", ec))
    return make_error(ErrorKind::Usage, "no registry at " + root + " (nothing has been recorded there)");
  return Registry(root);
}

std::string Registry::module_path(const std::string& digest) const {
  return root_ + "/modules/sha256/" + digest;
}

Expected<std::string> Registry::put_module(std::span<const uint8_t> bytes,
                                           const std::string& name,
                                           const std::string& validated_by,
                                           const std::string& known_digest) {
  std::string digest = known_digest.empty() ? sha256_hex(bytes) : known_digest;
  std::string path = module_path(digest);
  std::error_code ec;
  if (!fs::exists(path, ec) || fs::file_size(path, ec) != bytes.size())
    TC_TRY(write_file_atomic(path, bytes));
  json meta = {{"name", name}, {"size", bytes.size()}, {"created", now_unix_ns()}};
  std::string mark;
  if (const ValidationKey* key = validated_by.empty() ? nullptr : validation_key())
    meta["validated_by"] = mark = key->mark(digest, validated_by);
  if (auto old = read_file(path + ".json")) {
    auto j = json::parse(old->begin(), old->end(), nullptr, false);
    std::string old_name, old_mark;
    int64_t created = 0;
    uint64_t size = 0;
    JsonFields f(j);
    f.str("name", old_name, true).str("validated_by", old_mark).integer("created", created).integer("size", size);
    if (!j.is_discarded() && !f.error()) {  // else it is rewritten whole
      bool same_build = mark.empty() || old_mark == mark;
      if (old_name == name && same_build && size == bytes.size()) {  // already known
        // The sidecar's mtime says when a run last used the module (prune).
        ::utimensat(AT_FDCWD, (path + ".json").c_str(), nullptr, 0);
        return digest;
      }
      if (created) meta["created"] = created;
    }
  }
  TC_TRY(write_file_atomic(path + ".json", meta.dump(2, ' ', false, json::error_handler_t::replace) + "\n"));
  return digest;
}

void Registry::use_validation_key(std::optional<ValidationKey> key) {
  key_ = std::move(key);
  key_loaded_ = true;
}

const ValidationKey* Registry::validation_key() const {
  if (!key_loaded_) {
    key_loaded_ = true;
    // No usable key (unset $HOME, a file with the wrong mode...): nothing
    // is trusted, every module is validated.
    if (auto k = ValidationKey::load_or_create(ValidationKey::default_path())) key_ = *k;
  }
  return key_ ? &*key_ : nullptr;
}

// Never trusted from a shared store: the mark is an HMAC under this user's
// key (ValidationKey::default_path(), outside the registry), so a sidecar
// written by anyone else, or fetched from a remote store, does not verify
// and the module is validated. It binds the digest, and every module is
// checked against its digest before use (read_module; run hashes the file
// it is given), so swapped bytes under a marked digest never run unvalidated.
// With a remote registry the mark stays in the local sidecar (the local
// cache's modules/sha256/<hex>.json): pushed sidecars need not carry it, and
// a pulled one's is ignored unless it verifies under the local key.
bool Registry::validated_by(const std::string& digest, const std::string& build) const {
  if (build.empty() || !is_hex_digest(digest)) return false;
  std::error_code ec;
  if (!fs::exists(module_path(digest), ec)) return false;
  auto text = read_file(module_path(digest) + ".json");
  if (!text) return false;
  auto j = json::parse(text->begin(), text->end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto it = j.find("validated_by");
  if (it == j.end() || !it->is_string()) return false;
  const ValidationKey* key = validation_key();
  return key && key->verify(it->get<std::string>(), digest, build);
}

Expected<std::vector<uint8_t>> Registry::read_module(const std::string& digest) const {
  if (!is_hex_digest(digest)) return make_error(ErrorKind::Usage, "not a module digest: " + digest);
  auto bytes = read_file(module_path(digest));
  if (!bytes) return bytes.error();
  if (sha256_hex(*bytes) != digest)
    return make_error(ErrorKind::Io, "module " + digest.substr(0, 12) +
                                         " is corrupt in the registry (digest mismatch)");
  return bytes;
}

ModuleEntry Registry::read_module_entry(const std::string& digest) const {
  ModuleEntry m;
  m.digest = digest;
  std::error_code ec;
  m.size = fs::file_size(module_path(digest), ec);
  if (ec) m.size = 0;
  std::string path = module_path(digest) + ".json";
  if (!fs::exists(path, ec)) return m;  // not written yet: the module itself is fine
  auto text = read_file(path);
  if (!text) {
    m.broken = "cannot be read";
    return m;
  }
  auto j = json::parse(text->begin(), text->end(), nullptr, false);
  std::string mark;
  uint64_t size = 0;
  JsonFields f(j);
  f.str("name", m.name).integer("created", m.created_unix_ns).integer("size", size).str("validated_by", mark);
  if (j.is_discarded() || f.error()) {
    m.broken = j.is_discarded() ? "not valid JSON" : *f.error();
    m.name.clear();
    m.created_unix_ns = 0;
  }
  return m;
}

Expected<ModuleEntry> Registry::module_entry(const std::string& digest) const {
  std::error_code ec;
  if (!is_hex_digest(digest) || !fs::exists(module_path(digest), ec))
    return make_error(ErrorKind::Usage, "no module " + digest);
  ModuleEntry m = read_module_entry(digest);
  if (!m.broken.empty()) return make_error(ErrorKind::Io, module_path(digest) + ".json: " + m.broken);
  return m;
}

Expected<std::vector<ModuleEntry>> Registry::list_modules() const {
  std::vector<ModuleEntry> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_ + "/modules/sha256", ec)) {
    std::string name = e.path().filename().string();
    if (is_hex_digest(name)) out.push_back(read_module_entry(name));
  }
  if (ec) return fs_error("cannot list modules", ec);
  std::sort(out.begin(), out.end(), [](const ModuleEntry& a, const ModuleEntry& b) {
    return a.created_unix_ns != b.created_unix_ns ? a.created_unix_ns > b.created_unix_ns
                                                  : a.digest < b.digest;
  });
  return out;
}

Expected<std::string> Registry::resolve(ObjectKind kind, const std::string& prefix) const {
  const char* what = kind == ObjectKind::Module ? "module" : kind == ObjectKind::Process ? "process" : "profile";
  if (prefix.empty()) return make_error(ErrorKind::Usage, std::string("empty ") + what + " id");
  std::string p = prefix;
  if (kind == ObjectKind::Module && p.rfind("sha256:", 0) == 0) p = p.substr(7);
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string> matches;
  if (kind == ObjectKind::Module) {
    auto mods = list_modules();
    if (!mods) return mods.error();
    for (const auto& m : *mods)
      if (m.digest.rfind(p, 0) == 0) matches.push_back(m.digest);
  } else if (kind == ObjectKind::Process) {
    // One listing of the keys under processes/<prefix> (a local directory
    // walk, one LIST request on S3): complete, unlike the index (a cache
    // that may lack a process), and no process.json is read.
    auto keys = store_->list("processes/" + p);
    if (!keys) return keys.error();
    for (const auto& o : *keys) {
      std::string id = o.key.substr(10, o.key.find('/', 10) - 10);
      if (is_uuid(id) && (matches.empty() || matches.back() != id)) matches.push_back(id);
    }  // (sorted by key: by id)
  } else {
    auto profs = list_profiles();
    if (!profs) return profs.error();
    for (const auto& x : *profs)
      if (x.id.rfind(p, 0) == 0) matches.push_back(x.id);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.empty())
    return make_error(ErrorKind::Usage, std::string("no ") + what + " matches \"" + prefix + "\"");
  std::string list;
  for (size_t i = 0; i < matches.size() && i < 5; ++i) list += (i ? ", " : "") + matches[i];
  if (matches.size() > 5) list += ", ...";
  return make_error(ErrorKind::Usage, std::string("ambiguous ") + what + " id \"" + prefix +
                                          "\" matches " + std::to_string(matches.size()) +
                                          ": " + list);
}

}  // namespace tc::registry
