#include "tools/options.hpp"

#include <algorithm>
#include <iostream>

namespace tc::cli {

namespace po = boost::program_options;

int cmd_help(const Args& args);
int usage_error(const std::string& cmd, const std::string& what);

const Option kRegistryOption = {"registry", Option::Value, "DIR",
                                "registry location (default $TIMECRAFT_REGISTRY, the\n"
                                "config file's registry.root, or ~/.timecraft)",
                                ""};
const Option kOutputOption = {"output,o", Option::Value, "FORMAT", "text, json or yaml", "text"};

namespace {

std::string label(const Option& o) {
  std::string n = o.names;
  auto comma = n.find(',');
  std::string s = comma == std::string::npos ? "--" + n : "-" + n.substr(comma + 1) + ", --" + n.substr(0, comma);
  if (o.kind != Option::Flag) s += std::string(" ") + o.value;
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

std::string format_help(const CommandSpec& spec) {
  std::string out;
  for (const auto& form : lines_of(spec.usage))
    out += (out.empty() ? "Usage: timecraft " : "       timecraft ") + form + "\n";
  if (*spec.description) out += std::string("\n") + spec.description;
  std::vector<Option> opts = spec.options;
  opts.push_back({"help,h", Option::Flag, "", "this help"});
  size_t width = 0;
  for (const auto& o : opts) width = std::max(width, std::min<size_t>(label(o).size(), 24));
  out += "\nOptions:\n";
  for (const auto& o : opts) {
    std::string l = label(o);
    auto lines = lines_of(o.help);
    std::string pad(width + 4, ' ');
    if (o.default_value && *o.default_value) {  // on the last line if it fits in 80 columns
      std::string d = std::string("(default ") + o.default_value + ")";
      if (pad.size() + lines.back().size() + 1 + d.size() <= 80) lines.back() += " " + d;
      else lines.push_back(d);
    }
    if (l.size() > width) out += "  " + l + "\n" + pad + lines[0] + "\n";
    else out += "  " + l + std::string(width - l.size() + 2, ' ') + lines[0] + "\n";
    for (size_t i = 1; i < lines.size(); ++i) out += pad + lines[i] + "\n";
  }
  if (*spec.notes) out += std::string("\n") + spec.notes;
  return out;
}

std::optional<int> parse_options(const CommandSpec& spec, const Args& args, po::variables_map& vm) {
  po::options_description desc;
  for (const auto& o : spec.options) {
    switch (o.kind) {
      case Option::Flag: desc.add_options()(o.names, ""); break;
      case Option::Value:
        if (o.default_value) desc.add_options()(o.names, po::value<std::string>()->default_value(o.default_value), "");
        else desc.add_options()(o.names, po::value<std::string>(), "");
        break;
      case Option::List: desc.add_options()(o.names, po::value<std::vector<std::string>>()->composing(), ""); break;
    }
  }
  po::positional_options_description pos;
  for (const auto& p : spec.positionals) {
    if (p.max == 1) desc.add_options()(p.name, po::value<std::string>(), "");
    else desc.add_options()(p.name, po::value<std::vector<std::string>>(), "");
    pos.add(p.name, p.max);
  }
  desc.add_options()("help,h", "");
  try {
    po::command_line_parser parser(args);
    parser.options(desc).positional(pos);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(spec.name, e.what());
  }
  if (vm.count("help")) {  // (not through cmd_help: "trace network" is no command of its own)
    std::cout << format_help(spec);
    return 0;
  }
  return std::nullopt;
}

void split_at_positional(const CommandSpec& spec, const Args& args, Args& options, Args& rest) {
  auto takes_value = [&](const std::string& a) {
    for (const auto& o : spec.options) {
      if (o.kind == Option::Flag) continue;
      std::string n = o.names;
      auto comma = n.find(',');
      if (a == "--" + n.substr(0, comma)) return true;
      if (comma != std::string::npos && a == "-" + n.substr(comma + 1)) return true;
    }
    return false;
  };
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") { ++i; break; }
    if (a.size() < 2 || a[0] != '-') break;
    options.push_back(a);
    if (a.find('=') == std::string::npos && takes_value(a) && i + 1 < args.size())
      options.push_back(args[++i]);
  }
  rest.assign(args.begin() + long(i), args.end());
}

}  // namespace tc::cli
