// SPDX-License-Identifier: MIT
/// \file
/// What hedgemetrics accepts as a series, the result type it computes in, and the missing-data policy.
///
/// A *series* is any contiguous, sized range of arithmetic values: `std::vector`, `std::array`, C arrays,
/// `std::span`, Eigen vectors and arrays (and `Eigen::Map` of them, and contiguous blocks), and the
/// library's own pointer + length view, `series_view`. None of these needs Eigen to be included here:
/// Eigen types are recognised by their `data()`, `size()` and compile-time stride.
#ifndef HEDGEMETRICS_SERIES_HPP
#define HEDGEMETRICS_SERIES_HPP

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "hedgemetrics/detail/config.hpp"

/// Constrains a function template to arguments offered as series (see detail::offered_as_series_v): the
/// last template parameter of an overload that takes series, `template <class Series,
/// HEDGEMETRICS_REQUIRES_SERIES(Series)>`. A constraint (C++20) where concepts exist, SFINAE (C++17)
/// otherwise, so that a wrong call fails at overload resolution, naming the overloads there are.
#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
#define HEDGEMETRICS_REQUIRES_SERIES(...) ::hedgemetrics::detail::series_arguments<__VA_ARGS__> auto = 0
#else
#define HEDGEMETRICS_REQUIRES_SERIES(...) \
  ::std::enable_if_t<::hedgemetrics::detail::offered_as_series_v<__VA_ARGS__>, int> = 0
#endif

namespace hedgemetrics {

/// A read-only view of `size` contiguous values starting at `data`: the library's pointer + length
/// series, for raw buffers from a market-data system. It does not own the values.
template <class T>
class series_view {
 public:
  /// The element type, without const or volatile.
  using value_type = std::remove_cv_t<T>;
  /// The type of sizes and indices.
  using size_type = std::size_t;
  /// A pointer to a viewed value.
  using const_pointer = const value_type*;
  /// Iterates over the viewed values, in order.
  using const_iterator = const value_type*;

  /// An empty view.
  constexpr series_view() noexcept = default;
  /// Views `size` values at `data`; `data` may be null only when `size` is 0.
  constexpr series_view(const value_type* data, size_type size) noexcept : data_(data), size_(size) {}

  /// The first value (null for an empty default view).
  [[nodiscard]] constexpr const_pointer data() const noexcept { return data_; }
  /// The number of values.
  [[nodiscard]] constexpr size_type size() const noexcept { return size_; }
  /// Whether there are no values.
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  /// The first value.
  [[nodiscard]] constexpr const_iterator begin() const noexcept { return data_; }
  /// One past the last value.
  [[nodiscard]] constexpr const_iterator end() const noexcept { return data_ + size_; }
  /// The value at index `i`, unchecked: `i` must be less than size().
  [[nodiscard]] constexpr const value_type& operator[](size_type i) const noexcept { return data_[i]; }

 private:
  const value_type* data_ = nullptr;
  size_type size_ = 0;
};

/// Deduces the element type of `series_view{pointer, size}` from the pointer.
template <class T>
series_view(const T*, std::size_t) -> series_view<T>;

/// What to do with pairs that hold a NaN or an infinity, for every estimator.
enum class missing_data {
  propagate,  ///< The default: any non-finite value makes every figure NaN (n still counts all pairs).
  omit,       ///< Drop the pairs (or, for one series, the values) where any value is not finite.
  raise       ///< Throw std::domain_error naming the first non-finite value's series, index and value.
};

namespace detail {

template <class T, class = void>
struct series_traits {
  using element = void;
  static constexpr bool has_data_and_size = false;
};

template <class T>
struct series_traits<T, std::void_t<decltype(std::data(std::declval<const T&>())),
                                    decltype(std::size(std::declval<const T&>()))>> {
  using pointer = decltype(std::data(std::declval<const T&>()));
  using element = std::remove_cv_t<std::remove_pointer_t<pointer>>;
  static constexpr bool has_data_and_size = std::is_pointer_v<pointer>;
};

// Eigen dense objects carry their stride in the type; others are contiguous by the contract of data().
template <class T, class = void>
struct stride_traits {
  static constexpr bool is_eigen = false;
  static constexpr bool one_dimensional = true;
  static constexpr bool unit_stride_known = true;
  static constexpr bool unit_stride_possible = true;
};

template <class T>
struct stride_traits<T,
                     std::void_t<decltype(T::IsVectorAtCompileTime), decltype(T::InnerStrideAtCompileTime)>> {
  static constexpr bool is_eigen = true;
  static constexpr bool one_dimensional = static_cast<bool>(T::IsVectorAtCompileTime);
  static constexpr bool unit_stride_known = static_cast<int>(T::InnerStrideAtCompileTime) == 1;
  // Eigen::Dynamic is -1: the stride is only known at run time.
  static constexpr bool unit_stride_possible =
      static_cast<int>(T::InnerStrideAtCompileTime) == 1 || static_cast<int>(T::InnerStrideAtCompileTime) < 0;
};

template <class E>
inline constexpr bool is_series_element_v =
    std::is_arithmetic_v<E> && !std::is_same_v<std::remove_cv_t<E>, bool>;

template <class T>
struct type_identity {
  using type = T;
};
/// std::type_identity_t before C++20: keeps a parameter out of template argument deduction.
template <class T>
using type_identity_t = typename type_identity<T>::type;

template <class E>
struct compute_type {
  using type = double;
};
template <>
struct compute_type<long double> {
  using type = long double;
};

template <class... E>
struct common_compute_type {
  using type = std::common_type_t<typename compute_type<E>::type...>;
};

}  // namespace detail

/// True when `T` is a series hedgemetrics accepts: contiguous (`data()` and `size()`, unit stride),
/// one-dimensional, with arithmetic (non-bool) elements.
template <class T>
inline constexpr bool is_series_v =
    detail::series_traits<std::remove_cv_t<std::remove_reference_t<T>>>::has_data_and_size&&
        detail::is_series_element_v<
            typename detail::series_traits<std::remove_cv_t<std::remove_reference_t<T>>>::element>&&
            detail::stride_traits<std::remove_cv_t<std::remove_reference_t<T>>>::one_dimensional&&
                detail::stride_traits<std::remove_cv_t<std::remove_reference_t<T>>>::unit_stride_possible;

/// Constrains a template (fmt's FMT_ENABLE_IF): `template <class T, HEDGEMETRICS_ENABLE_IF(cond)>` takes
/// part in overload resolution only where `cond` holds, so a call picks the overload meant for its
/// arguments (one series or a matrix of instruments) instead of failing inside the wrong one.
#define HEDGEMETRICS_ENABLE_IF(...) std::enable_if_t<(__VA_ARGS__), int> = 0

namespace detail {

template <class T, class = void>
struct is_matrix_argument : std::false_type {};
template <class T>
struct is_matrix_argument<T, std::void_t<decltype(T::IsVectorAtCompileTime)>>
    : std::bool_constant<!static_cast<bool>(T::IsVectorAtCompileTime)> {};

/// True for an Eigen matrix, map, block or expression that is not a vector at compile time: the argument
/// of the several-instrument overloads (multi_hedge.hpp), never a series. The one-series overloads step
/// aside for it, so `fit_hedge(s, m * 2.0)` reaches the matrix overload.
template <class T>
inline constexpr bool is_matrix_argument_v =
    is_matrix_argument<std::remove_cv_t<std::remove_reference_t<T>>>::value;

/// Selects the deprecated overloads that take the missing-data policy positionally: a template parameter
/// rather than `missing_data` itself, so that `{}` and `{.missing = …}` can only mean an options struct.
template <class Policy>
inline constexpr bool is_policy_v = std::is_same_v<Policy, missing_data>;

}  // namespace detail

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// C++20 spelling of is_series_v.
template <class T>
concept series = is_series_v<T>;
#endif

namespace detail {

template <class T, class = void>
struct offered_as_series : std::false_type {};
template <class T>
struct offered_as_series<T, std::void_t<decltype(std::size(std::declval<const T&>()))>> : std::true_type {};

/// Whether every T is offered as a series: anything with a size (a container, a C array, a view, an Eigen
/// vector or expression), never a number, an enum or an options struct. Overloads are constrained on this
/// rather than on is_series_v, so that a number or options in a series' place select another overload (or
/// fail naming the overloads there are), while a std::list or a strided Eigen expression still reaches
/// require_series, whose static_assert says what to do with it.
template <class... T>
inline constexpr bool offered_as_series_v =
    (offered_as_series<std::remove_cv_t<std::remove_reference_t<T>>>::value && ...);

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
/// offered_as_series_v as a concept whose first parameter is the placeholder of
/// HEDGEMETRICS_REQUIRES_SERIES (an int, unused).
template <class Placeholder, class... T>
concept series_arguments = offered_as_series_v<T...>;
#endif

}  // namespace detail

/// The element type of a series (void for a type that is not one).
template <class Series>
using series_element_t =
    typename detail::series_traits<std::remove_cv_t<std::remove_reference_t<Series>>>::element;

/// The floating-point type hedgemetrics computes in and returns for these series: `double` for integer,
/// `float` and `double` elements, `long double` when any series holds `long double`.
template <class... Series>
using result_t = typename detail::common_compute_type<series_element_t<Series>...>::type;

namespace detail {

template <class Series>
constexpr void require_series() {
  using bare = std::remove_cv_t<std::remove_reference_t<Series>>;
  static_assert(
      series_traits<bare>::has_data_and_size,
      "hedgemetrics needs a contiguous series (data() and size()): std::vector, std::array, a C array, "
      "std::span, an Eigen vector or hedgemetrics::series_view. Copy a std::list or std::deque into a "
      "std::vector first.");
  static_assert(
      !series_traits<bare>::has_data_and_size || is_series_element_v<typename series_traits<bare>::element>,
      "hedgemetrics needs a series of arithmetic values (integers or floating point, not bool): convert "
      "the elements to double first.");
  static_assert(
      stride_traits<bare>::one_dimensional,
      "hedgemetrics needs a one-dimensional contiguous series: pass a vector, or one column of a matrix "
      "(m.col(j)), not the whole matrix.");
  static_assert(
      stride_traits<bare>::unit_stride_possible,
      "hedgemetrics needs a contiguous series, and this Eigen expression has a fixed stride other than 1: "
      "copy it into an Eigen::VectorXd first.");
}

template <class Series>
[[nodiscard]] auto contiguous_view(const Series& series, const char* function, const char* name) {
  using element = series_element_t<Series>;
  if constexpr (stride_traits<std::remove_cv_t<Series>>::is_eigen &&
                !stride_traits<std::remove_cv_t<Series>>::unit_stride_known) {
    if (series.size() > 1 && series.innerStride() != 1) {
      HEDGEMETRICS_THROW(std::invalid_argument(
          std::string(function) + ": " + name + " is not contiguous (its inner stride is " +
          std::to_string(series.innerStride()) + "); copy it into an Eigen::VectorXd first"));
    }
  }
  const auto size = std::size(series);
  return series_view<element>(std::data(series), static_cast<std::size_t>(size));
}

/// Turns any accepted series into a read-only pointer + length view. `function` and `name` go into the
/// message if an Eigen object with a run-time stride turns out not to be contiguous.
template <class Series>
[[nodiscard]] auto view_of(const Series& series, const char* function, const char* name) {
  require_series<Series>();
  if constexpr (!is_series_v<Series>) {
    return series_view<double>();  // unreachable: the static_asserts above have already failed
  } else {
    return contiguous_view(series, function, name);
  }
}

/// Caller error: two series that must be aligned have different lengths.
inline void require_same_length(const char* function, const char* first_name, std::size_t first_size,
                                const char* second_name, std::size_t second_size) {
  if (first_size != second_size) {
    HEDGEMETRICS_THROW(std::invalid_argument(std::string(function) + ": " + first_name + " and " +
                                             second_name + " must have the same length, but " + first_name +
                                             " has " + std::to_string(first_size) + " values and " +
                                             second_name + " has " + std::to_string(second_size)));
  }
}

}  // namespace detail
}  // namespace hedgemetrics

#endif  // HEDGEMETRICS_SERIES_HPP
