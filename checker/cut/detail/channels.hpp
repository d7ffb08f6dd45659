// Recorded channel states against the cut (checker/cut, internal).
#pragma once

#include <functional>
#include <vector>

#include "checker/cut/cut.hpp"

namespace weir::cut::detail {

// For every snapshot that recorded its incoming channels (and whose cut `judged` accepts
// as complete): each recorded channel must hold exactly the messages its sender sent
// before its own snapshot and the recorder had not received before its snapshot; and every
// in-group process that sends to the recorder must have a recorded channel.
void check_channel_states(const Execution& x, const std::function<bool(std::uint64_t)>& judged,
                          std::vector<Violation>& out);

}  // namespace weir::cut::detail
