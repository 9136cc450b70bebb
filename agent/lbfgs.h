// Unconstrained minimization of a smooth function by L-BFGS (limited-memory
// quasi-Newton) with a backtracking line search: fits the response model.
#pragma once

#include <functional>
#include <vector>

namespace cairn {

// f(x), filling `grad` (same size as x) with its gradient.
using Objective = std::function<double(const std::vector<double>& x, std::vector<double>& grad)>;

struct LbfgsResult {
  int iterations = 0;
  double value = 0;
};

// Moves `x` to a minimum of `f`: stops after `max_iterations`, when the gradient's
// largest component is below `gradient_tolerance`, or when an iteration lowers f by
// less than a relative 1e-10. Deterministic.
LbfgsResult MinimizeLbfgs(std::vector<double>& x, const Objective& f, int max_iterations,
                          double gradient_tolerance = 1e-5);

}  // namespace cairn
