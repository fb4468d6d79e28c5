// SPDX-License-Identifier: MIT
/// \file
/// Readers for the reference data in HEDGEMETRICS_DATA_DIR (../shared/data): NIST StRD files in their
/// original layout and the aligned CSV price files. A test whose file is absent prints why and skips.
#ifndef HEDGEMETRICS_TESTS_SUPPORT_DATA_HPP
#define HEDGEMETRICS_TESTS_SUPPORT_DATA_HPP

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#ifndef HEDGEMETRICS_DATA_DIR
#error "tests/CMakeLists.txt passes HEDGEMETRICS_DATA_DIR (the reference data folder) as a string"
#endif

namespace hm_test {

inline std::string data_dir() {
  return HEDGEMETRICS_DATA_DIR;
}

/// The full path of a reference file, or nullopt (with a MESSAGE saying how to get it) when it is absent.
inline std::optional<std::string> data_file(const std::string& relative) {
  const std::string path = data_dir() + "/" + relative;
  std::ifstream probe(path);
  if (!probe) {
    MESSAGE("skipped: " << path
                        << " not found; set -DHEDGEMETRICS_DATA_DIR=<folder with nist/, "
                           "nist-univariate/ and market/> when configuring");
    return std::nullopt;
  }
  return path;
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // NIST files have CRLF line endings
    lines.push_back(line);
  }
  return lines;
}

inline std::vector<std::string> tokens_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> tokens;
  std::string token;
  while (in >> token) tokens.push_back(token);
  return tokens;
}

inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

/// True when the token is a complete decimal number.
inline bool is_number(const std::string& token) {
  if (token.empty()) return false;
  char* end = nullptr;
  (void)std::strtod(token.c_str(), &end);
  return end == token.c_str() + token.size();
}

/// The numeric rows that follow the last line starting with "Data:" (the header also has "Data:" lines
/// describing the data set; the table itself follows the last one). Each row is kept as text, so that
/// a test can read it as double (strtod), long double (strtold) or an exact decimal.
inline std::vector<std::vector<std::string>> nist_table(const std::vector<std::string>& lines) {
  std::size_t start = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (starts_with(lines[i], "Data:")) start = i + 1;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = start; i < lines.size(); ++i) {
    auto tokens = tokens_of(lines[i]);
    if (tokens.empty()) continue;
    bool numeric = true;
    for (const auto& t : tokens) numeric = numeric && is_number(t);
    if (numeric) rows.push_back(std::move(tokens));
  }
  return rows;
}

/// A NIST StRD univariate file: the data and the certified mean and standard deviation (as text).
struct nist_univariate {
  std::string name;
  std::vector<std::string> values;
  std::string certified_mean;
  std::string certified_stddev;
};

inline nist_univariate read_nist_univariate(const std::string& path, const std::string& name) {
  const auto lines = read_lines(path);
  nist_univariate out;
  out.name = name;
  for (const auto& line : lines) {
    const auto tokens = tokens_of(line);
    if (starts_with(line, "Sample Mean")) {
      for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i] == "ybar:") out.certified_mean = tokens[i + 1];
      }
    } else if (starts_with(line, "Sample Standard Deviation")) {
      for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
        if (tokens[i] == "s:") out.certified_stddev = tokens[i + 1];
      }
    }
  }
  for (auto& row : nist_table(lines)) out.values.push_back(row.at(0));
  if (out.certified_mean.empty() || out.certified_stddev.empty() || out.values.empty()) {
    throw std::runtime_error("unexpected layout in " + path);
  }
  return out;
}

/// A NIST StRD linear regression file with one predictor (Norris): y, x and the certified values.
struct nist_linear {
  std::vector<std::string> y, x;
  std::string b0, b0_sd, b1, b1_sd, residual_sd, r_squared, residual_ss, residual_ms;
};

inline nist_linear read_nist_linear(const std::string& path) {
  const auto lines = read_lines(path);
  nist_linear out;
  for (const auto& line : lines) {
    const auto t = tokens_of(line);
    if (t.size() == 3 && t[0] == "B0") {
      out.b0 = t[1];
      out.b0_sd = t[2];
    } else if (t.size() == 3 && t[0] == "B1") {
      out.b1 = t[1];
      out.b1_sd = t[2];
    } else if (t.size() == 3 && t[0] == "Standard" && t[1] == "Deviation") {
      out.residual_sd = t[2];
    } else if (t.size() == 2 && t[0] == "R-Squared") {
      out.r_squared = t[1];
    } else if (t.size() == 4 && t[0] == "Residual") {
      out.residual_ss = t[2];
      out.residual_ms = t[3];
    }
  }
  for (auto& row : nist_table(lines)) {
    if (row.size() != 2) throw std::runtime_error("unexpected data row in " + path);
    out.y.push_back(row[0]);
    out.x.push_back(row[1]);
  }
  if (out.b1.empty() || out.residual_sd.empty() || out.r_squared.empty() || out.y.empty()) {
    throw std::runtime_error("unexpected layout in " + path);
  }
  return out;
}

template <class Real>
std::vector<Real> parse_values(const std::vector<std::string>& text) {
  std::vector<Real> out;
  out.reserve(text.size());
  for (const auto& t : text) {
    if constexpr (std::is_same_v<Real, long double>) {
      out.push_back(std::strtold(t.c_str(), nullptr));
    } else if constexpr (std::is_same_v<Real, double>) {
      out.push_back(std::strtod(t.c_str(), nullptr));
    } else {
      out.push_back(std::strtof(t.c_str(), nullptr));
    }
  }
  return out;
}

/// A CSV file with a header row: column names and cells as text.
struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  [[nodiscard]] std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    throw std::runtime_error("no column '" + name + "' in the CSV header");
  }

  /// One column as doubles; blank cells and "." are NaN.
  [[nodiscard]] std::vector<double> numbers(const std::string& name) const {
    const std::size_t c = column(name);
    std::vector<double> out;
    out.reserve(rows.size());
    for (const auto& row : rows) {
      const std::string cell = c < row.size() ? row[c] : std::string();
      out.push_back(cell.empty() || cell == "." ? std::numeric_limits<double>::quiet_NaN()
                                                : std::strtod(cell.c_str(), nullptr));
    }
    return out;
  }

  [[nodiscard]] std::vector<std::string> text(const std::string& name) const {
    const std::size_t c = column(name);
    std::vector<std::string> out;
    for (const auto& row : rows) out.push_back(c < row.size() ? row[c] : std::string());
    return out;
  }
};

inline csv_table read_csv(const std::string& path) {
  const auto lines = read_lines(path);
  csv_table table;
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    for (const char c : line) {
      if (c == ',') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    return cells;
  };
  bool first = true;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    if (first) {
      table.header = split(line);
      first = false;
    } else {
      table.rows.push_back(split(line));
    }
  }
  return table;
}

}  // namespace hm_test

#endif  // HEDGEMETRICS_TESTS_SUPPORT_DATA_HPP
