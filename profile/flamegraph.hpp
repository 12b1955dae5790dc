// Folded stacks (flamegraph.pl's and speedscope's input) and a
// self-contained interactive SVG flame graph.
#pragma once
#include <string>

#include "profile/profile.hpp"

namespace tc::profile {

enum class Metric { Instructions, Nanoseconds };

// One line per stack with a nonzero self value, root-most frame first,
// frames separated by ';', then a space and the value: "main;parse;memcpy 1234".
std::string to_folded(const Profile& p, Metric m = Metric::Instructions);

struct FlameOptions {
  std::string title = "timecraft profile";
  Metric metric = Metric::Instructions;
  int width = 1200;
};

// An SVG document with embedded script: hover shows a frame's name and
// values, click zooms into a frame, a search box highlights matches.
std::string to_flamegraph_svg(const Profile& p, const FlameOptions& opts = {});

}  // namespace tc::profile
