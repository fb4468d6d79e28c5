// SPDX-License-Identifier: MIT
// Two translation units built with different flags (see tests/CMakeLists.txt), each in a shared library of
// its own with hidden symbols, so that each runs its own copy of every inline function and template of the
// library, compiled with its own flags (in one static program the linker keeps one copy of each, and both
// units would run the same code). Only the functions below are exported.
#ifndef HEDGEMETRICS_TESTS_MIXED_FLAGS_UNITS_HPP
#define HEDGEMETRICS_TESTS_MIXED_FLAGS_UNITS_HPP

#include <hedgemetrics/accumulator.hpp>
#include <hedgemetrics/basis.hpp>
#include <hedgemetrics/descriptive.hpp>
#include <hedgemetrics/detail/streaming_qr.hpp>
#include <hedgemetrics/dollar_offset.hpp>
#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/multi_hedge.hpp>
#include <hedgemetrics/rolling.hpp>

#include <Eigen/Core>

#include <hedgemetrics/instruction_set.hpp>

#include <cstddef>
#include <vector>

#define HM_UNIT_EXPORT __attribute__((visibility("default")))

/// The instruction set each library's own dispatch uses (each holds its own choice: hidden symbols).
HM_UNIT_EXPORT void use_set_in_baseline_unit(hedgemetrics::instruction_set set);
HM_UNIT_EXPORT void use_set_in_native_unit(hedgemetrics::instruction_set set);

/// fit_hedge in a unit built with -O2 and no -march (the x86-64 baseline).
HM_UNIT_EXPORT hedgemetrics::hedge_fit<double> fit_in_baseline_unit(const std::vector<double>& exposure,
                                                                    const std::vector<double>& hedge);
/// fit_hedge in a unit built with -O3 -march=native.
HM_UNIT_EXPORT hedgemetrics::hedge_fit<double> fit_in_native_unit(const std::vector<double>& exposure,
                                                                  const std::vector<double>& hedge);

/// The streaming QR of the several-instrument fit (detail/streaming_qr.hpp, the kernels of
/// detail/qr_kernels.ipp) of `exposure` on the columns of `hedges` (column-major, exposure.size() rows), in
/// the unit built with -O2 and no -march: [R Z]'s entries, column by column, then the residual sum of
/// squares. (The streaming QR directly rather than multi_hedge.hpp's fit, which would add seconds of
/// compile time to each unit for the same kernels.)
HM_UNIT_EXPORT std::vector<double> qr_in_baseline_unit(const std::vector<double>& exposure,
                                                       const std::vector<double>& hedges);
/// The same in the unit built with -O3 -march=native.
HM_UNIT_EXPORT std::vector<double> qr_in_native_unit(const std::vector<double>& exposure,
                                                     const std::vector<double>& hedges);

/// Figures of the other families whose code around the kernels does arithmetic (rolling_hedge's general
/// path, ewma_hedge, the several-instrument fit's small factorisations, hedge_accumulator's merges,
/// dollar_offset's cumulative sums, basis_risk, describe) in
/// the unit built with -O2 and no -march.
HM_UNIT_EXPORT std::vector<double> figures_in_baseline_unit(const std::vector<double>& exposure,
                                                            const std::vector<double>& hedge);
/// The same in the unit built with -O3 -march=native.
HM_UNIT_EXPORT std::vector<double> figures_in_native_unit(const std::vector<double>& exposure,
                                                          const std::vector<double>& hedge);

namespace {

/// The body of figures_in_*_unit, compiled in each unit: every 97th window's figures and the rest.
[[maybe_unused]] std::vector<double> family_figures(const std::vector<double>& s,
                                                    const std::vector<double>& f) {
  namespace hm = hedgemetrics;
  std::vector<double> out;
  const auto rolling = hm::rolling_hedge(s, f, hm::rolling_options{250});
  const auto ewma = hm::ewma_hedge(s, f);
  for (std::size_t t = 0; t < s.size(); t += 97) {
    for (const auto* r : {&rolling, &ewma}) {
      out.push_back(r->ratio[t]);
      out.push_back(r->effectiveness[t]);
      out.push_back(r->residual_variance[t]);
    }
  }
  // The several-instrument fit: the hedge, its square (scaled) and its lag.
  Eigen::MatrixXd hedges(static_cast<Eigen::Index>(s.size()), 3);
  for (std::size_t t = 0; t < s.size(); ++t) {
    const auto i = static_cast<Eigen::Index>(t);
    hedges(i, 0) = f[t];
    hedges(i, 1) = f[t] * f[t] * 1e-3;
    hedges(i, 2) = f[t == 0 ? 0 : t - 1];
  }
  const auto multi = hm::fit_hedge(s, hedges);
  for (Eigen::Index j = 0; j < 3; ++j) {
    out.push_back(multi.ratios(j));
    out.push_back(multi.ratio_standard_errors(j));
  }
  out.push_back(multi.intercept);
  out.push_back(multi.residual_variance);
  out.push_back(multi.effectiveness);
  hm::hedge_accumulator<double> accumulator;
  for (std::size_t t = 0; t < s.size(); ++t) accumulator.push(s[t], f[t]);
  const auto fit = accumulator.fit();
  const auto offset = hm::dollar_offset(s, f);
  const auto basis = hm::basis_risk(s, f);
  const auto description = hm::describe(s);
  for (const double v :
       {fit.ratio, fit.intercept, fit.residual_variance, offset.cumulative.back().ratio, basis.mean,
        basis.variance, basis.change_variance, description.mean, description.variance})
    out.push_back(v);
  return out;
}

/// The body of qr_in_*_unit, compiled in each unit.
[[maybe_unused]] std::vector<double> streaming_qr_figures(const std::vector<double>& exposure,
                                                          const std::vector<double>& hedges) {
  const auto n = static_cast<Eigen::Index>(exposure.size());
  const Eigen::Index k = n == 0 ? 0 : static_cast<Eigen::Index>(hedges.size()) / n;
  const Eigen::Map<const Eigen::VectorXd> s(exposure.data(), n);
  const Eigen::Map<const Eigen::MatrixXd> f(hedges.data(), n, k);
  bool nonfinite = false;
  Eigen::RowVectorXd hedge_shift, exposure_shift;
  const auto state = hedgemetrics::detail::factor_rows<double>(
      n, k, 1, [&](Eigen::Index) { return s; }, [&](Eigen::Index j) { return f.col(j); },
      hedgemetrics::missing_data::raise, "streaming_qr_figures", nonfinite, hedge_shift, exposure_shift);
  std::vector<double> out(state.r.data(), state.r.data() + state.r.size());
  out.push_back(state.residual_ss(0));
  return out;
}

}  // namespace

#endif  // HEDGEMETRICS_TESTS_MIXED_FLAGS_UNITS_HPP
