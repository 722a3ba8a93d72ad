//===- NodeLocation.h - which graph node an op comes from -------*- C++ -*-===//
//
// An importer gives every op it builds the location of the exported graph's
// node the op computes: the node's name and its operator, carried as data
// (a FusedLoc over the file's location whose metadata is
// `{node = "conv2d_3", op = "aten.convolution.default"}`), so that later
// stages read them back without parsing text. Diagnostics print it as
// `model.pt2: node 'conv2d_3' (aten.convolution.default)`; the memory plan
// names buffers and ops after it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_DIALECTS_KILN_NODELOCATION_H
#define KILN_DIALECTS_KILN_NODELOCATION_H

#include "mlir/IR/Location.h"

#include <optional>
#include <string>

namespace kiln {

/// A node of the exported graph: its name ("conv2d_3", or an input's name)
/// and its operator ("aten.convolution.default", "input", "output").
struct NodeIdentity {
  std::string name;
  std::string op;
};

/// The location of `node` in the model file at `fileLoc`.
mlir::Location makeNodeLocation(mlir::Location fileLoc, const NodeIdentity &node);

/// The node a location names: `loc` itself when it is a node location,
/// otherwise the first node found inside it (name locations, fused
/// locations in order, call sites by callee).
std::optional<NodeIdentity> readNodeLocation(mlir::Location loc);

/// If `loc` is a node location itself (not one inside it): the node, and the
/// location it refines (the file).
std::optional<std::pair<NodeIdentity, mlir::Location>> asNodeLocation(mlir::Location loc);

/// "node 'conv2d_3' (aten.convolution.default)", as diagnostics print it.
std::string describeNode(const NodeIdentity &node);

} // namespace kiln

#endif // KILN_DIALECTS_KILN_NODELOCATION_H
