// SPDX-License-Identifier: MIT
/// \file
/// Example support code, not part of the hedgemetrics library: read dated price columns from a CSV file.
///
/// The format it accepts is what price exports look like in practice (EIA, FRED, spreadsheets):
///  - a header row; the first column holds the dates, as ISO `YYYY-MM-DD` or US `M/D/YYYY` (zero padding
///    optional); the rows may be oldest first or newest first (they are sorted by date);
///  - a blank cell or "." is a missing value; every other cell of a chosen column must be a finite number
///    (a subnormal such as 1e-310 is one; 1e-400, which underflows to 0, and 1e999 are out of range);
///  - the header names each column once (blank names aside), and each date appears on one row only;
///  - LF, CRLF or CR line endings, with or without a final newline, and an optional UTF-8 byte-order mark;
///  - RFC 4180 quoting: "a, b" is one field, "" inside quotes is a quote, and a quoted field may span lines.
/// Rows are numbered as a spreadsheet numbers them: the header is row 1, the first data row is row 2.
///
/// Every problem is a price_csv::error whose what() is one line naming the file, the row, the column and
/// the offending text, so that a program can print it as it is.
#ifndef HEDGEMETRICS_EXAMPLES_PRICE_CSV_HPP
#define HEDGEMETRICS_EXAMPLES_PRICE_CSV_HPP

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <locale>
#include <numeric>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace price_csv {

/// A problem with the input, described in one line.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A calendar date.
struct date {
  int year = 0;
  int month = 0;
  int day = 0;

  /// The date as YYYY-MM-DD.
  [[nodiscard]] std::string iso() const {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
    return text;
  }
  friend bool operator<(const date& a, const date& b) noexcept {
    return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
  }
  friend bool operator==(const date& a, const date& b) noexcept {
    return std::tie(a.year, a.month, a.day) == std::tie(b.year, b.month, b.day);
  }
};

namespace detail {

inline std::string_view trim(std::string_view text) noexcept {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Reads 1 to max_digits decimal digits at text[pos]; advances pos.
inline std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t max_digits) {
  int value = 0;
  std::size_t count = 0;
  while (pos < text.size() && count < max_digits && text[pos] >= '0' && text[pos] <= '9') {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++count;
  }
  if (count == 0) return std::nullopt;
  return value;
}

inline bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

inline int days_in_month(int year, int month) noexcept {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// The text of a cell as it goes into a one-line message: quoted, line breaks and tabs escaped, and
// shortened if it is long.
inline std::string quoted(std::string_view text) {
  constexpr std::size_t longest = 40;
  std::string shown = "\"";
  for (const char ch : text.substr(0, longest)) {
    if (ch == '\n') {
      shown += "\\n";
    } else if (ch == '\r') {
      shown += "\\r";
    } else if (ch == '\t') {
      shown += "\\t";
    } else {
      shown += ch;
    }
  }
  if (text.size() > longest) shown += "...";
  return shown + "\"";
}

}  // namespace detail

/// Parses "2020-04-20", "4/20/2020" or "04/20/2020"; nullopt for anything else, or an impossible date.
[[nodiscard]] inline std::optional<date> parse_date(std::string_view text) {
  text = detail::trim(text);
  date d;
  std::size_t pos = 0;
  std::optional<int> a, b, c;
  if (text.find('-') != std::string_view::npos) {
    a = detail::read_digits(text, pos, 4);
    if (!a || pos != 4 || pos >= text.size() || text[pos++] != '-') return std::nullopt;
    b = detail::read_digits(text, pos, 2);
    if (!b || pos >= text.size() || text[pos++] != '-') return std::nullopt;
    c = detail::read_digits(text, pos, 2);
    if (!c) return std::nullopt;
    d = {*a, *b, *c};
  } else {
    a = detail::read_digits(text, pos, 2);
    if (!a || pos >= text.size() || text[pos++] != '/') return std::nullopt;
    b = detail::read_digits(text, pos, 2);
    if (!b || pos >= text.size() || text[pos++] != '/') return std::nullopt;
    const std::size_t year_start = pos;
    c = detail::read_digits(text, pos, 4);
    if (!c || pos - year_start != 4) return std::nullopt;
    d = {*c, *a, *b};
  }
  if (pos != text.size() || d.month < 1 || d.month > 12 || d.day < 1 ||
      d.day > detail::days_in_month(d.year, d.month)) {
    return std::nullopt;
  }
  return d;
}

namespace detail {

enum class cell_kind { missing, number, not_a_number, not_finite, underflow, overflow };

// A number too small or too large for a double: which of the two. Read in the classic locale (the decimal
// point is '.'), which stores 0 for an underflow and ±DBL_MAX with failbit for an overflow.
inline cell_kind out_of_range_kind(std::string_view text) {
  std::istringstream stream{std::string(text)};
  stream.imbue(std::locale::classic());
  double value = 0.0;
  stream >> value;
  return value == 0.0 ? cell_kind::underflow : cell_kind::overflow;
}

// Whether the mantissa of a number's text has a digit other than 0 (before any exponent).
inline bool has_nonzero_digit(std::string_view text) {
  for (const char ch : text) {
    if (ch == 'e' || ch == 'E') break;
    if (ch >= '1' && ch <= '9') return true;
  }
  return false;
}

inline cell_kind read_price(std::string_view text, double& value) {
  text = trim(text);
  if (text.empty() || text == ".") return cell_kind::missing;
  if (text.front() == '+') text.remove_prefix(1);  // from_chars does not take a leading '+'
  if (text.empty() || text.front() == '+') return cell_kind::not_a_number;
#if defined(__cpp_lib_to_chars)
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool parsed = result.ec == std::errc() && result.ptr == text.data() + text.size();
  if (result.ec == std::errc::result_out_of_range) return out_of_range_kind(text);  // 1e999, 1e-400
#else
  // Without floating-point from_chars: a stream in the classic locale, so the decimal point is '.'.
  std::istringstream stream{std::string(text)};
  stream.imbue(std::locale::classic());
  stream >> value;
  const bool parsed = !stream.fail() && stream.peek() == std::char_traits<char>::eof();
  if (stream.fail() && std::fabs(value) == std::numeric_limits<double>::max()) return cell_kind::overflow;
#endif
  if (!parsed) return cell_kind::not_a_number;
  if (value == 0.0 && has_nonzero_digit(text)) return cell_kind::underflow;  // 1e-400 read as 0
  return std::isfinite(value) ? cell_kind::number : cell_kind::not_finite;
}

}  // namespace detail

/// Parses a price cell: nullopt for a missing value (blank or "."), the number otherwise.
/// Throws price_csv::error, with `where` in front of the message, when the text is not a finite number.
[[nodiscard]] inline std::optional<double> parse_price(std::string_view cell, const std::string& where) {
  double value = 0.0;
  switch (detail::read_price(cell, value)) {
    case detail::cell_kind::missing:
      return std::nullopt;
    case detail::cell_kind::number:
      return value;
    case detail::cell_kind::not_a_number:
      throw error(where + ": " + detail::quoted(detail::trim(cell)) +
                  " is not a number (a missing value is a blank cell or \".\")");
    case detail::cell_kind::underflow:
      throw error(where + ": " + detail::quoted(detail::trim(cell)) +
                  " underflows to 0: out of range, its magnitude is below 4.9e-324, the smallest double");
    case detail::cell_kind::overflow:
      throw error(where + ": " + detail::quoted(detail::trim(cell)) +
                  " is out of range: its magnitude is above 1.8e308, the largest double");
    case detail::cell_kind::not_finite:
      break;
  }
  throw error(where + ": " + detail::quoted(detail::trim(cell)) + " is not a finite number");
}

/// A CSV file split into cells, with the header row apart.
struct table {
  struct row {
    std::size_t number = 0;  ///< as in a spreadsheet: the header is row 1
    std::vector<std::string> cells;
  };
  std::string source;               ///< the file name, for messages
  std::vector<std::string> header;  ///< header[0] names the date column
  std::vector<row> rows;

  /// The index of the column named `name` (surrounding blanks ignored), or nullopt.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const {
    name = detail::trim(name);
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (detail::trim(header[i]) == name) return i;
    }
    return std::nullopt;
  }

  /// The value columns (all but the date column), quoted and comma-separated, for messages.
  [[nodiscard]] std::string value_columns() const {
    std::string list;
    for (std::size_t i = 1; i < header.size(); ++i) {
      if (i > 1) list += ", ";
      list += detail::quoted(detail::trim(header[i]));
    }
    return list.empty() ? std::string("none") : list;
  }
};

/// Splits CSV text into a table (RFC 4180 quoting; LF, CRLF or CR line endings; blank lines skipped).
[[nodiscard]] inline table parse_csv(std::string_view text, std::string source) {
  table result;
  result.source = std::move(source);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark

  std::vector<std::string> cells;
  std::string cell;
  std::size_t record =
      0;  // records (lines, unless a quoted field spans lines) seen so far, blank ones included
  bool record_has_content = false;
  bool in_quotes = false;

  auto end_record = [&] {
    cells.push_back(std::move(cell));
    cell.clear();
    const bool blank = !record_has_content && cells.size() == 1 && detail::trim(cells[0]).empty();
    ++record;
    if (!blank) {
      if (result.header.empty()) {
        result.header = std::move(cells);
      } else {
        result.rows.push_back({record, std::move(cells)});
      }
    }
    cells.clear();
    record_has_content = false;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        cell += ch;
      }
    } else if (ch == '"' && detail::trim(cell).empty()) {
      cell.clear();
      in_quotes = true;
      record_has_content = true;
    } else if (ch == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
      record_has_content = true;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
    } else {
      cell += ch;
    }
  }
  if (in_quotes) {
    throw error(result.source + " row " + std::to_string(record + 1) + ": a quoted field is not closed");
  }
  if (record_has_content || !cell.empty()) end_record();  // the last line had no final newline

  if (result.header.empty())
    throw error(result.source + " is empty: expected a header row naming the columns");
  // A name given twice would make a column choice silently take the first of them. Sorted, not compared
  // pair by pair: a hostile file may have a header of a million columns.
  std::vector<std::pair<std::string_view, std::size_t>> names;
  for (std::size_t i = 0; i < result.header.size(); ++i) {
    const std::string_view name = detail::trim(result.header[i]);
    if (!name.empty()) names.emplace_back(name, i);
  }
  std::stable_sort(names.begin(), names.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::size_t k = 1; k < names.size(); ++k) {
    if (names[k].first == names[k - 1].first) {
      throw error(result.source + ": the header names the column " + detail::quoted(names[k].first) +
                  " twice, as columns " + std::to_string(names[k - 1].second + 1) + " and " +
                  std::to_string(names[k].second + 1) + "; rename one of them");
    }
  }
  for (const auto& row : result.rows) {
    if (row.cells.size() > result.header.size()) {
      throw error(result.source + " row " + std::to_string(row.number) + " has " +
                  std::to_string(row.cells.size()) + " cells but the header names only " +
                  std::to_string(result.header.size()) + " columns");
    }
  }
  return result;
}

/// Reads and splits a CSV file.
[[nodiscard]] inline table read_csv(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw error(path + ": file not found");
  if (std::filesystem::is_directory(status)) throw error(path + ": is a directory, not a CSV file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(path + ": cannot be opened for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw error(path + ": read error");
  return parse_csv(text.str(), path);
}

/// Two columns of a table on the dates where both have a value, oldest first.
struct aligned_columns {
  std::string first_name, second_name;
  std::vector<date> dates;
  std::vector<double> first, second;
  std::vector<std::size_t> rows;  ///< the spreadsheet row each aligned value came from
  std::size_t rows_read = 0;      ///< data rows in the file
  bool reordered = false;         ///< the file was not oldest-first and has been sorted
};

namespace detail {

// The index of the value column `name`; an unknown column or the date column is an error that lists the
// value columns there are.
inline std::size_t value_column(const table& t, std::string_view name) {
  const auto index = t.find(name);
  if (!index) {
    throw error(t.source + ": unknown column " + quoted(name) + "; the columns are " + t.value_columns());
  }
  if (*index == 0) {
    throw error(t.source + ": column " + quoted(name) +
                " holds the dates; choose one of the value columns: " + t.value_columns());
  }
  return *index;
}

}  // namespace detail

/// The values of columns `first` and `second` on the dates where both have one, sorted by date.
/// Throws price_csv::error for an unknown column (the message lists the columns there are), the date
/// column chosen as a value column, an unreadable date, a cell that is not a number, or a repeated date.
[[nodiscard]] inline aligned_columns align(const table& t, std::string_view first, std::string_view second) {
  const std::size_t a = detail::value_column(t, first);
  const std::size_t b = detail::value_column(t, second);

  aligned_columns out;
  out.first_name = std::string(detail::trim(first));
  out.second_name = std::string(detail::trim(second));
  out.rows_read = t.rows.size();
  const std::string date_name(detail::trim(t.header[0]));
  // Every row's date, with its row number: a date repeated on a row with a blank cell is still repeated.
  std::vector<std::pair<date, std::size_t>> every_date;
  every_date.reserve(t.rows.size());
  for (const auto& row : t.rows) {
    auto where = [&] { return t.source + " row " + std::to_string(row.number); };
    const std::string_view date_text = row.cells[0];
    const auto when = parse_date(date_text);
    if (!when) {
      throw error(where() + ", column " + detail::quoted(date_name) + ": " +
                  detail::quoted(detail::trim(date_text)) +
                  " is not a date (expected YYYY-MM-DD or M/D/YYYY)");
    }
    every_date.emplace_back(*when, row.number);
    // A row with fewer cells than the header has blank cells at the end.
    const std::string_view cell_a =
        a < row.cells.size() ? std::string_view(row.cells[a]) : std::string_view();
    const std::string_view cell_b =
        b < row.cells.size() ? std::string_view(row.cells[b]) : std::string_view();
    // The message is built only when a cell is bad: most files have thousands of good rows.
    auto value = [&](std::string_view cell, const std::string& name) {
      double number = 0.0;
      if (detail::read_price(cell, number) == detail::cell_kind::number) return std::optional<double>(number);
      return parse_price(cell, where() + " (" + when->iso() + "), column " + detail::quoted(name));
    };
    const auto value_a = value(cell_a, out.first_name);
    const auto value_b = value(cell_b, out.second_name);
    if (value_a && value_b) {
      out.dates.push_back(*when);
      out.first.push_back(*value_a);
      out.second.push_back(*value_b);
      out.rows.push_back(row.number);
    }
  }

  std::stable_sort(every_date.begin(), every_date.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::size_t i = 1; i < every_date.size(); ++i) {
    if (every_date[i].first == every_date[i - 1].first) {
      throw error(t.source + ": the date " + every_date[i].first.iso() + " appears twice, in rows " +
                  std::to_string(std::min(every_date[i - 1].second, every_date[i].second)) + " and " +
                  std::to_string(std::max(every_date[i - 1].second, every_date[i].second)));
    }
  }

  // EIA exports are newest first: reverse those, sort anything else.
  if (!std::is_sorted(out.dates.begin(), out.dates.end())) {
    out.reordered = true;
    std::vector<std::size_t> order(out.dates.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (std::is_sorted(out.dates.rbegin(), out.dates.rend())) {
      std::reverse(order.begin(), order.end());
    } else {
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t i, std::size_t j) { return out.dates[i] < out.dates[j]; });
    }
    auto permute = [&](auto& values) {
      std::remove_reference_t<decltype(values)> sorted;
      sorted.reserve(values.size());
      for (const std::size_t i : order) sorted.push_back(values[i]);
      values = std::move(sorted);
    };
    permute(out.dates);
    permute(out.first);
    permute(out.second);
    permute(out.rows);
  }
  return out;
}

/// How a file writes its dates.
enum class date_style {
  iso,  ///< YYYY-MM-DD
  us    ///< M/D/YYYY
};

/// "YYYY-MM-DD" or "M/D/YYYY".
[[nodiscard]] inline const char* date_style_name(date_style style) noexcept {
  return style == date_style::iso ? "YYYY-MM-DD" : "M/D/YYYY";
}

/// One value column of a file on every date of the file, oldest first: one side of an as-of join, which
/// takes each series on its own dates, with its own gaps (hedgemetrics::align).
struct dated_column {
  std::string source;                  ///< the file, for messages
  std::string name;                    ///< the column
  std::vector<date> dates;             ///< every row's date, strictly increasing
  std::vector<double> values;          ///< NaN where the cell is blank or "." (a missing value)
  std::vector<std::size_t> rows;       ///< the spreadsheet row of each date
  std::size_t missing = 0;             ///< blank or "." cells
  date_style style = date_style::iso;  ///< how the file writes its dates, the same on every row
  bool reversed = false;               ///< the file was newest first (as EIA exports are) and was reversed
};

/// The column `name` of `t` with the date of every row (a missing value is NaN), oldest first.
///
/// Unlike align(), which sorts whatever order it is given, this takes a file only in date order, oldest
/// or newest first: in a file that is otherwise in order, a row out of place is a pasted block or a
/// mistyped year, which sorting would hide and an as-of join would then carry a price across.
/// Throws price_csv::error for an unknown column (the message lists the columns there are), the date
/// column chosen as a value column, an unreadable date, a date written the other way than the first row's
/// (mixed formats), a cell that is not a number, a date on two rows, or a date out of order; each message
/// names the file, the row and the text.
[[nodiscard]] inline dated_column read_column(const table& t, std::string_view name) {
  const std::size_t c = detail::value_column(t, name);
  dated_column out;
  out.source = t.source;
  out.name = std::string(detail::trim(name));
  out.dates.reserve(t.rows.size());
  out.values.reserve(t.rows.size());
  out.rows.reserve(t.rows.size());
  const std::string date_name(detail::trim(t.header[0]));
  auto date_text = [&](std::size_t i) { return detail::trim(t.rows[i].cells[0]); };
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    auto where = [&] { return t.source + " row " + std::to_string(row.number); };
    const std::string_view text = date_text(i);
    const auto when = parse_date(text);
    if (!when) {
      throw error(where() + ", column " + detail::quoted(date_name) + ": " + detail::quoted(text) +
                  " is not a date (expected YYYY-MM-DD or M/D/YYYY)");
    }
    const date_style style = text.find('-') != std::string_view::npos ? date_style::iso : date_style::us;
    if (i == 0) {
      out.style = style;
    } else if (style != out.style) {
      throw error(where() + ", column " + detail::quoted(date_name) + ": " + detail::quoted(text) +
                  " is written " + date_style_name(style) + " but row " + std::to_string(t.rows[0].number) +
                  " is written " + date_style_name(out.style) + " (mixed date formats in one file)");
    }
    const std::string_view cell = c < row.cells.size() ? std::string_view(row.cells[c]) : std::string_view();
    double number = 0.0;
    if (detail::read_price(cell, number) != detail::cell_kind::number) {
      const auto value =
          parse_price(cell, where() + " (" + when->iso() + "), column " + detail::quoted(out.name));
      number = value ? *value : std::numeric_limits<double>::quiet_NaN();
      out.missing += value ? 0U : 1U;
    }
    out.dates.push_back(*when);
    out.values.push_back(number);
    out.rows.push_back(row.number);
  }

  const std::size_t n = out.dates.size();
  const bool newest_first = n > 1 && out.dates[n - 1] < out.dates[0];
  for (std::size_t i = 1; i < n; ++i) {
    if (out.dates[i] == out.dates[i - 1]) {
      throw error(t.source + ": the date " + out.dates[i].iso() + " appears twice, in rows " +
                  std::to_string(out.rows[i - 1]) + " and " + std::to_string(out.rows[i]));
    }
    if ((out.dates[i] < out.dates[i - 1]) != newest_first) {
      throw error(t.source + " row " + std::to_string(out.rows[i]) + ", column " + detail::quoted(date_name) +
                  ": " + detail::quoted(date_text(i)) + " is " + (newest_first ? "later" : "earlier") +
                  " than " + detail::quoted(date_text(i - 1)) + " on row " + std::to_string(out.rows[i - 1]) +
                  ", but the file runs " + (newest_first ? "newest" : "oldest") + " first (row " +
                  std::to_string(out.rows[0]) + " to row " + std::to_string(out.rows[n - 1]) +
                  "): the rows are not in date order");
    }
  }
  if (newest_first) {
    out.reversed = true;
    std::reverse(out.dates.begin(), out.dates.end());
    std::reverse(out.values.begin(), out.values.end());
    std::reverse(out.rows.begin(), out.rows.end());
  }
  return out;
}

}  // namespace price_csv

#endif  // HEDGEMETRICS_EXAMPLES_PRICE_CSV_HPP
