#include "session/build_id.hpp"

#include <elf.h>
#include <link.h>

#include <cstring>

namespace tc::session {

namespace {

// dl_iterate_phdr visits the main program first; its PT_NOTE segments hold
// the NT_GNU_BUILD_ID note (name "GNU").
int find_build_id(struct dl_phdr_info* info, size_t, void* out) {
  auto* id = static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    size_t left = ph.p_memsz;
    while (left >= sizeof(ElfW(Nhdr))) {
      ElfW(Nhdr) nh;
      std::memcpy(&nh, p, sizeof nh);
      size_t name_sz = (nh.n_namesz + 3) & ~size_t(3), desc_sz = (nh.n_descsz + 3) & ~size_t(3);
      size_t total = sizeof nh + name_sz + desc_sz;
      if (total > left) break;
      const unsigned char* name = p + sizeof nh;
      if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        static const char* hex = "0123456789abcdef";
        const unsigned char* desc = name + name_sz;
        for (size_t k = 0; k < nh.n_descsz; ++k) {
          id->push_back(hex[desc[k] >> 4]);
          id->push_back(hex[desc[k] & 15]);
        }
        return 1;
      }
      p += total;
      left -= total;
    }
  }
  return 1;  // only the main program
}

}  // namespace

const std::string& engine_build_id() {
  static const std::string id = [] {
    std::string s;
    dl_iterate_phdr(find_build_id, &s);
    return s;
  }();
  return id;
}

}  // namespace tc::session
