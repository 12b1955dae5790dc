// Folded stacks and the SVG flame graph of a small hand-built profile; the
// SVG is also loaded in headless Chromium, which runs its script: the
// dumped DOM shows the layout it rendered, searches and zooms.
#define BOOST_TEST_MODULE profile_flamegraph_tests
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "profile/flamegraph.hpp"
#include "test/svg_browser.hpp"

namespace fs = std::filesystem;
using namespace tc::profile;

namespace {

// root -> main -> {parse, compute -> compute -> fd_write, fd_write, operator<<}
//      -> "init;setup\nx" -> {poll_oneoff, tpl<'a', "b"> & co}
// By instructions main is the widest entry point, by time "init;setup\nx"
// (it sleeps in poll_oneoff); tpl has 1 instruction of 9901: too narrow to
// draw. Totals: 9901 instructions, 307500 ns.
Profile sample() {
  Profile p;
  p.module_name = "sample.wasm";
  auto fn = [&](std::string name, bool host = false) {
    p.functions.push_back({std::move(name), "", 0, uint32_t(p.functions.size()), host});
  };
  fn("main"), fn("parse"), fn("compute"), fn("fd_write", true), fn("operator<<");
  fn("init;setup\nx"), fn("poll_oneoff", true), fn("tpl<'a', \"b\"> & co");
  auto node = [&](uint32_t parent, uint32_t f, uint64_t instr, uint64_t ns) {
    Node n;
    n.parent = parent, n.function = f, n.self_instructions = instr, n.self_ns = ns, n.calls = 1;
    p.nodes.push_back(n);
  };
  node(0, 0, 0, 0);           // 0: root
  node(0, 0, 100, 1000);      // 1: main
  node(1, 1, 2000, 20000);    // 2: main;parse
  node(1, 2, 3000, 30000);    // 3: main;compute
  node(3, 2, 4000, 40000);    // 4: main;compute;compute
  node(4, 3, 0, 5000);        // 5: main;compute;compute;fd_write
  node(1, 3, 0, 7000);        // 6: main;fd_write
  node(1, 4, 500, 500);       // 7: main;operator<<
  node(0, 5, 300, 3000);      // 8: init;setup\nx
  node(8, 6, 0, 200000);      // 9: init;setup\nx;poll_oneoff
  node(8, 7, 1, 1000);        // 10: init;setup\nx;tpl<...>
  p.finish();
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(folded_instructions) {
  BOOST_TEST(to_folded(sample()) ==
             "init_setup_x 300\n"
             "init_setup_x;tpl<'a', \"b\"> & co 1\n"
             "main 100\n"
             "main;compute 3000\n"
             "main;compute;compute 4000\n"
             "main;operator<< 500\n"
             "main;parse 2000\n");
}

BOOST_AUTO_TEST_CASE(folded_nanoseconds) {
  BOOST_TEST(to_folded(sample(), Metric::Nanoseconds) ==
             "init_setup_x 3000\n"
             "init_setup_x;poll_oneoff 200000\n"
             "init_setup_x;tpl<'a', \"b\"> & co 1000\n"
             "main 1000\n"
             "main;compute 30000\n"
             "main;compute;compute 40000\n"
             "main;compute;compute;fd_write 5000\n"
             "main;fd_write 7000\n"
             "main;operator<< 500\n"
             "main;parse 20000\n");
}

BOOST_AUTO_TEST_CASE(folded_empty_profile) {
  Profile p;
  BOOST_TEST(to_folded(p) == "");
  p.nodes.resize(1);
  p.finish();
  BOOST_TEST(to_folded(p) == "");
}

BOOST_AUTO_TEST_CASE(svg_is_well_formed_and_escaped) {
  Scratch s;
  for (Metric m : {Metric::Instructions, Metric::Nanoseconds}) {
    std::string svg = to_flamegraph_svg(sample(), {"flames <of> \"sample\" & co", m, 900});
    BOOST_TEST(xml_error(svg) == "");
    if (::access("/usr/bin/xmllint", X_OK) == 0) {
      write(s.dir / "x.svg", svg);
      std::string cmd = "xmllint --noout '" + (s.dir / "x.svg").string() + "' 2>'" + (s.dir / "x.err").string() + "'";
      BOOST_TEST(std::system(cmd.c_str()) == 0, "xmllint: " << read(s.dir / "x.err"));
    }
    BOOST_TEST(svg.find("operator<<") == std::string::npos);
    BOOST_TEST(svg.find("data-name=\"operator&lt;&lt;\"") != std::string::npos);
    BOOST_TEST(svg.find("<title>operator&lt;&lt; (500 ") != std::string::npos);
    BOOST_TEST(svg.find(">flames &lt;of&gt; &quot;sample&quot; &amp; co</text>") != std::string::npos);
    auto root = attrs(svg_root_tag(svg));
    BOOST_TEST(root["width"] == "900");
    BOOST_TEST(root.count("data-ready") == 0);  // the script sets it
    BOOST_TEST(svg.find("<script") != std::string::npos);
    BOOST_TEST(svg.find("http://www.w3.org/2000/svg") == svg.rfind("http"));  // no external resources
    // The newline in "init;setup\nx" is not XML-safe everywhere; ';' is fine in SVG.
    BOOST_TEST(svg.find("data-name=\"init;setup_x\"") != std::string::npos);
  }
  // tpl has 1 of 9901 instructions (< 0.1%): left out; by time it has 1000 of 307500 ns.
  std::string by_instr = to_flamegraph_svg(sample()), by_ns = to_flamegraph_svg(sample(), {"t", Metric::Nanoseconds});
  BOOST_TEST(by_instr.find("tpl") == std::string::npos);
  BOOST_TEST(by_ns.find("data-name=\"tpl&lt;&#39;a&#39;, &quot;b&quot;&gt; &amp; co\"") != std::string::npos);
  BOOST_TEST(by_ns.find("<title>tpl&lt;&#39;a&#39;, &quot;b&quot;&gt; &amp; co (1000 ns, 0.33%)</title>") !=
             std::string::npos);
  BOOST_TEST(by_instr == to_flamegraph_svg(sample()));  // deterministic
}

// Names come from the module: whatever bytes they hold, the SVG stays
// valid XML (UTF-8, no control characters).
BOOST_AUTO_TEST_CASE(svg_sanitises_names) {
  Scratch s;
  Profile p;
  const char* names[] = {"caf\xc3\xa9 \xe6\x97\xa5", "bad\xff\xc0\x80", "\xf8\x90\x80\x80", "ctl\x01\x7f", "sur\xed\xa0\x80",
                         "cut\xe6\x97"};
  p.nodes.resize(1);
  for (const char* n : names) {
    p.functions.push_back({n, "", 0, uint32_t(p.functions.size()), false});
    Node node;
    node.function = uint32_t(p.functions.size() - 1), node.self_instructions = 10;
    p.nodes.push_back(node);
  }
  p.finish();
  std::string svg = to_flamegraph_svg(p);
  BOOST_TEST(xml_error(svg) == "");
  if (::access("/usr/bin/xmllint", X_OK) == 0) {
    write(s.dir / "x.svg", svg);
    std::string cmd = "xmllint --noout '" + (s.dir / "x.svg").string() + "' 2>'" + (s.dir / "x.err").string() + "'";
    BOOST_TEST(std::system(cmd.c_str()) == 0, "xmllint: " << read(s.dir / "x.err"));
  }
  std::vector<std::string> got;
  for (auto& f : frames(svg)) got.push_back(f.at("data-name"));
  std::vector<std::string> want = {"all", "caf\xc3\xa9 \xe6\x97\xa5", "bad___", "____", "ctl__", "sur___", "cut__"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(svg_layout) {
  auto fs = frames(to_flamegraph_svg(sample(), {"t", Metric::Instructions, 1000}));
  BOOST_TEST(fs.size() == 7u);  // no tpl (too narrow), poll_oneoff, fd_write (no instructions)
  auto root = frame_named(fs, "all", "0"), main = frame_named(fs, "main", "1"),
       compute = frame_named(fs, "compute", "2"), parse = frame_named(fs, "parse", "2"),
       inner = frame_named(fs, "compute", "3"), write = frame_named(fs, "fd_write", "4");
  BOOST_TEST_REQUIRE((root && main && compute && parse && inner));
  BOOST_TEST(write == nullptr);  // no instructions of its own
  BOOST_TEST(root->at("rect.width") == "980.00");  // 1000 less the padding
  BOOST_TEST(main->at("rect.width") == "950.21");  // 980 * 9600 / 9901
  BOOST_TEST(main->at("data-value") == "9600");
  // Children sorted by name from the parent's left edge: "init;setup_x" (301), main;
  // then compute, operator<<, parse.
  BOOST_TEST(frame_named(fs, "init;setup_x", "1")->at("data-x") == "0");
  BOOST_TEST(main->at("data-x") == "301");
  BOOST_TEST(compute->at("data-x") == "301");
  BOOST_TEST(frame_named(fs, "operator<<", "2")->at("data-x") == "7301");
  BOOST_TEST(parse->at("data-x") == "7801");
  BOOST_TEST(std::stod(compute->at("rect.x")) == 10 + 980.0 * 301 / 9901, boost::test_tools::tolerance(0.001));
  BOOST_TEST(std::stod(root->at("rect.y")) > std::stod(main->at("rect.y")));  // root at the bottom
  BOOST_TEST(inner->at("rect.y") == std::to_string(std::stoi(compute->at("rect.y")) - 16));
  // Warm colours for WebAssembly, blue for host functions.
  auto by_ns = frames(to_flamegraph_svg(sample(), {"t", Metric::Nanoseconds}));
  auto rgb = [](const std::string& c) { return std::stoul(c.substr(1), nullptr, 16); };
  for (auto& f : by_ns) {
    if (f.at("data-depth") == "0") continue;
    unsigned long c = rgb(f.at("rect.fill")), r = c >> 16, b = c & 0xff;
    BOOST_TEST_INFO(f.at("data-name") << " " << f.at("rect.fill"));
    BOOST_TEST((f.count("data-host") ? b > r : r > b));
  }
  BOOST_TEST(frame_named(by_ns, "fd_write", "4")->at("rect.fill") == frame_named(by_ns, "fd_write", "2")->at("rect.fill"));
}

BOOST_AUTO_TEST_CASE(svg_of_an_empty_profile) {
  for (Profile p : {Profile{}, [] { Profile q; q.nodes.resize(1); q.finish(); return q; }()}) {
    std::string svg = to_flamegraph_svg(p);
    BOOST_TEST(xml_error(svg) == "");
    BOOST_TEST(frames(svg).size() == 1u);
  }
}

// In a browser: the widest frame above the root is the entry point with the
// largest total, at its share of the width, by either metric.
BOOST_AUTO_TEST_CASE(browser_renders_widest_entry_point) {
  Scratch s;
  const Profile p = sample();
  for (Metric m : {Metric::Instructions, Metric::Nanoseconds}) {
    auto total = [&](const Node& n) { return m == Metric::Instructions ? n.total_instructions : n.total_ns; };
    uint32_t widest = 0;
    for (uint32_t i = 1; i < p.nodes.size(); ++i)
      if (p.nodes[i].parent == 0 && (!widest || total(p.nodes[i]) > total(p.nodes[widest]))) widest = i;
    std::string name = p.functions[p.nodes[widest].function].name;
    std::replace(name.begin(), name.end(), '\n', '_');
    BOOST_TEST(name == (m == Metric::Instructions ? "main" : "init;setup_x"));
    double expected = double(total(p.nodes[widest])) / double(total(p.nodes[0]));

    std::string dom = dump_dom(s, to_flamegraph_svg(p, {"t", m}));
    auto root = attrs(svg_root_tag(dom));
    BOOST_TEST(root["data-widest"] == name);
    BOOST_TEST(std::stod(root["data-widest-frac"]) == expected, boost::test_tools::tolerance(0.01));
    // The same from the rects in the DOM.
    auto fs = frames(dom);
    const std::map<std::string, std::string>* best = nullptr;
    for (auto& f : fs)
      if (f.at("data-depth") == "1" && (!best || std::stod(f.at("rect.width")) > std::stod(best->at("rect.width"))))
        best = &f;
    BOOST_TEST_REQUIRE(best);
    BOOST_TEST(best->at("data-name") == name);
    double frac = std::stod(best->at("rect.width")) / std::stod(frame_named(fs, "all", "0")->at("rect.width"));
    BOOST_TEST(frac == expected, boost::test_tools::tolerance(0.01));
  }
}

BOOST_AUTO_TEST_CASE(browser_search) {
  Scratch s;
  // compute (7000) holds the recursive compute (4000): counted once, 7000 / 9901.
  std::string dom = dump_dom(s, to_flamegraph_svg(sample()), "#search=compute");
  BOOST_TEST(attrs(svg_root_tag(dom))["data-matched"] == "70.70");
  int hits = 0;
  for (auto& f : frames(dom)) {
    BOOST_TEST_INFO(f.at("data-name"));
    BOOST_TEST(has_class(f, "match") == (f.at("data-name") == "compute"));
    hits += has_class(f, "match");
  }
  BOOST_TEST(hits == 2);
  BOOST_TEST(dom.find("Matched: 70.70% (2 frames)") != std::string::npos);

  // A regex, percent-encoded: ^(parse|fd_write)$ by time: (20000 + 5000 + 7000) / 307500.
  dom = dump_dom(s, to_flamegraph_svg(sample(), {"t", Metric::Nanoseconds}), "#search=%5E(parse%7Cfd_write)%24");
  BOOST_TEST(attrs(svg_root_tag(dom))["data-matched"] == "10.41");
  for (auto& f : frames(dom)) {
    BOOST_TEST_INFO(f.at("data-name"));
    BOOST_TEST(has_class(f, "match") == (f.at("data-name") == "parse" || f.at("data-name") == "fd_write"));
  }
}

BOOST_AUTO_TEST_CASE(browser_zoom) {
  Scratch s;
  std::string dom = dump_dom(s, to_flamegraph_svg(sample(), {"t", Metric::Instructions, 1000}), "#zoom=compute");
  BOOST_TEST(attrs(svg_root_tag(dom))["data-zoom"] == "compute");
  auto fs = frames(dom);
  auto root = frame_named(fs, "all", "0"), main = frame_named(fs, "main", "1"), outer = frame_named(fs, "compute", "2"),
       inner = frame_named(fs, "compute", "3"), parse = frame_named(fs, "parse", "2"),
       init = frame_named(fs, "init;setup_x", "1");
  BOOST_TEST_REQUIRE((root && main && outer && inner && parse && init));
  // Ancestors full width (marked), the frame full width, its callee scaled, the rest hidden.
  for (auto f : {root, main}) {
    BOOST_TEST(has_class(*f, "parent"));
    BOOST_TEST(f->at("rect.width") == "980.00");
  }
  BOOST_TEST(outer->at("rect.width") == "980.00");
  BOOST_TEST(std::stod(inner->at("rect.width")) == 980.0 * 4000 / 7000, boost::test_tools::tolerance(0.001));
  BOOST_TEST(!has_class(*outer, "hidden"));
  BOOST_TEST(!has_class(*inner, "hidden"));
  BOOST_TEST(has_class(*parse, "hidden"));
  BOOST_TEST(has_class(*init, "hidden"));
  BOOST_TEST(dom.find("visibility=\"visible\">Reset zoom") != std::string::npos);
}

// The SVG inline in an HTML page whose script then hovers, clicks and types
// as a user would (prompt() answers "parse") and writes what it saw.
BOOST_AUTO_TEST_CASE(browser_hover_click_search) {
  Scratch s;
  std::string svg = to_flamegraph_svg(sample(), {"t", Metric::Instructions, 1000});
  svg.erase(0, svg.find("<svg"));
  std::string html = "<!DOCTYPE html><html><body>" + svg + R"(<pre id="result"></pre><script>
    var out = [], svg = document.querySelector('svg');
    function frame(name, depth) {
      return document.querySelector('g.frame[data-name="' + name + '"][data-depth="' + depth + '"] rect');
    }
    function fire(el, type) { el.dispatchEvent(new MouseEvent(type, {bubbles: true})); }
    function key(k, ctrl) { document.dispatchEvent(new KeyboardEvent('keydown', {key: k, ctrlKey: !!ctrl, bubbles: true})); }
    function log(what) { out.push(what); }
    fire(frame('parse', 2), 'mouseover');
    log('hover=' + document.getElementById('status').textContent);
    fire(frame('parse', 2), 'mouseout');
    log('out=[' + document.getElementById('status').textContent + ']');
    fire(frame('compute', 2), 'click');
    log('zoom=' + svg.getAttribute('data-zoom') + ' width=' + frame('compute', 2).getAttribute('width') +
        ' parse=' + frame('parse', 2).parentNode.getAttribute('class') +
        ' reset=' + document.getElementById('reset').getAttribute('visibility'));
    fire(document.getElementById('reset'), 'click');
    log('reset=' + svg.getAttribute('data-zoom') + ' parse=' + frame('parse', 2).parentNode.getAttribute('class') +
        ' width=' + frame('parse', 2).getAttribute('width'));
    window.prompt = function () { return 'parse'; };
    key('/');
    log('slash=' + svg.getAttribute('data-matched'));
    window.prompt = function () { return '^(main|init)'; };
    key('f', true);
    log('ctrlf=' + svg.getAttribute('data-matched') + ' ' + document.getElementById('search').textContent);
    window.prompt = function () { return '('; };
    fire(document.getElementById('search'), 'click');
    log('bad=' + document.getElementById('status').textContent.slice(0, 26));
    key('Escape');
    log('escape=' + svg.hasAttribute('data-matched') + ' ' + document.querySelectorAll('.match').length);
    document.getElementById('result').textContent = out.join('\n');
  </script></body></html>)";
  fs::path f = s.dir / "harness.html";
  write(f, html);
  std::string dom = chromium(s, "--dump-dom", "file://" + f.string());
  BOOST_TEST(attrs(svg_root_tag(dom))["data-ready"] == "1");
  size_t b = dom.find("<pre id=\"result\">"), e = dom.find("</pre>", b);
  BOOST_TEST_REQUIRE(b != std::string::npos);
  BOOST_TEST(dom.substr(b + 17, e - b - 17) ==
             "hover=parse (2000 instructions, 20.20%; self 2000)\n"
             "out=[ ]\n"
             "zoom=compute width=980.00 parse=frame hidden reset=visible\n"
             "reset=all parse=frame width=197.96\n"  // 980 * 2000 / 9901
             "slash=20.20\n"
             "ctrlf=100.00 Search: /^(main|init)/\n"
             "bad=Invalid regular expression\n"
             "escape=false 0");
}

BOOST_AUTO_TEST_CASE(browser_screenshot) {
  Scratch s;
  fs::path svg = s.dir / "shot.svg", png = s.dir / "shot.png";
  write(svg, to_flamegraph_svg(sample(), {"timecraft profile: sample.wasm", Metric::Instructions, 1200}));
  chromium(s, "--hide-scrollbars --window-size=1200,500 --screenshot='" + png.string() + "'", "file://" + svg.string());
  BOOST_TEST_REQUIRE(fs::exists(png), "no screenshot at " << png);
  std::string data = read(png);
  BOOST_TEST(data.size() > 5000u, "screenshot of " << data.size() << " bytes");
  BOOST_TEST_REQUIRE(data.size() > 24u);
  BOOST_TEST(data.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  auto be32 = [&](size_t at) {
    return uint32_t(uint8_t(data[at])) << 24 | uint32_t(uint8_t(data[at + 1])) << 16 | uint32_t(uint8_t(data[at + 2])) << 8 |
           uint8_t(data[at + 3]);
  };
  BOOST_TEST(be32(16) == 1200u);  // IHDR's width and height
  BOOST_TEST(be32(20) == 500u);
  if (const char* keep = std::getenv("TC_FLAME_SAMPLE")) {  // e.g. /tmp/flame-sample: writes .svg and .png
    fs::copy_file(svg, std::string(keep) + ".svg", fs::copy_options::overwrite_existing);
    fs::copy_file(png, std::string(keep) + ".png", fs::copy_options::overwrite_existing);
  }
}
