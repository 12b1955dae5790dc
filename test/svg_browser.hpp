// Reading SVG flame graphs in tests: files, a small XML well-formedness
// check, frames and their attributes, and headless Chromium (its DOM after
// the graph's script ran). Shared by profile_flamegraph_tests and
// profile_e2e_tests.
#pragma once
// Each test uses some of these helpers (anonymous namespace: one copy per test).
#pragma GCC diagnostic ignored "-Wunused-function"
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& f, const std::string& s) { std::ofstream(f, std::ios::binary) << s; }

// A small XML well-formedness check: balanced tags, one root, quoted
// attributes, known entities, no stray '<' or '&'. "" if well-formed.
std::string xml_error(const std::string& d) {
  static const std::regex entity(R"(&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)");
  static const std::regex tag(R"(<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^<"]*"|'[^<']*'))*)\s*(/?)>)");
  auto entities_ok = [&](std::string::const_iterator b, std::string::const_iterator e) {
    for (auto it = std::find(b, e, '&'); it != e; it = std::find(it + 1, e, '&'))
      if (!std::regex_search(it, e, entity, std::regex_constants::match_continuous)) return false;
    return true;
  };
  std::vector<std::string> open;
  bool root_seen = false;
  for (size_t i = 0; i < d.size();) {
    auto skip = [&](const char* start, const char* end) {
      if (d.compare(i, std::strlen(start), start) != 0) return false;
      size_t e = d.find(end, i);
      i = e == std::string::npos ? d.size() + 1 : e + std::strlen(end);
      return true;
    };
    if (d[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(d[i]))) return "text outside the root at " + std::to_string(i);
      if (d[i] == '&' && !std::regex_search(d.begin() + i, d.end(), entity, std::regex_constants::match_continuous))
        return "bad entity at " + std::to_string(i);
      ++i;
    } else if (skip("<?", "?>") || skip("<!--", "-->") || skip("<![CDATA[", "]]>")) {
      if (i > d.size()) return "unterminated markup";
    } else if (d.compare(i, 2, "</") == 0) {
      size_t e = d.find('>', i);
      if (e == std::string::npos || open.empty() || d.substr(i + 2, e - i - 2) != open.back())
        return "mismatched end tag at " + std::to_string(i);
      open.pop_back();
      i = e + 1;
    } else {
      std::smatch m;
      if (!std::regex_search(d.cbegin() + i, d.cend(), m, tag, std::regex_constants::match_continuous))
        return "bad tag at " + std::to_string(i) + ": " + d.substr(i, 60);
      if (!entities_ok(m[2].first, m[2].second)) return "bad entity in a tag at " + std::to_string(i);
      if (open.empty() && root_seen) return "a second root at " + std::to_string(i);
      root_seen = true;
      if (m[3].length() == 0) open.push_back(m[1]);
      i += m.length(0);
    }
  }
  if (!open.empty()) return "<" + open.back() + "> not closed";
  return root_seen ? "" : "no root element";
}

// The attributes of one start tag, entities decoded (the ones we write).
std::map<std::string, std::string> attrs(const std::string& tag) {
  static const std::regex attr(R"re(([\w:-]+)="([^"]*)")re");
  std::map<std::string, std::string> out;
  for (std::sregex_iterator it(tag.begin(), tag.end(), attr), end; it != end; ++it) {
    std::string v = (*it)[2];
    for (auto [e, c] : {std::pair{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&amp;", "&"}})
      for (size_t at; (at = v.find(e)) != std::string::npos;) v.replace(at, std::strlen(e), c);
    out[(*it)[1]] = v;
  }
  return out;
}

// The frames of an SVG document (as written or as a browser dumps it): each
// g.frame's attributes, plus its rect's as "rect.x", "rect.width", ...
std::vector<std::map<std::string, std::string>> frames(const std::string& svg) {
  static const std::regex g(R"(<g ([^>]*class="frame[^>]*)>[\s\S]*?<rect ([^>]*)>)");
  std::vector<std::map<std::string, std::string>> out;
  for (std::sregex_iterator it(svg.begin(), svg.end(), g), end; it != end; ++it) {
    auto a = attrs((*it)[1]);
    for (auto& [k, v] : attrs((*it)[2])) a["rect." + k] = v;
    out.push_back(a);
  }
  return out;
}

std::string svg_root_tag(const std::string& doc) {
  size_t b = doc.find("<svg"), e = doc.find('>', b);
  return b == std::string::npos ? "" : doc.substr(b, e - b);
}

bool has_class(const std::map<std::string, std::string>& f, const std::string& c) {
  auto it = f.find("class");
  return it != f.end() && (" " + it->second + " ").find(" " + c + " ") != std::string::npos;
}

// A scratch directory (removed afterwards unless TC_FLAME_KEEP is set).
struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("tc_flame_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir / "home"); }
  ~Scratch() {
    if (std::getenv("TC_FLAME_KEEP")) BOOST_TEST_MESSAGE("kept " << dir);
    else fs::remove_all(dir);
  }
};

std::string chromium_binary() {
  for (const char* c : {"chromium", "chromium-browser", "google-chrome"}) {
    for (std::string_view path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin"; !path.empty();) {
      size_t colon = path.find(':');
      fs::path f = fs::path(path.substr(0, colon)) / c;
      if (::access(f.c_str(), X_OK) == 0) return f;
      path = colon == std::string_view::npos ? "" : path.substr(colon + 1);
    }
  }
  BOOST_FAIL("headless Chromium is needed for this test and was not found on PATH (chromium, chromium-browser, "
             "google-chrome): install Debian's `chromium` package");
  return {};
}

// Runs headless Chromium with `args` (then the URL); its stdout.
std::string chromium(const Scratch& s, const std::string& args, const std::string& url) {
  static const std::string bin = chromium_binary();
  fs::path out = s.dir / "chromium.out", err = s.dir / "chromium.err";
  std::string cmd = "HOME='" + (s.dir / "home").string() + "' timeout 90 '" + bin +
                    "' --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
                    " --user-data-dir='" + (s.dir / "home/profile").string() + "' " + args + " '" + url + "' >'" +
                    out.string() + "' 2>'" + err.string() + "'";
  int rc = std::system(cmd.c_str());
  BOOST_TEST_INFO("chromium's stderr: " << read(err).substr(0, 2000));
  BOOST_TEST(rc == 0, "chromium exited with " << rc);
  return read(out);
}

// Loads `svg` in Chromium, with a URL fragment; the DOM after its script ran.
std::string dump_dom(const Scratch& s, const std::string& svg, const std::string& fragment = "") {
  fs::path f = s.dir / "flame.svg";
  write(f, svg);
  std::string dom = chromium(s, "--dump-dom", "file://" + f.string() + fragment);
  std::string root = svg_root_tag(dom);
  BOOST_TEST_REQUIRE(!root.empty(), "no <svg> in the dumped DOM: " << dom.substr(0, 500));
  BOOST_TEST(attrs(root)["data-ready"] == "1", "the script did not finish: " << root);
  BOOST_TEST(attrs(root).count("data-error") == 0, "script error: " << attrs(root)["data-error"]);
  return dom;
}

const std::map<std::string, std::string>* frame_named(const std::vector<std::map<std::string, std::string>>& fs,
                                                      const std::string& name, const std::string& depth) {
  for (auto& f : fs)
    if (f.at("data-name") == name && f.at("data-depth") == depth) return &f;
  return nullptr;
}

}  // namespace
