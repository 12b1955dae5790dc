// All v128 operations used by the dispatch loop (ops_simd.inc).
#pragma once
#include "interp/exec/simd_float_ops.hpp"
#include "interp/exec/simd_int_ops.hpp"
#include "interp/exec/simd_lane_ops.hpp"
#include "interp/exec/simd_relaxed_ops.hpp"
