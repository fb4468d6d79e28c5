// SPDX-License-Identifier: MIT
// Fuzz target: the examples' CSV reader (examples/price_csv.hpp) on arbitrary bytes.
//
// Contract: parse_csv either returns a table (a header, rows no wider than it, spreadsheet row numbers
// from 2 up, increasing) or throws price_csv::error whose message is one non-empty line; align() on any
// pair of columns either returns aligned columns (equal lengths, dates strictly increasing, finite values,
// each equal to the cell it came from) or throws price_csv::error with a one-line message. Nothing else may
// escape (no std::length_error, no std::bad_alloc), and the sanitizers watch for UB and bad reads.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

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
  const auto it = std::lower_bound(t.rows.begin(), t.rows.end(), number,
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
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && !(out.dates[i - 1] < out.dates[i])) {
      fuzz::fail("align: dates not strictly increasing at " + std::to_string(i) + ": " +
                 out.dates[i - 1].iso() + ", " + out.dates[i].iso());
    }
    if (!std::isfinite(out.first[i]) || !std::isfinite(out.second[i])) fuzz::fail("align: a non-finite value");
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  price_csv::table table;
  try {
    table = price_csv::parse_csv(text, "fuzz.csv");
  } catch (const price_csv::error& e) {
    check_message(e, "parse_csv");
    return 0;
  }
  if (table.header.empty()) fuzz::fail("parse_csv: a table without a header");
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

  // Every pair of the first four columns (the date column too: that must be refused), and a missing name.
  const std::size_t columns = std::min<std::size_t>(table.header.size(), 4);
  for (std::size_t a = 0; a <= columns; ++a) {
    for (std::size_t b = 0; b <= columns; ++b) {
      if (a == b) continue;
      const std::string name_a = a < columns ? table.header[a] : std::string("no such column");
      const std::string name_b = b < columns ? table.header[b] : std::string("no such column");
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
  }
  return 0;
}
