// SPDX-License-Identifier: MIT
/// \file
/// The fast path of rolling_hedge: the windows of whole chunks, several chunks at once, one per vector lane.
///
/// As in window_states.hpp, the series is cut into chunks of `window` positions and the window ending at
/// position j of chunk k is the part of chunk k − 1 after j together with the part of chunk k up to j.
/// Here both parts are running sums, taken in one forward pass over the two chunks at once. About lane
/// constants (x̂, ŷ, r₀), with b = y − ŷ and the residual e = (x − x̂) − r₀b, five sums describe a window:
/// Σb, Σb², Σe, Σe², Σeb; the exposure's co-moments follow from x − x̂ = e + r₀b (S_xy = S_eb + r₀S_yy,
/// S_xx = S_ee + r₀(S_eb + S_xy)), and the residual sum at the window's own ratio r₀ + S_eb/S_yy is
/// S_ee − S_eb²/S_yy, whose rounding is a few ulps of S_ee: a near-perfect hedge keeps its digits because
/// e is small where x is not (the shifted-data algorithm of Chan, Golub & LeVeque 1983, §3, on residuals).
///
/// Each sum over the window is S_j + P_j: S_j, the early chunk's total T less each of its pairs as the
/// window passes it, and P_j, the late chunk's prefix up to j. Both restart with every chunk: S from T,
/// which is the previous chunk's P at its end (the sum of its own pairs, taken from its values), and P from
/// 0. So nothing is carried from one chunk to the next but sums of that chunk's pairs, no rounding
/// accumulates along the series (no drift), and a value that has left the window is in no sum once its
/// chunk has been passed. Each subtraction from S and addition to P rounds by at most an ulp of a number
/// below T + P_j, so after j steps a window's sum of squares is off by at most j ulps of T + P_j (about √j
/// in practice), and every window checks a posteriori that its S_yy, its residual sum and its S_xx keep at
/// least 1/window_cancellation_limit of T + P_j: cancellation costs 1.8 digits at most on top. In the
/// worst case a figure keeps 16 − log10(64·window) digits (10.7 at a window of 5,000, 9 at 10⁵); measured
/// errors are 1e-14 to 1e-11. A chunk with a window that fails (a burst that has left the window, a level
/// far from the lane's constants, a constant series, a non-finite value) is taken again in the lanes with
/// constants fitted to it and the chunk before (a level far from the constants then passes), and what
/// still fails is recomputed by window_states.hpp's general path.
///
/// Vectorisation: lane l works through its own run of consecutive chunks, and nothing depends on another
/// lane, so each step is a handful of vector instructions over all lanes (one chunk per lane, as many lanes
/// as one vector register holds: 8 doubles with AVX-512, 4 with AVX2, 2 with SSE2 or NEON), while the sums
/// of each lane form the running dependence chain. The lane constants stay the same from one chunk to the
/// next while the previous chunk's sums show they still fit (the shifted sums no more than 8 times the
/// centred ones); otherwise they are reset to that chunk's means and ratio, and its sums taken again.
#ifndef HEDGEMETRICS_DETAIL_WINDOW_LANES_HPP
#define HEDGEMETRICS_DETAIL_WINDOW_LANES_HPP

#include <cstddef>
#include <vector>

#include "hedgemetrics/detail/comoments.hpp"
#include "hedgemetrics/detail/kernels.hpp"

namespace hedgemetrics::detail {

/// The figures of every window ending in chunks first … first + chunks − 1 and in the `tail` positions
/// after them (a last incomplete chunk, tail < window), written to out_* (indexed by position), by the
/// lane engine of the process's instruction set (detail/window_lane_kernels.ipp, which
/// documents the arguments); where the chunks it does not vouch for start is returned in `failed`, for the
/// general path. The chunks whose windows failed the a-posteriori check get a second pass in the lanes,
/// with constants fitted to the chunk and the one before it (lane_retry): on price levels near 100, 14-19%
/// of the chunks failed the first pass, and the general path took about 150 ns for each of their windows.
template <class Real, class X, class Y>
void lane_windows(const X* x, const Y* y, std::size_t n, std::size_t window, std::size_t first,
                  std::size_t chunks, std::size_t tail, Real* out_ratio, Real* out_effectiveness,
                  Real* out_residual, std::size_t* out_count, std::vector<std::size_t>& failed) {
  const lane_engine_call<Real, X, Y> call{
      x, y, n, window, first, chunks, tail, out_ratio, out_effectiveness, out_residual, out_count, &failed};
  on_active_set([&call](auto set) { lane_engine(set, call); });
}

}  // namespace hedgemetrics::detail

#endif  // HEDGEMETRICS_DETAIL_WINDOW_LANES_HPP
