// What every report page shares: the HTML shell, escaping, the data block.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace weir::report::detail {

std::string escape(std::string_view text);  // for HTML text and attribute values

// A whole page: `body` is HTML, `data` goes in a JSON block the page's `script` reads as
// DATA. Styles are shared; everything is inline, so the file opens offline.
std::string page(std::string_view title, std::string_view body, const nlohmann::json& data,
                 std::string_view script);

}  // namespace weir::report::detail
