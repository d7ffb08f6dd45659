// How `weir check lin` shows its verdicts: a short summary for people, JSON for machines.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "checker/lin/lin.hpp"

namespace weir::cli {

void print_lin_human(std::ostream& out, const std::string& file, const lin::History& h,
                     const lin::Result& r);
nlohmann::json lin_json(const std::string& file, const lin::History& h, const lin::Result& r);

}  // namespace weir::cli
