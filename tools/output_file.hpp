// Where `export` writes: a path the user named, which may be a regular file,
// a device (/dev/full, /dev/null, a tty), a FIFO or a symbolic link. What
// the path is stays what it was: only regular files are replaced (atomically).
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "interp/error.hpp"

namespace tc::cli {

// "-", /dev/stdout, /dev/fd/1, /proc/self/fd/1: our fd 1 (and likewise 2).
// A path that does not exist, or a regular file: written atomically (temp
// file + rename). A directory: an error. Anything else that exists (char or
// block device, FIFO, socket): opened and written in place, as a shell
// redirection would, so /dev/full reports ENOSPC and a FIFO stays a FIFO.
// A symbolic link is followed: a link to a regular file has its target
// replaced atomically (the link stays), a link to a device or FIFO is
// written through, and a dangling link is refused (nothing is created).
Expected<void> write_output_file(const std::string& path, std::span<const uint8_t> data);

// The same for output made piecewise (a bundle, larger than memory should
// hold): `produce` writes to the descriptor it is given, naming the output
// `name` in its errors. Its error leaves a regular FILE untouched.
using OutputProducer = std::function<Expected<void>(int fd, const std::string& name)>;
Expected<void> write_output_stream(const std::string& path, const OutputProducer& produce);

// write(2) all of `data` to `fd`; errors say "cannot write NAME: ...".
Expected<void> write_all(int fd, std::span<const uint8_t> data, const std::string& name);

}  // namespace tc::cli
