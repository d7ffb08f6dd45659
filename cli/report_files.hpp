// Where `--html` and `--svg` reports go: with one input, the file named; with several, a
// folder of that name, one report per input named after it.
#pragma once

#include <string>

namespace weir::cli {

std::string report_path(const std::string& option, std::size_t inputs, std::size_t index, const std::string& input,
                        const char* extension);
// Writes `text`; when it cannot, says why on stderr ("path: cannot write the report:
// cause") and returns false (the command then exits 2).
bool write_report(const std::string& path, const std::string& text);

}  // namespace weir::cli
