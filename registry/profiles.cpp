// The registry's profiles: profiles/<uuid>/profile.pb.gz, written
// atomically, then profile.json (what, of which process, when).
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "registry/atomic_file.hpp"
#include "registry/detail.hpp"
#include "registry/registry.hpp"

namespace tc::registry {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace detail;

Expected<std::string> Registry::put_profile(const ProfileEntry& meta, std::span<const uint8_t> pprof) {
  std::string id = new_process_id();
  std::error_code ec;
  fs::create_directories(profile_dir(id), ec);
  if (ec) return fs_error("cannot create profile " + id, ec);
  TC_TRY(write_file_atomic(profile_dir(id) + "/profile.pb.gz", pprof));
  json j = {{"id", id}, {"process", meta.process_id}, {"type", meta.type}, {"start", meta.start_unix_ns},
            {"duration_ns", meta.duration_ns}, {"size", pprof.size()}};
  if (!meta.summary.empty()) j["summary"] = json::parse(meta.summary, nullptr, false);
  TC_TRY(write_file_atomic(profile_dir(id) + "/profile.json", j.dump(2) + "\n"));
  return id;
}

Expected<std::vector<ProfileEntry>> Registry::list_profiles() const {
  std::vector<ProfileEntry> out;
  std::error_code ec;
  if (!fs::exists(root_ + "/profiles", ec)) return out;
  for (const auto& e : fs::directory_iterator(root_ + "/profiles", ec)) {
    std::string id = e.path().filename().string();
    if (!is_uuid(id)) continue;
    ProfileEntry p;
    p.id = id;
    std::ifstream in(profile_dir(id) + "/profile.json");
    json j = json::parse(in, nullptr, false);
    if (!in || j.is_discarded() || !j.is_object()) {
      p.broken = "profile.json cannot be read";
    } else {
      p.process_id = j.value("process", "");
      p.type = j.value("type", "cpu");
      p.start_unix_ns = j.value("start", int64_t(0));
      p.duration_ns = j.value("duration_ns", uint64_t(0));
      if (j.contains("summary")) p.summary = j["summary"].dump();
    }
    std::error_code ec2;
    p.size = fs::file_size(profile_dir(id) + "/profile.pb.gz", ec2);
    if (ec2) p.size = 0, p.broken = p.broken.empty() ? "profile.pb.gz is missing" : p.broken;
    out.push_back(std::move(p));
  }
  if (ec) return fs_error("cannot list profiles", ec);
  std::sort(out.begin(), out.end(), [](const ProfileEntry& a, const ProfileEntry& b) {
    return a.start_unix_ns != b.start_unix_ns ? a.start_unix_ns > b.start_unix_ns : a.id < b.id;
  });
  return out;
}

Expected<std::vector<uint8_t>> Registry::read_profile(const std::string& id) const {
  std::string path = profile_dir(id) + "/profile.pb.gz";
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::Io, path + ": cannot be read");
  return std::vector<uint8_t>{std::istreambuf_iterator<char>(in), {}};
}

Expected<void> Registry::delete_profile(const std::string& id) {
  if (!is_uuid(id)) return make_error(ErrorKind::Usage, "not a profile id: " + id);
  std::error_code ec;
  fs::remove_all(profile_dir(id), ec);
  if (ec) return fs_error("cannot delete profile " + id, ec);
  return {};
}

}  // namespace tc::registry
