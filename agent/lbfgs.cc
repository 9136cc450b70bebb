#include "lbfgs.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace cairn {
namespace {

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double MaxAbs(const std::vector<double>& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}

}  // namespace

LbfgsResult MinimizeLbfgs(std::vector<double>& x, const Objective& f, int max_iterations,
                          double gradient_tolerance) {
  constexpr size_t kMemory = 10;
  const size_t n = x.size();
  std::vector<double> g(n), d(n), x_new(n), g_new(n);
  LbfgsResult result;
  double fx = f(x, g);
  struct Pair {
    std::vector<double> s, y;
    double rho;
  };
  std::deque<Pair> history;
  std::vector<double> alpha(kMemory);
  for (int it = 0; it < max_iterations; ++it) {
    result.iterations = it + 1;
    if (MaxAbs(g) < gradient_tolerance) break;
    // d = -H g by the two-loop recursion.
    d = g;
    for (size_t k = history.size(); k-- > 0;) {
      alpha[k] = history[k].rho * Dot(history[k].s, d);
      for (size_t i = 0; i < n; ++i) d[i] -= alpha[k] * history[k].y[i];
    }
    double gamma = 1;
    if (!history.empty()) {
      const Pair& last = history.back();
      gamma = Dot(last.s, last.y) / Dot(last.y, last.y);
    } else {
      gamma = 1 / std::max(1.0, std::sqrt(Dot(g, g)));
    }
    for (double& v : d) v *= gamma;
    for (size_t k = 0; k < history.size(); ++k) {
      double beta = history[k].rho * Dot(history[k].y, d);
      for (size_t i = 0; i < n; ++i) d[i] += history[k].s[i] * (alpha[k] - beta);
    }
    for (double& v : d) v = -v;
    double slope = Dot(g, d);
    if (slope >= 0) {  // not a descent direction: restart from the gradient
      history.clear();
      for (size_t i = 0; i < n; ++i) d[i] = -g[i] / std::max(1.0, std::sqrt(Dot(g, g)));
      slope = Dot(g, d);
    }
    // Backtracking line search (Armijo).
    double step = 1, f_new = 0;
    bool moved = false;
    for (int tries = 0; tries < 40; ++tries) {
      for (size_t i = 0; i < n; ++i) x_new[i] = x[i] + step * d[i];
      f_new = f(x_new, g_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        moved = true;
        break;
      }
      step *= 0.5;
    }
    if (!moved) break;
    Pair p{std::vector<double>(n), std::vector<double>(n), 0};
    for (size_t i = 0; i < n; ++i) {
      p.s[i] = x_new[i] - x[i];
      p.y[i] = g_new[i] - g[i];
    }
    double sy = Dot(p.s, p.y);
    double decrease = fx - f_new;
    x.swap(x_new);
    g.swap(g_new);
    fx = f_new;
    if (sy > 1e-12) {
      p.rho = 1 / sy;
      history.push_back(std::move(p));
      if (history.size() > kMemory) history.pop_front();
    }
    if (decrease <= 1e-10 * std::max(1.0, std::abs(fx))) break;
  }
  result.value = fx;
  return result;
}

}  // namespace cairn
