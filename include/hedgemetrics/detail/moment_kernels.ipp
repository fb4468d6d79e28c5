// SPDX-License-Identifier: MIT
/// \file
/// The moment kernels (detail/moments.hpp describes them) for one instruction set, on packs of doubles:
/// included once per set by detail/kernels.hpp inside that set's target region and namespace, after
/// isa_pack.ipp and comoment_kernels.ipp (no include guard on purpose). Each step reads two packs and adds
/// their terms together before the accumulators (one pack per sum), as the co-moment kernels do.

/// detail::careful_block_moments on this set.
template <class X>
[[nodiscard]] HEDGEMETRICS_KERNEL_ENTRY moments<double> careful_block_moments(tag, std::size_t m,
                                                                              const X* x) noexcept {
  moments<double> out;
  out.count = m;
  if (m == 0) return out;
  const double count = static_cast<double>(m);
  pack sum = splat(0);
  pack lo = splat(static_cast<double>(x[0]));
  pack hi = lo;
  std::size_t i = 0;
  for (; i + lanes <= m; i += lanes) {
    const pack u0 = load(x + i);
    const pack u1 = load(x + i + width);
    sum += u0 + u1;
    lo = lane_minimum(u1, lane_minimum(u0, lo));
    hi = lane_maximum(u1, lane_maximum(u0, hi));
  }
  for (; i < m; ++i) {
    const double u = static_cast<double>(x[i]);
    sum[0] += u;
    lo[0] = u < lo[0] ? u : lo[0];
    hi[0] = u > hi[0] ? u : hi[0];
  }
  const double total = pack_sum(sum);
  if (!std::isfinite(total)) {
    out.finite = false;
    return out;
  }
  out.min = pack_min(lo);
  out.max = pack_max(hi);
  if (out.min == out.max) {
    out.mean = out.min;
    return out;
  }
  const double shift = total / count;
  const pack s = splat(shift);
  pack dev = splat(0);
  pack sq = splat(0);
  for (i = 0; i + lanes <= m; i += lanes) {
    const pack d0 = load(x + i) - s;
    const pack d1 = load(x + i + width) - s;
    dev += d0 + d1;
    sq += multiply_add(d1, d1, d0 * d0);
  }
  for (; i < m; ++i) {
    const double d = static_cast<double>(x[i]) - shift;
    dev[0] += d;
    sq[0] += d * d;
  }
  const double dsum = pack_sum(dev);
  const double m2 = pack_sum(sq) - dsum * (dsum / count);
  out.m2 = m2 > 0 ? m2 : 0.0;
  exact_sum(shift, dsum / count, out.mean, out.tail);
  return out;
}

/// detail::block_moments on this set.
template <class X>
[[nodiscard]] HEDGEMETRICS_KERNEL_ENTRY moments<double> block_moments(tag, std::size_t m, const X* x,
                                                                      double& shift, bool& primed) noexcept {
  constexpr double cancellation_limit = 16;  // see detail::block_moments
  moments<double> out;
  out.count = m;
  if (m == 0) return out;
  if (!primed) {
    out = careful_block_moments(tag{}, m, x);
  } else {
    const double count = static_cast<double>(m);
    const pack s = splat(shift);
    pack sum = splat(0);
    pack sq = splat(0);
    pack lo = splat(static_cast<double>(x[0]));
    pack hi = lo;
    std::size_t i = 0;
    for (; i + lanes <= m; i += lanes) {
      const pack u0 = load(x + i);
      const pack u1 = load(x + i + width);
      const pack a0 = u0 - s;
      const pack a1 = u1 - s;
      sum += a0 + a1;
      sq += multiply_add(a1, a1, a0 * a0);
      lo = lane_minimum(u1, lane_minimum(u0, lo));
      hi = lane_maximum(u1, lane_maximum(u0, hi));
    }
    for (; i < m; ++i) {
      const double u = static_cast<double>(x[i]);
      const double a = u - shift;
      sum[0] += a;
      sq[0] += a * a;
      lo[0] = u < lo[0] ? u : lo[0];
      hi[0] = u > hi[0] ? u : hi[0];
    }
    const double da = pack_sum(sum);
    const double raw = pack_sum(sq);
    out.min = pack_min(lo);
    out.max = pack_max(hi);
    if (!std::isfinite(da) || !std::isfinite(raw)) {
      out.finite = false;
      return out;
    }
    const double m2 = raw - da * (da / count);
    if (out.min == out.max || !(m2 * cancellation_limit >= raw)) {
      out = careful_block_moments(tag{}, m, x);
    } else {
      out.m2 = m2;
      exact_sum(shift, da / count, out.mean, out.tail);
    }
  }
  if (out.finite) {
    shift = out.mean;
    primed = true;
  }
  return out;
}
