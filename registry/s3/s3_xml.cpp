#include "registry/s3/s3_xml.hpp"

#include <charconv>

#include "registry/s3/s3_request.hpp"

namespace tc::registry::s3 {

namespace {

// The inner XML of the element starting at or after `from`, and where it
// ends; skips elements whose name merely starts with `tag`.
std::optional<std::string_view> find_element(std::string_view xml, std::string_view tag,
                                             size_t& from) {
  std::string open = "<" + std::string(tag);
  std::string close = "</" + std::string(tag) + ">";
  while (true) {
    size_t at = xml.find(open, from);
    if (at == std::string_view::npos) return std::nullopt;
    size_t after = at + open.size();
    if (after >= xml.size()) return std::nullopt;
    char c = xml[after];
    if (c != '>' && c != ' ' && c != '/') {  // <ContentsX ...>: another element
      from = after;
      continue;
    }
    size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) return std::nullopt;
    if (xml[gt - 1] == '/') {  // <Tag/>: empty
      from = gt + 1;
      return std::string_view();
    }
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) return std::nullopt;
    from = end + close.size();
    return xml.substr(gt + 1, end - gt - 1);
  }
}

}  // namespace

std::string xml_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out.push_back('&');
    else if (ent == "lt") out.push_back('<');
    else if (ent == "gt") out.push_back('>');
    else if (ent == "quot") out.push_back('"');
    else if (ent == "apos") out.push_back('\'');
    else if (ent.size() > 1 && ent[0] == '#') {
      uint32_t cp = 0;
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size()) {
        out.push_back('&');
        continue;
      }
      // UTF-8
      if (cp < 0x80) {
        out.push_back(char(cp));
      } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
      } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
      } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
      }
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::string xml_encode(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> element_text(std::string_view xml, std::string_view tag) {
  size_t from = 0;
  auto e = find_element(xml, tag, from);
  if (!e) return std::nullopt;
  return xml_decode(*e);
}

std::vector<std::string_view> elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  size_t from = 0;
  while (auto e = find_element(xml, tag, from)) out.push_back(*e);
  return out;
}

std::optional<XmlError> parse_error(std::string_view xml) {
  size_t from = 0;
  auto body = find_element(xml, "Error", from);
  if (!body) return std::nullopt;
  XmlError e;
  e.code = element_text(*body, "Code").value_or("");
  e.message = element_text(*body, "Message").value_or("");
  if (e.code.empty()) return std::nullopt;
  return e;
}

std::optional<ListPage> parse_list_objects_v2(std::string_view xml) {
  size_t from = 0;
  auto body = find_element(xml, "ListBucketResult", from);
  if (!body) return std::nullopt;
  ListPage page;
  for (std::string_view c : elements(*body, "Contents")) {
    ListEntry e;
    auto key = element_text(c, "Key");
    if (!key) return std::nullopt;
    e.key = std::move(*key);
    std::string size = element_text(c, "Size").value_or("0");
    auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), e.size);
    if (ec != std::errc()) return std::nullopt;
    std::string lm = element_text(c, "LastModified").value_or("");
    e.mtime_unix_ns = parse_iso8601_ns(lm);
    page.entries.push_back(std::move(e));
  }
  page.truncated = element_text(*body, "IsTruncated").value_or("false") == "true";
  page.next_token = element_text(*body, "NextContinuationToken").value_or("");
  if (page.truncated && page.next_token.empty()) return std::nullopt;
  return page;
}

std::optional<std::string> parse_upload_id(std::string_view xml) {
  auto id = element_text(xml, "UploadId");
  if (!id || id->empty()) return std::nullopt;
  return id;
}

std::string complete_multipart_body(const std::vector<std::string>& etags) {
  std::string out = "<CompleteMultipartUpload>";
  for (size_t i = 0; i < etags.size(); ++i) {
    out += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           xml_encode(etags[i]) + "</ETag></Part>";
  }
  out += "</CompleteMultipartUpload>";
  return out;
}

}  // namespace tc::registry::s3
