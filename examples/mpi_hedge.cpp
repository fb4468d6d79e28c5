// SPDX-License-Identifier: MIT
// One hedge fit over a series spread across MPI ranks: each rank builds hedge_accumulators on its own
// slice, and one MPI_Allreduce with a user operation on the serialised state gives every rank the fit.
//
//   mpirun -np 4 mpi_hedge [--pairs N | --pairs-per-rank N] [--blocks B] [--check] [--repeat R]
//
// The series is generated, not read: pair i is a function of i alone (a counter-based generator), so a
// rank makes its slice without the others', and every rank count sees the same series.
//
// Two reductions, both a single MPI_Allreduce:
//  1. The 104-byte state. Each rank merges its blocks into one accumulator; the user operation (declared
//     non-commutative, so that MPI combines the ranks in rank order) deserialises both operands, merges
//     the lower rank's into the higher rank's place, and serialises the result. The fit equals one
//     process's to rounding (1e-15 relative), but not to the bit for every rank count: MPI fixes the
//     order of a non-commutative operation, not its bracketing ((r0·r1)·r2 or r0·(r1·r2) depends on the
//     algorithm the library picks), and a floating-point merge is not associative.
//  2. The fixed tree, bitwise reproducible. The series is cut into B blocks, whatever the number of ranks
//     (rank r owns blocks [r·B/np, (r+1)·B/np)). The Allreduce carries B slots of 104 bytes; each rank
//     fills its own blocks' states and the operation fills each empty slot from the other operand, which
//     is exactly associative and commutative. Every rank then merges the B states in block order into one
//     accumulator, whose binary counter builds the same balanced tree as one process pushing the blocks
//     in order. So the fit is bitwise the same for any number of ranks up to B, and bitwise that of a
//     single process; the price is B·104 bytes on the wire instead of 104.
//     One more condition for the bit: fit_hedge's kernel starts its internal blocks on 64-byte boundaries
//     of the data's address, so the same pairs at another address round differently (in the last bit).
//     Every block here therefore starts on a 64-byte boundary, in every rank's slice and in the single
//     process: slices live in 64-byte-aligned buffers and blocks start at multiples of 8 pairs.
// With --check, rank 0 also fits everything in one process (one accumulator fed the blocks in order, and
// fit_hedge over the whole series) and says whether the results agree, to the bit and to 1e-13.
#include <hedgemetrics/accumulator.hpp>
#include <hedgemetrics/hedge_ratio.hpp>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace hm = hedgemetrics;

namespace {

using accumulator = hm::hedge_accumulator<double>;
constexpr int state_bytes = static_cast<int>(accumulator::serialized_size);

// SplitMix64 (Steele, Lea & Flood 2014): a counter-based generator, so pair i needs no other pair.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

// Storage on 64-byte boundaries (see the top of the file: where blocks start decides the last bit).
template <class T>
struct cache_aligned {
  using value_type = T;
  static constexpr std::align_val_t alignment{64};
  cache_aligned() = default;
  template <class U>
  explicit cache_aligned(const cache_aligned<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, alignment); }
  friend bool operator==(const cache_aligned&, const cache_aligned&) noexcept { return true; }
  friend bool operator!=(const cache_aligned&, const cache_aligned&) noexcept { return false; }
};
using series = std::vector<double, cache_aligned<double>>;

double uniform(std::uint64_t key) {
  return static_cast<double>(splitmix64(key) >> 11U) * 0x1.0p-53;
}

// Pair i: a hedge price change F and an exposure change S = 0.93·F + noise, on a level of 80 (as a
// barrel of crude), so that the means are not 0.
void make_pairs(std::uint64_t begin, std::uint64_t end, series& exposure, series& hedge) {
  exposure.resize(end - begin);
  hedge.resize(end - begin);
  for (std::uint64_t i = begin; i < end; ++i) {
    const double f = 80.0 + 4.0 * (uniform(2 * i) - 0.5);
    const double noise = 1.5 * (uniform(2 * i + 1) - 0.5);
    hedge[i - begin] = f;
    exposure[i - begin] = 0.93 * f + noise;
  }
}

struct layout {
  std::uint64_t pairs = 0;
  int blocks = 0;
  // Pairs [block_begin(k), block_begin(k + 1)) form block k; every block but the last starts at a
  // multiple of 8 pairs, 64 bytes.
  [[nodiscard]] std::uint64_t block_begin(int k) const {
    if (k >= blocks) return pairs;
    return pairs * static_cast<std::uint64_t>(k) / static_cast<std::uint64_t>(blocks) / 8U * 8U;
  }
};

// The user operations. MPI calls them with invec from the lower ranks: inoutvec = invec ∘ inoutvec.
void merge_states(void* invec, void* inoutvec, int* len, MPI_Datatype*) {
  auto* in = static_cast<const std::uint8_t*>(invec);
  auto* inout = static_cast<std::uint8_t*>(inoutvec);
  for (int k = 0; k < *len; ++k) {
    const std::size_t at = static_cast<std::size_t>(k) * accumulator::serialized_size;
    accumulator merged = accumulator::deserialize(in + at, accumulator::serialized_size);
    merged.merge(accumulator::deserialize(inout + at, accumulator::serialized_size));
    const auto bytes = merged.serialize();
    std::memcpy(inout + at, bytes.data(), bytes.size());
  }
}

// Slots of a state each: an empty slot (all zeros; a state starts with "HMAC") takes the other's.
void fill_slots(void* invec, void* inoutvec, int* len, MPI_Datatype*) {
  auto* in = static_cast<const std::uint8_t*>(invec);
  auto* inout = static_cast<std::uint8_t*>(inoutvec);
  for (int k = 0; k < *len; ++k) {
    const std::size_t at = static_cast<std::size_t>(k) * accumulator::serialized_size;
    if (inout[at] == 0) std::memcpy(inout + at, in + at, accumulator::serialized_size);
  }
}

// Every figure of a fit, with the bits of each double, so that runs can be compared to the bit.
std::string bits_of(const hm::hedge_fit<double>& f) {
  std::string out = std::to_string(f.n);
  for (double v : {f.ratio, f.intercept, f.effectiveness, f.correlation, f.exposure_mean, f.hedge_mean,
                   f.exposure_variance, f.hedge_variance, f.covariance, f.residual_variance,
                   f.residual_standard_error, f.ratio_standard_error, f.intercept_standard_error}) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, " %a", v);
    out += buffer;
  }
  return out;
}

bool same_bits(const hm::hedge_fit<double>& a, const hm::hedge_fit<double>& b) {
  return bits_of(a) == bits_of(b);
}

// The largest relative difference over every figure of two fits. The intercept S̄ − h*·F̄ is compared on
// the scale of its terms, |S̄| + |h*·F̄|: it is their small difference (here 0.03 from terms near 75), so
// a rounding of h* moves it by 2,500 times its own relative size.
double largest_difference(const hm::hedge_fit<double>& a, const hm::hedge_fit<double>& b) {
  const double xs[] = {a.ratio,
                       a.intercept,
                       a.effectiveness,
                       a.correlation,
                       a.exposure_mean,
                       a.hedge_mean,
                       a.exposure_variance,
                       a.hedge_variance,
                       a.covariance,
                       a.residual_variance,
                       a.residual_standard_error,
                       a.ratio_standard_error,
                       a.intercept_standard_error};
  const double ys[] = {b.ratio,
                       b.intercept,
                       b.effectiveness,
                       b.correlation,
                       b.exposure_mean,
                       b.hedge_mean,
                       b.exposure_variance,
                       b.hedge_variance,
                       b.covariance,
                       b.residual_variance,
                       b.residual_standard_error,
                       b.ratio_standard_error,
                       b.intercept_standard_error};
  const double intercept_terms = std::fabs(a.exposure_mean) + std::fabs(a.ratio * a.hedge_mean);
  double worst = a.n == b.n ? 0.0 : 1.0;
  for (std::size_t k = 0; k < std::size(xs); ++k) {
    double scale = std::max(std::fabs(xs[k]), std::fabs(ys[k]));
    if (k == 1) scale = std::max(scale, intercept_terms);
    if (scale > 0) worst = std::max(worst, std::fabs(xs[k] - ys[k]) / scale);
  }
  return worst;
}

[[noreturn]] void usage(int rank, const std::string& why) {
  if (rank == 0) {
    std::fprintf(stderr,
                 "mpi_hedge: %s\nusage: mpirun -np <ranks> mpi_hedge [--pairs N | --pairs-per-rank N] "
                 "[--blocks B] [--check] [--repeat R]\n",
                 why.c_str());
  }
  MPI_Finalize();
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);

  std::uint64_t pairs = std::uint64_t{1} << 20U;
  std::uint64_t pairs_per_rank = 0;
  int blocks = 16;
  int repeat = 1;
  bool check = false;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    const auto value = [&]() -> unsigned long long {
      if (a + 1 >= argc) usage(rank, arg + " needs a value");
      char* end = nullptr;
      const unsigned long long v = std::strtoull(argv[++a], &end, 10);
      if (end == argv[a] || *end != '\0' || v == 0) usage(rank, arg + " needs a positive integer");
      return v;
    };
    if (arg == "--pairs") {
      pairs = value();
    } else if (arg == "--pairs-per-rank") {
      pairs_per_rank = value();
    } else if (arg == "--blocks") {
      blocks = static_cast<int>(std::min<unsigned long long>(value(), 1U << 20U));
    } else if (arg == "--repeat") {
      repeat = static_cast<int>(std::min<unsigned long long>(value(), 1000));
    } else if (arg == "--check") {
      check = true;
    } else {
      usage(rank, "unknown argument " + arg);
    }
  }
  if (pairs_per_rank > 0) pairs = pairs_per_rank * static_cast<std::uint64_t>(ranks);
  if (blocks < ranks) usage(rank, "--blocks must be at least the number of ranks");
  const layout cut{pairs, blocks};
  const int first_block = static_cast<int>(static_cast<long long>(blocks) * rank / ranks);
  const int end_block = static_cast<int>(static_cast<long long>(blocks) * (rank + 1) / ranks);

  // This rank's slice, made before the clock starts: the example measures the fit and the reduction.
  series exposure, hedge;
  const std::uint64_t slice_begin = cut.block_begin(first_block);
  make_pairs(slice_begin, cut.block_begin(end_block), exposure, hedge);

  MPI_Datatype state_type;
  MPI_Type_contiguous(state_bytes, MPI_BYTE, &state_type);
  MPI_Type_commit(&state_type);
  MPI_Op merge_op, fill_op;
  MPI_Op_create(&merge_states, 0, &merge_op);  // not commutative: MPI keeps rank order
  MPI_Op_create(&fill_slots, 1, &fill_op);

  hm::hedge_fit<double> by_state, by_tree;
  double local_seconds = 1e300, reduce_seconds = 1e300, tree_seconds = 1e300;
  for (int r = 0; r < repeat; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    // One accumulator per block, each fed its block as one series (fit_hedge's one-pass kernel).
    std::vector<std::uint8_t> slots(static_cast<std::size_t>(blocks) * accumulator::serialized_size, 0);
    accumulator mine;
    for (int k = first_block; k < end_block; ++k) {
      const std::size_t b = cut.block_begin(k) - slice_begin, e = cut.block_begin(k + 1) - slice_begin;
      accumulator block;
      block.push(hm::series_view<double>(exposure.data() + b, e - b),
                 hm::series_view<double>(hedge.data() + b, e - b));
      mine.merge(block);
      const auto bytes = block.serialize();
      std::copy(bytes.begin(), bytes.end(), slots.begin() + static_cast<std::ptrdiff_t>(k) * state_bytes);
    }
    const double t1 = MPI_Wtime();

    // Reduction 1: the 104-byte state.
    std::vector<std::uint8_t> state = mine.serialize();
    MPI_Allreduce(MPI_IN_PLACE, state.data(), 1, state_type, merge_op, MPI_COMM_WORLD);
    by_state = accumulator::deserialize(state).fit();
    const double t2 = MPI_Wtime();

    // Reduction 2: the fixed tree over the blocks.
    MPI_Allreduce(MPI_IN_PLACE, slots.data(), blocks, state_type, fill_op, MPI_COMM_WORLD);
    accumulator total;
    for (int k = 0; k < blocks; ++k) {
      total.merge(
          accumulator::deserialize(slots.data() + static_cast<std::size_t>(k) * accumulator::serialized_size,
                                   accumulator::serialized_size));
    }
    by_tree = total.fit();
    const double t3 = MPI_Wtime();
    local_seconds = std::min(local_seconds, t1 - t0);
    reduce_seconds = std::min(reduce_seconds, t2 - t1);
    tree_seconds = std::min(tree_seconds, t3 - t2);
  }
  // The slowest rank sets the pace.
  double slowest[3] = {local_seconds, reduce_seconds, tree_seconds};
  MPI_Allreduce(MPI_IN_PLACE, slowest, 3, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);

  // Every rank must hold the very same fit.
  const std::string mine_bits = bits_of(by_tree);
  std::vector<char> root_bits(mine_bits.begin(), mine_bits.end());
  root_bits.resize(512, '\0');
  MPI_Bcast(root_bits.data(), 512, MPI_CHAR, 0, MPI_COMM_WORLD);
  int disagree = std::string(root_bits.data()) == mine_bits ? 0 : 1;
  MPI_Allreduce(MPI_IN_PLACE, &disagree, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);

  int status = 0;
  if (rank == 0) {
    std::printf("mpi_hedge: %d ranks, %llu pairs in %d blocks (%.3g pairs per rank)\n", ranks,
                static_cast<unsigned long long>(pairs), blocks, static_cast<double>(pairs) / ranks);
    std::printf("h* = %.17g  R^2 = %.17g  se(h*) = %.17g\n", by_tree.ratio, by_tree.effectiveness,
                by_tree.ratio_standard_error);
    std::printf("fixed-tree fit bits: %s\n", mine_bits.c_str());
    std::printf("ranks holding a different fit: %d\n", disagree);
    std::printf("104-byte state vs fixed tree: largest relative difference %.3g\n",
                largest_difference(by_state, by_tree));
    std::printf(
        "seconds (best of %d, slowest rank): accumulate %.6f, allreduce of the state %.6f, "
        "allreduce of %d slots and merge %.6f\n",
        repeat, slowest[0], slowest[1], blocks, slowest[2]);
    std::printf("pairs per second per rank: %.4g\n", static_cast<double>(pairs) / ranks / slowest[0]);
    if (disagree != 0) status = 1;
    if (largest_difference(by_state, by_tree) > 1e-13) status = 1;
    if (check) {
      series all_s, all_f;
      make_pairs(0, pairs, all_s, all_f);
      accumulator one;
      for (int k = 0; k < blocks; ++k) {
        const std::size_t b = cut.block_begin(k), e = cut.block_begin(k + 1);
        accumulator block;
        block.push(hm::series_view<double>(all_s.data() + b, e - b),
                   hm::series_view<double>(all_f.data() + b, e - b));
        one.merge(block);
      }
      const bool bitwise = same_bits(by_tree, one.fit());
      const double vs_fit_hedge = largest_difference(by_tree, hm::fit_hedge(all_s, all_f));
      std::printf("single process, blocks in order: bitwise identical: %s\n", bitwise ? "yes" : "NO");
      std::printf("single process, fit_hedge over all pairs: largest relative difference %.3g (%s 1e-13)\n",
                  vs_fit_hedge, vs_fit_hedge <= 1e-13 ? "within" : "NOT within");
      if (!bitwise || !(vs_fit_hedge <= 1e-13)) status = 1;
    }
    std::printf("mpi_hedge: %s\n", status == 0 ? "ok" : "FAILED");
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Op_free(&merge_op);
  MPI_Op_free(&fill_op);
  MPI_Type_free(&state_type);
  MPI_Finalize();
  return status;
}
