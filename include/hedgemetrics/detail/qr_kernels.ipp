// SPDX-License-Identifier: MIT
/// \file
/// The hot loops of the streaming QR (detail/streaming_qr.hpp) for one instruction set: included once per
/// set by detail/isa_kernels.ipp inside that set's target region and namespace, after isa_pack.ipp and
/// comoment_kernels.ipp (no include guard on purpose). A block of the QR is column-major doubles; each
/// Householder reflector of the block's column x takes the dot products of x with the columns after it and
/// then subtracts x·w from them (Golub & Van Loan, Matrix Computations, 4th ed., §5.1.4): these two loops
/// are nearly all of the several-instrument fit's time.

/// Σ x_i·y_i over n values: two packs of partial sums (products fused into them where the set has FMA),
/// added lane 0 first, then the leftover values in order.
[[nodiscard]] HEDGEMETRICS_ISA_INLINE double qr_dot(const double* x, const double* y,
                                                    std::size_t n) noexcept {
  pack a0 = splat(0), a1 = splat(0);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    a0 = multiply_add(load(x + i), load(y + i), a0);
    a1 = multiply_add(load(x + i + width), load(y + i + width), a1);
  }
  double total = pack_sum(a0 + a1);
  for (; i < n; ++i) total += x[i] * y[i];
  return total;
}

/// out[c] = Σ_i B(i, c) for the `columns` columns of B, each `count` values, `stride` apart: two packs of
/// partial sums, added lane 0 first, then the leftover values in order (one order in every unit, unlike
/// Eigen's colwise().sum(), whose packets are as wide as the unit's flags allow).
HEDGEMETRICS_KERNEL_ENTRY inline void qr_column_sums(tag, const double* b, std::size_t stride,
                                                     std::size_t count, std::size_t columns,
                                                     double* out) noexcept {
  for (std::size_t c = 0; c < columns; ++c) {
    const double* column = b + c * stride;
    pack a0 = splat(0), a1 = splat(0);
    std::size_t i = 0;
    for (; i + lanes <= count; i += lanes) {
      a0 = a0 + load(column + i);
      a1 = a1 + load(column + i + width);
    }
    double total = pack_sum(a0 + a1);
    for (; i < count; ++i) total += column[i];
    out[c] = total;
  }
}

/// out[c] = Σ_i x_i·B(i, c) for the `columns` columns of B, each `count` values, `stride` apart.
HEDGEMETRICS_KERNEL_ENTRY inline void qr_column_dots(tag, const double* x, const double* b,
                                                     std::size_t stride, std::size_t count,
                                                     std::size_t columns, double* out) noexcept {
  for (std::size_t c = 0; c < columns; ++c) out[c] = qr_dot(x, b + c * stride, count);
}

/// B(i, c) −= x_i·w_c for the `columns` columns of B, each `count` values, `stride` apart (one rounding
/// per element where the set has FMA, two elsewhere).
HEDGEMETRICS_KERNEL_ENTRY inline void qr_rank_one_update(tag, const double* x, const double* w, double* b,
                                                         std::size_t stride, std::size_t count,
                                                         std::size_t columns) noexcept {
  for (std::size_t c = 0; c < columns; ++c) {
    double* column = b + c * stride;
    const pack minus_w = splat(-w[c]);
    std::size_t i = 0;
    for (; i + width <= count; i += width) {
      const pack updated = multiply_add(load(x + i), minus_w, load(column + i));
      std::memcpy(column + i, &updated, sizeof updated);
    }
    for (; i < count; ++i) column[i] -= x[i] * w[c];
  }
}
