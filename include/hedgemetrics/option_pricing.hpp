// SPDX-License-Identifier: MIT
/// \file
/// European option prices, greeks and implied volatility under Black–Scholes–Merton with a continuous
/// carry: stock options (dividend yield q), options on futures (Black 1976) and currency options
/// (Garman–Kohlhagen 1983) are the same formulas with different carries.
///
/// Units and signs, for every function here:
/// - times in years, rates and volatilities per year as decimals (5% is 0.05), continuously compounded;
/// - `delta` = ∂V/∂S, `gamma` = ∂²V/∂S²;
/// - `vega` = ∂V/∂σ per unit of volatility: a rise from 20% to 21% changes the price by vega·0.01;
/// - `rho` = ∂V/∂r per unit of rate, at a fixed dividend yield (not per 1%);
/// - `theta` = ∂V/∂t per year of calendar time (= −∂V/∂τ): Hull's convention, negative for most long
///   options; divide by 365 (or 252) for a daily figure;
/// - the figures are for one long option; a written option has the opposite signs.
///
/// The carry: with spot S, dividend yield q and rate r, the forward is F = S·e^{(r − q)τ}.
/// - Black (1976), an option on a futures price F: pass `spot = F` and `dividend_yield = rate`; the
///   price is e^{−rτ}[F N(d1) − K N(d2)] and `delta` is ∂V/∂F. `rho` is then ∂V/∂r at fixed q, not
///   Black's −τV (which moves q with r): use −τ·price for that.
/// - Garman–Kohlhagen, a currency option: `spot` in domestic units per foreign unit, `rate` the domestic
///   rate, `dividend_yield` the foreign rate.
///
/// Reference: Hull, *Options, Futures and Other Derivatives*, ch. 15 (formulas 15.20–15.21), ch. 17
/// (17.4, 17.5: dividend yield, currencies), ch. 18 (Black's model) and ch. 19 (Table 19.6: the greeks
/// with a yield q).
#ifndef HEDGEMETRICS_OPTION_PRICING_HPP
#define HEDGEMETRICS_OPTION_PRICING_HPP

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/normal.hpp"

namespace hedgemetrics {

/// A European call (the right to buy at the strike) or put (the right to sell).
enum class option_type { call, put };

/// The price and first-order sensitivities of one long European option (units above).
struct option_greeks {
  /// Present value, in the units of the spot price.
  double price = std::numeric_limits<double>::quiet_NaN();
  /// ∂V/∂S: e^{−qτ}N(d1) for a call, −e^{−qτ}N(−d1) for a put.
  double delta = std::numeric_limits<double>::quiet_NaN();
  /// ∂²V/∂S² = e^{−qτ}n(d1)/(Sσ√τ), the same for calls and puts.
  double gamma = std::numeric_limits<double>::quiet_NaN();
  /// ∂V/∂σ per unit of volatility = S e^{−qτ} n(d1) √τ.
  double vega = std::numeric_limits<double>::quiet_NaN();
  /// ∂V/∂t per year of calendar time (Hull's Θ).
  double theta = std::numeric_limits<double>::quiet_NaN();
  /// ∂V/∂r per unit of rate, dividend yield held: Kτe^{−rτ}N(d2) for a call, −Kτe^{−rτ}N(−d2) for a put.
  double rho = std::numeric_limits<double>::quiet_NaN();
};

namespace detail {

/// Caller error unless value > 0 and finite.
inline void require_positive_finite(double value, const char* what, const char* function) {
  if (!(value > 0.0) || !std::isfinite(value)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be positive and finite, but it is " + value_text(value)));
  }
}

/// Caller error unless value ≥ 0 and finite.
inline void require_non_negative_finite(double value, const char* what, const char* function) {
  if (!(value >= 0.0) || !std::isfinite(value)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be non-negative and finite, but it is " +
                                             value_text(value)));
  }
}

/// Caller error unless value is finite.
inline void require_finite(double value, const char* what, const char* function) {
  if (!std::isfinite(value)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be finite, but it is " + value_text(value)));
  }
}

inline void require_option_inputs(double spot, double strike, double time_to_expiry, double rate,
                                  double volatility, double dividend_yield, const char* function) {
  require_positive_finite(spot, "spot", function);
  require_positive_finite(strike, "strike", function);
  require_non_negative_finite(time_to_expiry, "time_to_expiry", function);
  require_finite(rate, "rate", function);
  require_positive_finite(volatility, "volatility", function);
  require_finite(dividend_yield, "dividend_yield", function);
}

/// The kernel behind black_scholes: arguments already checked. At τ = 0 the limits as τ → 0: the payoff,
/// a step delta (½ at the money), zero gamma (+∞ at the money), vega and rho 0, theta qS·1{ITM} − rK·1{ITM}
/// for a call (−∞ at the money).
[[nodiscard]] inline option_greeks black_scholes_kernel(option_type type, double s, double k, double tau,
                                                        double r, double sigma, double q) noexcept {
  option_greeks g;
  const bool call = type == option_type::call;
  if (tau == 0.0) {
    const double itm = call ? (s > k ? 1.0 : (s == k ? 0.5 : 0.0)) : (s < k ? 1.0 : (s == k ? 0.5 : 0.0));
    g.price = call ? (s > k ? s - k : 0.0) : (s < k ? k - s : 0.0);
    g.delta = call ? itm : -itm;
    g.gamma = s == k ? std::numeric_limits<double>::infinity() : 0.0;
    g.vega = 0.0;
    g.rho = 0.0;
    g.theta =
        s == k ? -std::numeric_limits<double>::infinity() : (call ? (q * s - r * k) : (r * k - q * s)) * itm;
    return g;
  }
  const double sqrt_tau = std::sqrt(tau);
  const double vol_root = sigma * sqrt_tau;
  const double d1 = (std::log(s / k) + (r - q + 0.5 * sigma * sigma) * tau) / vol_root;
  const double d2 = d1 - vol_root;
  const double dq = std::exp(-q * tau);
  const double dr = std::exp(-r * tau);
  const double sq = s * dq;
  const double kr = k * dr;
  const double pdf = normal_pdf(d1);
  // A subnormal spot has fewer significant bits than S·σ√τ needs: divide by it last (exact to one
  // rounding) there; gamma was 2.6e-10 off at S = 1e-311.
  g.gamma = s >= std::numeric_limits<double>::min() ? dq * pdf / (s * vol_root) : dq * pdf / vol_root / s;
  g.vega = sq * pdf * sqrt_tau;
  const double decay = -sq * pdf * sigma / (2.0 * sqrt_tau);
  if (call) {
    const double n1 = normal_cdf(d1), n2 = normal_cdf(d2);
    g.price = sq * n1 - kr * n2;
    g.delta = dq * n1;
    g.theta = decay + q * sq * n1 - r * kr * n2;
    g.rho = kr * tau * n2;
  } else {
    const double n1 = normal_cdf(-d1), n2 = normal_cdf(-d2);
    g.price = kr * n2 - sq * n1;
    g.delta = -dq * n1;
    g.theta = decay - q * sq * n1 + r * kr * n2;
    g.rho = -kr * tau * n2;
  }
  // Far out of the money both terms round to the same value; a price is never negative.
  if (g.price < 0.0) g.price = 0.0;
  return g;
}

}  // namespace detail

/// Black–Scholes–Merton price and greeks of one long European option.
///
/// With d1 = [ln(S/K) + (r − q + σ²/2)τ]/(σ√τ) and d2 = d1 − σ√τ:
///   call = S e^{−qτ} N(d1) − K e^{−rτ} N(d2),   put = K e^{−rτ} N(−d2) − S e^{−qτ} N(−d1),
/// so that call − put = S e^{−qτ} − K e^{−rτ} (put–call parity). The greeks are the closed forms of
/// Hull's Table 19.6, in the units of the file comment (vega and rho per unit, theta per year).
/// N is evaluated through erfc, so deep in- and out-of-the-money options give the limits (delta 1 or 0,
/// gamma and vega underflowing to 0) rather than NaN; far out of the money the price, a difference of
/// two nearly equal terms, keeps about 16 − log10(|d1|/(σ√τ)) digits.
///
/// \param type           call or put.
/// \param spot           S > 0 (a futures price for Black's model).
/// \param strike         K > 0.
/// \param time_to_expiry τ ≥ 0 in years; at τ = 0 the payoff and the limits τ → 0 (see the kernel).
/// \param rate           r, continuously compounded, any finite value.
/// \param volatility     σ > 0.
/// \param dividend_yield q, continuous (the foreign rate for currencies, r for Black's model).
/// \returns option_greeks of one long option; never NaN for valid inputs (at τ = 0 and S = K gamma is +∞
///          and theta −∞, the one-sided limits).
/// \throws std::invalid_argument naming the argument when S, K or σ is not positive and finite, τ is
///         negative or not finite, or r or q is not finite.
/// Reference: Black & Scholes (1973); Merton (1973); Hull, ch. 15 and ch. 19.
[[nodiscard]] inline option_greeks black_scholes(option_type type, double spot, double strike,
                                                 double time_to_expiry, double rate, double volatility,
                                                 double dividend_yield = 0.0) {
  detail::require_option_inputs(spot, strike, time_to_expiry, rate, volatility, dividend_yield,
                                "hedgemetrics::black_scholes");
  return detail::black_scholes_kernel(type, spot, strike, time_to_expiry, rate, volatility, dividend_yield);
}

/// The volatility σ at which black_scholes reproduces `price`.
///
/// A price between the no-arbitrage bounds, max(±(S e^{−qτ} − K e^{−rτ}), 0) < V < S e^{−qτ} (call) or
/// K e^{−rτ} (put), has exactly one implied volatility, because the price rises strictly with σ. It is
/// found by Newton's method on σ kept inside a bracket [lo, hi] that always contains the root; a Newton
/// step that leaves the bracket, or shrinks it too slowly (the wings, where vega is tiny), is replaced by
/// a bisection of the bracket in log σ. The result is the σ at which the price matches to a relative
/// 4e-16 or the bracket is one ulp wide.
///
/// \returns σ, or NaN when no volatility reproduces the price: τ = 0, the price at or below the lower
///          bound or at or above the upper bound (including negative prices), or a σ beyond 1e3 needed.
/// \throws std::invalid_argument as black_scholes does for S, K, τ, r, q; std::domain_error when the
///         price is NaN.
/// Reference: Hull, §15.11; Jäckel (2015), "Let's be rational", for the bounds.
[[nodiscard]] inline double implied_volatility(option_type type, double price, double spot, double strike,
                                               double time_to_expiry, double rate,
                                               double dividend_yield = 0.0) {
  constexpr const char* function = "hedgemetrics::implied_volatility";
  detail::require_option_inputs(spot, strike, time_to_expiry, rate, 1.0, dividend_yield, function);
  if (std::isnan(price)) {
    HEDGEMETRICS_THROW(std::domain_error(std::string(function) + ": price is nan"));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (time_to_expiry == 0.0) return nan;
  const double sq = spot * std::exp(-dividend_yield * time_to_expiry);
  const double kr = strike * std::exp(-rate * time_to_expiry);
  const bool call = type == option_type::call;
  const double lower = call ? std::fmax(sq - kr, 0.0) : std::fmax(kr - sq, 0.0);
  const double upper = call ? sq : kr;
  if (!(price > lower) || !(price < upper)) return nan;
  auto value = [&](double sigma) {
    return detail::black_scholes_kernel(type, spot, strike, time_to_expiry, rate, sigma, dividend_yield);
  };
  double lo = 1e-8, hi = 1.0;
  // Widen the bracket until it holds the root.
  while (value(lo).price > price && lo > 1e-300) lo *= 1e-4;
  if (value(lo).price > price) return nan;
  while (value(hi).price < price) {
    hi *= 2.0;
    if (hi > 1e3) return nan;
  }
  // Start from the Brenner–Subrahmanyam at-the-money guess, clamped into the bracket.
  double sigma = std::sqrt(2.0 * 3.14159265358979323846 / time_to_expiry) * price / std::sqrt(sq * kr);
  if (!(sigma > lo && sigma < hi)) sigma = std::sqrt(lo * hi);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const option_greeks g = value(sigma);
    const double error = g.price - price;
    if (std::fabs(error) <= 4e-16 * price) return sigma;
    if (error > 0.0) {
      hi = sigma;
    } else {
      lo = sigma;
    }
    if (hi - lo <= 2.0 * std::numeric_limits<double>::epsilon() * hi) return 0.5 * (lo + hi);
    const double newton = sigma - error / g.vega;
    // Newton inside the bracket, or bisection (in log σ) when it jumps out or vega has underflowed.
    sigma = (g.vega > 0.0 && newton > lo && newton < hi) ? newton : std::sqrt(lo * hi);
  }
  return sigma;
}

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_OPTION_PRICING_HPP
