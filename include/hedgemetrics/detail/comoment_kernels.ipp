// SPDX-License-Identifier: MIT
/// \file
/// The co-moment kernels for one instruction set, on packs of doubles (detail/isa_pack.ipp): included once
/// per set by detail/comoments.hpp inside that set's target region and namespace (no include guard on
/// purpose). The algorithms, and their references, are described at the dispatching functions in
/// detail/comoments.hpp; this file only spells them in vectors. `tag` selects the set by overloading.

struct tag {};

/// a·b + c on packs: one fused instruction (one rounding) where the set has FMA, a product and a sum
/// elsewhere. The fast sweeps are bound by their floating-point operations once the data is in cache, and
/// fusing the squares into their sums saves a third of them.
[[nodiscard]] HEDGEMETRICS_ISA_INLINE pack multiply_add(pack a, pack b, pack c) noexcept {
#if HEDGEMETRICS_ISA_HARDWARE_FMA && HEDGEMETRICS_ISA_VECTOR_BYTES == 32
  return __builtin_ia32_vfmaddpd256(a, b, c);
#elif HEDGEMETRICS_ISA_HARDWARE_FMA && HEDGEMETRICS_ISA_VECTOR_BYTES == 64
  return __builtin_ia32_vfmaddpd512_mask(a, b, c, static_cast<unsigned char>(-1), 4);
#else
  return a * b + c;
#endif
}

/// Σe² − (Σe)²/m of e = (x − x̂) − r(y − ŷ): see detail::residual_sweep.
template <class X, class Y>
[[nodiscard]] inline double residual_sweep(std::size_t m, const X* x, const Y* y, double shift_x,
                                           double shift_y, double r) noexcept {
  const pack sx = splat(shift_x);
  const pack sy = splat(shift_y);
  const pack rr = splat(r);
  pack dev = splat(0);
  pack sq = splat(0);
  std::size_t i = 0;
  for (; i + lanes <= m; i += lanes) {
    const pack e0 = (load(x + i) - sx) - rr * (load(y + i) - sy);
    const pack e1 = (load(x + i + width) - sx) - rr * (load(y + i + width) - sy);
    dev += e0 + e1;
    sq += multiply_add(e1, e1, e0 * e0);
  }
  for (; i < m; ++i) {
    const double e = (static_cast<double>(x[i]) - shift_x) - r * (static_cast<double>(y[i]) - shift_y);
    dev[0] += e;
    sq[0] += e * e;
  }
  const double de = pack_sum(dev);
  const double ssr = pack_sum(sq) - de * (de / static_cast<double>(m));
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

  // One pack per sum, as in block_comoments below: the two packs of a step are combined first.
  pack sum_x = splat(0);
  pack sum_y = splat(0);
  pack lo_x = splat(static_cast<double>(x[0]));
  pack hi_x = lo_x;
  pack lo_y = splat(static_cast<double>(y[0]));
  pack hi_y = lo_y;
  std::size_t i = 0;
  for (; i + lanes <= m; i += lanes) {
    const pack u0 = load(x + i);
    const pack u1 = load(x + i + width);
    const pack v0 = load(y + i);
    const pack v1 = load(y + i + width);
    sum_x += u0 + u1;
    sum_y += v0 + v1;
    // A NaN never replaces the running value (its comparisons are false), as in the scalar tail.
    lo_x = lane_minimum(u1, lane_minimum(u0, lo_x));
    hi_x = lane_maximum(u1, lane_maximum(u0, hi_x));
    lo_y = lane_minimum(v1, lane_minimum(v0, lo_y));
    hi_y = lane_maximum(v1, lane_maximum(v0, hi_y));
  }
  for (; i < m; ++i) {
    const double u = static_cast<double>(x[i]);
    const double v = static_cast<double>(y[i]);
    sum_x[0] += u;
    sum_y[0] += v;
    lo_x[0] = u < lo_x[0] ? u : lo_x[0];
    hi_x[0] = u > hi_x[0] ? u : hi_x[0];
    lo_y[0] = v < lo_y[0] ? v : lo_y[0];
    hi_y[0] = v > hi_y[0] ? v : hi_y[0];
  }
  const double total_x = pack_sum(sum_x);
  const double total_y = pack_sum(sum_y);
  if (!std::isfinite(total_x) || !std::isfinite(total_y)) {
    out.finite = false;
    return out;
  }
  const double min_x = pack_min(lo_x), max_x = pack_max(hi_x), min_y = pack_min(lo_y), max_y = pack_max(hi_y);
  const double shift_x = min_x == max_x ? min_x : total_x / count;
  const double shift_y = min_y == max_y ? min_y : total_y / count;

  const pack sx = splat(shift_x);
  const pack sy = splat(shift_y);
  pack dev_x = splat(0);
  pack dev_y = splat(0);
  pack sq_x = splat(0);
  pack sq_y = splat(0);
  pack cross = splat(0);
  for (i = 0; i + lanes <= m; i += lanes) {
    const pack a0 = load(x + i) - sx;
    const pack a1 = load(x + i + width) - sx;
    const pack b0 = load(y + i) - sy;
    const pack b1 = load(y + i + width) - sy;
    dev_x += a0 + a1;
    dev_y += b0 + b1;
    sq_x += multiply_add(a1, a1, a0 * a0);
    sq_y += multiply_add(b1, b1, b0 * b0);
    cross += multiply_add(a1, b1, a0 * b0);
  }
  for (; i < m; ++i) {
    const double a = static_cast<double>(x[i]) - shift_x;
    const double b = static_cast<double>(y[i]) - shift_y;
    dev_x[0] += a;
    dev_y[0] += b;
    sq_x[0] += a * a;
    sq_y[0] += b * b;
    cross[0] += a * b;
  }
  const double da = pack_sum(dev_x);
  const double db = pack_sum(dev_y);
  const double sxx = pack_sum(sq_x) - da * (da / count);
  const double syy = pack_sum(sq_y) - db * (db / count);
  out.sxx = sxx > 0 ? sxx : 0.0;
  out.syy = syy > 0 ? syy : 0.0;
  out.sxy = pack_sum(cross) - da * (db / count);
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
    const pack minus_r = splat(-r0);
    // One pack per sum, each step adding the two packs' terms first: seven accumulators and the step's
    // temporaries fit the 16 registers of AVX2 (two packs per sum spilled accumulators to the stack, and the
    // loop ran at store-forward speed), and each sum's chain is one addition per eight pairs.
    pack sum_a = splat(0);
    pack sum_b = splat(0);
    pack sum_e = splat(0);
    pack sq_a = splat(0);
    pack sq_b = splat(0);
    pack sq_e = splat(0);
    pack cross = splat(0);
    std::size_t i = 0;
    for (; i + lanes <= m; i += lanes) {
      const pack a0 = load(x + i) - sx;
      const pack a1 = load(x + i + width) - sx;
      const pack b0 = load(y + i) - sy;
      const pack b1 = load(y + i + width) - sy;
      const pack e0 = multiply_add(minus_r, b0, a0);
      const pack e1 = multiply_add(minus_r, b1, a1);
      sum_a += a0 + a1;
      sum_b += b0 + b1;
      sum_e += e0 + e1;
      sq_a += multiply_add(a1, a1, a0 * a0);
      sq_b += multiply_add(b1, b1, b0 * b0);
      sq_e += multiply_add(e1, e1, e0 * e0);
      cross += multiply_add(a1, b1, a0 * b0);
    }
    for (; i < m; ++i) {
      const double a = static_cast<double>(x[i]) - shift_x;
      const double b = static_cast<double>(y[i]) - shift_y;
      const double e = a - r0 * b;
      sum_a[0] += a;
      sum_b[0] += b;
      sum_e[0] += e;
      sq_a[0] += a * a;
      sq_b[0] += b * b;
      sq_e[0] += e * e;
      cross[0] += a * b;
    }
    const double da = pack_sum(sum_a);
    const double db = pack_sum(sum_b);
    if (!std::isfinite(da) || !std::isfinite(db)) {
      out.finite = false;
      return out;
    }
    const double raw_aa = pack_sum(sq_a);
    const double raw_bb = pack_sum(sq_b);
    const double sxx = raw_aa - da * (da / count);
    const double syy = raw_bb - db * (db / count);
    if (!(sxx * cancellation_limit >= raw_aa) || !(syy * cancellation_limit >= raw_bb) || !(syy > 0)) {
      out = careful_block_comoments(tag{}, m, x, y);
    } else {
      out.sxx = sxx;
      out.syy = syy;
      out.sxy = pack_sum(cross) - da * (db / count);
      exact_sum(shift_x, da / count, out.mean_x, out.tail_x);
      exact_sum(shift_y, db / count, out.mean_y, out.tail_y);
      out.ratio = out.sxy / out.syy;
      const double de = pack_sum(sum_e);
      const double see = pack_sum(sq_e) - de * (de / count);
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

/// Adds value + error to a compensated sum (Ogita, Rump & Oishi's Sum2, one step).
HEDGEMETRICS_ISA_INLINE void add_compensated(double& sum, double& compensation, double value,
                                             double error) noexcept {
  double next = 0, next_low = 0;
  exact_sum(sum, value, next, next_low);
  sum = next;
  compensation += next_low + error;
}

/// The two compensated sums of refine_ratio, lane by lane: Σe·(y − ȳ) and Σe.
struct refine_sums {
  // A constructor of its own, so that it is compiled for this set: an implicit one is compiled with the
  // unit's flags under this set's name (AVX-512 stores in the AVX2 set's refine_sums() of a -march=native
  // unit built by Clang; mixed_flags_kernel_symbols).
  refine_sums() noexcept {}  // NOLINT(modernize-use-equals-default)
  double sum[2][lanes] = {};
  double compensation[2][lanes] = {};
  /// Lane by lane, then across lanes, in a fixed order.
  [[nodiscard]] double total(std::size_t k) const noexcept {
    double t = 0, c = 0;
    for (std::size_t j = 0; j < lanes; ++j) add_compensated(t, c, sum[k][j], compensation[k][j]);
    return t + c;
  }
};

/// detail::refine_ratio on this set. Besides h*, it refines the intercept x̄ − h*·ȳ: the co-moment sweeps
/// sum the deviations plainly, which leaves the double-word means off by about u·Σ|x − x̄|/n, and the
/// intercept amplifies that by its condition number (3,200 on NIST's Norris data). Σe/n, with the
/// residuals e = (x − x̄) − r(y − ȳ) this pass forms anyway, is what x̄ − r·ȳ still misses, up to u·|e|
/// (not u·|x|); it is added to the exposure mean's tail, where fit_hedge's intercept picks it up. The
/// exposure mean moves by r times the hedge mean's own error, below its rounding.
template <class X, class Y>
HEDGEMETRICS_KERNEL_ENTRY void refine_ratio(tag, comoments<double>& c, const X* x, const Y* y, std::size_t n,
                                            bool skip_nonfinite) noexcept {
  if (c.nonfinite || !(c.syy > 0)) return;
  refine_sums sums;
  std::size_t used = 0;
  std::size_t i = 0;
#if HEDGEMETRICS_ISA_VECTOR_BYTES > 0
  if (!skip_nonfinite) {
    const pack r = splat(c.ratio);
    const pack mean_x = splat(-c.mean_x);
    const pack mean_y = splat(-c.mean_y);
    const pack tail_x = splat(c.tail_x);
    const pack tail_y = splat(c.tail_y);
    // One pack of partial sums per quantity, not two: the step is long enough to hide the additions'
    // latency, and two would need more registers than AVX2 has.
    pack total = splat(0), total_compensation = splat(0);
    pack total_e = splat(0), compensation_e = splat(0);
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
      exact_sum(total_e, e, next, next_low);
      total_e = next;
      compensation_e += next_low;
    }
    for (std::size_t k = 0; k < width; ++k) {
      sums.sum[0][k] = total[k];
      sums.compensation[0][k] = total_compensation[k];
      sums.sum[1][k] = total_e[k];
      sums.compensation[1][k] = compensation_e[k];
    }
    used = i;
  }
#endif
  // What the packs did not take: all of it when skipping non-finite pairs, else the tail (into lane 0).
  for (; i < n; ++i) {
    const double u = static_cast<double>(x[i]);
    const double v = static_cast<double>(y[i]);
    if (skip_nonfinite && (!std::isfinite(u) || !std::isfinite(v))) continue;
    const std::size_t j = skip_nonfinite ? i % lanes : 0;
    double dx = 0, dx_low = 0, dy = 0, dy_low = 0, p = 0, p_low = 0, value = 0, error = 0;
    exact_sum(u, -c.mean_x, dx, dx_low);
    exact_sum(v, -c.mean_y, dy, dy_low);
    dx_low -= c.tail_x;
    dy_low -= c.tail_y;
    exact_product(c.ratio, dy, p, p_low);
    const double e = (dx - p) + ((dx_low - p_low) - c.ratio * dy_low);
    exact_product(e, dy + dy_low, value, error);
    add_compensated(sums.sum[0][j], sums.compensation[0][j], value, error);
    add_compensated(sums.sum[1][j], sums.compensation[1][j], e, 0);
    ++used;
  }
  c.ratio_tail = sums.total(0) / c.syy;
  if (used > 0) {
    double mean = 0, tail = 0;
    exact_sum(c.mean_x, c.tail_x + sums.total(1) / static_cast<double>(used), mean, tail);
    c.mean_x = mean;
    c.tail_x = tail;
  }
}
