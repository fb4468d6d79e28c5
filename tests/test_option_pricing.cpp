// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/option_pricing.hpp>: black_scholes and implied_volatility. Independent answers:
// Hull's published figures (Examples 17.1, 18.7 (Black), 19.1–19.7), put–call parity, central finite
// differences of the price (Richardson-extrapolated), and mpmath at 30 digits (check_option_greeks_mpmath.py
// reads the option_greeks.csv this test writes); the limits at expiry and in the wings; every bad input.
#include <hedgemetrics/option_pricing.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/check.hpp"

namespace hm = hedgemetrics;
using hm::option_type;

namespace {

/// |computed − expected| ≤ tolerance, with a message that shows both.
void check_abs(const std::string& what, double computed, double expected, double tolerance) {
  CHECK_MESSAGE(std::fabs(computed - expected) <= tolerance, what << ": computed " << hm_test::show(computed)
                                                                  << ", expected " << hm_test::show(expected)
                                                                  << ", allowed ±" << tolerance);
}

struct option_case {
  option_type type;
  double spot, strike, tau, rate, vol, div;
};

/// A grid from deep in to deep out of the money, from one day to 5 years, 5% to 80% volatility, with and
/// without a yield and with a negative rate.
std::vector<option_case> option_grid() {
  std::vector<option_case> cases;
  for (const option_type type : {option_type::call, option_type::put}) {
    for (const double moneyness : {-1.5, -0.5, -0.1, 0.0, 0.1, 0.5, 1.5}) {
      for (const double tau : {1.0 / 365.0, 0.25, 1.0, 5.0}) {
        for (const double vol : {0.05, 0.2, 0.8}) {
          for (const double rate : {-0.01, 0.05}) {
            for (const double div : {0.0, 0.03}) {
              cases.push_back(
                  {type, 49.0, 49.0 * std::exp(moneyness * vol * std::sqrt(tau) * 3.0), tau, rate, vol, div});
            }
          }
        }
      }
    }
  }
  return cases;
}

hm::option_greeks price(const option_case& c) {
  return hm::black_scholes(c.type, c.spot, c.strike, c.tau, c.rate, c.vol, c.div);
}

}  // namespace

TEST_CASE(
    "black_scholes: Hull's figures for the call of Examples 19.1-19.7 (S0 49, K 50, r 5%, sigma 20%, 20 "
    "weeks)") {
  const auto g = hm::black_scholes(option_type::call, 49.0, 50.0, 20.0 / 52.0, 0.05, 0.20);
  check_abs("price (Hull §19.1: $2.40 per option, $240,000 for 100,000)", g.price, 2.40, 0.005);
  check_abs("delta (Example 19.1: 0.522)", g.delta, 0.522, 0.0005);
  check_abs("theta per year (Example 19.2: -4.31)", g.theta, -4.31, 0.005);
  check_abs("gamma (Example 19.4: 0.066)", g.gamma, 0.066, 0.0005);
  check_abs("vega per unit volatility (Example 19.6: 12.1)", g.vega, 12.1, 0.05);
  check_abs("rho per unit rate (Example 19.7: 8.91)", g.rho, 8.91, 0.005);
}

TEST_CASE(
    "black_scholes: the carry gives Merton's index option (Hull 17.1) and Black's futures option (Hull "
    "18.7)") {
  // Example 17.1: index 930, strike 900, r 8%, sigma 20%, two months, dividend yield 3%: c = 51.83.
  check_abs("index call, q = 3%",
            hm::black_scholes(option_type::call, 930, 900, 2.0 / 12, 0.08, 0.2, 0.03).price, 51.83, 0.005);
  // Example 18.7: put on crude oil futures, F 20, K 20, r 9%, sigma 25%, four months: p = 1.12.
  check_abs("Black-76 put (q = r)",
            hm::black_scholes(option_type::put, 20, 20, 4.0 / 12, 0.09, 0.25, 0.09).price, 1.12, 0.005);
  // Garman–Kohlhagen is Black on the forward F = S e^{(r_d − r_f)τ}: the same price from both spellings.
  const double s = 1.6, k = 1.6, tau = 0.3333, rd = 0.08, rf = 0.11, vol = 0.141;
  const auto gk = hm::black_scholes(option_type::call, s, k, tau, rd, vol, rf);
  const auto black = hm::black_scholes(option_type::call, s * std::exp((rd - rf) * tau), k, tau, rd, vol, rd);
  CHECK(gk.price == doctest::Approx(black.price).epsilon(1e-14));
  CHECK(gk.vega == doctest::Approx(black.vega).epsilon(1e-13));
}

TEST_CASE("black_scholes: put-call parity c - p = S e^{-q tau} - K e^{-r tau} to 1e-14 of the larger term") {
  double worst = 0;
  for (const auto& c : option_grid()) {
    if (c.type != option_type::call) continue;
    const auto call = price(c);
    const auto put = hm::black_scholes(option_type::put, c.spot, c.strike, c.tau, c.rate, c.vol, c.div);
    const double a = c.spot * std::exp(-c.div * c.tau), b = c.strike * std::exp(-c.rate * c.tau);
    const double error = std::fabs((call.price - put.price) - (a - b)) / std::fmax(a, b);
    worst = std::fmax(worst, error);
    CHECK_MESSAGE(error <= 1e-14,
                  "parity at S " << c.spot << " K " << c.strike << " tau " << c.tau << ": error " << error);
    // Greek parity: delta_c − delta_p = e^{−qτ}; gamma and vega equal.
    CHECK(std::fabs((call.delta - put.delta) - std::exp(-c.div * c.tau)) <= 1e-15);
    CHECK(call.gamma == doctest::Approx(put.gamma).epsilon(1e-15));
    CHECK(call.vega == doctest::Approx(put.vega).epsilon(1e-15));
  }
  MESSAGE("put-call parity: worst relative error " << worst);
}

TEST_CASE("black_scholes: every greek against a Richardson-extrapolated central difference of the price") {
  for (const auto& c : option_grid()) {
    if (c.tau < 0.01) continue;  // one day: the price is too kinked for a difference step of 1e-3 of S
    const auto g = price(c);
    // D(h) = [V(x + h) − V(x − h)]/2h has error c2 h² + c4 h⁴; (4 D(h/2) − D(h))/3 removes the h² term.
    auto derivative = [](auto f, double x, double h) {
      const auto d = [&](double step) { return (f(x + step) - f(x - step)) / (2 * step); };
      return (4 * d(h / 2) - d(h)) / 3;
    };
    option_case v = c;
    // Steps scaled to the width of the distribution, σ√τ, so that the h⁴ term stays below the tolerance.
    const double width = c.vol * std::sqrt(c.tau);
    const double hs = 1e-3 * c.spot * width, hv = 1e-3 * c.vol, ht = std::fmin(1e-4, 0.1 * c.tau), hr = 1e-4;
    const auto at_spot = [&](double x) {
      v = c;
      v.spot = x;
      return price(v).price;
    };
    const auto at_delta = [&](double x) {
      v = c;
      v.spot = x;
      return price(v).delta;
    };
    const auto at_vol = [&](double x) {
      v = c;
      v.vol = x;
      return price(v).price;
    };
    const auto at_tau = [&](double x) {
      v = c;
      v.tau = x;
      return price(v).price;
    };
    const auto at_rate = [&](double x) {
      v = c;
      v.rate = x;
      return price(v).price;
    };
    const std::string label = std::string(c.type == option_type::call ? "call" : "put") + " K " +
                              std::to_string(c.strike) + " tau " + std::to_string(c.tau) + " vol " +
                              std::to_string(c.vol) + " r " + std::to_string(c.rate) + " q " +
                              std::to_string(c.div);
    // Tolerances: 1e-7 of the option's scale (S, or S·√τ for vega), the rounding of V/h plus the h⁴ term.
    check_abs("delta " + label, g.delta, derivative(at_spot, c.spot, hs), 1e-7);
    check_abs("gamma " + label, g.gamma, derivative(at_delta, c.spot, hs), 1e-7 / c.spot);
    check_abs("vega " + label, g.vega, derivative(at_vol, c.vol, hv), 1e-7 * c.spot);
    check_abs("theta " + label, g.theta, -derivative(at_tau, c.tau, ht), 1e-6 * c.spot);
    check_abs("rho " + label, g.rho, derivative(at_rate, c.rate, hr), 1e-7 * c.spot);
  }
}

TEST_CASE(
    "black_scholes: writes the grid for the 30-digit mpmath cross-check (check_option_greeks_mpmath.py)") {
#ifdef HEDGEMETRICS_OPTION_GREEKS_CSV
  const std::string csv = HEDGEMETRICS_OPTION_GREEKS_CSV;  // tests/CMakeLists.txt: the build directory
#else
  const std::string csv = "option_greeks.csv";
#endif
  std::ofstream out(csv);
  REQUIRE(out);
  out << "type,spot,strike,tau,rate,vol,div,price,delta,gamma,vega,theta,rho\n" << std::setprecision(17);
  std::size_t rows = 0;
  for (const auto& c : option_grid()) {
    const auto g = price(c);
    out << (c.type == option_type::call ? "call" : "put") << ',' << c.spot << ',' << c.strike << ',' << c.tau
        << ',' << c.rate << ',' << c.vol << ',' << c.div << ',' << g.price << ',' << g.delta << ',' << g.gamma
        << ',' << g.vega << ',' << g.theta << ',' << g.rho << '\n';
    ++rows;
  }
  CHECK(rows == 2 * 7 * 4 * 3 * 2 * 2);
}

TEST_CASE("black_scholes: exact at expiry and in the far wings (no NaN)") {
  const double inf = std::numeric_limits<double>::infinity();
  const auto itm = hm::black_scholes(option_type::call, 60, 50, 0.0, 0.05, 0.2);
  CHECK(itm.price == 10.0);
  CHECK(itm.delta == 1.0);
  CHECK(itm.gamma == 0.0);
  CHECK(itm.vega == 0.0);
  CHECK(itm.rho == 0.0);
  check_abs("theta at expiry, ITM call: q S - r K", itm.theta, -0.05 * 50, 1e-15);
  const auto otm_put = hm::black_scholes(option_type::put, 60, 50, 0.0, 0.05, 0.2);
  CHECK(otm_put.price == 0.0);
  CHECK(otm_put.delta == 0.0);
  CHECK(otm_put.theta == 0.0);
  const auto atm = hm::black_scholes(option_type::put, 50, 50, 0.0, 0.05, 0.2);
  CHECK(atm.price == 0.0);
  CHECK(atm.delta == -0.5);
  CHECK(atm.gamma == inf);
  // One second before expiry, 10 sd in the money: N(d1) = N(d2) = 1 in double, so the price is the
  // discounted intrinsic value S − K e^{−rτ} = 10 + 7.9e-8, to the last bit.
  const double second = 1.0 / 31557600.0;
  CHECK(hm::black_scholes(option_type::call, 60, 50, second, 0.05, 0.2).price ==
        doctest::Approx(60.0 - 50.0 * std::exp(-0.05 * second)).epsilon(1e-15));

  // d1 = ±40 and beyond: N through erfc gives the limits, never 0/0.
  for (const double k : {1e-3, 1e3, 1e-12, 1e12}) {
    for (const option_type type : {option_type::call, option_type::put}) {
      const auto g = hm::black_scholes(type, 1.0, k, 0.5, 0.02, 0.1, 0.01);
      CHECK(std::isfinite(g.price));
      CHECK(std::isfinite(g.delta));
      CHECK(std::isfinite(g.gamma));
      CHECK(std::isfinite(g.vega));
      CHECK(std::isfinite(g.theta));
      CHECK(std::isfinite(g.rho));
      CHECK(g.price >= 0.0);
      CHECK(g.gamma >= 0.0);
    }
  }
  const auto deep_call = hm::black_scholes(option_type::call, 1.0, 1e-3, 0.5, 0.02, 0.1, 0.01);
  CHECK(deep_call.delta == doctest::Approx(std::exp(-0.005)).epsilon(1e-15));
  CHECK(deep_call.price == doctest::Approx(std::exp(-0.005) - 1e-3 * std::exp(-0.01)).epsilon(1e-15));
  CHECK(hm::black_scholes(option_type::call, 1.0, 1e3, 0.5, 0.02, 0.1, 0.01).delta == 0.0);
  // A far-OTM put worth 1e-58 of the strike is still positive (N(−16) ≈ 6e-58 through erfc, not 0).
  const auto tail = hm::black_scholes(option_type::put, 100, 20, 0.25, 0.0, 0.2);
  CHECK(tail.price > 1e-60);
  CHECK(tail.price < 1e-55);
}

TEST_CASE(
    "implied_volatility: round trip across moneyness, maturity and volatility, NaN outside the bounds") {
  double worst = 0;
  std::size_t solved = 0;
  for (const auto& c : option_grid()) {
    const auto g = price(c);
    const double iv = hm::implied_volatility(c.type, g.price, c.spot, c.strike, c.tau, c.rate, c.div);
    // Where vega·σ is below a few ulps of the price, the price does not determine σ to double precision:
    // compare prices there instead (the solver's promise), σ elsewhere.
    // Tolerance: the price itself is known to ~eps times its condition (S e^{−qτ} + K e^{−rτ})/V (the two
    // terms of the formula cancel), and σ to that divided by d ln V / d ln σ = vega·σ/V.
    const double sensitivity = g.vega * c.vol / std::fmax(g.price, 1e-300);
    const double condition = (c.spot * std::exp(-c.div * c.tau) + c.strike * std::exp(-c.rate * c.tau)) /
                             std::fmax(g.price, 1e-300);
    const double intrinsic = c.type == option_type::call
                                 ? c.spot * std::exp(-c.div * c.tau) - c.strike * std::exp(-c.rate * c.tau)
                                 : c.strike * std::exp(-c.rate * c.tau) - c.spot * std::exp(-c.div * c.tau);
    if (!(g.price > std::fmax(intrinsic, 0.0) * (1 + 1e-12)) || g.price < 1e-250) {
      // At the bound (a deep ITM option whose time value rounded away, or a price that underflowed) no σ
      // is identified.
      continue;
    }
    ++solved;
    REQUIRE_MESSAGE(std::isfinite(iv), "no volatility found for price " << g.price << " K " << c.strike);
    if (sensitivity > 1e-6) {
      const double error = std::fabs(iv - c.vol) / c.vol;
      worst = std::fmax(worst, error);
      CHECK_MESSAGE(error <= 32 * std::numeric_limits<double>::epsilon() * condition / sensitivity,
                    "sigma " << c.vol << " recovered as " << hm_test::show(iv) << " K " << c.strike << " tau "
                             << c.tau);
    }
    const double repriced = hm::black_scholes(c.type, c.spot, c.strike, c.tau, c.rate, iv, c.div).price;
    CHECK(std::fabs(repriced - g.price) <= 32 * std::numeric_limits<double>::epsilon() * condition * g.price);
  }
  MESSAGE("implied_volatility: " << solved << " options solved, worst relative error in sigma " << worst);
  CHECK(solved > 500);
  // Hull's call: $2.40 at 20%.
  CHECK(hm::implied_volatility(option_type::call, 2.4005273, 49, 50, 20.0 / 52, 0.05) ==
        doctest::Approx(0.2).epsilon(1e-7));
  const double nan_bound =
      hm::implied_volatility(option_type::call, 49.0, 49, 50, 1, 0.05);  // = S: upper bound
  CHECK(std::isnan(nan_bound));
  CHECK(std::isnan(hm::implied_volatility(option_type::call, 0.5, 60, 50, 1, 0.05)));  // below intrinsic
  CHECK(std::isnan(hm::implied_volatility(option_type::put, -1.0, 60, 50, 1, 0.05)));
  CHECK(std::isnan(hm::implied_volatility(option_type::put, 1.0, 60, 50, 0.0, 0.05)));  // at expiry
  CHECK(std::isnan(hm::implied_volatility(option_type::put, 0.0, 60, 50, 1.0, 0.05)));
}

TEST_CASE("implied_volatility: the wings (prices of 1e-100 of the strike, volatilities up to 500%)") {
  // Deep out of the money the price is tiny but its log is a smooth, steep function of σ, so σ is well
  // determined: d ln V/d ln σ = vega·σ/V is large, not small. Prices from black_scholes at known σ.
  struct wing {
    option_type type;
    double strike, tau, vol;
  };
  for (const wing& w : {wing{option_type::call, 300, 0.25, 0.2}, wing{option_type::put, 20, 0.25, 0.2},
                        wing{option_type::call, 1000, 1.0, 0.3}, wing{option_type::put, 1, 2.0, 0.5},
                        wing{option_type::call, 100, 1.0, 5.0}, wing{option_type::put, 100, 0.5, 3.0},
                        wing{option_type::call, 100, 1e-4, 0.01}}) {
    const double v = hm::black_scholes(w.type, 100, w.strike, w.tau, 0.01, w.vol).price;
    REQUIRE(v > 0.0);
    const double iv = hm::implied_volatility(w.type, v, 100, w.strike, w.tau, 0.01);
    CHECK_MESSAGE(std::fabs(iv - w.vol) <= 1e-9 * w.vol, "K " << w.strike << " tau " << w.tau << " price "
                                                              << v << ": sigma " << w.vol << " recovered as "
                                                              << hm_test::show(iv));
  }
  // No σ reproduces a call price at or above S e^{−qτ} (σ → ∞), nor one at or below the discounted
  // intrinsic value (σ → 0): NaN, never a wrong number.
  CHECK(std::isnan(hm::implied_volatility(option_type::call, 100.0, 100, 100, 1.0, 0.01)));
  CHECK(std::isnan(
      hm::implied_volatility(option_type::call, 100.0 - 100.0 * std::exp(-0.01), 100, 100, 1.0, 0.01)));
  CHECK(std::isnan(
      hm::implied_volatility(option_type::put, 100.0 * std::exp(-0.01) + 1e-9, 100, 100, 1.0, 0.01)));
}

TEST_CASE("black_scholes across the double range: spot and strike scaled by 2^a") {
  // Price, vega, theta and rho scale with S and K, gamma inversely, delta not at all; scaling by a power of
  // two is exact. At a subnormal spot, S·σ√τ lost the bits the spot lacks: gamma was 1e-6 off at 8e-318.
  for (const auto type : {option_type::call, option_type::put}) {
    for (const double moneyness : {0.25, 0.8, 1.0, 1.2, 4.0}) {
      const auto plain = hm::black_scholes(type, 100.0, 100.0 * moneyness, 0.5, 0.03, 0.25, 0.01);
      // At 2^-1060 the spot is 8e-318, a subnormal of 20 bits; the wings' gamma (K/S = 1/4 and 4) is then
      // still below DBL_MAX.
      for (const int a : {-1060, -1050, -1040, -1000, -500, 500, 1000}) {
        INFO("2^" << a << ", K/S " << moneyness);
        const auto g = hm::black_scholes(type, std::ldexp(100.0, a), std::ldexp(100.0 * moneyness, a), 0.5,
                                         0.03, 0.25, 0.01);
        // To 4e-15 of the figure, or of the terms it is the difference of (the spot's scale: a theta that
        // cancels to a subnormal keeps the terms' absolute error); ±inf where the figure overflows.
        const auto close = [](double got, double want, double terms) {
          if (std::isinf(want)) return got == want;
          return std::fabs(got - want) <= 4e-15 * std::max(std::fabs(want), terms);
        };
        const double money = std::ldexp(100.0, a) * 1e-2;
        CHECK(g.delta == plain.delta);
        CHECK(close(g.gamma, std::ldexp(plain.gamma, -a), 0.0));
        if (a >= -1000) {  // below, the money figures are subnormals, with a subnormal's few digits
          CHECK(close(g.price, std::ldexp(plain.price, a), money));
          CHECK(close(g.vega, std::ldexp(plain.vega, a), money));
          CHECK(close(g.theta, std::ldexp(plain.theta, a), money));
          CHECK(close(g.rho, std::ldexp(plain.rho, a), money));
        }
      }
    }
  }
}

TEST_CASE("black_scholes and implied_volatility: bad input names the argument and the value") {
  auto message_of = [](auto call) {
    try {
      call();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    } catch (const std::domain_error& e) {
      return std::string("domain: ") + e.what();
    }
    return std::string("no exception");
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(message_of([] { (void)hm::black_scholes(option_type::call, 0.0, 50, 1, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: spot must be positive and finite, but it is 0");
  CHECK(message_of([] { (void)hm::black_scholes(option_type::call, 50, -5, 1, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: strike must be positive and finite, but it is -5");
  CHECK(message_of([] { (void)hm::black_scholes(option_type::call, 50, 50, -1, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: time_to_expiry must be non-negative and finite, but it is -1");
  CHECK(message_of([] { (void)hm::black_scholes(option_type::call, 50, 50, 1, 0.05, 0.0); }) ==
        "hedgemetrics::black_scholes: volatility must be positive and finite, but it is 0");
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::call, 50, 50, 1, nan, 0.2); }) ==
        "hedgemetrics::black_scholes: rate must be finite, but it is nan");
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::put, 50, 50, 1, 0.05, 0.2, nan); }) ==
        "hedgemetrics::black_scholes: dividend_yield must be finite, but it is nan");
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::put, nan, 50, 1, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: spot must be positive and finite, but it is nan");
  CHECK(message_of([&] { (void)hm::implied_volatility(option_type::put, nan, 50, 50, 1, 0.05); }) ==
        "domain: hedgemetrics::implied_volatility: price is nan");
  CHECK(message_of([&] { (void)hm::implied_volatility(option_type::put, 1.0, 50, 0, 1, 0.05); }) ==
        "hedgemetrics::implied_volatility: strike must be positive and finite, but it is 0");
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::call, inf, 50, 1, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: spot must be positive and finite, but it is inf");
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::call, 50, nan, 1, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: strike must be positive and finite, but it is nan");
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::call, 50, 50, 1, 0.05, -0.2); }) ==
        "hedgemetrics::black_scholes: volatility must be positive and finite, but it is -0.2");
  CHECK(message_of([&] { (void)hm::black_scholes(option_type::call, 50, 50, nan, 0.05, 0.2); }) ==
        "hedgemetrics::black_scholes: time_to_expiry must be non-negative and finite, but it is nan");
  CHECK(message_of([&] { (void)hm::implied_volatility(option_type::call, 1.0, -50, 50, 1, 0.05); }) ==
        "hedgemetrics::implied_volatility: spot must be positive and finite, but it is -50");
  CHECK(message_of([&] { (void)hm::implied_volatility(option_type::call, 1.0, 50, 50, -0.5, 0.05); }) ==
        "hedgemetrics::implied_volatility: time_to_expiry must be non-negative and finite, but it is -0.5");
}
