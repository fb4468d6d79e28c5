// SPDX-License-Identifier: MIT
// Tests of <hedgemetrics/series.hpp>: what counts as a series, the element and result types, the
// pointer + length view, and the missing-data policy.
#include <hedgemetrics/series.hpp>

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <array>
#include <complex>
#include <cstdint>
#include <deque>
#include <list>
#include <string>
#include <type_traits>
#include <vector>
#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

namespace hm = hedgemetrics;

namespace {

// The Eigen expression types users pass, spelled as the expressions produce them.
using segment_t = decltype(std::declval<const Eigen::VectorXd&>().segment(0, 2));
using column_t = decltype(std::declval<const Eigen::MatrixXd&>().col(0));
using row_of_column_major_t = decltype(std::declval<const Eigen::MatrixXd&>().row(0));
using map_t = Eigen::Map<const Eigen::VectorXd>;
using strided_map_t = Eigen::Map<const Eigen::VectorXd, 0, Eigen::InnerStride<2>>;

}  // namespace

TEST_CASE("is_series_v accepts contiguous, sized ranges of arithmetic values") {
  static_assert(hm::is_series_v<std::vector<double>>);
  static_assert(hm::is_series_v<const std::vector<double>>);
  static_assert(hm::is_series_v<const std::vector<double>&>);
  static_assert(hm::is_series_v<std::vector<float>>);
  static_assert(hm::is_series_v<std::vector<long double>>);
  static_assert(hm::is_series_v<std::vector<int>>);
  static_assert(hm::is_series_v<std::vector<unsigned>>);
  static_assert(hm::is_series_v<std::vector<std::int64_t>>);
  static_assert(hm::is_series_v<std::array<double, 4>>);
  static_assert(hm::is_series_v<double[4]>);
  static_assert(hm::is_series_v<const int[3]>);
  static_assert(hm::is_series_v<hm::series_view<double>>);
  static_assert(hm::is_series_v<hm::series_view<float>>);
  static_assert(hm::is_series_v<Eigen::VectorXd>);
  static_assert(hm::is_series_v<Eigen::VectorXf>);
  static_assert(hm::is_series_v<Eigen::RowVectorXd>);
  static_assert(hm::is_series_v<Eigen::ArrayXd>);
  static_assert(hm::is_series_v<Eigen::Vector4d>);
  static_assert(hm::is_series_v<map_t>);
  static_assert(hm::is_series_v<Eigen::Map<Eigen::VectorXd>>);
  static_assert(hm::is_series_v<segment_t>);
  static_assert(hm::is_series_v<column_t>);
#if __cplusplus >= 202002L && __has_include(<span>)
  static_assert(hm::is_series_v<std::span<const double>>);
  static_assert(hm::is_series_v<std::span<double, 3>>);
#endif
  // A row of a column-major matrix has a stride known only at run time: it is accepted at compile time
  // and rejected at run time (see the Eigen tests in test_hedge_ratio.cpp).
  static_assert(hm::is_series_v<row_of_column_major_t>);
  CHECK(true);
}

TEST_CASE("is_series_v rejects what is not a contiguous one-dimensional arithmetic series") {
  static_assert(!hm::is_series_v<std::list<double>>);
  static_assert(!hm::is_series_v<std::deque<double>>);
  static_assert(!hm::is_series_v<std::vector<bool>>);
  static_assert(!hm::is_series_v<std::vector<std::string>>);
  static_assert(!hm::is_series_v<std::vector<std::complex<double>>>);
  static_assert(!hm::is_series_v<bool[3]>);
  static_assert(!hm::is_series_v<double>);
  static_assert(!hm::is_series_v<const double*>);
  static_assert(!hm::is_series_v<Eigen::MatrixXd>);
  static_assert(!hm::is_series_v<strided_map_t>);
  CHECK(true);
}

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
TEST_CASE("the C++20 concept agrees with is_series_v") {
  static_assert(hm::series<std::vector<double>>);
  static_assert(hm::series<Eigen::VectorXd>);
  static_assert(!hm::series<std::list<double>>);
  static_assert(!hm::series<std::deque<double>>);
  CHECK(true);
}
#endif

TEST_CASE("series_element_t names the element type") {
  static_assert(std::is_same_v<hm::series_element_t<std::vector<int>>, int>);
  static_assert(std::is_same_v<hm::series_element_t<const std::vector<float>&>, float>);
  static_assert(std::is_same_v<hm::series_element_t<double[3]>, double>);
  static_assert(std::is_same_v<hm::series_element_t<Eigen::VectorXf>, float>);
  static_assert(std::is_same_v<hm::series_element_t<map_t>, double>);
  static_assert(std::is_same_v<hm::series_element_t<hm::series_view<long double>>, long double>);
  CHECK(true);
}

TEST_CASE("result_t: integers, float and double compute in double; long double stays long double") {
  static_assert(std::is_same_v<hm::result_t<std::vector<int>>, double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<unsigned char>>, double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<float>>, double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<double>>, double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<long double>>, long double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<float>, std::vector<long double>>, long double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<int>, std::vector<float>>, double>);
  static_assert(std::is_same_v<hm::result_t<std::vector<long double>, std::vector<int>>, long double>);
  static_assert(std::is_same_v<hm::result_t<Eigen::VectorXf, std::vector<double>>, double>);
  CHECK(true);
}

TEST_CASE("series_view is a read-only pointer + length view") {
  SUBCASE("default constructed: empty") {
    constexpr hm::series_view<double> empty;
    static_assert(empty.size() == 0);
    static_assert(empty.empty());
    static_assert(empty.data() == nullptr);
    CHECK(empty.begin() == empty.end());
  }
  SUBCASE("views the values in place") {
    const std::vector<double> values{1.5, -2.0, 3.25};
    const hm::series_view view(values.data(), values.size());  // deduces series_view<double>
    static_assert(std::is_same_v<std::remove_const_t<decltype(view)>, hm::series_view<double>>);
    CHECK(view.size() == 3);
    CHECK_FALSE(view.empty());
    CHECK(view.data() == values.data());
    CHECK(view[0] == 1.5);
    CHECK(view[1] == -2.0);
    CHECK(view[2] == 3.25);
    double total = 0.0;
    for (const double v : view) total += v;
    CHECK(total == 2.75);
    CHECK(view.end() - view.begin() == 3);
  }
  SUBCASE("usable in constant expressions") {
    static constexpr int values[] = {4, 5, 6};
    constexpr hm::series_view<int> view(values, 3);
    static_assert(view.size() == 3);
    static_assert(view[2] == 6);
    static_assert(*view.begin() == 4);
    CHECK(view.size() == 3);
  }
  SUBCASE("accessors do not throw") {
    const hm::series_view<float> view;
    static_assert(noexcept(view.size()));
    static_assert(noexcept(view.data()));
    static_assert(noexcept(view[0]));
    static_assert(std::is_nothrow_copy_constructible_v<hm::series_view<float>>);
    static_assert(std::is_trivially_copyable_v<hm::series_view<float>>);
    CHECK(view.size() == 0);
  }
}

TEST_CASE("missing_data names three policies") {
  static_assert(hm::missing_data::propagate != hm::missing_data::omit);
  static_assert(hm::missing_data::omit != hm::missing_data::raise);
  static_assert(hm::missing_data::propagate != hm::missing_data::raise);
  static_assert(std::is_enum_v<hm::missing_data>);
  static_assert(!std::is_convertible_v<hm::missing_data, int>);  // enum class: no accidental ints
  CHECK(true);
}
