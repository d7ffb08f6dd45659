// The checks every user value passes before a generator writes it into a script or a
// manifest (swarm/values.cpp): each returns the cause, "OPTION ...", when it refuses.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace weir::swarm::detail {

// Why `v` cannot appear in a generated file at all: a control character (C0, DEL, C1), a
// byte that is not UTF-8, U+2028/U+2029, U+FFFE/U+FFFF.
std::optional<std::string> unsafe_text(const std::string& v);
// `v` for a comment line (sh or YAML): printable ASCII kept, every other byte and '\' as \xNN.
std::string comment_text(const std::string& v);

std::optional<std::string> check_value(const std::string& option, const std::string& v);
std::optional<std::string> check_path(const std::string& option, const std::string& v);
std::optional<std::string> check_words(const std::vector<std::string>& command);
std::optional<std::string> check_slurm_name(const std::string& option, const std::string& v);
std::optional<std::string> check_slurm_partitions(const std::string& option, const std::string& v);
std::optional<std::string> check_slurm_time(const std::string& option, const std::string& v);
std::optional<std::string> check_sbatch_path(const std::string& option, const std::string& v);
std::optional<std::string> check_k8s_name(const std::string& option, const std::string& v, std::size_t room);
std::optional<std::string> check_k8s_subdomain(const std::string& option, const std::string& v);
std::optional<std::string> check_quantity(const std::string& option, const std::string& v);

}  // namespace weir::swarm::detail
