#include "trace/segment_store.hpp"

#include "trace/segment_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace tc::trace {

namespace {

Error io_error(const std::string& what, int err = errno) {
  return make_error(ErrorKind::Io, what + ": " + std::strerror(err));
}

class DirSegments : public SegmentStore {
 public:
  explicit DirSegments(std::string dir) : dir_(std::move(dir)) {}

  std::string name(uint32_t index) const override { return dir_ + "/" + segment_name(index); }

  Expected<std::vector<SegmentEntry>> list() const override {
    std::vector<SegmentEntry> out;
    DIR* d = ::opendir(dir_.c_str());
    if (!d) {
      if (errno == ENOENT) return out;
      return io_error("cannot list " + dir_);
    }
    while (const dirent* e = ::readdir(d)) {
      auto i = parse_segment_name(e->d_name);
      struct stat st;
      if (i && ::stat((dir_ + "/" + e->d_name).c_str(), &st) == 0 && S_ISREG(st.st_mode))
        out.push_back({*i, uint64_t(st.st_size)});
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(),
              [](const SegmentEntry& a, const SegmentEntry& b) { return a.index < b.index; });
    return out;
  }

  Expected<std::optional<std::vector<uint8_t>>> read(uint32_t index, uint64_t offset,
                                                     uint64_t len) const override {
    using Result = std::optional<std::vector<uint8_t>>;
    std::string path = name(index);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Result();
      return io_error("cannot open " + path);
    }
    struct stat st {};
    ::fstat(fd, &st);
    uint64_t size = uint64_t(st.st_size);
    std::vector<uint8_t> out(offset >= size ? 0 : std::min(len, size - offset));
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd, out.data() + done, out.size() - done, off_t(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += size_t(n);
    }
    ::close(fd);
    out.resize(done);
    return Result(std::move(out));
  }

  Expected<std::unique_ptr<SegmentSink>> create(uint32_t index) override {
    if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST) return io_error("cannot create " + dir_);
    return create_segment_file(name(index));
  }

 private:
  std::string dir_;
};

}  // namespace

std::shared_ptr<SegmentStore> dir_segments(const std::string& dir) {
  return std::make_shared<DirSegments>(dir);
}

Expected<std::unique_ptr<SegmentSink>> create_segment_file(const std::string& path) {
  return open_segment_file(path);
}

}  // namespace tc::trace
