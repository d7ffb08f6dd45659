// The pages' scripts, each in its own file beside the code that feeds it.
#pragma once

#include <string_view>

namespace weir::report::detail {

extern const std::string_view kLinScript;      // lin_script.cpp
extern const std::string_view kExploreScript;  // explore_script.cpp

}  // namespace weir::report::detail
