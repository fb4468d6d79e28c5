// SPDX-License-Identifier: MIT
/// \file
/// The co-moment kernels for one instruction set, on packs of doubles (detail/isa_pack.ipp): included once
/// per set by detail/comoments.hpp inside that set's target region and namespace (no include guard on
/// purpose). The algorithms, and their references, are described at the dispatching functions in
/// detail/comoments.hpp; this file only spells them in vectors. `tag` selects the set by overloading.

struct tag {};

/// Σe² − (Σe)²/m of e = (x − x̂) − r(y − ŷ): see detail::residual_sweep.
template <class X, class Y>
[[nodiscard]] inline double residual_sweep(std::size_t m, const X* x, const Y* y, double shift_x,
                                           double shift_y, double r) noexcept {
  const pack sx = splat(shift_x);
  const pack sy = splat(shift_y);
  const pack rr = splat(r);
  twin dev = twin_of(0);
  twin sq = twin_of(0);
  std::size_t i = 0;
  for (; i + lanes <= m; i += lanes) {
    const pack e0 = (load(x + i) - sx) - rr * (load(y + i) - sy);
    const pack e1 = (load(x + i + width) - sx) - rr * (load(y + i + width) - sy);
    dev.low += e0;
    dev.high += e1;
    sq.low += e0 * e0;
    sq.high += e1 * e1;
  }
  for (; i < m; ++i) {
    const double e = (static_cast<double>(x[i]) - shift_x) - r * (static_cast<double>(y[i]) - shift_y);
    dev.low[0] += e;
    sq.low[0] += e * e;
  }
  const double de = twin_sum(dev);
  const double ssr = twin_sum(sq) - de * (de / static_cast<double>(m));
  return ssr > 0 ? ssr : 0.0;
}

/// detail::careful_block_comoments on this set.
template <class X, class Y>
[[nodiscard]] HEDGEMETRICS_KERNEL_ENTRY comoments<double> careful_block_comoments(tag, std::size_t m,
                                                                                  const X* x,
                                                                                  const Y* y) noexcept {
  comoments<double> out;
  out.count = m;
  if (m == 0) return out;
  const double count = static_cast<double>(m);

  twin sum_x = twin_of(0);
  twin sum_y = twin_of(0);
  twin lo_x = twin_of(static_cast<double>(x[0]));
  twin hi_x = lo_x;
  twin lo_y = twin_of(static_cast<double>(y[0]));
  twin hi_y = lo_y;
  std::size_t i = 0;
  for (; i + lanes <= m; i += lanes) {
    const pack u0 = load(x + i);
    const pack u1 = load(x + i + width);
    const pack v0 = load(y + i);
    const pack v1 = load(y + i + width);
    sum_x.low += u0;
    sum_x.high += u1;
    sum_y.low += v0;
    sum_y.high += v1;
    lo_x.low = lane_minimum(u0, lo_x.low);
    lo_x.high = lane_minimum(u1, lo_x.high);
    hi_x.low = lane_maximum(u0, hi_x.low);
    hi_x.high = lane_maximum(u1, hi_x.high);
    lo_y.low = lane_minimum(v0, lo_y.low);
    lo_y.high = lane_minimum(v1, lo_y.high);
    hi_y.low = lane_maximum(v0, hi_y.low);
    hi_y.high = lane_maximum(v1, hi_y.high);
  }
  for (; i < m; ++i) {
    const double u = static_cast<double>(x[i]);
    const double v = static_cast<double>(y[i]);
    sum_x.low[0] += u;
    sum_y.low[0] += v;
    lo_x.low[0] = u < lo_x.low[0] ? u : lo_x.low[0];
    hi_x.low[0] = u > hi_x.low[0] ? u : hi_x.low[0];
    lo_y.low[0] = v < lo_y.low[0] ? v : lo_y.low[0];
    hi_y.low[0] = v > hi_y.low[0] ? v : hi_y.low[0];
  }
  const double total_x = twin_sum(sum_x);
  const double total_y = twin_sum(sum_y);
  if (!std::isfinite(total_x) || !std::isfinite(total_y)) {
    out.finite = false;
    return out;
  }
  const double min_x = twin_min(lo_x), max_x = twin_max(hi_x), min_y = twin_min(lo_y), max_y = twin_max(hi_y);
  const double shift_x = min_x == max_x ? min_x : total_x / count;
  const double shift_y = min_y == max_y ? min_y : total_y / count;

  const pack sx = splat(shift_x);
  const pack sy = splat(shift_y);
  twin dev_x = twin_of(0);
  twin dev_y = twin_of(0);
  twin sq_x = twin_of(0);
  twin sq_y = twin_of(0);
  twin cross = twin_of(0);
  for (i = 0; i + lanes <= m; i += lanes) {
    const pack a0 = load(x + i) - sx;
    const pack a1 = load(x + i + width) - sx;
    const pack b0 = load(y + i) - sy;
    const pack b1 = load(y + i + width) - sy;
    dev_x.low += a0;
    dev_x.high += a1;
    dev_y.low += b0;
    dev_y.high += b1;
    sq_x.low += a0 * a0;
    sq_x.high += a1 * a1;
    sq_y.low += b0 * b0;
    sq_y.high += b1 * b1;
    cross.low += a0 * b0;
    cross.high += a1 * b1;
  }
  for (; i < m; ++i) {
    const double a = static_cast<double>(x[i]) - shift_x;
    const double b = static_cast<double>(y[i]) - shift_y;
    dev_x.low[0] += a;
    dev_y.low[0] += b;
    sq_x.low[0] += a * a;
    sq_y.low[0] += b * b;
    cross.low[0] += a * b;
  }
  const double da = twin_sum(dev_x);
  const double db = twin_sum(dev_y);
  const double sxx = twin_sum(sq_x) - da * (da / count);
  const double syy = twin_sum(sq_y) - db * (db / count);
  out.sxx = sxx > 0 ? sxx : 0.0;
  out.syy = syy > 0 ? syy : 0.0;
  out.sxy = twin_sum(cross) - da * (db / count);
  exact_sum(shift_x, da / count, out.mean_x, out.tail_x);
  exact_sum(shift_y, db / count, out.mean_y, out.tail_y);
  out.ratio = out.syy > 0 ? out.sxy / out.syy : 0.0;
  if (out.syy == 0) {
    out.ssr = out.sxx;  // nothing to regress on: the residual is the exposure itself
    return out;
  }
  out.ssr = residual_sweep(m, x, y, shift_x, shift_y, out.ratio);
  return out;
}

/// detail::block_comoments on this set.
template <class X, class Y>
[[nodiscard]] HEDGEMETRICS_KERNEL_ENTRY comoments<double> block_comoments(
    tag, std::size_t m, const X* x, const Y* y, comoment_context<double>& context) noexcept {
  constexpr double cancellation_limit = 16;  // see detail::block_comoments
  comoments<double> out;
  out.count = m;
  if (m == 0) return out;
  if (!context.primed) {
    out = careful_block_comoments(tag{}, m, x, y);
  } else {
    const double count = static_cast<double>(m);
    const double shift_x = context.shift_x;
    const double shift_y = context.shift_y;
    const double r0 = context.ratio;
    const pack sx = splat(shift_x);
    const pack sy = splat(shift_y);
    const pack rr = splat(r0);
    twin sum_a = twin_of(0);
    twin sum_b = twin_of(0);
    twin sum_e = twin_of(0);
    twin sq_a = twin_of(0);
    twin sq_b = twin_of(0);
    twin sq_e = twin_of(0);
    twin cross = twin_of(0);
    std::size_t i = 0;
    for (; i + lanes <= m; i += lanes) {
      const pack a0 = load(x + i) - sx;
      const pack b0 = load(y + i) - sy;
      const pack e0 = a0 - rr * b0;
      const pack a1 = load(x + i + width) - sx;
      const pack b1 = load(y + i + width) - sy;
      const pack e1 = a1 - rr * b1;
      sum_a.low += a0;
      sum_a.high += a1;
      sum_b.low += b0;
      sum_b.high += b1;
      sum_e.low += e0;
      sum_e.high += e1;
      sq_a.low += a0 * a0;
      sq_a.high += a1 * a1;
      sq_b.low += b0 * b0;
      sq_b.high += b1 * b1;
      sq_e.low += e0 * e0;
      sq_e.high += e1 * e1;
      cross.low += a0 * b0;
      cross.high += a1 * b1;
    }
    for (; i < m; ++i) {
      const double a = static_cast<double>(x[i]) - shift_x;
      const double b = static_cast<double>(y[i]) - shift_y;
      const double e = a - r0 * b;
      sum_a.low[0] += a;
      sum_b.low[0] += b;
      sum_e.low[0] += e;
      sq_a.low[0] += a * a;
      sq_b.low[0] += b * b;
      sq_e.low[0] += e * e;
      cross.low[0] += a * b;
    }
    const double da = twin_sum(sum_a);
    const double db = twin_sum(sum_b);
    if (!std::isfinite(da) || !std::isfinite(db)) {
      out.finite = false;
      return out;
    }
    const double raw_aa = twin_sum(sq_a);
    const double raw_bb = twin_sum(sq_b);
    const double sxx = raw_aa - da * (da / count);
    const double syy = raw_bb - db * (db / count);
    if (!(sxx * cancellation_limit >= raw_aa) || !(syy * cancellation_limit >= raw_bb) || !(syy > 0)) {
      out = careful_block_comoments(tag{}, m, x, y);
    } else {
      out.sxx = sxx;
      out.syy = syy;
      out.sxy = twin_sum(cross) - da * (db / count);
      exact_sum(shift_x, da / count, out.mean_x, out.tail_x);
      exact_sum(shift_y, db / count, out.mean_y, out.tail_y);
      out.ratio = out.sxy / out.syy;
      const double de = twin_sum(sum_e);
      const double see = twin_sum(sq_e) - de * (de / count);
      const double seb = out.sxy - r0 * out.syy;
      const double ssr = see - seb * (seb / out.syy);
      if (ssr * cancellation_limit >= see && ssr >= 0) {
        out.ssr = ssr;
      } else {
        out.ssr = residual_sweep(m, x, y, shift_x, shift_y, out.ratio);
      }
    }
  }
  if (out.finite) {
    context.shift_x = out.mean_x;
    context.shift_y = out.mean_y;
    context.ratio = out.ratio;
    context.primed = true;
  }
  return out;
}

/// One residual term e·(y − ȳ) of refine_ratio as a value and its rounding error, in scalars.
HEDGEMETRICS_ISA_INLINE void refine_term(const comoments<double>& c, double u, double v, double& value,
                                         double& error) noexcept {
  const double r = c.ratio;
  double dx = 0, dx_low = 0, dy = 0, dy_low = 0, p = 0, p_low = 0;
  exact_sum(u, -c.mean_x, dx, dx_low);
  exact_sum(v, -c.mean_y, dy, dy_low);
  dx_low -= c.tail_x;
  dy_low -= c.tail_y;
  exact_product(r, dy, p, p_low);
  const double e = (dx - p) + ((dx_low - p_low) - r * dy_low);
  exact_product(e, dy + dy_low, value, error);
}

#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0
/// TwoSum on packs.
HEDGEMETRICS_ISA_INLINE void exact_sum(pack a, pack b, pack& sum, pack& error) noexcept {
  sum = a + b;
  const pack b_part = sum - a;
  error = (a - (sum - b_part)) + (b - b_part);
}

/// TwoProduct on packs: the FMA instruction, or Dekker's splitting where every lane is in its range (see
/// the scalar exact_product) and the scalar form lane by lane where one is not.
HEDGEMETRICS_ISA_INLINE void exact_product(pack a, pack b, pack& product, pack& error) noexcept {
  product = a * b;
#if HEDGEMETRICS_ISA_HARDWARE_FMA && HEDGEMETRICS_ISA_VECTOR_BYTES == 32
  // The builtin behind _mm256_fmadd_pd: the intrinsic itself, compiled for the unit's own -march, may not
  // be inlined into this region.
  error = __builtin_ia32_vfmaddpd256(a, b, -product);
#elif HEDGEMETRICS_ISA_HARDWARE_FMA && HEDGEMETRICS_ISA_VECTOR_BYTES == 64
  error = __builtin_ia32_vfmaddpd512_mask(a, b, -product, static_cast<unsigned char>(-1),
                                          4);  // 4: current rounding
#else
  const pack split = splat(134217729.0);
  const pack ca = split * a;
  const pack a_high = ca - (ca - a);
  const pack a_low = a - a_high;
  const pack cb = split * b;
  const pack b_high = cb - (cb - b);
  const pack b_low = b - b_high;
  error = a_low * b_low - (((product - a_high * b_high) - a_low * b_high) - a_high * b_low);
  const pack magnitude_a = a < 0 ? -a : a;
  const pack magnitude_b = b < 0 ? -b : b;
  const pack magnitude_p = product < 0 ? -product : product;
  const auto outside =
      (magnitude_a >= 0x1p996) | (magnitude_b >= 0x1p996) | ((magnitude_p <= 0x1p-900) & (a != 0) & (b != 0));
  long any = 0;
  for (std::size_t k = 0; k < width; ++k) any |= outside[k];
  if (any != 0) {
    for (std::size_t k = 0; k < width; ++k) {
      double p = 0, e = 0;
      exact_product(a[k], b[k], p, e);
      error[k] = e;
    }
  }
#endif
}
#endif

/// detail::refine_ratio on this set.
template <class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void refine_ratio(tag, comoments<double>& c, const X* x, const Y* y, std::size_t n,
                                            bool skip_nonfinite) noexcept {
  if (c.nonfinite || !(c.syy > 0)) return;
  double sum[lanes] = {};
  double compensation[lanes] = {};
  std::size_t i = 0;
#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0
  if (!skip_nonfinite) {
    const pack r = splat(c.ratio);
    const pack mean_x = splat(-c.mean_x);
    const pack mean_y = splat(-c.mean_y);
    const pack tail_x = splat(c.tail_x);
    const pack tail_y = splat(c.tail_y);
    // One pack of partial sums, not two: the step is long enough to hide the additions' latency, and two
    // would need more registers than AVX2 has (a spilled accumulator ran the loop at store-forward speed).
    pack total = splat(0);
    pack total_compensation = splat(0);
    for (; i + width <= n; i += width) {
      pack dx, dx_low, dy, dy_low, p, p_low, value, error, next, next_low;
      exact_sum(load(x + i), mean_x, dx, dx_low);
      exact_sum(load(y + i), mean_y, dy, dy_low);
      dx_low -= tail_x;
      dy_low -= tail_y;
      exact_product(r, dy, p, p_low);
      const pack e = (dx - p) + ((dx_low - p_low) - r * dy_low);
      exact_product(e, dy + dy_low, value, error);
      exact_sum(total, value, next, next_low);
      total = next;
      total_compensation += next_low + error;
    }
    for (std::size_t k = 0; k < width; ++k) {
      sum[k] = total[k];
      compensation[k] = total_compensation[k];
    }
  }
#endif
  // What the packs did not take: all of it when skipping non-finite pairs, else the tail (into lane 0).
  for (; i < n; ++i) {
    const double u = static_cast<double>(x[i]);
    const double v = static_cast<double>(y[i]);
    if (skip_nonfinite && (!std::isfinite(u) || !std::isfinite(v))) continue;
    const std::size_t j = skip_nonfinite ? i % lanes : 0;
    double value = 0, error = 0, next = 0, next_low = 0;
    refine_term(c, u, v, value, error);
    exact_sum(sum[j], value, next, next_low);
    sum[j] = next;
    compensation[j] += next_low + error;
  }
  double total = 0;
  double total_compensation = 0;
  for (std::size_t j = 0; j < lanes; ++j) {
    double next = 0, next_low = 0;
    exact_sum(total, sum[j], next, next_low);
    total = next;
    total_compensation += next_low + compensation[j];
  }
  c.ratio_tail = (total + total_compensation) / c.syy;
}
