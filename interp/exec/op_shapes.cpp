// op_shape (interp/code/iops.hpp): the shapes of the bodies fusion uses,
// read from the bodies themselves so they cannot disagree.
#include "interp/exec/op_bodies.hpp"

namespace tc::wasm {

namespace {

struct Shapes {
  OpShape s[size_t(IOp::Count_)];
  Shapes() {
#define SHAPE(X) s[size_t(IOp::X)] = {bodies::Body<IOp::X>::result, bodies::Body<IOp::X>::reads};
#define PAIR(A, B) SHAPE(A) SHAPE(B)
#include "interp/code/iops_pair.def"
#undef PAIR
#define TRIPLE(A, B, C) SHAPE(A) SHAPE(B) SHAPE(C)
#include "interp/code/iops_triple.def"
#undef TRIPLE
#define QUAD(A, B, C, D) SHAPE(A) SHAPE(B) SHAPE(C) SHAPE(D)
#include "interp/code/iops_quad.def"
#undef QUAD
#undef SHAPE
  }
};

}  // namespace

OpShape op_shape(IOp op) {
  static const Shapes shapes;
  return shapes.s[size_t(op)];
}

}  // namespace tc::wasm
