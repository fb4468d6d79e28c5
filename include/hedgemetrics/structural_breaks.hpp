// SPDX-License-Identifier: MIT
/// \file
/// Is the hedge still working? Tests for a structural break in the hedge regression S_t = x_tᵀβ + e_t
/// (x_t = (1, F_t) for one hedge, (1, F_t1 … F_tk) for several): Chow's test at a known date, Andrews'
/// sup-F with the Andrews–Ploberger ave-F and exp-F at an unknown date (p-values by Hansen 1997), the
/// OLS-CUSUM and recursive CUSUM fluctuation tests, and Bai–Perron optimal partitions with several breaks.
///
/// Conventions shared by every function here, chosen to match R's strucchange (Zeileis et al. 2002,
/// "strucchange: an R package for testing for structural change in linear regression models", Journal of
/// Statistical Software 7(2)), so that its figures can be compared one for one:
/// - a break *index* i counts the observations before the break: the first regime is rows 0 … i − 1
///   (strucchange's breakpoint number);
/// - k is the number of regression coefficients, the intercept included (1 + the number of instruments);
/// - every residual sum of squares (RSS) comes from recursive residuals computed by Givens rotations of
///   the triangular factor of the design (Golub & Van Loan, Matrix Computations, 4th ed., §6.5.3): adding
///   row t to the QR factorisation of rows 0 … t − 1 leaves one number w_t, the recursive residual
///   (Brown, Durbin & Evans 1975), and RSS_t = RSS_{t−1} + w_t². So every prefix, suffix or segment RSS
///   costs O(k²) per row, with the stability of QR rather than of the normal equations; instruments are
///   shifted by their first value (the intercept absorbs it), which keeps price levels from inflating the
///   condition number;
/// - missing data: non-finite values propagate (every figure NaN) or raise std::domain_error. Omitting
///   rows is not offered, because it would silently move every break date: cut or fill the series first.
#ifndef HEDGEMETRICS_STRUCTURAL_BREAKS_HPP
#define HEDGEMETRICS_STRUCTURAL_BREAKS_HPP

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hedgemetrics/detail/config.hpp"
#include "hedgemetrics/detail/hansen_1997.hpp"
#include "hedgemetrics/detail/messages.hpp"
#include "hedgemetrics/detail/normal.hpp"
#include "hedgemetrics/detail/power_scale.hpp"
#include "hedgemetrics/inference.hpp"
#include "hedgemetrics/series.hpp"

namespace hedgemetrics {

/// Options of the structural-break tests.
struct break_options {
  /// sup_f_test: the observations excluded at each end, as a share of n in (0, 0.5) (strucchange's
  /// `from`, 0.15 by default: Andrews 1993) or as a count ≥ 1. breakpoints: the minimum segment length h,
  /// as a share of n or a count (strucchange's `h`).
  double trim = 0.15;
  /// breakpoints: the largest number of breaks considered (fewer when n/h allows fewer).
  std::size_t max_breaks = 5;
  /// Fit an intercept (the default): x_t = (1, F_t). False regresses through the origin.
  bool intercept = true;
  /// Non-finite values: propagate (every figure NaN) or raise (std::domain_error). omit throws
  /// std::invalid_argument: dropping rows would move the break dates.
  missing_data missing = missing_data::propagate;
};

/// Chow's (1960) test of a break after `split` observations.
///
/// \f[ F = \frac{(RSS - RSS_1 - RSS_2)/k}{(RSS_1 + RSS_2)/(n - 2k)} \sim F_{k,\,n-2k} \f]
/// with RSS the pooled fit, RSS_1 over rows 0 … split − 1 and RSS_2 over the rest. NaN figures when a
/// segment has fewer than k rows, n ≤ 2k, or a value is not finite.
struct chow_result {
  std::size_t n = 0;      ///< observations
  std::size_t k = 0;      ///< coefficients per regime, intercept included
  std::size_t split = 0;  ///< observations before the break
  double statistic = std::numeric_limits<double>::quiet_NaN();   ///< F
  double df1 = std::numeric_limits<double>::quiet_NaN();         ///< k
  double df2 = std::numeric_limits<double>::quiet_NaN();         ///< n − 2k
  double p_value = std::numeric_limits<double>::quiet_NaN();     ///< P(F_{k, n−2k} ≥ F)
  double rss = std::numeric_limits<double>::quiet_NaN();         ///< pooled RSS
  double rss_first = std::numeric_limits<double>::quiet_NaN();   ///< RSS_1
  double rss_second = std::numeric_limits<double>::quiet_NaN();  ///< RSS_2
};

/// Andrews' (1993) sup-F test, with the Andrews–Ploberger (1994) ave-F and exp-F, of a break at an unknown
/// date in the trimmed range from … to (from = ⌊trim·n⌋, to = n − from, then from ≥ k + 1 and
/// to ≤ n − k − 1, as strucchange's Fstats).
///
/// For each candidate i, F_i = (RSS − RSS_1(i) − RSS_2(i)) / ((RSS_1(i) + RSS_2(i))/(n − 2k)) — the Wald
/// form, k times Chow's F, as strucchange computes it. sup-F = max F_i, ave-F = mean F_i,
/// exp-F = ln mean exp(F_i/2). p-values: Hansen's (1997) response surfaces,
/// p = P(χ²_η > μ(x)), interpolated linearly in τ between his tabulated trimmings 0.01, 0.03, …, 0.49,
/// with τ = 1/(1 + √λ), λ = (n − from)·to/(from·(n − to)) (τ = trim for symmetric trimming; strucchange's
/// pvalue.Fstats), accurate to about 0.001 for p in (0.01, 0.5) by Hansen's account; NaN for k > 40.
/// One deliberate difference from strucchange: far beyond Hansen's fitted range the cubic μ of ave-F and
/// exp-F turns down, and strucchange then reports p = 1 for an enormous statistic; here μ is held at its
/// maximum, so p never rises with the statistic (it is then below 0.001).
/// All figures NaN when a value is not finite or the range is empty.
struct sup_f_result {
  std::size_t n = 0;                                         ///< observations
  std::size_t k = 0;                                         ///< coefficients per regime, intercept included
  std::size_t from = 0;                                      ///< first candidate break index
  std::size_t to = 0;                                        ///< last candidate break index
  double lambda = std::numeric_limits<double>::quiet_NaN();  ///< λ = (n − from)·to/(from·(n − to))
  std::vector<double> statistics;                            ///< F_i for i = from … to
  double statistic = std::numeric_limits<double>::quiet_NaN();            ///< sup-F
  std::size_t break_index = 0;                                            ///< argmax F_i (first on ties)
  double p_value = std::numeric_limits<double>::quiet_NaN();              ///< Hansen p of sup-F
  double average = std::numeric_limits<double>::quiet_NaN();              ///< ave-F
  double average_p_value = std::numeric_limits<double>::quiet_NaN();      ///< Hansen p of ave-F
  double exponential = std::numeric_limits<double>::quiet_NaN();          ///< exp-F
  double exponential_p_value = std::numeric_limits<double>::quiet_NaN();  ///< Hansen p of exp-F
};

/// The OLS-CUSUM (Ploberger & Krämer 1992) and recursive-residual CUSUM (Brown, Durbin & Evans 1975)
/// fluctuation tests.
///
/// OLS-CUSUM: e the full-sample OLS residuals, σ̂² = Σe²/(n − k), process B_j = Σ_{t<j} e_t/(σ̂√n),
/// j = 0 … n; statistic S0 = max_j |B_j|, p = P(sup |Brownian bridge| > S0) = 2Σ_{i≥1}(−1)^{i+1}e^{−2i²S0²}
/// (Kolmogorov; 1 for S0 < 0.1, as strucchange).
/// Recursive CUSUM: w_t the N = n − k recursive residuals, σ̂ their standard deviation (N − 1 df, centred),
/// W_j = Σ_{t≤j} w_t/(σ̂√N), j = 0 … N; statistic S = max_{j≥1} |W_j|/(1 + 2j/N) (the linear boundary
/// ±a(1 + 2j/N) is crossed iff S > a), p from the boundary-crossing probability of Brownian motion
/// (Brown, Durbin & Evans 1975, eq. (15)):
/// 2[1 − Φ(3S) + e^{−4S²}(Φ(S) + Φ(5S) − 1) − e^{−16S²}(1 − Φ(S))] (1 − 0.1465·S below S = 0.3, as strucchange).
/// a = 0.948 at 5%, 1.143 at 1%, 0.850 at 10%. NaN figures when n ≤ k + 1 or a value is not finite.
struct cusum_result {
  std::size_t n = 0;                                            ///< observations
  std::size_t k = 0;                                            ///< coefficients, intercept included
  std::vector<double> process;                                  ///< B_0 … B_n (OLS-CUSUM)
  double statistic = std::numeric_limits<double>::quiet_NaN();  ///< S0 = max |B_j|
  double p_value = std::numeric_limits<double>::quiet_NaN();    ///< Brownian-bridge supremum p
  std::vector<double> recursive_residuals;                      ///< w_t, t = k … n − 1
  std::vector<double> recursive_process;                        ///< W_0 … W_N
  double recursive_statistic = std::numeric_limits<double>::quiet_NaN();  ///< S = max |W_j|/(1 + 2j/N)
  double recursive_p_value = std::numeric_limits<double>::quiet_NaN();    ///< boundary-crossing p
};

/// Bai & Perron (2003) optimal partitions: for m = 0 … M breaks, the break indices that minimise the total
/// RSS of m + 1 separately fitted segments, each at least h observations long, found exactly by dynamic
/// programming over the RSS of every admissible segment (Bai & Perron 2003, "Computation and analysis of
/// multiple structural change models", J. Applied Econometrics 18(1), §3).
///
/// BIC(m) = n(ln RSS(m) + 1 − ln n + ln 2π) + ln(n)·(k + 1)(m + 1) (strucchange's summary of breakpoints:
/// k coefficients and one variance per segment). `chosen` is the m of least BIC. Entries for m beyond
/// ⌊n/h⌋ − 1 are not computed (the vectors are shorter). Empty vectors when a value is not finite.
struct breakpoints_result {
  std::size_t n = 0;                             ///< observations
  std::size_t k = 0;                             ///< coefficients per segment, intercept included
  std::size_t minimum_segment = 0;               ///< h
  std::vector<double> rss;                       ///< rss[m], total RSS with m breaks
  std::vector<std::vector<std::size_t>> breaks;  ///< breaks[m], m ascending break indices
  std::vector<double> bic;                       ///< bic[m]
  std::size_t chosen = 0;                        ///< the m of least BIC
};

namespace detail {

/// Rows of a regression as the break tests use them: row-major n × k design (intercept first, instruments
/// shifted by their first value) and the response shifted likewise.
struct break_data {
  std::size_t n = 0;
  std::size_t k = 0;
  std::vector<double> x;  // n·k, row-major
  std::vector<double> y;
  bool finite = true;
  /// y holds S·2^-scale_y (range contract, see break_data_of): RSS figures are multiplied back by 2^2scale_y.
  int scale_y = 0;
  /// Column j of x holds its instrument·2^-scale_x[j] (0 for the intercept and for unscaled columns).
  std::vector<int> scale_x;
};

/// Givens-rotation least squares, one row at a time: [R z] (k × (k + 1), row-major upper triangle) with
/// the recursive residual of each added row (see the file comment).
class givens_ls {
 public:
  /// `any_scale`: rows may be far outside the scale of the earlier ones (cusum_monitor's observations), so
  /// each rotation guards its squares; the batch tests' rows are shifted and scaled to about 1 and do not
  /// pay for it.
  explicit givens_ls(std::size_t k, bool any_scale = false)
      : k_(k), any_scale_(any_scale), r_(k * (k + 1), 0.0), v_(k + 1, 0.0) {}

  void reset() {
    std::fill(r_.begin(), r_.end(), 0.0);
    rss_ = 0;
    rows_ = 0;
  }

  /// Adds the row (x, y); returns its recursive residual w (0 while the rows do not yet determine β).
  double add(const double* x, double y) {
    const std::size_t width = k_ + 1;
    for (std::size_t j = 0; j < k_; ++j) v_[j] = x[j];
    v_[k_] = y;
    for (std::size_t j = 0; j < k_; ++j) {
      const double b = v_[j];
      if (b == 0) continue;
      double* row = &r_[j * width];
      const double a = row[j];
      // Shifted and scaled data keep a and b near 1 (break_data_of); a monitored row far outside its
      // history's scale (cusum_monitor::update) takes std::hypot, whose squares cannot overflow.
      const double rho = any_scale_ ? guarded_norm(a, b) : std::sqrt(a * a + b * b);
      const double c = a / rho, s = b / rho;
      row[j] = rho;
      v_[j] = 0;
      for (std::size_t l = j + 1; l < width; ++l) {
        const double rl = row[l], vl = v_[l];
        row[l] = c * rl + s * vl;
        v_[l] = c * vl - s * rl;
      }
    }
    ++rows_;
    const double w = v_[k_];
    rss_ += w * w;
    return w;
  }

  [[nodiscard]] double rss() const noexcept { return rss_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

  /// √(a² + b²) without overflow or underflow of the squares.
  [[nodiscard]] static double guarded_norm(double a, double b) noexcept {
    const double big = std::fabs(a) > std::fabs(b) ? std::fabs(a) : std::fabs(b);
    return big > 0x1p-450 && big < 0x1p450 ? std::sqrt(a * a + b * b) : std::hypot(a, b);
  }

  /// β = R⁻¹z (NaN where R is singular).
  [[nodiscard]] std::vector<double> coefficients() const {
    const std::size_t width = k_ + 1;
    std::vector<double> b(k_, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t jj = k_; jj-- > 0;) {
      double sum = r_[jj * width + k_];
      for (std::size_t l = jj + 1; l < k_; ++l) sum -= r_[jj * width + l] * b[l];
      b[jj] = sum / r_[jj * width + jj];
    }
    return b;
  }

 private:
  std::size_t k_;
  bool any_scale_;
  std::vector<double> r_, v_;
  double rss_ = 0;
  std::size_t rows_ = 0;
};

/// Square-root-free Givens rotations (Gentleman 1973, "Least squares computations by Givens
/// transformations without square roots", J. Inst. Maths Applics 12; Applied Statistics algorithm AS 75)
/// for a compile-time number of coefficients K: R = D^{1/2}R̄ with unit-diagonal R̄, one division per
/// column and no square root, so adding a row costs about 2K² flops and K divisions. The residual sum of
/// squares grows by δ·ỹ², the squared recursive residual, exactly as with givens_ls. Used by the
/// breakpoints search, which adds n²/2 rows; its stability is that of Givens QR (Gentleman 1973, §4).
template <std::size_t K>
class gentleman_ls {
 public:
  explicit gentleman_ls(std::size_t = K) {}
  void reset() {
    for (std::size_t j = 0; j < K; ++j) {
      d_[j] = 0;
      for (std::size_t l = 0; l <= K; ++l) r_[j][l] = 0;
    }
    rss_ = 0;
  }
  double add(const double* x, double y) {
    double v[K + 1];
    for (std::size_t j = 0; j < K; ++j) v[j] = x[j];
    v[K] = y;
    double weight = 1;
    for (std::size_t j = 0; j < K; ++j) {
      const double xj = v[j];
      if (xj == 0) continue;
      if (weight == 0) break;  // the row filled an empty row of R̄: no residual
      const double dj = d_[j], wx = weight * xj;
      const double dp = dj + wx * xj, inverse = 1 / dp;
      const double cbar = dj * inverse, sbar = wx * inverse;
      weight *= cbar;
      d_[j] = dp;
      for (std::size_t l = j + 1; l <= K; ++l) {
        const double xl = v[l];
        v[l] = xl - xj * r_[j][l];
        r_[j][l] = cbar * r_[j][l] + sbar * xl;
      }
    }
    const double w2 = weight * v[K] * v[K];
    rss_ += w2;
    return w2;
  }
  [[nodiscard]] double rss() const noexcept { return rss_; }

 private:
  double d_[K] = {};
  double r_[K][K + 1] = {};
  double rss_ = 0;
};

/// RSS of rows [begin, end).
inline double segment_rss(const break_data& d, std::size_t begin, std::size_t end) {
  givens_ls ls(d.k);
  for (std::size_t t = begin; t < end; ++t) (void)ls.add(&d.x[t * d.k], d.y[t]);
  return ls.rss();
}

/// prefix[i] = RSS of rows 0 … i − 1 (i = 0 … n); with `reverse`, suffix[i] = RSS of rows i … n − 1.
inline std::vector<double> running_rss(const break_data& d, bool reverse) {
  std::vector<double> out(d.n + 1, 0.0);
  givens_ls ls(d.k);
  for (std::size_t step = 0; step < d.n; ++step) {
    const std::size_t t = reverse ? d.n - 1 - step : step;
    (void)ls.add(&d.x[t * d.k], d.y[t]);
    out[reverse ? t : t + 1] = ls.rss();
  }
  return out;
}

template <class Spot, class Hedges>
[[nodiscard]] break_data break_data_of(const Spot& spot, const Hedges& hedges, const break_options& options,
                                       const char* function) {
  if (options.missing == missing_data::omit) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) +
        ": missing_data::omit is not offered, because dropping rows moves every break date; cut or fill "
        "the series, or use propagate or raise"));
  }
  const auto s = view_of(spot, function, "spot");
  break_data d;
  d.n = s.size();
  std::size_t instruments = 0;
  if constexpr (is_series_v<Hedges>) {
    const auto f = view_of(hedges, function, "hedge");
    require_same_length(function, "spot", s.size(), "hedge", f.size());
    instruments = 1;
    d.k = instruments + (options.intercept ? 1 : 0);
    d.x.resize(d.n * d.k);
    for (std::size_t t = 0; t < d.n; ++t) d.x[t * d.k + d.k - 1] = static_cast<double>(f[t]);
  } else {
    static_assert(std::is_base_of_v<Eigen::EigenBase<Hedges>, Hedges>,
                  "hedgemetrics: the hedge must be a series (std::vector, Eigen vector, ...) or an Eigen "
                  "matrix with one column per instrument");
    require_same_length(function, "spot", s.size(), "hedges (rows)", static_cast<std::size_t>(hedges.rows()));
    instruments = static_cast<std::size_t>(hedges.cols());
    d.k = instruments + (options.intercept ? 1 : 0);
    d.x.resize(d.n * d.k);
    for (std::size_t t = 0; t < d.n; ++t)
      for (std::size_t j = 0; j < instruments; ++j)
        d.x[t * d.k + d.k - instruments + j] =
            static_cast<double>(hedges(static_cast<Eigen::Index>(t), static_cast<Eigen::Index>(j)));
  }
  if (d.k == 0) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": no regressors (no instrument and no intercept)"));
  }
  d.y.resize(d.n);
  for (std::size_t t = 0; t < d.n; ++t) {
    d.y[t] = static_cast<double>(s[t]);
    if (options.intercept) d.x[t * d.k] = 1.0;
  }
  for (std::size_t t = 0; t < d.n && d.finite; ++t) {
    bool ok = std::isfinite(d.y[t]);
    for (std::size_t j = 0; j < d.k; ++j) ok = ok && std::isfinite(d.x[t * d.k + j]);
    if (!ok) {
      d.finite = false;
      if (options.missing == missing_data::raise) {
        const bool spot_bad = !std::isfinite(d.y[t]);
        throw_nonfinite(function, spot_bad ? "spot" : "hedge", t,
                        value_text(spot_bad ? d.y[t] : d.x[t * d.k + d.k - 1]));
      }
    }
  }
  // Range (detail/power_scale.hpp): F, the CUSUM statistics and the break dates do not change when S or
  // an instrument is multiplied by a power of two, so series whose spreads are beyond 2^±64 are divided by
  // theirs (exact) before their squares are summed, and before the shift below, which would overflow for
  // values near −1e308 and +1e308 in one series; RSS figures are multiplied back (scale_y). Prices near
  // 1e±270 gave F = NaN and a CUSUM statistic of 0. cusum_monitor scales its later observations by the
  // same powers (scale_y, scale_x).
  d.scale_x.assign(d.k, 0);
  if (d.finite && d.n > 0) {
    std::vector<double> column(d.n);  // an instrument's column, gathered from the row-major design
    const auto exponent_of = [&](std::size_t j) {
      for (std::size_t t = 0; t < d.n; ++t) column[t] = d.x[t * d.k + j];
      return significant_exponent(deviation_exponent<double>(column.data(), d.n));
    };
    d.scale_y = significant_exponent(deviation_exponent<double>(d.y.data(), d.n));
    if (d.scale_y != 0) {
      for (double& v : d.y) v = std::ldexp(v, -d.scale_y);
    }
    for (std::size_t j = options.intercept ? 1 : 0; j < d.k; ++j) {
      const int e = exponent_of(j);
      d.scale_x[j] = e;
      if (e == 0) continue;
      for (std::size_t t = 0; t < d.n; ++t) d.x[t * d.k + j] = std::ldexp(d.x[t * d.k + j], -e);
    }
  }
  // Shift the instruments and the response by their first values: the intercept absorbs the shift, and
  // the rotations then work on deviations rather than on price levels.
  if (options.intercept && d.finite && d.n > 0) {
    const std::vector<double> first(d.x.begin(), d.x.begin() + static_cast<std::ptrdiff_t>(d.k));
    const double y0 = d.y[0];
    for (std::size_t t = 0; t < d.n; ++t) {
      for (std::size_t j = 1; j < d.k; ++j) d.x[t * d.k + j] -= first[j];
      d.y[t] -= y0;
    }
  }
  return d;
}

/// The observations a share or count `trim` stands for: ⌊trim·n⌋ for 0 < trim < 1, trim itself for an
/// integral trim ≥ 1.
inline std::size_t trim_count(double trim, std::size_t n, const char* function, const char* what) {
  if (!(trim > 0) || (trim >= 1 && trim != std::floor(trim)) || !std::isfinite(trim)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + what +
                                             " must be a share in (0, 1) or a whole count >= 1, but it is " +
                                             value_text(trim)));
  }
  return trim < 1 ? static_cast<std::size_t>(std::floor(trim * static_cast<double>(n)))
                  : static_cast<std::size_t>(trim);
}

/// Upper tail of χ²_η at x, for real η > 0: Q(η/2, x/2).
[[nodiscard]] inline double chi_squared_upper(double x, double eta) {
  if (!(x > 0)) return 1.0;
  return Eigen::numext::igammac(0.5 * eta, 0.5 * x);
}

/// Hansen's (1997) p-value of a sup-F (`terms` = 2, table hansen_1997_sup) or ave-F / exp-F (`terms` = 4)
/// statistic x with k restrictions and trimming parameter λ, interpolated in τ as strucchange's
/// pvalue.Fstats does (Hansen 1997, §3): τ = λ for λ < 1, else 1/(1 + √λ).
template <std::size_t Columns>
[[nodiscard]] double hansen_p(double x, std::size_t k, double lambda, const double (&table)[1000][Columns]) {
  if (std::isnan(x) || k == 0 || k > 40 || !(lambda > 0)) return std::numeric_limits<double>::quiet_NaN();
  constexpr std::size_t terms = Columns - 1;
  const double tau = lambda < 1 ? lambda : 1 / (1 + std::sqrt(lambda));
  auto row_p = [&](std::size_t row) {
    const double* beta = table[(k - 1) * 25 + row];
    // The cubic μ of ave-F and exp-F turns down far beyond Hansen's fitted range (a huge statistic would
    // get p = 1, as strucchange reports): evaluate it no further than its first maximum, so that p never
    // rises with the statistic. Below that point this is exactly Hansen's (and strucchange's) figure.
    double at = x;
    if (terms == 4 && beta[1] > 0) {
      // μ'(x) = a x² + b x + c with c = β_1 > 0: its smallest positive root, if any, is μ's first maximum.
      const double a = 3 * beta[3], b = 2 * beta[2], c = beta[1];
      double turn = std::numeric_limits<double>::infinity();
      if (a == 0) {
        if (b < 0) turn = -c / b;
      } else {
        const double disc = b * b - 4 * a * c;
        if (disc >= 0) {
          const double root = std::sqrt(disc);
          for (const double r : {(-b - root) / (2 * a), (-b + root) / (2 * a)})
            if (r > 0) turn = std::min(turn, r);
        }
      }
      at = std::min(at, turn);
    }
    double mu = 0, power = 1;
    for (std::size_t j = 0; j < terms; ++j, power *= at) mu += beta[j] * power;
    return chi_squared_upper(std::max(mu, 0.0), beta[terms]);
  };
  const double chi_k = chi_squared_upper(x, static_cast<double>(k));
  if (tau == 0.5) return chi_k;
  if (tau <= 0.01) return row_p(24);
  if (tau >= 0.49) return ((0.5 - tau) * row_p(0) + (tau - 0.49) * chi_k) * 100;
  const double position = (0.51 - tau) * 50;  // 1 at τ = 0.49, 25 at τ = 0.01 (1-based rows)
  const auto lower = static_cast<std::size_t>(std::floor(position));
  return (static_cast<double>(lower) + 1 - position) * row_p(lower - 1) +
         (position - static_cast<double>(lower)) * row_p(lower);
}

/// P(sup_{0≤t≤1} |B(t)| > x) for a Brownian bridge B (Kolmogorov's series, 100 terms; 1 below 0.1).
[[nodiscard]] inline double brownian_bridge_sup_p(double x) {
  if (std::isnan(x)) return x;
  if (x < 0.1) return 1.0;
  double sum = 0;
  for (int i = 1; i <= 100; ++i) sum += (i % 2 ? 1.0 : -1.0) * std::exp(-2.0 * i * i * x * x);
  return std::min(1.0, 2 * sum);
}

/// P(|W(t)| > x(1 + 2t) for some t in [0, 1]) for Brownian motion W (Brown, Durbin & Evans 1975).
[[nodiscard]] inline double brownian_motion_linear_boundary_p(double x) {
  if (std::isnan(x)) return x;
  if (x < 0.3) return 1 - 0.1465 * x;
  return 2 * (1 - normal_cdf(3 * x) + std::exp(-4 * x * x) * (normal_cdf(x) + normal_cdf(5 * x) - 1) -
              std::exp(-16 * x * x) * (1 - normal_cdf(x)));
}

inline chow_result chow_kernel(const break_data& d, std::size_t split) {
  chow_result out;
  out.n = d.n;
  out.k = d.k;
  out.split = split;
  if (!d.finite || split < d.k || d.n - split < d.k || d.n <= 2 * d.k) return out;
  out.rss = segment_rss(d, 0, d.n);
  out.rss_first = segment_rss(d, 0, split);
  out.rss_second = segment_rss(d, split, d.n);
  const double u = out.rss_first + out.rss_second;
  out.df1 = static_cast<double>(d.k);
  out.df2 = static_cast<double>(d.n - 2 * d.k);
  out.statistic = ((out.rss - u) / out.df1) / (u / out.df2);
  out.p_value = f_upper_p(std::max(out.statistic, 0.0), out.df1, out.df2);
  out.rss = std::ldexp(out.rss, 2 * d.scale_y);
  out.rss_first = std::ldexp(out.rss_first, 2 * d.scale_y);
  out.rss_second = std::ldexp(out.rss_second, 2 * d.scale_y);
  return out;
}

inline sup_f_result sup_f_kernel(const break_data& d, double trim, const char* function) {
  sup_f_result out;
  out.n = d.n;
  out.k = d.k;
  std::size_t from = trim_count(trim, d.n, function, "trim");
  if (trim < 1 && !(trim < 0.5)) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": trim as a share must be below 0.5, but it is " + value_text(trim)));
  }
  std::size_t to = d.n >= from ? d.n - from : 0;
  from = std::max(from, d.k + 1);
  if (d.n >= d.k + 1)
    to = std::min(to, d.n - d.k - 1);
  else
    to = 0;
  out.from = from;
  out.to = to;
  if (!d.finite || from > to || d.n <= 2 * d.k) return out;
  const std::vector<double> prefix = running_rss(d, false), suffix = running_rss(d, true);
  const double rss = prefix[d.n];
  const double df = static_cast<double>(d.n - 2 * d.k);
  out.statistics.resize(to - from + 1);
  double sum = 0, best = -std::numeric_limits<double>::infinity();
  for (std::size_t i = from; i <= to; ++i) {
    const double u = prefix[i] + suffix[i];
    const double f = (rss - u) / (u / df);
    out.statistics[i - from] = f;
    sum += f;
    if (f > best) best = f, out.break_index = i;
  }
  const double count = static_cast<double>(out.statistics.size());
  out.statistic = best;
  out.average = sum / count;
  double scaled = 0;  // Σ exp((F_i − max)/2): exp-F without overflow
  for (double f : out.statistics) scaled += std::exp(0.5 * (f - best));
  out.exponential = 0.5 * best + std::log(scaled / count);
  out.lambda = (static_cast<double>(d.n - from) * static_cast<double>(to)) /
               (static_cast<double>(from) * static_cast<double>(d.n - to));
  out.p_value = hansen_p(out.statistic, d.k, out.lambda, hansen_1997_sup);
  out.average_p_value = hansen_p(out.average, d.k, out.lambda, hansen_1997_ave);
  out.exponential_p_value = hansen_p(out.exponential, d.k, out.lambda, hansen_1997_exp);
  return out;
}

inline cusum_result cusum_kernel(const break_data& d) {
  cusum_result out;
  out.n = d.n;
  out.k = d.k;
  if (!d.finite || d.n <= d.k + 1) return out;
  givens_ls ls(d.k);
  out.recursive_residuals.reserve(d.n - d.k);
  for (std::size_t t = 0; t < d.n; ++t) {
    const double w = ls.add(&d.x[t * d.k], d.y[t]);
    if (t >= d.k) out.recursive_residuals.push_back(w);
  }
  // OLS-CUSUM from the full-sample residuals.
  const std::vector<double> beta = ls.coefficients();
  std::vector<double> e(d.n);
  double ssr = 0;
  for (std::size_t t = 0; t < d.n; ++t) {
    double fit = 0;
    for (std::size_t j = 0; j < d.k; ++j) fit += d.x[t * d.k + j] * beta[j];
    e[t] = d.y[t] - fit;
    ssr += e[t] * e[t];
  }
  const double scale = std::sqrt(ssr / static_cast<double>(d.n - d.k)) * std::sqrt(static_cast<double>(d.n));
  out.process.assign(d.n + 1, 0.0);
  double running = 0, top = 0;
  for (std::size_t t = 0; t < d.n; ++t) {
    running += e[t];
    out.process[t + 1] = running / scale;
    top = std::max(top, std::fabs(out.process[t + 1]));
  }
  out.statistic = top;
  out.p_value = brownian_bridge_sup_p(top);
  // Recursive CUSUM.
  const std::size_t big_n = out.recursive_residuals.size();
  double mean = 0;
  for (double w : out.recursive_residuals) mean += w;
  mean /= static_cast<double>(big_n);
  double ss = 0;
  for (double w : out.recursive_residuals) ss += (w - mean) * (w - mean);
  const double sigma = std::sqrt(ss / static_cast<double>(big_n - 1));
  const double rscale = sigma * std::sqrt(static_cast<double>(big_n));
  out.recursive_process.assign(big_n + 1, 0.0);
  running = 0;
  double rtop = 0;
  for (std::size_t j = 1; j <= big_n; ++j) {
    running += out.recursive_residuals[j - 1];
    out.recursive_process[j] = running / rscale;
    const double bound = 1 + 2 * static_cast<double>(j) / static_cast<double>(big_n);
    rtop = std::max(rtop, std::fabs(out.recursive_process[j]) / bound);
  }
  out.recursive_statistic = rtop;
  out.recursive_p_value = brownian_motion_linear_boundary_p(rtop);
  return out;
}

template <class LeastSquares>
void breakpoints_search(const break_data& d, std::size_t h, std::size_t most,
                        std::vector<std::vector<double>>& best,
                        std::vector<std::vector<std::size_t>>& start) {
  const std::size_t n = d.n;
  auto score = [&](std::size_t s, std::size_t e, double rss) {
    if (s == 0) {
      best[0][e] = rss;
      return;
    }
    const std::size_t m_top = std::min(most, s / h);  // largest m with best[m − 1][s − 1] finite
    for (std::size_t m = 1; m <= m_top; ++m) {
      const double candidate = best[m - 1][s - 1] + rss;
      if (candidate < best[m][e]) {
        best[m][e] = candidate;
        start[m][e] = s;
      }
    }
  };
  // Segments are visited by start s ascending; every segment ending at s − 1 starts at or before s − h,
  // so best[·][s − 1] is final when segments starting at s (or s + 1: h ≥ 2) are scored: one pass, O(n)
  // memory per m. Only s = 0 and s ≥ h can begin a segment of an admissible partition. Two starts are
  // swept together: their rotations are independent chains, which the processor overlaps
  // (bench_monitoring, n = 10^4, k = 2: 1.24 s CPU one start at a time, 0.84 s two at a time).
  LeastSquares first(d.k), second(d.k);
  for (std::size_t e = 0; e < n; ++e) {
    (void)first.add(&d.x[e * d.k], d.y[e]);
    if (e + 1 >= h) score(0, e, first.rss());
  }
  for (std::size_t s = h; s + h <= n; s += 2) {
    const bool pair = s + 1 + h <= n;
    first.reset();
    second.reset();
    (void)first.add(&d.x[s * d.k], d.y[s]);
    if (h == 1) score(s, s, first.rss());
    for (std::size_t e = s + 1; e < n; ++e) {
      const double* x = &d.x[e * d.k];
      (void)first.add(x, d.y[e]);
      if (pair) (void)second.add(x, d.y[e]);
      if (e + 1 - s >= h) score(s, e, first.rss());
      if (pair && e - s >= h) score(s + 1, e, second.rss());
    }
  }
}

inline breakpoints_result breakpoints_kernel(const break_data& d, const break_options& options,
                                             const char* function) {
  breakpoints_result out;
  out.n = d.n;
  out.k = d.k;
  const std::size_t h = trim_count(options.trim, d.n, function, "trim (the minimum segment)");
  out.minimum_segment = h;
  if (h <= d.k) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the minimum segment (" + std::to_string(h) +
        " observations) must exceed the number of coefficients (" + std::to_string(d.k) + ")"));
  }
  if (!d.finite || d.n < h) return out;
  const std::size_t most = std::min(options.max_breaks, d.n / h - 1);
  const std::size_t n = d.n;
  const double inf = std::numeric_limits<double>::infinity();
  // best[m][e]: least RSS of rows 0 … e in m + 1 segments; start[m][e]: where the last segment starts.
  std::vector<std::vector<double>> best(most + 1, std::vector<double>(n, inf));
  std::vector<std::vector<std::size_t>> start(most + 1, std::vector<std::size_t>(n, 0));
  // k ≤ 3 (a hedge with an intercept and up to two instruments) gets the fixed-size square-root-free
  // rotations (bench_monitoring, n = 10^4, k = 2, 5 breaks: 1.86 s CPU with givens_ls, 1.24 s with these).
  switch (d.k) {
    case 1:
      breakpoints_search<gentleman_ls<1>>(d, h, most, best, start);
      break;
    case 2:
      breakpoints_search<gentleman_ls<2>>(d, h, most, best, start);
      break;
    case 3:
      breakpoints_search<gentleman_ls<3>>(d, h, most, best, start);
      break;
    default:
      breakpoints_search<givens_ls>(d, h, most, best, start);
      break;
  }
  const double nn = static_cast<double>(n);
  const double log_two_pi = std::log(2 * 3.14159265358979323846);
  double least = inf;
  for (std::size_t m = 0; m <= most; ++m) {
    const double rss = best[m][n - 1];
    if (!(rss < inf)) break;
    out.rss.push_back(std::ldexp(rss, 2 * d.scale_y));
    std::vector<std::size_t> at(m);
    std::size_t e = n - 1;
    for (std::size_t j = m; j > 0; --j) {
      at[j - 1] = start[j][e];
      e = start[j][e] - 1;
    }
    out.breaks.push_back(at);
    // log of the RSS at the data's size: log(rss) + 2·scale_y·ln 2, whatever the RSS's own range.
    const double bic =
        nn * (std::log(rss) + 2 * d.scale_y * 0.69314718055994530942 + 1 - std::log(nn) + log_two_pi) +
        std::log(nn) * static_cast<double>((d.k + 1) * (m + 1));
    out.bic.push_back(bic);
    if (bic < least) least = bic, out.chosen = m;
  }
  return out;
}

}  // namespace detail

/// Chow's test of a break after `split` observations in the regression of `spot` on `hedge` (see
/// chow_result for the statistic, its degrees of freedom and when it is NaN).
///
/// \param spot  S: any contiguous series (see series.hpp).
/// \param hedge F: a series of the same length, or an Eigen matrix with one column per instrument (zero
///              columns: the intercept-only model, a test of a shift in the mean).
/// \param split observations before the break, in 1 … n − 1.
/// \throws std::invalid_argument when the lengths differ, split is 0 or ≥ n, or missing is omit;
///         std::domain_error under missing_data::raise. Reference: Chow (1960), Econometrica 28(3).
template <class Spot, class Hedge>
[[nodiscard]] chow_result chow_test(const Spot& spot, const Hedge& hedge, std::size_t split,
                                    const break_options& options = {}) {
  constexpr const char* function = "hedgemetrics::chow_test";
  const detail::break_data d = detail::break_data_of(spot, hedge, options, function);
  if (split == 0 || split >= d.n) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": split must be in 1 … n − 1 = " + std::to_string(d.n == 0 ? 0 : d.n - 1) +
        ", but it is " + std::to_string(split)));
  }
  return detail::chow_kernel(d, split);
}

/// Andrews' sup-F, ave-F and exp-F tests of one break at an unknown date, with Hansen's p-values (see
/// sup_f_result). One forward and one backward pass of recursive residuals: O(n·k²).
///
/// \param spot  S: any contiguous series.
/// \param hedge F: a series, or an Eigen matrix of instruments (zero columns: intercept only).
/// \throws std::invalid_argument when the lengths differ, options.trim is not a share in (0, 0.5) or a
///         whole count, or missing is omit; std::domain_error under missing_data::raise.
/// Reference: Andrews (1993), Econometrica 61(4); Andrews & Ploberger (1994), Econometrica 62(6); Hansen
/// (1997), JBES 15(1).
template <class Spot, class Hedge>
[[nodiscard]] sup_f_result sup_f_test(const Spot& spot, const Hedge& hedge,
                                      const break_options& options = {}) {
  constexpr const char* function = "hedgemetrics::sup_f_test";
  const detail::break_data d = detail::break_data_of(spot, hedge, options, function);
  return detail::sup_f_kernel(d, options.trim, function);
}

/// The OLS-CUSUM and recursive CUSUM tests (see cusum_result). O(n·k²).
///
/// \throws std::invalid_argument when the lengths differ or missing is omit; std::domain_error under
///         missing_data::raise. References: Ploberger & Krämer (1992), Econometrica 60(2); Brown, Durbin &
///         Evans (1975), JRSS B 37(2).
template <class Spot, class Hedge>
[[nodiscard]] cusum_result cusum_test(const Spot& spot, const Hedge& hedge,
                                      const break_options& options = {}) {
  constexpr const char* function = "hedgemetrics::cusum_test";
  return detail::cusum_kernel(detail::break_data_of(spot, hedge, options, function));
}

/// Bai–Perron optimal partitions with 0 … options.max_breaks breaks, minimum segment options.trim (see
/// breakpoints_result). O(n²·k²) time (every admissible segment's RSS by recursive residuals), O(n·M)
/// memory.
///
/// \throws std::invalid_argument when the lengths differ, the minimum segment is not above k, trim is not
///         a share in (0, 1) or a whole count, or missing is omit; std::domain_error under raise.
/// Reference: Bai & Perron (1998), Econometrica 66(1); Bai & Perron (2003), J. Applied Econometrics 18(1).
template <class Spot, class Hedge>
[[nodiscard]] breakpoints_result breakpoints(const Spot& spot, const Hedge& hedge,
                                             const break_options& options = {}) {
  constexpr const char* function = "hedgemetrics::breakpoints";
  return detail::breakpoints_kernel(detail::break_data_of(spot, hedge, options, function), options, function);
}

/// Confidence intervals of the Bai–Perron break dates (see break_confidence_intervals).
struct break_interval_result {
  double level = 0.95;              ///< coverage
  std::vector<std::size_t> breaks;  ///< the m break indices (observations in the segment before each)
  /// lower[i]: the interval's first observation count, breaks[i] − ⌈upper_distance[i]⌉ (strucchange's
  /// rounding); NaN where it cannot be computed (when P(argmax V ≤ 0) lies outside [α/2, 1 − α/2], as
  /// strucchange warns).
  std::vector<double> lower;
  /// upper[i]: the interval's last observation count, breaks[i] − ⌊lower_distance[i]⌋; NaN as lower.
  std::vector<double> upper;
  /// The α/2 quantile of the limiting break-date error in observations (≤ 0; the interval reaches past
  /// the break by −lower_distance).
  std::vector<double> lower_distance;
  /// The 1 − α/2 quantile of the limiting break-date error in observations (≥ 0).
  std::vector<double> upper_distance;
};

namespace detail {

/// ln Φ(−z) for z ≥ 0: from erfc up to z = 30, then the asymptotic series of Mills' ratio (Abramowitz &
/// Stegun 26.2.12), whose next term is below 1e-14 there.
inline double log_normal_lower_tail(double z) {
  if (z < 30) return std::log(0.5 * std::erfc(z / std::sqrt(2.0)));
  const double r = 1 / (z * z);
  return -0.5 * z * z - std::log(z) - 0.5 * std::log(2 * 3.14159265358979323846) +
         std::log1p(r * (-1 + r * (3 + r * (-15 + r * (105 - 945 * r)))));
}

/// P(argmax V ≤ x), the distribution of the limiting break-date error of Bai (1997), "Estimation of a
/// change point in multiple regression models", Review of Economics and Statistics 79(4), Proposition 3,
/// with ξ = δᵀQ₂δ/δᵀQ₁δ and φ = ξ(φ₂/φ₁)² (the two sides' regressor and error variances). The closed form
/// is Bai's, written as strucchange's pargmaxV writes it (exponentials of log Φ, so that no term overflows).
inline double argmax_v_cdf(double x, double xi, double phi1, double phi2) {
  const double phi = xi * (phi2 / phi1) * (phi2 / phi1);
  const double a = std::fabs(x);
  const double log_root_two_pi = 0.5 * std::log(2 * 3.14159265358979323846);
  if (x < 0) {
    const double frac = xi / phi;
    return -std::exp(0.5 * std::log(a) - a / 8 - log_root_two_pi) -
           (phi / xi * (phi + 2 * xi) / (phi + xi)) *
               std::exp(frac * (1 + frac) * a / 2 + log_normal_lower_tail((0.5 + frac) * std::sqrt(a))) +
           std::exp(std::log(a / 2 - 2 + (phi + 2 * xi) * (phi + 2 * xi) / ((phi + xi) * xi)) +
                    log_normal_lower_tail(std::sqrt(a) / 2));
  }
  const double frac = xi * xi / phi;
  return 1 + std::sqrt(frac) * std::exp(0.5 * std::log(a) - frac * a / 8 - log_root_two_pi) +
         (xi / phi * (2 * phi + xi) / (phi + xi)) *
             std::exp((phi + xi) * a / 2 +
                      log_normal_lower_tail((phi + xi / 2) / std::sqrt(phi) * std::sqrt(a))) -
         std::exp(std::log((2 * phi + xi) * (2 * phi + xi) / ((phi + xi) * phi) - 2 + frac * a / 2) +
                  log_normal_lower_tail(std::sqrt(frac) * std::sqrt(a) / 2));
}

/// The x with argmax_v_cdf(x) = p, by bisection (the cdf increases) on [0, b] or [b, 0], b stepped by
/// 1000 until it brackets p as strucchange does; to 1e-12 of the bracket.
inline double argmax_v_quantile(double p, double xi, double phi1, double phi2) {
  double lo = 0, hi = 0;
  if (p >= argmax_v_cdf(0, xi, phi1, phi2)) {
    while (argmax_v_cdf(hi, xi, phi1, phi2) < p) lo = hi, hi += 1000;
  } else {
    while (argmax_v_cdf(lo, xi, phi1, phi2) > p) hi = lo, lo -= 1000;
  }
  for (int it = 0; it < 200 && hi - lo > 1e-12 * (1 + std::fabs(lo) + std::fabs(hi)); ++it) {
    const double mid = 0.5 * (lo + hi);
    (argmax_v_cdf(mid, xi, phi1, phi2) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

inline break_interval_result break_intervals_kernel(const break_data& d, const std::vector<std::size_t>& at,
                                                    double level, const char* function) {
  if (!(level > 0 && level < 1)) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": level must be in (0, 1), but it is " +
                                             std::to_string(level)));
  }
  if (at.empty()) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": no breaks to bound (m = 0); choose m ≥ 1 breaks"));
  }
  for (std::size_t i = 0; i < at.size(); ++i) {
    const std::size_t before = i == 0 ? 0 : at[i - 1];
    if (at[i] <= before + d.k - 1 || at[i] >= d.n) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                               ": the breaks must ascend inside 1 … n − 1 with more than k "
                                               "observations per segment; this result is not of these data"));
    }
  }
  break_interval_result out;
  out.level = level;
  out.breaks = at;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double a2 = (1 - level) / 2;
  const std::size_t k = d.k;
  // Segment s: OLS coefficients and RSS/n_s (the error variance of segment s, het.err).
  std::vector<std::size_t> edge{0};
  edge.insert(edge.end(), at.begin(), at.end());
  edge.push_back(d.n);
  const std::size_t segments = edge.size() - 1;
  if (edge[segments] - edge[segments - 1] <= k - 1) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) +
                                             ": the last segment is shorter than k; this result is not of "
                                             "these data"));
  }
  std::vector<std::vector<double>> beta(segments);
  std::vector<double> sigma2(segments);
  for (std::size_t s = 0; s < segments; ++s) {
    givens_ls ls(k);
    for (std::size_t t = edge[s]; t < edge[s + 1]; ++t) ls.add(&d.x[t * k], d.y[t]);
    beta[s] = ls.coefficients();
    sigma2[s] = ls.rss() / static_cast<double>(edge[s + 1] - edge[s]);
  }
  // δᵀQ_sδ = Σ_t∈s (x_tᵀδ)² / n_s (het.reg: each side its own regressor moments).
  const auto quadratic = [&](std::size_t s, const std::vector<double>& delta) {
    double sum = 0;
    for (std::size_t t = edge[s]; t < edge[s + 1]; ++t) {
      double v = 0;
      for (std::size_t j = 0; j < k; ++j) v += d.x[t * k + j] * delta[j];
      sum += v * v;
    }
    return sum / static_cast<double>(edge[s + 1] - edge[s]);
  };
  for (std::size_t i = 0; i < at.size(); ++i) {
    std::vector<double> delta(k);
    for (std::size_t j = 0; j < k; ++j) delta[j] = beta[i + 1][j] - beta[i][j];
    const double q1 = quadratic(i, delta), q2 = quadratic(i + 1, delta);
    const double xi = q2 / q1, phi1 = std::sqrt(sigma2[i]), phi2 = std::sqrt(sigma2[i + 1]);
    const double p0 = argmax_v_cdf(0, xi, phi1, phi2);
    if (!(p0 >= a2 && p0 <= 1 - a2) || !(q1 > 0) || !(q2 > 0) || !(phi1 > 0) || !(phi2 > 0)) {
      out.lower.push_back(nan), out.upper.push_back(nan);
      out.lower_distance.push_back(nan), out.upper_distance.push_back(nan);
      continue;
    }
    // Bai (1997): (δᵀQ₁δ/σ₁²)(T̂ − T) ⇒ argmax V, so the quantiles scale by σ₁²/δᵀQ₁δ.
    const double scale = sigma2[i] / q1;
    const double up = argmax_v_quantile(1 - a2, xi, phi1, phi2) * scale;
    const double low = argmax_v_quantile(a2, xi, phi1, phi2) * scale;
    out.upper_distance.push_back(up);
    out.lower_distance.push_back(low);
    out.lower.push_back(static_cast<double>(at[i]) - std::ceil(up));
    out.upper.push_back(static_cast<double>(at[i]) - std::floor(low));
  }
  return out;
}

}  // namespace detail

/// Confidence intervals of the m break dates of a Bai–Perron partition (result.breaks[m]), from the limiting
/// distribution of a break-date estimate under shrinking shifts (Bai 1997, "Estimation of a change point in
/// multiple regression models", Review of Economics and Statistics 79(4); Bai & Perron 1998, Econometrica
/// 66(1), §5.1; Bai & Perron 2003, J. Applied Econometrics 18(1)): for break i between segments 1 and 2
/// with shift δ = β₂ − β₁, Q_s = X_sᵀX_s/n_s and σ_s² = RSS_s/n_s of each side,
/// \f[ \frac{(\delta^\top Q_1\delta)^2}{\delta^\top\Omega_1\delta}(\hat T_i - T_i) \Rightarrow
///     \arg\max_v V(v), \quad \Omega_s = \sigma_s^2 Q_s, \f]
/// whose distribution is Bai's closed form with ξ = δᵀQ₂δ/δᵀQ₁δ and φ = ξσ₂²/σ₁². Regressors and error
/// variances may differ across the break (strucchange's confint defaults het.reg = het.err = TRUE); the
/// interval is [T̂ − ⌈q_{1−α/2}⌉, T̂ − ⌊q_{α/2}⌋] in observations, as strucchange's confint reports it.
///
/// \param spot, hedge the series `result` was computed from.
/// \param result      breakpoints(spot, hedge, options).
/// \param m           the number of breaks, 1 … result.breaks.size() − 1.
/// \param level       the coverage, in (0, 1).
/// \throws std::invalid_argument when m is 0 or not in result, level is not in (0, 1), or the breaks do not
///         fit these data; and as breakpoints.
template <class Spot, class Hedge>
[[nodiscard]] break_interval_result break_confidence_intervals(const Spot& spot, const Hedge& hedge,
                                                               const breakpoints_result& result,
                                                               std::size_t m, double level = 0.95,
                                                               const break_options& options = {}) {
  constexpr const char* function = "hedgemetrics::break_confidence_intervals";
  if (m == 0 || m >= result.breaks.size()) {
    HEDGEMETRICS_THROW(
        std::invalid_argument(std::string(function) + ": m must be in 1 … " +
                              std::to_string(result.breaks.empty() ? 0 : result.breaks.size() - 1) +
                              " (the partitions in the breakpoints result), but it is " + std::to_string(m)));
  }
  const detail::break_data d = detail::break_data_of(spot, hedge, options, function);
  if (d.n != result.n || d.k != result.k) {
    HEDGEMETRICS_THROW(std::invalid_argument(
        std::string(function) + ": the series do not match the breakpoints result (n or k differ)"));
  }
  return detail::break_intervals_kernel(d, result.breaks[m], level, function);
}

/// Options of cusum_monitor.
struct monitor_options {
  /// 1 − the false-alarm probability over an unbounded monitoring period under no change (0.95: 5%).
  double level = 0.95;
  /// Fit an intercept (the default): x_t = (1, F_t).
  bool intercept = true;
};

/// Online monitoring of the hedge regression S_t = x_tᵀβ + e_t, one observation at a time, after a
/// history of m observations in which the relation is taken to be stable: the monitoring CUSUM of Chu,
/// Stinchcombe & White (1996), "Monitoring structural change", Econometrica 64(5).
///
/// Each new observation n > m adds its recursive residual w_n (its one-step forecast error, standardised,
/// the fit then updated by a Givens rotation, O(k²)); with σ̂² = RSS_m/(m − k) from the history,
/// \f[ Q_n = \frac{1}{\hat\sigma\sqrt m} \sum_{i=m+1}^{n} w_i, \qquad
///     \text{alarm when } |Q_n| > \sqrt{(n/m)\,(a^2 + \ln(n/m))}, \f]
/// with a solving 2[1 − Φ(a) + aφ(a)] = 1 − level (Robbins & Siegmund's boundary-crossing probability of
/// Brownian motion, as CSW use it: a² = 7.815 for 5% (CSW print 7.78), 6.25 for 10%). That is the false-alarm rate over an
/// unbounded horizon; over a finite one it is lower (test_structural_breaks measures it by simulation).
/// Once raised, the alarm stays; `alarm_at` is the observation count at which it fired.
class cusum_monitor {
 public:
  /// Fits the history (a series S and a series F of the same length m > k + 1, all finite).
  /// \throws std::invalid_argument when the lengths differ, m ≤ k + 1, the level is outside (0, 1), or a
  ///         history value is not finite.
  template <class Spot, class Hedge>
  cusum_monitor(const Spot& history_spot, const Hedge& history_hedge, const monitor_options& options = {})
      : ls_(options.intercept ? 2 : 1, true), intercept_(options.intercept) {
    constexpr const char* function = "hedgemetrics::cusum_monitor";
    static_assert(is_series_v<Hedge>, "hedgemetrics::cusum_monitor: the history hedge must be a series");
    detail::require_open_unit(options.level, "the confidence level", function);
    break_options bo;
    bo.intercept = options.intercept;
    bo.missing = missing_data::raise;
    const detail::break_data d = detail::break_data_of(history_spot, history_hedge, bo, function);
    if (d.n <= d.k + 1) {
      HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": the history needs more than " +
                                               std::to_string(d.k + 1) + " observations, but it has " +
                                               std::to_string(d.n)));
    }
    for (std::size_t t = 0; t < d.n; ++t) (void)ls_.add(&d.x[t * d.k], d.y[t]);
    history_ = d.n;
    // In the history's scaled units (break_data_of), as every later observation: Q_n is scale-free.
    sigma_ = std::sqrt(ls_.rss() / static_cast<double>(d.n - d.k));
    scale_spot_ = d.scale_y;
    scale_hedge_ = d.scale_x[d.k - 1];
    const auto s = detail::view_of(history_spot, function, "history_spot");
    const auto f = detail::view_of(history_hedge, function, "history_hedge");
    y0_ = intercept_ ? std::ldexp(static_cast<double>(s[0]), -scale_spot_) : 0.0;
    f0_ = intercept_ ? std::ldexp(static_cast<double>(f[0]), -scale_hedge_) : 0.0;
    // a from 2[1 − Φ(a) + aφ(a)] = 1 − level, decreasing in a: bisection.
    double lo = 0.0, hi = 40.0;
    for (int i = 0; i < 200; ++i) {
      const double a = 0.5 * (lo + hi);
      const double tail = 2 * (0.5 * std::erfc(a / std::sqrt(2.0)) +
                               a * std::exp(-0.5 * a * a) / std::sqrt(2 * 3.14159265358979323846));
      (tail > 1 - options.level ? lo : hi) = a;
    }
    a2_ = 0.25 * (lo + hi) * (lo + hi);
  }

  /// Adds one observation; returns whether the alarm has been raised (now or before). A non-finite value
  /// is ignored (it neither moves the statistic nor counts).
  /// Range: the observation is taken in the history's units divided by the powers of two of its spreads
  /// (exact), so the statistic is the same at any scale of either series; an observation further than
  /// about 1e308 history spreads from the history's first values is refused.
  /// \throws std::domain_error when the observation's distance from the history's first values, in
  ///         units of the history's spread, is beyond the double range (the monitor is left unchanged).
  bool update(double spot, double hedge) {
    if (!std::isfinite(spot) || !std::isfinite(hedge)) return alarm_;
    const double x[2] = {1.0, (scale_hedge_ == 0 ? hedge : std::ldexp(hedge, -scale_hedge_)) - f0_};
    const double y = (scale_spot_ == 0 ? spot : std::ldexp(spot, -scale_spot_)) - y0_;
    if (!std::isfinite(x[1]) || !std::isfinite(y)) {
      HEDGEMETRICS_THROW(std::domain_error(
          "hedgemetrics::cusum_monitor::update: observation " + std::to_string(history_ + seen_ + 1) +
          " (spot " + detail::value_text(spot) + ", hedge " + detail::value_text(hedge) +
          ") is beyond the double range from the history's first values in units of the history's "
          "spread; it was not added"));
    }
    const double w = ls_.add(intercept_ ? x : x + 1, y);
    ++seen_;
    sum_ += w;
    const double n = static_cast<double>(history_ + seen_), m = static_cast<double>(history_);
    statistic_ = std::fabs(sum_) / (sigma_ * std::sqrt(m));
    boundary_ = std::sqrt((n / m) * (a2_ + std::log(n / m)));
    if (!alarm_ && statistic_ > boundary_) alarm_ = true, alarm_at_ = history_ + seen_;
    return alarm_;
  }

  [[nodiscard]] bool alarm() const noexcept { return alarm_; }  ///< raised yet?
  [[nodiscard]] std::size_t alarm_at() const noexcept {
    return alarm_at_;
  }  ///< observations (history included) when raised, 0 if not
  [[nodiscard]] std::size_t observations() const noexcept { return history_ + seen_; }  ///< m + monitored
  [[nodiscard]] double statistic() const noexcept { return statistic_; }                ///< |Q_n|
  [[nodiscard]] double boundary() const noexcept { return boundary_; }  ///< √((n/m)(a² + ln(n/m)))
  [[nodiscard]] double a_squared() const noexcept { return a2_; }       ///< a²

 private:
  detail::givens_ls ls_;
  bool intercept_;
  std::size_t history_ = 0, seen_ = 0, alarm_at_ = 0;
  int scale_spot_ = 0, scale_hedge_ = 0;  // the history's powers of two (break_data_of)
  double sigma_ = 0, y0_ = 0, f0_ = 0, a2_ = 0, sum_ = 0, statistic_ = 0, boundary_ = 0;
  bool alarm_ = false;
};

}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_STRUCTURAL_BREAKS_HPP
