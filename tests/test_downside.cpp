// SPDX-License-Identifier: MIT
// Tests of the downside family, <hedgemetrics/downside.hpp> and the headers it gathers: tail_risk.hpp
// (value_at_risk, expected_shortfall), partial_moments.hpp (lower_partial_moment, semivariance),
// downside_hedge.hpp (downside_effectiveness, min_expected_shortfall_ratio, min_semivariance_ratio,
// min_target_semivariance_ratio, the normal closed forms) and their downside_options; the deprecated
// positional spellings; which overload a call selects. Independent answers: exact rational arithmetic (GMP) on the same inputs, with
// Rockafellar & Uryasev's minimisation over c done by brute force over every candidate c, and the
// minimum-ES and minimum-semivariance ratios by brute force over every breakpoint; a fine grid; a
// ternary search of the normal objective; published normal quantiles; invariants; every bad input.
#include <hedgemetrics/downside.hpp>
#include <hedgemetrics/downside_hedge.hpp>
#include <hedgemetrics/downside_options.hpp>
#include <hedgemetrics/partial_moments.hpp>
#include <hedgemetrics/tail_risk.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "support/check.hpp"
#include "support/exact.hpp"

namespace hm = hedgemetrics;
namespace ex = hm_test::exact;
using hm_test::check_close;
using hm_test::check_nan;
using hm_test::show;

namespace {

using rational = ex::rational;
using rationals = std::vector<rational>;

/// downside_options at the tail level α, with a missing-data policy.
hm::downside_options at(double level, hm::missing_data missing = hm::missing_data::propagate) {
  hm::downside_options options;
  options.level = level;
  options.missing = missing;
  return options;
}

/// downside_options at the target τ, with a missing-data policy.
hm::downside_options below(double target, hm::missing_data missing = hm::missing_data::propagate) {
  hm::downside_options options;
  options.target = target;
  options.missing = missing;
  return options;
}

/// downside_options with both a tail level and a target.
hm::downside_options downside(double level, double target,
                              hm::missing_data missing = hm::missing_data::propagate) {
  hm::downside_options options = at(level, missing);
  options.target = target;
  return options;
}

/// A level as the caller writes it ("0.95") and as the exact decimal it means.
struct level_case {
  const char* text;
  double value;
};

const std::array<level_case, 7> levels{{{"0.5", 0.5},
                                        {"0.75", 0.75},
                                        {"0.9", 0.9},
                                        {"0.95", 0.95},
                                        {"0.99", 0.99},
                                        {"0.37", 0.37},
                                        {"0.8125", 0.8125}}};

template <class T>
rationals exact_values(const std::vector<T>& x) {
  rationals out;
  for (const T v : x) out.push_back(ex::to_rational(v));
  return out;
}

/// Rockafellar & Uryasev's F_α(c) = c + Σ(L_i − c)⁺ / (n(1 − α)), exactly.
rational ru_objective(const rationals& loss, const rational& c, const rational& alpha) {
  rational excess = 0;
  for (const auto& l : loss) {
    if (l > c) excess += l - c;
  }
  const rational n = static_cast<long>(loss.size());
  return c + excess / (n * (rational(1) - alpha));
}

/// ES by brute force: F_α is convex and piecewise linear in c with breakpoints at the losses, so its
/// minimum is at one of them; every one is tried.
rational ru_shortfall(const rationals& loss, const rational& alpha) {
  std::optional<rational> best;
  for (const auto& c : loss) {
    const rational value = ru_objective(loss, c, alpha);
    if (!best || value < *best) best = value;
  }
  return *best;
}

/// VaR by its definition: the smallest loss c with #{L ≤ c} ≥ α·n.
rational exact_var(const rationals& loss, const rational& alpha) {
  std::optional<rational> best;
  const rational need = alpha * static_cast<long>(loss.size());
  for (const auto& c : loss) {
    long count = 0;
    for (const auto& l : loss) count += (l <= c) ? 1 : 0;
    if (rational(count) >= need && (!best || c < *best)) best = c;
  }
  return *best;
}

rational exact_lpm(const rationals& x, int order, const rational& target) {
  rational sum = 0;
  for (const auto& v : x) {
    if (v < target) {
      rational term = 1;
      for (int p = 0; p < order; ++p) term *= target - v;
      sum += term;
    }
  }
  return sum / static_cast<long>(x.size());
}

rational exact_mean(const rationals& x) {
  rational sum = 0;
  for (const auto& v : x) sum += v;
  return sum / static_cast<long>(x.size());
}

rationals hedged_losses(const rationals& s, const rationals& f, const rational& h) {
  rationals loss;
  for (std::size_t i = 0; i < s.size(); ++i) loss.push_back(h * f[i] - s[i]);
  return loss;
}

/// The minimum-ES ratio by brute force: ES(h) is piecewise linear with breakpoints only where two
/// losses h·F − S cross, h = (S_i − S_j)/(F_i − F_j); its minimum is at one of them.
struct brute_minimum {
  rational ratio;
  rational value;
  int attained = 0;  ///< breakpoints attaining the minimum (1: a unique minimiser)
};

brute_minimum exact_min_shortfall(const rationals& s, const rationals& f, const rational& alpha) {
  brute_minimum best;
  bool first = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    for (std::size_t j = i + 1; j < s.size(); ++j) {
      if (f[i] == f[j]) continue;
      const rational h = (s[i] - s[j]) / (f[i] - f[j]);
      const rational value = ru_shortfall(hedged_losses(s, f, h), alpha);
      if (first || value < best.value) {
        if (!first && h == best.ratio) continue;
        best = {h, value, 1};
        first = false;
      } else if (value == best.value && h != best.ratio) {
        best.attained += 1;
      }
    }
  }
  return best;
}

/// Σ(min(a_i − h·b_i, 0))², exactly.
rational squared_deficit(const rationals& a, const rationals& b, const rational& h) {
  rational sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const rational y = a[i] - h * b[i];
    if (y < 0) sum += y * y;
  }
  return sum;
}

/// The minimiser of Σ(min(a − hb, 0))² by brute force: on each interval between sorted breakpoints the
/// function is one quadratic; its stationary point (if inside) and every breakpoint are the candidates.
rational exact_min_squared_deficit(const rationals& a, const rationals& b) {
  rationals breaks;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (b[i] != 0) breaks.push_back(a[i] / b[i]);
  }
  std::sort(breaks.begin(), breaks.end());
  rationals candidates = breaks;
  for (std::size_t j = 0; j <= breaks.size(); ++j) {
    rational inside;
    if (j == 0) {
      inside = breaks.front() - 1;
    } else if (j == breaks.size()) {
      inside = breaks.back() + 1;
    } else {
      inside = (breaks[j - 1] + breaks[j]) / 2;
    }
    rational ab = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] - inside * b[i] < 0) {
        ab += a[i] * b[i];
        bb += b[i] * b[i];
      }
    }
    if (bb == 0) continue;
    const rational h = ab / bb;
    const bool above = j == 0 || h >= breaks[j - 1];
    const bool below = j == breaks.size() || h <= breaks[j];
    if (above && below) candidates.push_back(h);
  }
  rational best_h = candidates.front();
  rational best = squared_deficit(a, b, best_h);
  for (const auto& h : candidates) {
    const rational value = squared_deficit(a, b, h);
    if (value < best) {
      best = value;
      best_h = h;
    }
  }
  return best_h;
}

/// Small series with ties: values on a grid of 1/8 (many equal losses) or arbitrary doubles.
template <class T>
std::vector<T> small_series(std::size_t n, hm_test::random_source& rng, bool grid) {
  std::vector<T> x;
  for (std::size_t i = 0; i < n; ++i) {
    if (grid || std::is_integral_v<T>) {
      x.push_back(hm_test::to_element<T>(static_cast<long double>(rng.integer(-12, 12)) /
                                         (std::is_integral_v<T> ? 1.0L : 8.0L)));
    } else {
      x.push_back(hm_test::to_element<T>(static_cast<long double>(rng.symmetric()) * 3.0L));
    }
  }
  return x;
}

/// A hedge pair: F random, S = 0.8·F + noise, on a grid or not.
struct pair_data {
  std::vector<double> s, f;
};

pair_data small_pair(std::size_t n, hm_test::random_source& rng, bool grid) {
  pair_data p;
  for (std::size_t i = 0; i < n; ++i) {
    double f = rng.symmetric();
    double e = rng.symmetric();
    if (grid) {
      f = static_cast<double>(rng.integer(-8, 8)) / 4.0;
      e = static_cast<double>(rng.integer(-4, 4)) / 8.0;
    }
    p.f.push_back(f);
    p.s.push_back(0.8 * f + 0.3 * e);
  }
  return p;
}

double es_of_hedged(const std::vector<double>& s, const std::vector<double>& f, double h, double level) {
  std::vector<double> x(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) x[i] = s[i] - h * f[i];
  return hm::expected_shortfall(x, at(level));
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// VaR, ES, LPM and semivariance against exact arithmetic
// ---------------------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("VaR and ES: exact, against R&U's minimisation over every candidate c", T, double, float,
                   int, long double) {
  using Real = hm::result_t<std::vector<T>>;
  hm_test::random_source rng(20260101);
  for (const std::size_t n : {1UL, 2UL, 3UL, 4UL, 7UL, 10UL, 16UL, 20UL, 33UL, 100UL}) {
    for (const bool grid : {true, false}) {
      const auto pnl = small_series<T>(n, rng, grid);
      rationals loss;
      for (const auto& v : exact_values(pnl)) loss.push_back(-v);
      for (const auto& level : levels) {
        const rational alpha = ex::parse_decimal(level.text);
        const std::string label = std::string(hm_test::type_name<T>()) + ", n = " + std::to_string(n) +
                                  (grid ? " (ties)" : "") + ", level " + level.text;
        const Real var = hm::value_at_risk(pnl, at(level.value));
        const Real es = hm::expected_shortfall(pnl, at(level.value));
        static_assert(std::is_same_v<std::remove_const_t<decltype(var)>, Real>);
        // VaR is one of the losses: exactly.
        check_close(label + ": VaR", var, ex::maybe(exact_var(loss, alpha)), 0.0);
        // ES: its weight n(1 − α) is rounded once from the double level.
        check_close(label + ": ES", es, ex::maybe(ru_shortfall(loss, alpha)), 1e-14, 1.0);
        CHECK_MESSAGE(es >= var, label << ": ES " << show(es) << " < VaR " << show(var));
      }
    }
  }
}

TEST_CASE("VaR and ES: a hand-worked case, level·n whole and not") {
  // Losses 1..10 (P&L −1..−10): at 0.9, VaR is the 9th loss, 9, and ES the mean of the worst 1, 10; at
  // 0.85 (α·n = 8.5), VaR is the 9th loss and ES = (0.5·9 + 10)/1.5 = 29/3.
  std::vector<double> pnl;
  for (int i = 1; i <= 10; ++i) pnl.push_back(-static_cast<double>(i));
  CHECK(hm::value_at_risk(pnl, at(0.9)) == 9.0);
  CHECK(hm::expected_shortfall(pnl, at(0.9)) == 10.0);
  CHECK(hm::value_at_risk(pnl, at(0.85)) == 9.0);
  check_close("ES at 0.85", hm::expected_shortfall(pnl, at(0.85)), ex::maybe(rational(29, 3)), 1e-15);
  // At 0.5: the lower median loss 5, and the mean of the worst half, 8.
  CHECK(hm::value_at_risk(pnl, at(0.5)) == 5.0);
  CHECK(hm::expected_shortfall(pnl, at(0.5)) == 8.0);
  // A profit in every period: VaR and ES are negative losses.
  const std::vector<double> gains{1.0, 2.0, 3.0, 4.0};
  CHECK(hm::value_at_risk(gains, at(0.75)) == -2.0);
  CHECK(hm::expected_shortfall(gains, at(0.75)) == -1.0);
}

TEST_CASE_TEMPLATE("lower partial moments of order 0-3 and semivariance: exact", T, double, float, int,
                   long double) {
  using Real = hm::result_t<std::vector<T>>;
  hm_test::random_source rng(7);
  for (const std::size_t n : {1UL, 2UL, 5UL, 17UL, 64UL, 1000UL}) {
    const auto x = small_series<T>(n, rng, n % 2 == 0);
    const auto q = exact_values(x);
    const std::string label = std::string(hm_test::type_name<T>()) + ", n = " + std::to_string(n);
    for (const Real target : {Real(0), Real(0.375), Real(-1)}) {
      for (int order = 0; order <= 3; ++order) {
        check_close(label + ", target " + show(target) + ", LPM order " + std::to_string(order),
                    hm::lower_partial_moment(x, order, below(static_cast<double>(target))),
                    ex::maybe(exact_lpm(q, order, ex::to_rational(target))), 1e-13, 1.0);
      }
    }
    check_close(label + ": semivariance", hm::semivariance(x), ex::maybe(exact_lpm(q, 2, exact_mean(q))),
                1e-13, 1.0);
  }
}

TEST_CASE("downside_effectiveness: every figure exact, effectiveness 1 - hedged/unhedged") {
  hm_test::random_source rng(99);
  for (const std::size_t n : {5UL, 12UL, 40UL}) {
    const auto p = small_pair(n, rng, n == 12);
    const auto s = exact_values(p.s);
    const auto f = exact_values(p.f);
    const double ratio = 0.75;
    const rational h = ex::to_rational(ratio);
    rationals hedged;
    for (std::size_t i = 0; i < n; ++i) hedged.push_back(s[i] - h * f[i]);
    auto neg = [](rationals x) {
      for (auto& v : x) v = -v;
      return x;
    };
    const rational alpha = ex::parse_decimal("0.9");
    const auto d = hm::downside_effectiveness(p.s, p.f, ratio, downside(0.9, -0.125));
    const std::string label = "n = " + std::to_string(n);
    CHECK(d.n == n);
    auto check_reduction = [&](const std::string& what, const hm::risk_reduction<double>& r,
                               const rational& u, const rational& hd) {
      check_close(label + ": " + what + " unhedged", r.unhedged, ex::maybe(u), 1e-13, 1.0);
      check_close(label + ": " + what + " hedged", r.hedged, ex::maybe(hd), 1e-13, 1.0);
      if (u != 0) {
        check_close(label + ": " + what + " effectiveness", r.effectiveness, ex::maybe(rational(1) - hd / u),
                    1e-12, 1.0);
      } else {
        check_nan(label + ": " + what + " effectiveness", r.effectiveness);
      }
    };
    check_reduction("VaR", d.value_at_risk, exact_var(neg(s), alpha), exact_var(neg(hedged), alpha));
    check_reduction("ES", d.expected_shortfall, ru_shortfall(neg(s), alpha),
                    ru_shortfall(neg(hedged), alpha));
    check_reduction("semivariance", d.semivariance, exact_lpm(s, 2, exact_mean(s)),
                    exact_lpm(hedged, 2, exact_mean(hedged)));
    const rational target = ex::to_rational(-0.125);
    for (int m = 0; m < 4; ++m) {
      check_reduction("LPM" + std::to_string(m), d.lower_partial_moment[static_cast<std::size_t>(m)],
                      exact_lpm(s, m, target), exact_lpm(hedged, m, target));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Minimisers
// ---------------------------------------------------------------------------------------------------

TEST_CASE("min_expected_shortfall_ratio: the exact minimiser, against every breakpoint and a fine grid") {
  hm_test::random_source rng(4242);
  int unique_cases = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 6 + static_cast<std::size_t>(trial % 19);
    const bool grid = trial % 3 == 0;
    const auto p = small_pair(n, rng, grid);
    const auto s = exact_values(p.s);
    const auto f = exact_values(p.f);
    for (const char* level_text : {"0.9", "0.75", "0.95"}) {
      const double level = std::stod(level_text);
      const rational alpha = ex::parse_decimal(level_text);
      const std::string label =
          "trial " + std::to_string(trial) + ", n = " + std::to_string(n) + ", level " + level_text;
      const double h = hm::min_expected_shortfall_ratio(p.s, p.f, at(level));
      REQUIRE_MESSAGE(std::isfinite(h), label << ": no ratio");
      const brute_minimum want = exact_min_shortfall(s, f, alpha);
      // ES at the computed ratio equals the exact minimum: the ratio is the vertex to a few roundings.
      const rational at_h = ru_shortfall(hedged_losses(s, f, ex::to_rational(h)), alpha);
      const double scale = std::fabs(want.value.get_d()) + 1e-3;
      check_close(label + ": ES(h) vs the exact minimum", at_h.get_d(), ex::maybe(want.value), 1e-12, scale);
      if (want.attained == 1) {
        ++unique_cases;
        check_close(label + ": h vs the exact minimiser", h, ex::maybe(want.ratio), 1e-9, 1.0);
      }
      // No point of a fine grid around it does better.
      const double es_h = es_of_hedged(p.s, p.f, h, level);
      double grid_best = std::numeric_limits<double>::infinity();
      double grid_at = 0;
      for (int g = -2000; g <= 2000; ++g) {
        const double x = h + static_cast<double>(g) * 5e-4;
        const double v = es_of_hedged(p.s, p.f, x, level);
        if (v < grid_best) {
          grid_best = v;
          grid_at = x;
        }
      }
      CHECK_MESSAGE(es_h <= grid_best + 1e-14 * (1.0 + std::fabs(grid_best)),
                    label << ": ES at h = " << show(h) << " is " << show(es_h) << ", the grid finds "
                          << show(grid_best) << " at " << show(grid_at));
    }
  }
  CHECK(unique_cases > 60);
}

TEST_CASE("min_expected_shortfall_ratio: a perfect hedge S = 2F is found exactly; h* differs in general") {
  const std::vector<double> f{0.5, -1.0, 0.25, 2.0, -0.75, 1.5, -2.0, 0.125};
  std::vector<double> s;
  for (const double v : f) s.push_back(2.0 * v);
  CHECK(hm::min_expected_shortfall_ratio(s, f, at(0.9)) == 2.0);
  CHECK(hm::min_semivariance_ratio(s, f) == doctest::Approx(2.0).epsilon(1e-15));
  // Hull's Example 3.3: the minimum-ES ratio at 0.9 is not h* = 0.7777 (Cotter & Hanly 2006).
  const std::vector<double> jet{0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
  const std::vector<double> ho{0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                               0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
  const auto s_q = exact_values(jet);
  const auto f_q = exact_values(ho);
  const brute_minimum want = exact_min_shortfall(s_q, f_q, ex::parse_decimal("0.9"));
  REQUIRE(want.attained == 1);
  const double h = hm::min_expected_shortfall_ratio(jet, ho, at(0.9));
  check_close("Hull: min-ES ratio at 0.9", h, ex::maybe(want.ratio), 1e-12, 1.0);
  MESSAGE("Hull Example 3.3: min-ES ratio at 0.9 = " << show(h) << " (exact " << want.ratio.get_str()
                                                     << "), h* = 0.7777");
  CHECK(std::fabs(h - 0.7777) > 0.02);
}

TEST_CASE("min_expected_shortfall_ratio: large n, against a fine grid") {
  hm_test::random_source rng(5);
  const auto p = small_pair(20000, rng, false);
  const double h = hm::min_expected_shortfall_ratio(p.s, p.f, at(0.95));
  const double es_h = es_of_hedged(p.s, p.f, h, 0.95);
  for (int g = -500; g <= 500; ++g) {
    const double x = h + static_cast<double>(g) * 1e-5;
    const double v = es_of_hedged(p.s, p.f, x, 0.95);
    CHECK_MESSAGE(es_h <= v + 1e-13, "ES(" << show(x) << ") = " << show(v) << " < ES(h) = " << show(es_h));
  }
}

TEST_CASE("min_expected_shortfall_ratio: no minimiser gives NaN") {
  // A hedge that is always positive: selling fewer (negative) units earns without bound.
  const std::vector<double> s{1.0, -1.0, 0.5, -0.5};
  const std::vector<double> f{1.0, 2.0, 1.5, 3.0};
  check_nan("positive hedge", hm::min_expected_shortfall_ratio(s, f, at(0.75)));
  const std::vector<double> zero{0.0, 0.0, 0.0, 0.0};
  check_nan("zero hedge", hm::min_expected_shortfall_ratio(s, zero, at(0.75)));
  check_nan("one pair",
            hm::min_expected_shortfall_ratio(std::vector<double>{1.0}, std::vector<double>{1.0}, at(0.5)));
}

TEST_CASE("min_semivariance_ratio: the exact minimiser, against every piece") {
  hm_test::random_source rng(31337);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t n = 3 + static_cast<std::size_t>(trial % 30);
    const auto p = small_pair(n, rng, trial % 4 == 0);
    const auto s = exact_values(p.s);
    const auto f = exact_values(p.f);
    const std::string label = "trial " + std::to_string(trial) + ", n = " + std::to_string(n);
    // About the mean.
    const rational ms = exact_mean(s), mf = exact_mean(f);
    rationals a, b;
    for (std::size_t i = 0; i < n; ++i) {
      a.push_back(s[i] - ms);
      b.push_back(f[i] - mf);
    }
    bool pos = false, neg = false;
    for (const auto& v : b) {
      pos = pos || v > 0;
      neg = neg || v < 0;
    }
    const double h = hm::min_semivariance_ratio(p.s, p.f);
    if (!(pos && neg)) {
      check_nan(label + ": no unique minimiser", h);
      continue;
    }
    check_close(label + ": min-semivariance ratio", h, ex::maybe(exact_min_squared_deficit(a, b)), 1e-10,
                1.0);
    // At a target: LPM_2(τ).
    const double target = -0.0625;
    rationals at;
    for (std::size_t i = 0; i < n; ++i) at.push_back(s[i] - ex::to_rational(target));
    bool raw_pos = false, raw_neg = false;
    for (const auto& v : f) {
      raw_pos = raw_pos || v > 0;
      raw_neg = raw_neg || v < 0;
    }
    if (!(raw_pos && raw_neg)) {
      // Every F of one sign: the LPM falls to 0 on a half-line of ratios, so no unique minimiser.
      check_nan(label + ": min-LPM2 ratio, F of one sign",
                hm::min_target_semivariance_ratio(p.s, p.f, below(target)));
      continue;
    }
    check_close(label + ": min-LPM2 ratio at a target",
                hm::min_target_semivariance_ratio(p.s, p.f, below(target)),
                ex::maybe(exact_min_squared_deficit(at, f)), 1e-10, 1.0);
  }
}

TEST_CASE("normal closed forms: z quantiles, the minimiser of -mu(h) + k sigma(h), h* when mu_F = 0") {
  // Φ⁻¹ against published values (Abramowitz & Stegun table 26.5; R's qnorm to 17 digits).
  check_close("z 0.95", hm::detail::normal_quantile(0.95), ex::maybe(ex::parse_decimal("1.6448536269514722")),
              4e-16);
  check_close("z 0.99", hm::detail::normal_quantile(0.99), ex::maybe(ex::parse_decimal("2.3263478740408408")),
              4e-16);
  check_close("z 0.975", hm::detail::normal_quantile(0.975),
              ex::maybe(ex::parse_decimal("1.959963984540054")), 4e-16);
  check_close("z 0.001", hm::detail::normal_quantile(0.001),
              ex::maybe(ex::parse_decimal("-3.0902323061678132")), 4e-16);
  check_close("z 1e-10", hm::detail::normal_quantile(1e-10),
              ex::maybe(ex::parse_decimal("-6.3613409024040557")), 1e-15);

  hm::normal_hedge_moments m;
  m.exposure_mean = 0.002;
  m.hedge_mean = 0.004;
  m.exposure_stddev = 0.0263;
  m.hedge_stddev = 0.0313;
  m.correlation = 0.928;
  for (const double level : {0.9, 0.95, 0.99}) {
    using ld = long double;
    const ld z = static_cast<ld>(hm::detail::normal_quantile(level));
    const ld k_var = z;
    const ld k_es =
        std::exp(-z * z / 2) / (std::sqrt(2 * 3.14159265358979323846264L) * (1 - static_cast<ld>(level)));
    const ld mu_s = static_cast<ld>(m.exposure_mean), mu_f = static_cast<ld>(m.hedge_mean);
    const ld sd_s = static_cast<ld>(m.exposure_stddev), sd_f = static_cast<ld>(m.hedge_stddev);
    const ld rho = static_cast<ld>(m.correlation);
    for (const bool es : {false, true}) {
      const ld k = es ? k_es : k_var;
      auto risk = [&](ld h) {
        const ld mu = mu_s - h * mu_f;
        const ld var = sd_s * sd_s - 2 * h * rho * sd_s * sd_f + h * h * sd_f * sd_f;
        return -mu + k * std::sqrt(var);
      };
      long double lo = -5, hi = 5;
      for (int i = 0; i < 300; ++i) {  // ternary search: the objective is convex
        const long double a = lo + (hi - lo) / 3, b = hi - (hi - lo) / 3;
        if (risk(a) < risk(b)) {
          hi = b;
        } else {
          lo = a;
        }
      }
      const double want = static_cast<double>((lo + hi) / 2);
      const double got = es ? hm::min_expected_shortfall_ratio_normal(m, at(level))
                            : hm::min_value_at_risk_ratio_normal(m, at(level));
      // The ternary search locates a flat minimum to about √eps of long double relative.
      CHECK_MESSAGE(std::fabs(got - want) < 1e-8, (es ? "ES" : "VaR")
                                                      << " at " << level << ": closed form " << show(got)
                                                      << ", search " << show(want));
      CHECK(got < m.correlation * m.exposure_stddev / m.hedge_stddev);  // μ_F > 0: sell less
    }
  }
  m.hedge_mean = 0;
  CHECK(hm::min_value_at_risk_ratio_normal(m, at(0.95)) ==
        doctest::Approx(0.928 * 0.0263 / 0.0313).epsilon(1e-15));
  // z·σ_F ≤ |μ_F|: no minimum.
  m.hedge_mean = 0.1;
  check_nan("mu_F too large", hm::min_value_at_risk_ratio_normal(m, at(0.95)));
  check_nan("level 0.5: z = 0", hm::min_value_at_risk_ratio_normal(m, at(0.5)));
}

TEST_CASE("normal closed forms from data use fit_hedge's moments") {
  const std::vector<double> jet{0.029, 0.020, -0.044, 0.008,  0.026, -0.019, -0.010, -0.007,
                                0.043, 0.011, -0.036, -0.018, 0.009, -0.032, 0.023};
  const std::vector<double> ho{0.021, 0.035,  -0.046, 0.001,  0.044, -0.029, -0.026, -0.029,
                               0.048, -0.006, -0.036, -0.011, 0.019, -0.027, 0.029};
  const auto fit = hm::fit_hedge(jet, ho);
  hm::normal_hedge_moments m;
  m.exposure_mean = fit.exposure_mean;
  m.hedge_mean = fit.hedge_mean;
  m.exposure_stddev = std::sqrt(fit.exposure_variance);
  m.hedge_stddev = std::sqrt(fit.hedge_variance);
  m.correlation = fit.correlation;
  CHECK(hm::min_value_at_risk_ratio_normal(jet, ho, at(0.95)) ==
        hm::min_value_at_risk_ratio_normal(m, at(0.95)));
  CHECK(hm::min_expected_shortfall_ratio_normal(jet, ho, at(0.95)) ==
        hm::min_expected_shortfall_ratio_normal(m, at(0.95)));
}

// ---------------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------------

TEST_CASE("invariants: scale, shift, order, a perfect hedge scores 1") {
  hm_test::random_source rng(11);
  const auto x = small_series<double>(50, rng, false);
  std::vector<double> scaled, shifted, reversed(x.rbegin(), x.rend());
  for (const double v : x) {
    scaled.push_back(4.0 * v);
    shifted.push_back(v + 0.5);
  }
  for (const double level : {0.9, 0.95, 0.37}) {
    CHECK(hm::value_at_risk(scaled, at(level)) == 4.0 * hm::value_at_risk(x, at(level)));
    CHECK(hm::expected_shortfall(scaled, at(level)) ==
          doctest::Approx(4.0 * hm::expected_shortfall(x, at(level))).epsilon(1e-14));
    CHECK(hm::value_at_risk(shifted, at(level)) ==
          doctest::Approx(hm::value_at_risk(x, at(level)) - 0.5).epsilon(1e-15));
    CHECK(hm::expected_shortfall(shifted, at(level)) ==
          doctest::Approx(hm::expected_shortfall(x, at(level)) - 0.5).epsilon(1e-14));
    CHECK(hm::value_at_risk(reversed, at(level)) == hm::value_at_risk(x, at(level)));
    CHECK(hm::expected_shortfall(reversed, at(level)) ==
          doctest::Approx(hm::expected_shortfall(x, at(level))).epsilon(1e-15));
  }
  CHECK(hm::lower_partial_moment(scaled, 2, below(0.0)) ==
        doctest::Approx(16.0 * hm::lower_partial_moment(x, 2, below(0.0))));
  CHECK(hm::semivariance(shifted) == doctest::Approx(hm::semivariance(x)).epsilon(1e-13));

  // S = 2F hedged with h = 2 leaves nothing: every hedged figure 0, every effectiveness 1.
  const auto f = small_series<double>(30, rng, false);
  std::vector<double> s;
  for (const double v : f) s.push_back(2.0 * v);
  const auto d = hm::downside_effectiveness(s, f, 2.0, downside(0.95, -0.1));
  CHECK(d.value_at_risk.effectiveness == 1.0);
  CHECK(d.expected_shortfall.effectiveness == 1.0);
  CHECK(d.semivariance.effectiveness == 1.0);
  for (int mo = 1; mo < 4; ++mo)
    CHECK(d.lower_partial_moment[static_cast<std::size_t>(mo)].effectiveness == 1.0);
  CHECK(d.lower_partial_moment[0].hedged == 0.0);
}

// ---------------------------------------------------------------------------------------------------
// Bad input, missing data, types
// ---------------------------------------------------------------------------------------------------

TEST_CASE("bad input: std::invalid_argument naming the value") {
  const std::vector<double> x{1.0, -2.0, 3.0};
  for (const double bad : {0.0, 1.0, 1.5, -0.1, std::numeric_limits<double>::quiet_NaN()}) {
    const char* text =
        bad == 1.5 ? "1.5" : (bad == -0.1 ? "-0.1" : (bad == 0.0 ? "is 0" : (bad == 1.0 ? "is 1" : "nan")));
    CHECK_THROWS_WITH_AS((void)hm::value_at_risk(x, at(bad)), doctest::Contains(text), std::invalid_argument);
    CHECK_THROWS_WITH_AS((void)hm::expected_shortfall(x, at(bad)),
                         doctest::Contains("level must be in (0, 1)"), std::invalid_argument);
    CHECK_THROWS_AS((void)hm::min_expected_shortfall_ratio(x, x, at(bad)), std::invalid_argument);
    CHECK_THROWS_AS((void)hm::downside_effectiveness(x, x, 1.0, at(bad)), std::invalid_argument);
    CHECK_THROWS_AS((void)hm::min_value_at_risk_ratio_normal(hm::normal_hedge_moments{}, at(bad)),
                    std::invalid_argument);
  }
  CHECK_THROWS_WITH_AS((void)hm::lower_partial_moment(x, -1), doctest::Contains("-1"), std::invalid_argument);
  CHECK_THROWS_WITH_AS((void)hm::lower_partial_moment(x, 2, below(std::numeric_limits<double>::infinity())),
                       doctest::Contains("target must be a finite number, but it is inf"),
                       std::invalid_argument);
  const std::vector<double> y{1.0, 2.0};
  CHECK_THROWS_WITH_AS((void)hm::min_expected_shortfall_ratio(x, y, at(0.9)), doctest::Contains("3 values"),
                       std::invalid_argument);
  CHECK_THROWS_AS((void)hm::downside_effectiveness(x, y, 1.0), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::min_semivariance_ratio(x, y), std::invalid_argument);
  CHECK_THROWS_AS((void)hm::downside_effectiveness(x, x, std::numeric_limits<double>::quiet_NaN()),
                  std::invalid_argument);
}

TEST_CASE("missing data: propagate gives NaN, omit drops, raise names the position") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> x{-1.0, nan, -3.0, 2.0};
  const std::vector<double> clean{-1.0, -3.0, 2.0};
  check_nan("propagate VaR", hm::value_at_risk(x, at(0.5)));
  check_nan("propagate ES", hm::expected_shortfall(x, at(0.5)));
  check_nan("propagate LPM", hm::lower_partial_moment(x, 1));
  check_nan("propagate semivariance", hm::semivariance(x));
  CHECK(hm::value_at_risk(x, at(0.5, hm::missing_data::omit)) == hm::value_at_risk(clean, at(0.5)));
  CHECK(hm::expected_shortfall(x, at(0.5, hm::missing_data::omit)) == hm::expected_shortfall(clean, at(0.5)));
  CHECK(hm::lower_partial_moment(x, 1, below(0.0, hm::missing_data::omit)) ==
        hm::lower_partial_moment(clean, 1, below(0.0)));
  CHECK_THROWS_WITH_AS((void)hm::value_at_risk(x, at(0.5, hm::missing_data::raise)),
                       doctest::Contains("pnl[1] is nan"), std::domain_error);
  const std::vector<double> f{1.0, 2.0, nan, 0.5};
  const auto d = hm::downside_effectiveness(x, f, 1.0, at(0.5));
  check_nan("propagate downside", d.expected_shortfall.hedged);
  const auto o = hm::downside_effectiveness(x, f, 1.0, downside(0.5, 0.0, hm::missing_data::omit));
  CHECK(o.n == 2);
  CHECK_THROWS_WITH_AS((void)hm::min_expected_shortfall_ratio(x, f, at(0.5, hm::missing_data::raise)),
                       doctest::Contains("exposure[1] is nan"), std::domain_error);
  check_nan("empty VaR", hm::value_at_risk(std::vector<double>{}, at(0.9)));
  check_nan("empty LPM", hm::lower_partial_moment(std::vector<double>{}, 0));
}

TEST_CASE("element types: integers and float compute in double, long double stays long double") {
  const std::vector<int> i{-3, 1, 4, -1, 5};
  const std::vector<float> fl{-3.0f, 1.0f, 4.0f, -1.0f, 5.0f};
  const std::vector<long double> ld{-3.0L, 1.0L, 4.0L, -1.0L, 5.0L};
  static_assert(std::is_same_v<decltype(hm::expected_shortfall(i, at(0.9))), double>);
  static_assert(std::is_same_v<decltype(hm::expected_shortfall(fl, at(0.9))), double>);
  static_assert(std::is_same_v<decltype(hm::expected_shortfall(ld, at(0.9))), long double>);
  static_assert(std::is_same_v<decltype(hm::min_expected_shortfall_ratio(i, ld, at(0.9))), long double>);
  CHECK(hm::expected_shortfall(i, at(0.6)) == hm::expected_shortfall(fl, at(0.6)));
  CHECK(hm::value_at_risk(i, at(0.6)) == -1.0);
  const int c_array[] = {-3, 1, 4, -1, 5};
  CHECK(hm::value_at_risk(c_array, at(0.6)) == -1.0);
  CHECK(hm::value_at_risk(hm::series_view<int>(c_array, 5), at(0.6)) == -1.0);
}

TEST_CASE("long double: the minimisers stay exact") {
  hm_test::random_source rng(77);
  for (int trial = 0; trial < 6; ++trial) {
    const std::size_t n = 9 + static_cast<std::size_t>(trial) * 3;
    std::vector<long double> s, f;
    for (std::size_t i = 0; i < n; ++i) {
      const long double x = static_cast<long double>(rng.symmetric()) / 3.0L;
      f.push_back(x);
      s.push_back(0.7L * x + static_cast<long double>(rng.symmetric()) / 10.0L);
    }
    const auto s_q = exact_values(s);
    const auto f_q = exact_values(f);
    const rational alpha = ex::parse_decimal("0.9");
    const long double h = hm::min_expected_shortfall_ratio(s, f, at(0.9));
    static_assert(std::is_same_v<std::remove_const_t<decltype(h)>, long double>);
    const brute_minimum want = exact_min_shortfall(s_q, f_q, alpha);
    const rational at_h = ru_shortfall(hedged_losses(s_q, f_q, ex::to_rational(h)), alpha);
    check_close("long double trial " + std::to_string(trial) + ": ES(h)", ex::to_real<long double>(at_h),
                ex::maybe(want.value), 1e-15, 1e-3);
    if (want.attained == 1) {
      check_close("long double trial " + std::to_string(trial) + ": h", h, ex::maybe(want.ratio), 1e-12, 1.0);
    }
  }
}

TEST_CASE("on bivariate normal data the empirical minimisers approach the normal closed forms") {
  // 200,000 draws of (F, S) with σ_F = 1, S = 0.8F + 0.3ε, means μ_F = 0.05, μ_S = 0.02 (Box–Muller from
  // the seeded uniform source). The empirical minimum-ES ratio estimates the normal one with a sampling
  // error of about 0.005 here; a loose bound, as a check that both answer the same question.
  hm_test::random_source rng(2024);
  std::vector<double> s, f;
  const double two_pi = 6.283185307179586;
  for (int i = 0; i < 100000; ++i) {
    const double r = std::sqrt(-2.0 * std::log(1.0 - rng.uniform()));
    const double a = two_pi * rng.uniform();
    const double r2 = std::sqrt(-2.0 * std::log(1.0 - rng.uniform()));
    const double b = two_pi * rng.uniform();
    for (const double z : {r * std::cos(a), r * std::sin(a)}) {
      const double e = r2 * (z > 0 ? std::cos(b) : std::sin(b));
      f.push_back(0.05 + z);
      s.push_back(0.02 + 0.8 * z + 0.3 * e);
    }
  }
  const double empirical = hm::min_expected_shortfall_ratio(s, f, at(0.95));
  const double normal = hm::min_expected_shortfall_ratio_normal(s, f, at(0.95));
  MESSAGE("min-ES ratio at 0.95: empirical " << show(empirical) << ", normal closed form " << show(normal)
                                             << ", h* " << show(hm::min_variance_hedge_ratio(s, f)));
  CHECK(std::fabs(empirical - normal) < 0.02);
  CHECK(normal < hm::min_variance_hedge_ratio(s, f));  // μ_F > 0: the closed form sells less than h*
}

// ---------------------------------------------------------------------------------------------------
// Issue 10: cancellation, the range contract, parameter edges
// ---------------------------------------------------------------------------------------------------

namespace {

/// The range contract against an exact answer q: a finite result within tolerance·|q| of it plus half
/// the smallest subnormal (the rounding every result below DBL_MIN takes); +inf exactly when q exceeds
/// DBL_MAX (q ≥ 0 here). All in exact arithmetic, so that q may lie far outside the doubles' range.
bool check_in_range(const std::string& what, double computed, const rational& q, double tolerance) {
  const rational largest = ex::to_rational(std::numeric_limits<double>::max());
  if (q > largest) {
    CHECK_MESSAGE(computed == std::numeric_limits<double>::infinity(),
                  what << ": the exact value exceeds DBL_MAX, expected +inf, computed " << show(computed));
    return computed == std::numeric_limits<double>::infinity();
  }
  if (!std::isfinite(computed)) {
    CHECK_MESSAGE(
        false, what << ": the exact value " << show(q) << " is representable, computed " << show(computed));
    return false;
  }
  rational error = ex::to_rational(computed) - q;
  if (sgn(error) < 0) error = -error;
  rational magnitude = q;
  if (sgn(magnitude) < 0) magnitude = -magnitude;
  const rational bound =
      magnitude * ex::to_rational(tolerance) + ex::to_rational(std::numeric_limits<double>::denorm_min()) / 2;
  const bool ok = error <= bound;
  CHECK_MESSAGE(ok, what << ": computed " << show(computed) << ", exact " << show(q) << " (relative error "
                         << (sgn(q) != 0 ? rational(error / magnitude).get_d() : error.get_d())
                         << ", tolerance " << tolerance << ")");
  return ok;
}

/// A random power of ten in [10^lo, 10^hi] times a random mantissa: a scale for the property tests.
double random_scale(hm_test::random_source& rng, int lo, int hi) {
  return (1.0 + rng.uniform()) * std::pow(10.0, static_cast<double>(rng.integer(lo, hi)));
}

}  // namespace

TEST_CASE("semivariance and LPM: values near 1e9 that differ by units keep every digit (issue 10)") {
  const std::vector<double> x{1e9 - 2, 1e9 - 1, 1e9, 1e9, 1e9 + 5};
  // Mean 1e9 + 0.4; deficits 2.4, 1.4, 0.4, 0.4: (5.76 + 1.96 + 0.16 + 0.16)/5 = 1.608.
  check_in_range("semivariance {1e9-2, ..., 1e9+5}", hm::semivariance(x), ex::parse_decimal("1.608"), 1e-15);
  hm_test::random_source rng(1010);
  for (const double offset : {1e9, -3e12, 7e15, 1e-9}) {
    for (const std::size_t n : {5UL, 33UL, 200UL}) {
      std::vector<double> y;
      for (std::size_t i = 0; i < n; ++i) y.push_back(offset + static_cast<double>(rng.integer(-50, 50)) / 4);
      const auto q = exact_values(y);
      check_in_range("semivariance, offset " + show(offset) + ", n = " + std::to_string(n),
                     hm::semivariance(y), exact_lpm(q, 2, exact_mean(q)), 4e-15);
    }
  }
}

TEST_CASE("range contract: LPM and semivariance of values from 1e-300 to 1e300, against exact") {
  hm_test::random_source rng(2020);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t n = static_cast<std::size_t>(rng.integer(1, 40));
    const double scale = random_scale(rng, -300, 300);
    const double shift = trial % 3 == 0 ? scale * random_scale(rng, 0, 6) : 0.0;
    std::vector<double> x;
    for (std::size_t i = 0; i < n; ++i) x.push_back(shift + scale * rng.symmetric());
    const auto q = exact_values(x);
    const double target = trial % 2 == 0 ? 0.0 : shift + scale * rng.symmetric();
    const std::string label =
        "n = " + std::to_string(n) + ", scale " + show(scale) + ", shift " + show(shift);
    for (int order = 0; order <= 5; ++order) {
      check_in_range(label + ", LPM order " + std::to_string(order),
                     hm::lower_partial_moment(x, order, below(target)),
                     exact_lpm(q, order, ex::to_rational(target)), 1e-14);
    }
    check_in_range(label + ", semivariance", hm::semivariance(x), exact_lpm(q, 2, exact_mean(q)), 1e-14);
  }
  // A sum of squares that overflows while the mean of them does not: 4 deficits of 1.2e154, squares
  // 1.44e308 each, the sum 5.76e308 is beyond DBL_MAX, the LPM 1.44e308 is not.
  const std::vector<double> big{-1.2e154, -1.2e154, -1.2e154, -1.2e154};
  check_in_range("LPM2 of -1.2e154 x4", hm::lower_partial_moment(big, 2), exact_lpm(exact_values(big), 2, 0),
                 1e-15);
  const std::vector<double> big4{-1.2e77, -1.1e77, -1.0e77, -1.15e77};
  check_in_range("LPM4 of -1.2e77...", hm::lower_partial_moment(big4, 4), exact_lpm(exact_values(big4), 4, 0),
                 1e-14);
  // The sum of the values overflows ({1e308, 1e308}: mean 1e308, semivariance 0; with a third value the
  // deviations are exact): semivariance from the values scaled by a power of two.
  check_in_range("semivariance {1e308, 1e308}", hm::semivariance(std::vector<double>{1e308, 1e308}), 0, 0);
  const std::vector<double> wide{1.5e308, 1.7e308, -1.6e308, 1e308};
  check_in_range("semivariance near DBL_MAX (exceeds it)", hm::semivariance(wide),
                 exact_lpm(exact_values(wide), 2, exact_mean(exact_values(wide))), 1e-15);
  const std::vector<double> near_max{1.5e308, 1.7e308, 1.6e308, 1e308};
  check_in_range("semivariance of values near DBL_MAX", hm::semivariance(near_max),
                 exact_lpm(exact_values(near_max), 2, exact_mean(exact_values(near_max))), 1e-14);
  // Underflow: deficits of 1e-160 give an LPM2 of 1e-320, a subnormal: rounded once, not lost.
  const std::vector<double> tiny{-1e-160, -3e-160, 2e-160};
  check_in_range("LPM2 of 1e-160 values (subnormal)", hm::lower_partial_moment(tiny, 2),
                 exact_lpm(exact_values(tiny), 2, 0), 0);
}

TEST_CASE("property: k^2 scaling, shift and scale invariance of the downside figures at random scales") {
  hm_test::random_source rng(3030);
  for (int trial = 0; trial < 40; ++trial) {
    const auto x = small_series<double>(static_cast<std::size_t>(rng.integer(2, 60)), rng, trial % 2 == 0);
    const int power = static_cast<int>(rng.integer(-900, 900));
    std::vector<double> scaled;
    for (const double v : x) scaled.push_back(std::ldexp(v, power));
    const std::string label = "trial " + std::to_string(trial) + ", scale 2^" + std::to_string(power);
    // A power of two scales every figure exactly (no rounding anywhere in the range of the results).
    for (const double level : {0.5, 0.9, 0.95}) {
      CHECK_MESSAGE(
          hm::value_at_risk(scaled, at(level)) == std::ldexp(hm::value_at_risk(x, at(level)), power), label);
      CHECK_MESSAGE(
          hm::expected_shortfall(scaled, at(level)) ==
              doctest::Approx(std::ldexp(hm::expected_shortfall(x, at(level)), power)).epsilon(1e-14),
          label);
    }
    // k²·SV and k³·LPM3: +inf when that exceeds DBL_MAX, which the scaled figure must then be too.
    auto scales_as = [&](const char* figure, double scaled_value, double value, int times) {
      const double expected = std::ldexp(value, times * power);
      if (std::isinf(expected)) {
        CHECK_MESSAGE(scaled_value == expected, label << ": " << figure << " " << show(scaled_value));
      } else if (std::fabs(expected) >= std::numeric_limits<double>::min() || expected == 0) {
        CHECK_MESSAGE(scaled_value == doctest::Approx(expected).epsilon(1e-14), label << ": " << figure);
      } else {  // subnormal: within the rounding of the smallest subnormals
        CHECK_MESSAGE(std::fabs(scaled_value - expected) <=
                          1e-14 * std::fabs(expected) + std::numeric_limits<double>::denorm_min(),
                      label << ": " << figure);
      }
    };
    scales_as("semivariance", hm::semivariance(scaled), hm::semivariance(x), 2);
    scales_as("LPM3", hm::lower_partial_moment(scaled, 3), hm::lower_partial_moment(x, 3), 3);
    // Effectiveness is scale-free: the same at 2^power whatever the figures' own range.
    const auto f = small_series<double>(x.size(), rng, false);
    std::vector<double> f_scaled;
    for (const double v : f) f_scaled.push_back(std::ldexp(v, power));
    const auto d = hm::downside_effectiveness(x, f, 0.7, at(0.9));
    const auto d_scaled = hm::downside_effectiveness(scaled, f_scaled, 0.7, at(0.9));
    auto same = [&](const char* figure, double a, double b) {
      if (std::isnan(a)) {
        CHECK_MESSAGE(std::isnan(b), label << ": " << figure);
      } else {
        CHECK_MESSAGE(b == doctest::Approx(a).epsilon(1e-13), label << ": " << figure);
      }
    };
    same("semivariance effectiveness", d.semivariance.effectiveness, d_scaled.semivariance.effectiveness);
    for (std::size_t m = 0; m < 4; ++m) {
      same("LPM effectiveness", d.lower_partial_moment[m].effectiveness,
           d_scaled.lower_partial_moment[m].effectiveness);
    }
    same("ES effectiveness", d.expected_shortfall.effectiveness, d_scaled.expected_shortfall.effectiveness);
    // Shift invariance of the semivariance (against exact: the shifted doubles are rounded).
    const double c = random_scale(rng, 0, 12);
    std::vector<double> shifted;
    for (const double v : x) shifted.push_back(v + c);
    const auto qs = exact_values(shifted);
    check_in_range(label + ", semivariance shifted by " + show(c), hm::semivariance(shifted),
                   exact_lpm(qs, 2, exact_mean(qs)), 4e-15);
  }
}

TEST_CASE("expected shortfall at a level whose tail is under one observation, and near DBL_MAX") {
  hm_test::random_source rng(4040);
  const double level = 0.9999999999999999;  // 1 − 2^−53·… : level·n rounds to n for small n
  for (const std::size_t n : {1UL, 2UL, 10UL, 120UL}) {
    const auto x = small_series<double>(n, rng, false);
    const auto q = exact_values(x);
    rationals loss;
    for (const auto& v : q) loss.push_back(-v);
    const double worst = -*std::min_element(x.begin(), x.end());
    CHECK(hm::value_at_risk(x, at(level)) == worst);
    CHECK(hm::expected_shortfall(x, at(level)) == worst);
    check_in_range("ES at 1 - 1e-16, n = " + std::to_string(n), hm::expected_shortfall(x, at(level)),
                   ru_shortfall(loss, ex::to_rational(level)), 1e-15);
  }
  // The minimum-ES ratio at that level minimises the largest loss: a vertex, not NaN.
  const auto p = small_pair(12, rng, false);
  const auto qs = exact_values(p.s), qf = exact_values(p.f);
  const double h = hm::min_expected_shortfall_ratio(p.s, p.f, at(level));
  const auto best = exact_min_shortfall(qs, qf, ex::to_rational(level));
  REQUIRE(std::isfinite(h));
  check_close("ES at the min-ES ratio at level 1 - 1e-16",
              static_cast<double>(
                  ru_shortfall(hedged_losses(qs, qf, ex::to_rational(h)), ex::to_rational(level)).get_d()),
              ex::maybe(best.value), 1e-14);
  // Losses near DBL_MAX: the tail sum overflows, its mean does not.
  const std::vector<double> pnl{-1.5e308, -1.7e308, -1.6e308, -1e308, 0.5, -1.75e308};
  rationals loss;
  for (const double v : pnl) loss.push_back(-ex::to_rational(v));
  for (const double l : {0.5, 0.6, 0.9}) {
    check_in_range("ES near DBL_MAX at " + show(l), hm::expected_shortfall(pnl, at(l)),
                   ru_shortfall(loss, ex::to_rational(l)), 1e-15);
  }
  // An ES near 0 beside a VaR far from it: VaR + excess/q would keep only 1e-7 absolute of it.
  const std::vector<double> cancel{1e9, -1e9 - 0.25, 3.0, 2.0};
  rationals closs;
  for (const double v : cancel) closs.push_back(-ex::to_rational(v));
  check_in_range("ES of {1e9, -1e9 - 0.25, ...} at 0.5", hm::expected_shortfall(cancel, at(0.5)),
                 ru_shortfall(closs, ex::to_rational(0.5)), 1e-15);
}

TEST_CASE("lower_partial_moment: O(n) in the order, exact at high orders") {
  // Deficits of exactly 1 and of ½: LPM_m = (#1 + #½·2^−m)/n; 2^−(2^31 − 1) underflows to 0.
  const std::vector<double> x{-1.0, -0.5, 2.0, -1.0, 0.25};
  CHECK(hm::lower_partial_moment(x, std::numeric_limits<int>::max()) == 0.4);
  CHECK(hm::lower_partial_moment(x, 1000000) == 0.4);
  check_in_range("LPM 60", hm::lower_partial_moment(x, 60), exact_lpm(exact_values(x), 60, 0), 1e-14);
  hm_test::random_source rng(5050);
  std::vector<double> y;
  for (int i = 0; i < 25; ++i) y.push_back(0.05 - 1.05 * rng.uniform());
  for (const int order : {4, 7, 40, 700}) {
    check_in_range("LPM order " + std::to_string(order), hm::lower_partial_moment(y, order, below(0.05)),
                   exact_lpm(exact_values(y), order, ex::to_rational(0.05)),
                   (order + 4) * std::numeric_limits<double>::epsilon());
  }
  // Order 300 of deficits near 10: 1e300·…, and of deficits near 20: beyond DBL_MAX.
  for (const double size : {10.0, 20.0, 1e-3}) {
    std::vector<double> z;
    for (int i = 0; i < 9; ++i) z.push_back(-size * (0.5 + rng.uniform()));
    check_in_range("LPM order 300 of deficits near " + show(size), hm::lower_partial_moment(z, 300),
                   exact_lpm(exact_values(z), 300, 0), 304 * std::numeric_limits<double>::epsilon());
  }
}

TEST_CASE("min_semivariance_ratio and min_expected_shortfall_ratio: scale-free, and centred stably") {
  hm_test::random_source rng(6060);
  for (int trial = 0; trial < 12; ++trial) {
    const auto p = small_pair(20, rng, trial % 2 == 0);
    const double sv = hm::min_semivariance_ratio(p.s, p.f);
    const double es = hm::min_expected_shortfall_ratio(p.s, p.f, at(0.9));
    const int a = static_cast<int>(rng.integer(-1000, 1000)), b = static_cast<int>(rng.integer(-1000, 1000));
    std::vector<double> s, f;
    for (std::size_t i = 0; i < p.s.size(); ++i) {
      s.push_back(std::ldexp(p.s[i], a));
      f.push_back(std::ldexp(p.f[i], b));
    }
    const std::string label = "S x 2^" + std::to_string(a) + ", F x 2^" + std::to_string(b);
    const double sv_scaled = hm::min_semivariance_ratio(s, f);
    const double es_scaled = hm::min_expected_shortfall_ratio(s, f, at(0.9));
    const double expected_sv = std::ldexp(sv, a - b), expected_es = std::ldexp(es, a - b);
    if (std::fabs(expected_sv) > std::numeric_limits<double>::max() || !std::isfinite(expected_sv)) {
      const long double sv_ld = std::ldexp(static_cast<long double>(sv), a - b);
      CHECK_MESSAGE(std::fabs(sv_ld) > std::numeric_limits<double>::max(), label);
      CHECK_MESSAGE(std::isinf(sv_scaled), label << ": " << show(sv_scaled));
    } else if (std::fabs(expected_sv) >= std::numeric_limits<double>::min()) {
      CHECK_MESSAGE(sv_scaled == doctest::Approx(expected_sv).epsilon(1e-12), label);
      CHECK_MESSAGE(es_scaled == doctest::Approx(expected_es).epsilon(1e-12), label);
    }
  }
  // Centring near 1e9: the deviations are small integers over 4, so the exact minimiser is known.
  for (const double offset : {1e9, 3e13}) {
    const auto p = small_pair(15, rng, true);
    std::vector<double> s, f;
    for (std::size_t i = 0; i < p.s.size(); ++i) {
      s.push_back(offset + p.s[i]);
      f.push_back(offset / 2 + p.f[i]);
    }
    rationals a = exact_values(s), b = exact_values(f);
    const rational ms = exact_mean(a), mf = exact_mean(b);
    for (auto& v : a) v -= ms;
    for (auto& v : b) v -= mf;
    check_close("min semivariance ratio, offset " + show(offset), hm::min_semivariance_ratio(s, f),
                ex::maybe(exact_min_squared_deficit(a, b)), 1e-13);
  }
}

TEST_CASE("downside_effectiveness where S - h*F overflows: scaled back, effectiveness unchanged") {
  hm_test::random_source rng(7070);
  std::vector<double> s, f, s_small, f_small;
  for (int i = 0; i < 30; ++i) {
    const double fi = rng.symmetric(), si = 0.8 * fi + 0.3 * rng.symmetric();
    f.push_back(std::ldexp(fi, 1000));
    s.push_back(std::ldexp(si, 1000));
    f_small.push_back(std::ldexp(fi, 960));
    s_small.push_back(std::ldexp(si, 960));
  }
  const double ratio = 1e10;  // h·F near 1e311: beyond DBL_MAX, while S − h·F's figures are ratios
  const auto big = hm::downside_effectiveness(s, f, ratio, at(0.9));
  const auto small =
      hm::downside_effectiveness(s_small, f_small, ratio, at(0.9));  // 2^40 smaller, no overflow
  CHECK(big.value_at_risk.effectiveness == doctest::Approx(small.value_at_risk.effectiveness).epsilon(1e-14));
  CHECK(big.expected_shortfall.effectiveness ==
        doctest::Approx(small.expected_shortfall.effectiveness).epsilon(1e-14));
  CHECK(big.semivariance.effectiveness == doctest::Approx(small.semivariance.effectiveness).epsilon(1e-14));
  for (std::size_t m = 1; m < 4; ++m) {
    CHECK(big.lower_partial_moment[m].effectiveness ==
          doctest::Approx(small.lower_partial_moment[m].effectiveness).epsilon(1e-13));
  }
  CHECK(big.lower_partial_moment[0].hedged == small.lower_partial_moment[0].hedged);
  CHECK(big.value_at_risk.hedged == std::numeric_limits<double>::infinity());  // ≈ 1e311
  // Against exact arithmetic on S − h·F (h·F dominates: no cancellation, one rounding of the scaled form).
  rationals hedged;
  for (std::size_t i = 0; i < s.size(); ++i) {
    hedged.push_back(ex::to_rational(s[i]) - ex::to_rational(ratio) * ex::to_rational(f[i]));
  }
  const auto qs = exact_values(s);
  for (int m = 1; m <= 3; ++m) {
    const rational exact_ratio = exact_lpm(hedged, m, 0) / exact_lpm(qs, m, 0);
    check_in_range("LPM" + std::to_string(m) + " effectiveness (1 - ratio)",
                   1 - big.lower_partial_moment[static_cast<std::size_t>(m)].effectiveness, exact_ratio,
                   1e-13);
  }
  check_in_range("semivariance effectiveness (1 - ratio)", 1 - big.semivariance.effectiveness,
                 exact_lpm(hedged, 2, exact_mean(hedged)) / exact_lpm(qs, 2, exact_mean(qs)), 1e-13);
}

TEST_CASE("normal closed forms are scale-free at any scale of the moments") {
  hm::normal_hedge_moments m;
  m.exposure_mean = 0.02;
  m.hedge_mean = -0.05;
  m.exposure_stddev = 1.1;
  m.hedge_stddev = 0.9;
  m.correlation = 0.85;
  const double base_var = hm::min_value_at_risk_ratio_normal(m, at(0.99));
  const double base_es = hm::min_expected_shortfall_ratio_normal(m, at(0.975));
  for (const int a : {-1000, -500, 0, 500, 1000}) {
    for (const int b : {-1000, -300, 0, 300, 1000}) {
      hm::normal_hedge_moments k = m;
      k.exposure_mean = std::ldexp(m.exposure_mean, a);
      k.exposure_stddev = std::ldexp(m.exposure_stddev, a);
      k.hedge_mean = std::ldexp(m.hedge_mean, b);
      k.hedge_stddev = std::ldexp(m.hedge_stddev, b);
      const long double expected_var = std::ldexp(static_cast<long double>(base_var), a - b);
      const long double expected_es = std::ldexp(static_cast<long double>(base_es), a - b);
      if (std::fabs(expected_var) > static_cast<long double>(std::numeric_limits<double>::max()) ||
          std::fabs(expected_var) < static_cast<long double>(std::numeric_limits<double>::min())) {
        continue;
      }
      CHECK_MESSAGE(hm::min_value_at_risk_ratio_normal(k, at(0.99)) ==
                        doctest::Approx(static_cast<double>(expected_var)).epsilon(1e-14),
                    "2^" << a << ", 2^" << b);
      CHECK_MESSAGE(hm::min_expected_shortfall_ratio_normal(k, at(0.975)) ==
                        doctest::Approx(static_cast<double>(expected_es)).epsilon(1e-14),
                    "2^" << a << ", 2^" << b);
    }
  }
}

namespace {

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// The textbook path the plain calls took before they copied into storage of their own: the losses
/// gathered into a std::vector value by value, then the same selection and tail mean.
hm::detail::tail_figures<double> tail_by_vector(const std::vector<double>& pnl, double level) {
  std::vector<double> loss;
  for (const double v : pnl) loss.push_back(-v);
  return hm::detail::tail_of_losses(loss, level);
}

}  // namespace

TEST_CASE("VaR and ES with a kept buffer: the plain call's figures bit for bit, at every scale") {
  hm_test::random_source rng(8642);
  std::vector<double> buffer;
  const double tail_levels[] = {0.5, 0.9, 0.95, 0.975, 0.99, 0.9999999999999999};
  // Sizes from 1 to beyond the introsort threshold, so that the selection recurses; the buffer grows and
  // shrinks between calls.
  for (const std::size_t n : {1UL, 2UL, 7UL, 40UL, 1000UL, 3UL, 5000UL, 17UL}) {
    for (const int power : {-1000, -300, 0, 300, 1000}) {
      std::vector<double> pnl(n);
      for (auto& v : pnl) v = std::ldexp(rng.symmetric(), power);
      for (const double level : tail_levels) {
        const std::string label =
            "n = " + std::to_string(n) + ", 2^" + std::to_string(power) + ", level " + show(level);
        const double es = hm::expected_shortfall(pnl, at(level));
        const double var = hm::value_at_risk(pnl, at(level));
        const auto by_vector = tail_by_vector(pnl, level);
        CHECK_MESSAGE(same_bits(es, by_vector.expected_shortfall),
                      label << ": ES " << show(es) << ", by vector " << show(by_vector.expected_shortfall));
        CHECK_MESSAGE(same_bits(var, by_vector.value_at_risk), label);
        const double es_kept = hm::expected_shortfall(pnl, buffer, at(level));
        CHECK_MESSAGE(same_bits(es_kept, es),
                      label << ": ES " << show(es_kept) << " with a buffer, " << show(es));
        CHECK_MESSAGE(buffer.size() == n, label);
        const double var_kept = hm::value_at_risk(pnl, buffer, at(level));
        CHECK_MESSAGE(same_bits(var_kept, var), label << ": VaR " << show(var_kept) << ", " << show(var));
      }
    }
  }
  // Near DBL_MAX (the tail sum overflows and is redone at 2^-64), and an ES near 0 beside a large VaR.
  const std::vector<double> huge{-1.5e308, -1.7e308, -1.6e308, -1e308, 0.5, -1.75e308};
  const std::vector<double> cancel{1e9, -1e9 - 0.25, 3.0, 2.0};
  for (const double level : {0.5, 0.6, 0.9}) {
    CHECK(
        same_bits(hm::expected_shortfall(huge, buffer, at(level)), hm::expected_shortfall(huge, at(level))));
    CHECK(same_bits(hm::expected_shortfall(cancel, buffer, at(level)),
                    hm::expected_shortfall(cancel, at(level))));
    CHECK(same_bits(hm::expected_shortfall(huge, at(level)), tail_by_vector(huge, level).expected_shortfall));
  }
  CHECK(std::isfinite(hm::expected_shortfall(huge, buffer, at(0.5))));
  // A hand-worked case: losses 5, 4, 3, 2, 1 at level 0.6 are the worst two, mean 4.5; VaR 3.
  const std::vector<double> five{-1.0, -5.0, -3.0, -2.0, -4.0};
  CHECK(hm::expected_shortfall(five, buffer, at(0.6)) == 4.5);
  CHECK(hm::value_at_risk(five, buffer, at(0.6)) == 3.0);
}

TEST_CASE("VaR and ES with a kept buffer: missing data, element types and bad input as the plain calls") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> buffer{1.0, 2.0};
  const std::vector<double> x{-1.0, nan, -3.0, 2.0, inf, -0.5};
  const std::vector<double> clean{-1.0, -3.0, 2.0, -0.5};
  check_nan("propagate ES, buffer", hm::expected_shortfall(x, buffer, at(0.5)));
  check_nan("propagate VaR, buffer", hm::value_at_risk(x, buffer, at(0.5)));
  CHECK(same_bits(hm::expected_shortfall(x, buffer, at(0.5, hm::missing_data::omit)),
                  hm::expected_shortfall(clean, at(0.5))));
  CHECK(same_bits(hm::expected_shortfall(x, at(0.5, hm::missing_data::omit)),
                  hm::expected_shortfall(clean, at(0.5))));
  CHECK(same_bits(hm::value_at_risk(x, buffer, at(0.75, hm::missing_data::omit)),
                  hm::value_at_risk(clean, at(0.75))));
  CHECK_THROWS_WITH_AS((void)hm::expected_shortfall(x, buffer, at(0.5, hm::missing_data::raise)),
                       "hedgemetrics::expected_shortfall: pnl[1] is nan (missing_data::raise)",
                       std::domain_error);
  CHECK_THROWS_WITH_AS((void)hm::expected_shortfall(x, at(0.5, hm::missing_data::raise)),
                       "hedgemetrics::expected_shortfall: pnl[1] is nan (missing_data::raise)",
                       std::domain_error);
  const std::vector<double> only_inf{1.0, 2.0, -inf};
  CHECK_THROWS_WITH_AS((void)hm::value_at_risk(only_inf, buffer, at(0.5, hm::missing_data::raise)),
                       "hedgemetrics::value_at_risk: pnl[2] is -inf (missing_data::raise)",
                       std::domain_error);
  check_nan("all missing, omit",
            hm::expected_shortfall(std::vector<double>{nan, inf}, buffer, at(0.5, hm::missing_data::omit)));
  check_nan("empty, buffer", hm::expected_shortfall(std::vector<double>{}, buffer, at(0.5)));
  CHECK(buffer.empty());
  for (const double bad : {0.0, 1.0, -0.5, nan}) {
    CHECK_THROWS_WITH_AS((void)hm::expected_shortfall(clean, buffer, at(bad)),
                         doctest::Contains("level must be in (0, 1)"), std::invalid_argument);
  }
  // The series itself as the buffer would be overwritten as it is read: a caller error, named.
  std::vector<double> own{-1.0, -2.0, 3.0};
  CHECK_THROWS_WITH_AS((void)hm::expected_shortfall(own, own, at(0.5)),
                       doctest::Contains("the buffer must not hold the pnl series itself"),
                       std::invalid_argument);
  CHECK_THROWS_AS((void)hm::value_at_risk(hm::series_view<double>(own.data() + 1, 2), own, at(0.5)),
                  std::invalid_argument);
  CHECK(own == std::vector<double>{-1.0, -2.0, 3.0});
  // Integers and float compute in a std::vector<double>; long double in a std::vector<long double>.
  const std::vector<int> ints{-3, 1, -7, 2, 5};
  const std::vector<float> floats{-3.0f, 1.0f, -7.0f, 2.0f, 5.0f};
  CHECK(same_bits(hm::expected_shortfall(ints, buffer, at(0.6)), hm::expected_shortfall(ints, at(0.6))));
  CHECK(same_bits(hm::expected_shortfall(floats, buffer, at(0.6)), hm::expected_shortfall(floats, at(0.6))));
  std::vector<long double> wide_buffer;
  const std::vector<long double> wide{-3.0L, 1.0L, -7.0L, 2.0L, 5.0L};
  CHECK(hm::expected_shortfall(wide, wide_buffer, at(0.6)) == hm::expected_shortfall(wide, at(0.6)));
  static_assert(std::is_same_v<decltype(hm::expected_shortfall(wide, wide_buffer, at(0.6))), long double>);
}

// Which overload a call selects, decided without instantiating a body: each detector is true when the call
// is well formed. Unconstrained templates would accept the misuses below at overload resolution and fail
// later, inside the body, with a message about something else.
namespace {

template <class... Args>
auto detect_value_at_risk(int, const Args&... args)
    -> decltype((void)hm::value_at_risk(args...), std::true_type{});
template <class... Args>
std::false_type detect_value_at_risk(long, const Args&...);
template <class... Args>
constexpr bool value_at_risk_accepts =
    decltype(detect_value_at_risk(0, std::declval<const Args&>()...))::value;

template <class... Args>
auto detect_effectiveness(int, const Args&... args)
    -> decltype((void)hm::downside_effectiveness(args...), std::true_type{});
template <class... Args>
std::false_type detect_effectiveness(long, const Args&...);
template <class... Args>
constexpr bool effectiveness_accepts =
    decltype(detect_effectiveness(0, std::declval<const Args&>()...))::value;

template <class... Args>
auto detect_semivariance_ratio(int, const Args&... args)
    -> decltype((void)hm::min_semivariance_ratio(args...), std::true_type{});
template <class... Args>
std::false_type detect_semivariance_ratio(long, const Args&...);
template <class... Args>
constexpr bool semivariance_ratio_accepts =
    decltype(detect_semivariance_ratio(0, std::declval<const Args&>()...))::value;

template <class... Args>
auto detect_normal_var(int, const Args&... args)
    -> decltype((void)hm::min_value_at_risk_ratio_normal(args...), std::true_type{});
template <class... Args>
std::false_type detect_normal_var(long, const Args&...);
template <class... Args>
constexpr bool normal_var_accepts = decltype(detect_normal_var(0, std::declval<const Args&>()...))::value;

using vec = std::vector<double>;
using opts = hm::downside_options;
using policy = hm::missing_data;

// Data positional, everything else in the options.
static_assert(value_at_risk_accepts<vec>);
static_assert(value_at_risk_accepts<vec, opts>);
static_assert(value_at_risk_accepts<std::array<float, 3>, opts>);
static_assert(effectiveness_accepts<vec, vec, double, opts>);
static_assert(semivariance_ratio_accepts<vec, vec, opts>);
static_assert(normal_var_accepts<hm::normal_hedge_moments, opts>);
static_assert(normal_var_accepts<vec, vec, opts>);
// A policy where the options go, options where the ratio goes, options where a series goes: no overload.
static_assert(!value_at_risk_accepts<vec, policy>);
static_assert(!value_at_risk_accepts<double, opts>);
static_assert(!effectiveness_accepts<vec, vec, opts>);
static_assert(!effectiveness_accepts<vec, vec, double, policy>);
static_assert(!semivariance_ratio_accepts<vec, opts>);
static_assert(!semivariance_ratio_accepts<vec, double>);
static_assert(!normal_var_accepts<vec, opts>);
static_assert(!normal_var_accepts<hm::normal_hedge_moments, policy>);

}  // namespace

TEST_CASE(
    "downside_options: the defaults are level 0.95, target 0, propagate, as the overloads without options") {
  const hm::downside_options defaults;
  CHECK(defaults.level == 0.95);
  CHECK(defaults.target == 0.0);
  CHECK(defaults.missing == hm::missing_data::propagate);
  hm_test::random_source rng(2024);
  const auto p = small_pair(40, rng, false);
  CHECK(hm::value_at_risk(p.s) == hm::value_at_risk(p.s, at(0.95)));
  CHECK(hm::expected_shortfall(p.s) == hm::expected_shortfall(p.s, at(0.95)));
  CHECK(hm::lower_partial_moment(p.s, 2) == hm::lower_partial_moment(p.s, 2, below(0.0)));
  CHECK(hm::min_expected_shortfall_ratio(p.s, p.f) == hm::min_expected_shortfall_ratio(p.s, p.f, at(0.95)));
  // A braced list initialises the options, never a deprecated positional overload (this file builds with
  // -Werror, so a deprecated one would not compile here): {} is the defaults, {0.9} the level.
  CHECK(hm::expected_shortfall(p.s, {}) == hm::expected_shortfall(p.s));
  CHECK(hm::value_at_risk(p.s, {0.9}) == hm::value_at_risk(p.s, at(0.9)));
  CHECK(hm::min_semivariance_ratio(p.s, p.f, {}) == hm::min_semivariance_ratio(p.s, p.f));
  CHECK(hm::min_expected_shortfall_ratio(p.s, p.f, {}) == hm::min_expected_shortfall_ratio(p.s, p.f));
  CHECK(hm::downside_effectiveness(p.s, p.f, 0.5, {}).level == 0.95);
  CHECK(hm::semivariance(p.s, {}) == hm::semivariance(p.s));
  CHECK(hm::lower_partial_moment(p.s, 1, {}) == hm::lower_partial_moment(p.s, 1));
  // One options object serves a whole report: each function reads its own fields.
  const auto report = downside(0.9, -0.25, hm::missing_data::omit);
  const auto d = hm::downside_effectiveness(p.s, p.f, 0.5, report);
  CHECK(d.level == 0.9);
  CHECK(d.target == -0.25);
  CHECK(d.value_at_risk.unhedged == hm::value_at_risk(p.s, report));
  CHECK(d.expected_shortfall.unhedged == hm::expected_shortfall(p.s, report));
  CHECK(d.lower_partial_moment[2].unhedged == hm::lower_partial_moment(p.s, 2, report));
  CHECK(d.semivariance.unhedged == hm::semivariance(p.s, report));
}

TEST_CASE("min_target_semivariance_ratio: below the target, not the mean; errors name it") {
  hm_test::random_source rng(77);
  const auto p = small_pair(30, rng, true);
  const auto s = exact_values(p.s), f = exact_values(p.f);
  for (const double target : {0.0, -0.5, 0.75}) {
    rationals a;
    for (const auto& v : s) a.push_back(v - ex::to_rational(target));
    check_close("target " + show(target), hm::min_target_semivariance_ratio(p.s, p.f, below(target)),
                ex::maybe(exact_min_squared_deficit(a, f)), 1e-13);
  }
  // About the mean it is another figure on the same data (the two names do not agree by accident).
  CHECK(hm::min_semivariance_ratio(p.s, p.f) != hm::min_target_semivariance_ratio(p.s, p.f, below(0.0)));
  CHECK_THROWS_WITH_AS(
      (void)hm::min_target_semivariance_ratio(p.s, p.f, below(std::nan(""))),
      doctest::Contains("hedgemetrics::min_target_semivariance_ratio: target must be a finite"),
      std::invalid_argument);
}

// One check per deprecated spelling: it still compiles and gives the new spelling's figure bit for bit.
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
TEST_CASE("deprecated positional spellings forward to the options overloads") {
  hm_test::random_source rng(31);
  const auto p = small_pair(50, rng, false);
  const auto omit = hm::missing_data::omit;
  std::vector<double> buffer;
  CHECK(hm::value_at_risk(p.s, 0.9) == hm::value_at_risk(p.s, at(0.9)));
  CHECK(hm::value_at_risk(p.s, 0.9, omit) == hm::value_at_risk(p.s, at(0.9, omit)));
  CHECK(hm::value_at_risk(p.s, 0.9, buffer, omit) == hm::value_at_risk(p.s, at(0.9)));
  CHECK(hm::expected_shortfall(p.s, 0.9, omit) == hm::expected_shortfall(p.s, at(0.9)));
  CHECK(hm::expected_shortfall(p.s, 0.9, buffer) == hm::expected_shortfall(p.s, buffer, at(0.9)));
  CHECK(hm::lower_partial_moment(p.s, 2, 0.25, omit) == hm::lower_partial_moment(p.s, 2, below(0.25)));
  CHECK(hm::semivariance(p.s, omit) == hm::semivariance(p.s));
  const auto old_d = hm::downside_effectiveness(p.s, p.f, 0.5, 0.9, -0.25, omit);
  const auto new_d = hm::downside_effectiveness(p.s, p.f, 0.5, downside(0.9, -0.25));
  CHECK(old_d.expected_shortfall.effectiveness == new_d.expected_shortfall.effectiveness);
  CHECK(old_d.lower_partial_moment[3].hedged == new_d.lower_partial_moment[3].hedged);
  CHECK(hm::min_expected_shortfall_ratio(p.s, p.f, 0.9, omit) ==
        hm::min_expected_shortfall_ratio(p.s, p.f, at(0.9)));
  CHECK(hm::min_semivariance_ratio(p.s, p.f, omit) == hm::min_semivariance_ratio(p.s, p.f));
  // The 3-argument overload was the target semivariance: it is min_target_semivariance_ratio now, and its
  // errors still name the function the caller used.
  CHECK(hm::min_semivariance_ratio(p.s, p.f, 0.25) ==
        hm::min_target_semivariance_ratio(p.s, p.f, below(0.25)));
  CHECK_THROWS_WITH_AS((void)hm::min_semivariance_ratio(p.s, p.f, std::nan("")),
                       doctest::Contains("hedgemetrics::min_semivariance_ratio: target"),
                       std::invalid_argument);
  hm::normal_hedge_moments m;
  m.hedge_mean = 0.1;
  m.correlation = 0.6;
  CHECK(hm::min_value_at_risk_ratio_normal(m, 0.99) == hm::min_value_at_risk_ratio_normal(m, at(0.99)));
  CHECK(hm::min_expected_shortfall_ratio_normal(m, 0.975) ==
        hm::min_expected_shortfall_ratio_normal(m, at(0.975)));
  CHECK(hm::min_value_at_risk_ratio_normal(p.s, p.f, 0.99, omit) ==
        hm::min_value_at_risk_ratio_normal(p.s, p.f, at(0.99)));
  CHECK(hm::min_expected_shortfall_ratio_normal(p.s, p.f, 0.975, omit) ==
        hm::min_expected_shortfall_ratio_normal(p.s, p.f, at(0.975)));
  // Long double keeps its target in the deprecated spelling (it is not rounded through the options' double).
  const std::vector<long double> wide{-1.0L, 0.5L, 2.0L};
  const long double third = 1.0L / 3.0L;
  CHECK(hm::lower_partial_moment(wide, 1, third) == (third + 1.0L) / 3.0L);
}
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

TEST_CASE("normal closed-form ratios across the double range: series scaled by 2^a and 2^b") {
  // h_VaR and h_ES of jointly normal S − h·F scale by 2^(a−b). Their moments took √variance, and the
  // variance of series near 1e±200 over- or underflowed: the ratios were NaN, or 0 (issue 10).
  std::vector<double> s, f;
  std::uint64_t state = 4;
  const auto draw = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1p-53 - 0.5;
  };
  for (int i = 0; i < 300; ++i) {
    f.push_back(draw());
    s.push_back(0.8 * f.back() + 0.4 * draw() + 0.01);
  }
  const double var0 = hm::min_value_at_risk_ratio_normal(s, f),
               es0 = hm::min_expected_shortfall_ratio_normal(s, f);
  REQUIRE(std::isfinite(var0));
  REQUIRE(std::isfinite(es0));
  for (const int a : {-1000, -600, -300, 0, 300, 600, 1000}) {
    for (const int b : {-1000, -300, 0, 300, 1000}) {
      if (a - b > 1000 || a - b < -1000) continue;  // the ratio itself beyond the double range
      INFO("exposure × 2^" << a << ", hedge × 2^" << b);
      std::vector<double> sa(s.size()), fa(f.size());
      for (std::size_t i = 0; i < s.size(); ++i) sa[i] = std::ldexp(s[i], a), fa[i] = std::ldexp(f[i], b);
      const double v = hm::min_value_at_risk_ratio_normal(sa, fa),
                   e = hm::min_expected_shortfall_ratio_normal(sa, fa);
      CHECK(std::fabs(v - std::ldexp(var0, a - b)) <= 1e-12 * std::fabs(std::ldexp(var0, a - b)));
      CHECK(std::fabs(e - std::ldexp(es0, a - b)) <= 1e-12 * std::fabs(std::ldexp(es0, a - b)));
    }
  }
}
