// SPDX-License-Identifier: MIT
// What the translation units of the Python module share: the result dataclasses, NumPy arrays in and out,
// pandas index checks and the missing-data names (conventions: see hedgemetrics_python.cpp).
#ifndef HEDGEMETRICS_PYTHON_BINDINGS_COMMON_HPP
#define HEDGEMETRICS_PYTHON_BINDINGS_COMMON_HPP

#include <hedgemetrics/hedge_ratio.hpp>
#include <hedgemetrics/series.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <Eigen/Core>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hedgemetrics_python {

namespace py = pybind11;
namespace hm = hedgemetrics;

inline py::object make_type(py::module_& m, const char* name, const std::vector<std::string>& fields,
                            const char* doc) {
  py::list spec;
  for (const auto& f : fields) spec.append(py::str(f));
  py::object type = py::module_::import("dataclasses")
                        .attr("make_dataclass")(name, spec, py::arg("frozen") = true,
                                                py::arg("namespace") = py::dict(py::arg("__doc__") = doc));
  type.attr("__module__") = "hedgemetrics";
  m.attr(name) = type;
  return type;
}

template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                        owned->data(), free_when_done);
}

template <class Derived>
py::array_t<typename Derived::Scalar> to_numpy(const Eigen::DenseBase<Derived>& m) {
  using Scalar = typename Derived::Scalar;
  if (m.cols() == 1) {
    py::array_t<Scalar> out(static_cast<py::ssize_t>(m.rows()));
    auto v = out.template mutable_unchecked<1>();
    for (Eigen::Index i = 0; i < m.rows(); ++i) v(static_cast<py::ssize_t>(i)) = m(i, 0);
    return out;
  }
  py::array_t<Scalar> out({static_cast<py::ssize_t>(m.rows()), static_cast<py::ssize_t>(m.cols())});
  auto v = out.template mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      v(static_cast<py::ssize_t>(i), static_cast<py::ssize_t>(j)) = m(i, j);
  return out;
}

inline hm::missing_data missing_of(const std::string& name) {
  if (name == "propagate") return hm::missing_data::propagate;
  if (name == "omit") return hm::missing_data::omit;
  if (name == "raise") return hm::missing_data::raise;
  throw std::invalid_argument(
      "hedgemetrics: missing must be \"propagate\", \"omit\" or \"raise\", but it is \"" + name + "\"");
}

inline std::string missing_name(hm::missing_data m) {
  switch (m) {
    case hm::missing_data::omit:
      return "omit";
    case hm::missing_data::raise:
      return "raise";
    case hm::missing_data::propagate:
      break;
  }
  return "propagate";
}

inline bool is_pandas_series(const py::handle& obj) {
  return py::hasattr(obj, "index") && py::hasattr(obj, "to_numpy") && !py::isinstance<py::array>(obj);
}

// A series as a 1-D NumPy array: in place when it is already contiguous, else one contiguous copy.
inline py::array as_array(const py::handle& obj, const char* name) {
  py::object values = py::reinterpret_borrow<py::object>(obj);
  if (is_pandas_series(obj)) values = obj.attr("to_numpy")();
  py::array a = py::module_::import("numpy").attr("asarray")(values);
  if (a.ndim() != 1) {
    throw std::invalid_argument(std::string("hedgemetrics: ") + name +
                                " must be one-dimensional, but it has " + std::to_string(a.ndim()) +
                                " dimensions (shape " + py::str(a.attr("shape")).cast<std::string>() + ")");
  }
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u') {
    throw py::type_error(std::string("hedgemetrics: ") + name + " has dtype " +
                         py::str(static_cast<py::handle>(a.dtype())).cast<std::string>() +
                         ": pass integers or floating-point values (bool, complex, object and nullable "
                         "pandas dtypes are not series; convert with .astype(float), missing values as NaN)");
  }
  if (kind == 'f' && a.itemsize() > 8) {
    throw py::type_error(std::string("hedgemetrics: ") + name + " has dtype " +
                         py::str(static_cast<py::handle>(a.dtype())).cast<std::string>() +
                         ": the Python module computes in double; pass float64 (.astype(numpy.float64))");
  }
  if (kind == 'f' && a.itemsize() < 4) {
    throw py::type_error(std::string("hedgemetrics: ") + name + " has dtype " +
                         py::str(static_cast<py::handle>(a.dtype())).cast<std::string>() +
                         ": pass float32 or float64");
  }
  if (!(a.flags() & py::array::c_style)) a = py::module_::import("numpy").attr("ascontiguousarray")(a);
  return a;
}

inline void require_same_index(const py::handle& a, const py::handle& b, const char* name_a,
                               const char* name_b) {
  if (!is_pandas_series(a) || !is_pandas_series(b)) return;
  const py::object ia = a.attr("index"), ib = b.attr("index");
  if (ia.attr("equals")(ib).cast<bool>()) return;
  const auto na = py::len(ia), nb = py::len(ib);
  std::string where;
  for (std::size_t i = 0; i < std::min(na, nb); ++i) {
    if (!ia[py::int_(i)].equal(ib[py::int_(i)])) {
      where = "at position " + std::to_string(i) + " " + name_a + " has " +
              py::repr(ia[py::int_(i)]).cast<std::string>() + " and " + name_b + " has " +
              py::repr(ib[py::int_(i)]).cast<std::string>();
      break;
    }
  }
  if (where.empty())
    where = std::string(name_a) + " has " + std::to_string(na) + " labels and " + name_b + " has " +
            std::to_string(nb);
  throw std::invalid_argument(std::string("hedgemetrics: the pandas indexes of ") + name_a + " and " +
                              name_b + " differ (" + where + "): align them first, e.g. " + name_a + ", " +
                              name_b + " = " + name_a + ".align(" + name_b + ", join=\"inner\")");
}

// Calls f(series_view<T>) with the array's element type.
template <class F>
decltype(auto) visit(const py::array& a, F&& f) {
  const auto n = static_cast<std::size_t>(a.size());
  const auto dtype = a.dtype();
  const auto view = [&](auto tag) {
    using T = typename decltype(tag)::type;
    return f(hm::series_view<T>(static_cast<const T*>(a.data()), n));
  };
  const char kind = dtype.kind();
  const auto size = a.itemsize();
  if (kind == 'f' && size == 8) return view(hm::detail::type_identity<double>{});
  if (kind == 'f' && size == 4) return view(hm::detail::type_identity<float>{});
  if (kind == 'i' && size == 8) return view(hm::detail::type_identity<std::int64_t>{});
  if (kind == 'i' && size == 4) return view(hm::detail::type_identity<std::int32_t>{});
  if (kind == 'i' && size == 2) return view(hm::detail::type_identity<std::int16_t>{});
  if (kind == 'i' && size == 1) return view(hm::detail::type_identity<std::int8_t>{});
  if (kind == 'u' && size == 8) return view(hm::detail::type_identity<std::uint64_t>{});
  if (kind == 'u' && size == 4) return view(hm::detail::type_identity<std::uint32_t>{});
  if (kind == 'u' && size == 2) return view(hm::detail::type_identity<std::uint16_t>{});
  if (kind == 'u' && size == 1) return view(hm::detail::type_identity<std::uint8_t>{});
  throw py::type_error("hedgemetrics: unsupported dtype " +
                       py::str(static_cast<py::handle>(dtype)).cast<std::string>());
}

// Two aligned series: same dtype, both read in place; different dtypes, both as float64.
template <class F>
decltype(auto) visit_pair(const py::handle& x, const py::handle& y, const char* x_name, const char* y_name,
                          F&& f) {
  require_same_index(x, y, x_name, y_name);
  py::array a = as_array(x, x_name);
  py::array b = as_array(y, y_name);
  if (!a.dtype().is(b.dtype())) {
    const auto float64 = py::dtype::of<double>();
    if (!a.dtype().is(float64)) a = a.attr("astype")(float64);
    if (!b.dtype().is(float64)) b = b.attr("astype")(float64);
  }
  return visit(a, [&](auto sa) {
    using T = typename decltype(sa)::value_type;
    return f(sa, hm::series_view<T>(static_cast<const T*>(b.data()), static_cast<std::size_t>(b.size())));
  });
}

// Two aligned series as float64: in place when they are float64 already, else converted (a copy). For the
// functions whose kernels are large (windows, walk-forward, downside, hedge accounting): one instantiation
// instead of ten keeps the module's build time down, and the C++ computes in double whatever the input.
template <class F>
decltype(auto) visit_pair_as_double(const py::handle& x, const py::handle& y, const char* x_name,
                                    const char* y_name, F&& f) {
  require_same_index(x, y, x_name, y_name);
  const auto float64 = py::dtype::of<double>();
  py::array a = as_array(x, x_name);
  py::array b = as_array(y, y_name);
  if (!a.dtype().is(float64)) a = a.attr("astype")(float64);
  if (!b.dtype().is(float64)) b = b.attr("astype")(float64);
  return f(hm::series_view<double>(static_cast<const double*>(a.data()), static_cast<std::size_t>(a.size())),
           hm::series_view<double>(static_cast<const double*>(b.data()), static_cast<std::size_t>(b.size())));
}

/// A HedgeFit (the dataclass `hedge_fit_type`, which each translation unit caches) from a C++ hedge_fit,
/// in the order of its fields: the one list of them, for both translation units.
inline py::object hedge_fit_to_python(const py::object& hedge_fit_type, const hm::hedge_fit<double>& f) {
  return hedge_fit_type(f.n, f.ratio, f.intercept, f.effectiveness, f.correlation, f.exposure_mean,
                        f.hedge_mean, f.exposure_variance, f.hedge_variance, f.covariance,
                        f.residual_variance, f.residual_standard_error, f.ratio_standard_error,
                        f.intercept_standard_error);
}

}  // namespace hedgemetrics_python

#endif  // HEDGEMETRICS_PYTHON_BINDINGS_COMMON_HPP
