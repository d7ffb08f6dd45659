// Turns the search's longest linearization into a witness a person can read.
#pragma once

#include <vector>

#include "checker/lin/detail/search.hpp"
#include "checker/lin/lin.hpp"

namespace weir::lin::detail {

Witness build_witness(const History& history, const std::vector<SearchOp>& ops,
                      std::uint32_t slots, const std::vector<std::uint32_t>& best_prefix);

}  // namespace weir::lin::detail
