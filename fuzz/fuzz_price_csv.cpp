// SPDX-License-Identifier: MIT
// Fuzz target: the examples' CSV reader (examples/price_csv.hpp) on arbitrary bytes.
//
// Contract: parse_csv either returns a table (a header that names no column twice, rows no wider than it,
// spreadsheet row numbers from 2 up, increasing) or throws price_csv::error whose message is one non-empty line; align() on any
// pair of columns either returns aligned columns (equal lengths, dates strictly increasing, finite values,
// each equal to the cell it came from, and no date on two rows of the file, blank cells or not) or throws price_csv::error with a one-line message;
// read_column() on any column either returns every row's date, strictly increasing (the file's order or
// its reverse), all written the same way, each with the value of its cell or NaN for a missing one, or
// throws the same way. Nothing else may
// escape (no std::length_error, no std::bad_alloc), and the sanitizers watch for UB and bad reads.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "price_csv.hpp"

namespace {

void check_message(const std::exception& e, const char* stage) {
  const std::string_view what = e.what();
  if (what.empty()) fuzz::fail(std::string(stage) + ": an empty error message");
  if (what.find_first_of("\r\n") != std::string_view::npos) {
    fuzz::fail(std::string(stage) + ": the error message is not one line: " + std::string(what));
  }
}

const price_csv::table::row* find_row(const price_csv::table& t, std::size_t number) {
  const auto it =
      std::lower_bound(t.rows.begin(), t.rows.end(), number,
                       [](const price_csv::table::row& r, std::size_t n) { return r.number < n; });
  return it != t.rows.end() && it->number == number ? &*it : nullptr;
}

void check_aligned(const price_csv::table& t, std::size_t a, std::size_t b,
                   const price_csv::aligned_columns& out) {
  const std::size_t n = out.dates.size();
  if (out.first.size() != n || out.second.size() != n || out.rows.size() != n) {
    fuzz::fail("align: columns of different lengths");
  }
  if (out.rows_read != t.rows.size()) fuzz::fail("align: rows_read is not the number of data rows");
  // Every row's date parses (else align throws), and no date is on two rows, aligned or not.
  std::vector<price_csv::date> every;
  for (const auto& row : t.rows) {
    const auto when = price_csv::parse_date(row.cells[0]);
    if (!when) fuzz::fail("align: accepted row " + std::to_string(row.number) + " whose date does not parse");
    every.push_back(*when);
  }
  std::sort(every.begin(), every.end());
  for (std::size_t i = 1; i < every.size(); ++i) {
    if (every[i] == every[i - 1]) fuzz::fail("align: accepted the date " + every[i].iso() + " on two rows");
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && !(out.dates[i - 1] < out.dates[i])) {
      fuzz::fail("align: dates not strictly increasing at " + std::to_string(i) + ": " +
                 out.dates[i - 1].iso() + ", " + out.dates[i].iso());
    }
    if (!std::isfinite(out.first[i]) || !std::isfinite(out.second[i]))
      fuzz::fail("align: a non-finite value");
    const auto* row = find_row(t, out.rows[i]);
    if (row == nullptr) fuzz::fail("align: row " + std::to_string(out.rows[i]) + " is not in the table");
    const auto when = price_csv::parse_date(row->cells[0]);
    if (!when || !(*when == out.dates[i])) fuzz::fail("align: a date is not the one of its row");
    const auto cell = [&](std::size_t c) { return c < row->cells.size() ? row->cells[c] : std::string(); };
    const auto va = price_csv::parse_price(cell(a), "a");
    const auto vb = price_csv::parse_price(cell(b), "b");
    if (!va || !vb || *va != out.first[i] || *vb != out.second[i]) {
      fuzz::fail("align: a value is not the one in its cell, row " + std::to_string(row->number));
    }
  }
}

void check_column(const price_csv::table& t, std::size_t c, const price_csv::dated_column& out) {
  const std::size_t n = t.rows.size();
  if (out.dates.size() != n || out.values.size() != n || out.rows.size() != n) {
    fuzz::fail("read_column: not one date and value per row of the file");
  }
  std::size_t missing = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && !(out.dates[i - 1] < out.dates[i])) {
      fuzz::fail("read_column: dates not strictly increasing at " + std::to_string(i) + ": " +
                 out.dates[i - 1].iso() + ", " + out.dates[i].iso());
    }
    // The file's rows, in its order or (newest first) reversed.
    const auto& row = t.rows[out.reversed ? n - 1 - i : i];
    if (out.rows[i] != row.number) fuzz::fail("read_column: rows neither in file order nor reversed");
    const auto when = price_csv::parse_date(row.cells[0]);
    if (!when || !(*when == out.dates[i])) fuzz::fail("read_column: a date is not the one of its row");
    const bool iso = price_csv::detail::trim(row.cells[0]).find('-') != std::string_view::npos;
    if (iso != (out.style == price_csv::date_style::iso)) fuzz::fail("read_column: dates written two ways");
    const auto value = price_csv::parse_price(c < row.cells.size() ? row.cells[c] : std::string(), "cell");
    if (value ? out.values[i] != *value : !std::isnan(out.values[i])) {
      fuzz::fail("read_column: a value is not the one in its cell, row " + std::to_string(row.number));
    }
    missing += value ? 0U : 1U;
  }
  if (out.missing != missing) fuzz::fail("read_column: the count of missing values is wrong");
  if (out.reversed && n < 2) fuzz::fail("read_column: reversed a file of fewer than two rows");
}

}  // namespace

int fuzz::test_one(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  price_csv::table table;
  try {
    table = price_csv::parse_csv(text, "fuzz.csv");
  } catch (const price_csv::error& e) {
    check_message(e, "parse_csv");
    return 0;
  }
  if (table.header.empty()) fuzz::fail("parse_csv: a table without a header");
  std::vector<std::string_view> names;
  for (const auto& name : table.header) {
    if (!price_csv::detail::trim(name).empty()) names.push_back(price_csv::detail::trim(name));
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    fuzz::fail("parse_csv: a header naming a column twice");
  }
  std::size_t previous = 1;
  for (const auto& row : table.rows) {
    if (row.cells.empty() || row.cells.size() > table.header.size()) fuzz::fail("parse_csv: a row too wide");
    if (row.number <= previous) fuzz::fail("parse_csv: row numbers do not increase");
    previous = row.number;
    // A date that parses is a real date, and its ISO form reads back as the same date.
    if (const auto when = price_csv::parse_date(row.cells[0])) {
      if (when->month < 1 || when->month > 12 || when->day < 1 ||
          when->day > price_csv::detail::days_in_month(when->year, when->month)) {
        fuzz::fail("parse_date: an impossible date " + when->iso());
      }
      const auto again = price_csv::parse_date(when->iso());
      if (!again || !(*again == *when)) fuzz::fail("parse_date: " + when->iso() + " does not read back");
    }
  }

  // Value columns both ways, the date column (which must be refused), and a name that is not there.
  const std::size_t none = table.header.size();
  static constexpr std::size_t pairs[][2] = {{1, 2}, {2, 1}, {1, 3}, {0, 1}, {1, 99}};
  for (const auto& pair : pairs) {
    const std::size_t a = pair[0] == 99 ? none : pair[0];
    const std::size_t b = pair[1] == 99 ? none : pair[1];
    if (a > none || b > none) continue;
    const std::string name_a = a < none ? table.header[a] : std::string("no such column");
    const std::string name_b = b < none ? table.header[b] : std::string("no such column");
    try {
      const auto out = price_csv::align(table, name_a, name_b);
      const auto ia = table.find(name_a);
      const auto ib = table.find(name_b);
      if (!ia || !ib || *ia == 0 || *ib == 0) fuzz::fail("align: accepted a date or unknown column");
      check_aligned(table, *ia, *ib, out);
    } catch (const price_csv::error& e) {
      check_message(e, "align");
    }
  }

  // One column on every date of the file (the two-file mode of hedge_report): value columns, the date
  // column (which must be refused) and a name that is not there.
  for (const std::size_t c : {std::size_t{1}, std::size_t{2}, std::size_t{0}, none}) {
    if (c > none) continue;
    const std::string name = c < none ? table.header[c] : std::string("no such column");
    try {
      const auto out = price_csv::read_column(table, name);
      const auto index = table.find(name);
      if (!index || *index == 0) fuzz::fail("read_column: accepted a date or unknown column");
      check_column(table, *index, out);
    } catch (const price_csv::error& e) {
      check_message(e, "read_column");
    }
  }
  return 0;
}
