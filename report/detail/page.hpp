// What every report page shares: the HTML shell and the data block (text is escaped with
// report::xml_text).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace weir::report::detail {

// A whole page: `body` is HTML, `data` goes in a JSON block the page's `script` reads as
// DATA. Styles are shared; everything is inline, so the file opens offline.
std::string page(std::string_view title, std::string_view body, const nlohmann::json& data,
                 std::string_view script);

}  // namespace weir::report::detail
