// SPDX-License-Identifier: MIT
/// \file
/// Every kernel for one instruction set: included once per set by detail/kernels.hpp inside that set's
/// target region (no include guard on purpose). Parameters, as macros, which it undefines:
///   HEDGEMETRICS_ISA_NAMESPACE     the set's namespace in hedgemetrics::detail (isa_sse2, ...)
///   HEDGEMETRICS_ISA_VECTOR_BYTES  and HEDGEMETRICS_ISA_HARDWARE_FMA: see isa_pack.ipp.

namespace hedgemetrics::detail::HEDGEMETRICS_ISA_NAMESPACE {
#include "hedgemetrics/detail/isa_pack.ipp"
// The kernels, on that set's packs:
#include "hedgemetrics/detail/comoment_kernels.ipp"
#include "hedgemetrics/detail/moment_kernels.ipp"
#include "hedgemetrics/detail/window_lane_kernels.ipp"
#include "hedgemetrics/detail/qr_kernels.ipp"
}  // namespace hedgemetrics::detail::HEDGEMETRICS_ISA_NAMESPACE

#undef HEDGEMETRICS_ISA_NAMESPACE
#undef HEDGEMETRICS_ISA_VECTOR_BYTES
#undef HEDGEMETRICS_ISA_HARDWARE_FMA
