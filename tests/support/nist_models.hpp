// SPDX-License-Identifier: MIT
/// \file
/// NIST StRD linear-regression files of any model (Norris ... Filip, Longley, NoInt1/2): the data, the
/// certified figures, and the design the tests fit (the x columns, or the powers of x).
#ifndef HEDGEMETRICS_TESTS_SUPPORT_NIST_MODELS_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_NIST_MODELS_HPP

#include <Eigen/Core>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/data.hpp"

namespace hm_test {

/// A NIST StRD linear-regression file of any model: the data, and the certified coefficients (B0..Bd),
/// their standard deviations, the residual SD and R², as text.
struct nist_model {
  std::string name;
  bool intercept = true;
  std::vector<std::string> coefficient, coefficient_sd;  // B0 first when there is an intercept
  std::string residual_sd, r_squared, f_statistic;
  std::vector<std::vector<std::string>> rows;  // y, x1, ...
};

inline nist_model read_nist_model(const std::string& path, const std::string& name) {
  const auto lines = read_lines(path);
  nist_model out;
  out.name = name;
  bool has_b0 = false;
  for (const auto& line : lines) {
    const auto t = tokens_of(line);
    if (t.size() == 3 && t[0].size() >= 2 && t[0][0] == 'B' && is_number(t[0].substr(1)) && is_number(t[1]) &&
        is_number(t[2])) {
      if (t[0] == "B0") has_b0 = true;
      out.coefficient.push_back(t[1]);
      out.coefficient_sd.push_back(t[2]);
    } else if (t.size() == 3 && t[0] == "Standard" && t[1] == "Deviation") {
      out.residual_sd = t[2];
    } else if (t.size() == 2 && t[0] == "R-Squared") {
      out.r_squared = t[1];
    } else if (t.size() == 5 && t[0] == "Regression") {
      out.f_statistic = t[4];
    }
  }
  out.intercept = has_b0;
  out.rows = nist_table(lines);
  if (out.coefficient.empty() || out.residual_sd.empty() || out.r_squared.empty() || out.rows.empty()) {
    throw std::runtime_error("unexpected layout in " + path);
  }
  return out;
}

/// The instruments of a NIST model: the x columns (Longley), or the powers x, x², ..., x^d of the one x
/// (the polynomials), each power formed in long double and rounded once.
inline void nist_design(const nist_model& model, Eigen::VectorXd& y, Eigen::MatrixXd& x) {
  const auto n = static_cast<Eigen::Index>(model.rows.size());
  const auto predictors = static_cast<Eigen::Index>(model.coefficient.size()) - (model.intercept ? 1 : 0);
  const auto columns = static_cast<Eigen::Index>(model.rows.front().size()) - 1;
  y.resize(n);
  x.resize(n, predictors);
  for (Eigen::Index t = 0; t < n; ++t) {
    const auto& row = model.rows[static_cast<std::size_t>(t)];
    y(t) = std::strtod(row[0].c_str(), nullptr);
    if (columns == predictors) {
      for (Eigen::Index j = 0; j < predictors; ++j) {
        x(t, j) = std::strtod(row[static_cast<std::size_t>(j + 1)].c_str(), nullptr);
      }
    } else {
      const long double value = std::strtold(row[1].c_str(), nullptr);
      long double power = 1;
      for (Eigen::Index j = 0; j < predictors; ++j) {
        power *= value;
        x(t, j) = static_cast<double>(power);
      }
    }
  }
}

}  // namespace hm_test

#endif  // HEDGEMETRICS_TESTS_SUPPORT_NIST_MODELS_HPP
