// The ExportedProgram JSON reader: both union styles, omitted fields,
// non-finite floats, and errors that name the JSON path.
#include "compiler/import/pt2/ExportedProgram.h"

#include "TestUtil.h"

#include <catch2/catch.hpp>

using namespace kiln;

namespace {

/// A minimal program: one user input x, relu, output.
std::string program(const std::string &node, const std::string &tensorValues =
                                                 R"("x": {"dtype": 7, "sizes": [{"as_int": 2}],
                                                     "strides": [{"as_int": 1}],
                                                     "storage_offset": {"as_int": 0},
                                                     "requires_grad": false,
                                                     "device": {"type": "cpu"}, "layout": 7},
                                                   "y": {"dtype": 7, "sizes": [{"as_int": 2}]})") {
  return R"({"schema_version": {"major": 8, "minor": 17}, "torch_version": "2.9.0",
             "verifiers": ["ATEN"], "opset_version": {"aten": 10},
             "range_constraints": {},
             "graph_module": {
               "graph": {"inputs": [{"as_tensor": {"name": "x"}}],
                         "outputs": [{"as_tensor": {"name": "y"}}],
                         "nodes": [)" +
         node + R"(],
                         "tensor_values": {)" +
         tensorValues + R"(}},
               "signature": {
                 "input_specs": [{"user_input": {"arg": {"as_tensor": {"name": "x"}}}}],
                 "output_specs": [{"user_output": {"arg": {"as_tensor": {"name": "y"}}}}]}}})";
}

const char kRelu[] = R"({"name": "relu", "target": "torch.ops.aten.relu.default",
  "inputs": [{"name": "self", "arg": {"as_tensor": {"name": "x"}}, "kind": 1}],
  "outputs": [{"as_tensor": {"name": "y"}}], "metadata": {}})";

} // namespace

TEST_CASE("program: a minimal program parses", "[json]") {
  auto ep = parseExportedProgram(program(kRelu), "models/model.json");
  REQUIRE_EXPECTED(ep);
  CHECK(ep->schemaMajor == 8);
  CHECK(ep->verifiers == std::vector<std::string>{"ATEN"});
  REQUIRE(ep->graph.nodes.size() == 1);
  const Node &n = ep->graph.nodes[0];
  CHECK(n.name == "relu");
  CHECK(n.inputs[0].arg.kind == OpArgument::Kind::Tensor);
  CHECK(n.inputs[0].arg.tensor == "x");
  CHECK(ep->graph.tensorValues.lookup("x").dtype == ScalarType::Float);
  CHECK(ep->graph.tensorValues.lookup("x").staticSizes() == llvm::SmallVector<int64_t>{2});
  CHECK(ep->inputSpecs[0].kind == InputSpec::Kind::UserInput);
  CHECK(ep->outputSpecs[0].arg.tensor == "y");
}

TEST_CASE("program: 2.1/2.2 unions with every member and nulls", "[json]") {
  const char node[] = R"({"target": "torch.ops.aten.leaky_relu.default",
    "inputs": [{"name": "self", "arg": {"as_none": null, "as_tensor": {"name": "x"},
                                         "as_int": null, "as_float": null}},
               {"name": "negative_slope", "arg": {"as_none": null, "as_tensor": null,
                                                  "as_float": 0.01}}],
    "outputs": [{"as_none": null, "as_tensor": {"name": "y"}}], "metadata": null})";
  auto ep = parseExportedProgram(program(node), "serialized_exported_program.json");
  REQUIRE_EXPECTED(ep);
  const Node &n = ep->graph.nodes[0];
  CHECK(n.name.empty());
  CHECK(n.displayName() == "y");
  CHECK(n.inputs[0].arg.tensor == "x");
  CHECK(n.inputs[1].arg.kind == OpArgument::Kind::Float);
  CHECK(n.inputs[1].arg.f == Approx(0.01));
}

TEST_CASE("program: infinities written as strings", "[json]") {
  const char node[] = R"({"name": "c", "target": "torch.ops.aten.clamp.default",
    "inputs": [{"name": "self", "arg": {"as_tensor": {"name": "x"}}},
               {"name": "min", "arg": {"as_float": "-Infinity"}},
               {"name": "max", "arg": {"as_float": "Infinity"}}],
    "outputs": [{"as_tensor": {"name": "y"}}]})";
  auto ep = parseExportedProgram(program(node), "models/model.json");
  REQUIRE_EXPECTED(ep);
  CHECK(std::isinf(ep->graph.nodes[0].inputs[1].arg.f));
  CHECK(ep->graph.nodes[0].inputs[1].arg.f < 0);
  CHECK(ep->graph.nodes[0].inputs[2].arg.f > 0);
}

TEST_CASE("program: symbolic sizes are kept as symbols", "[json]") {
  auto ep = parseExportedProgram(
      program(kRelu, R"("x": {"dtype": 7, "sizes": [{"as_expr": {"expr_str": "s0",
                         "hint": {"as_int": 4}}}, {"as_int": 3}]},
                         "y": {"dtype": 7, "sizes": [{"as_int": 2}]})"),
      "models/model.json");
  REQUIRE_EXPECTED(ep);
  const TensorMeta &x = ep->graph.tensorValues.lookup("x");
  CHECK(!x.hasStaticShape());
  CHECK(x.symbols() == std::vector<std::string>{"s0"});
}

TEST_CASE("program: errors name the file and the JSON path", "[json]") {
  auto notJson = parseExportedProgram("{nope", "models/model.json");
  REQUIRE(!notJson);
  CHECK(llvm::toString(notJson.takeError()).find("models/model.json: not valid JSON") == 0);

  auto notObject = parseExportedProgram("[1, 2]", "models/model.json");
  REQUIRE(!notObject);
  CHECK(llvm::toString(notObject.takeError()).find("expected an object") != std::string::npos);

  auto badDtype = parseExportedProgram(
      program(kRelu, R"("x": {"dtype": 99, "sizes": []}, "y": {"dtype": 7, "sizes": []})"),
      "models/model.json");
  REQUIRE(!badDtype);
  std::string message = llvm::toString(badDtype.takeError());
  CHECK(message.find("graph_module.graph.tensor_values.x.dtype") != std::string::npos);
  CHECK(message.find("unknown dtype code 99") != std::string::npos);

  const char badNode[] = R"({"name": "r", "target": 5, "inputs": [], "outputs": []})";
  auto badTarget = parseExportedProgram(program(badNode), "models/model.json");
  REQUIRE(!badTarget);
  CHECK(llvm::toString(badTarget.takeError()).find("graph_module.graph.nodes[0].target") !=
        std::string::npos);

  const char twoMembers[] = R"({"name": "r", "target": "torch.ops.aten.relu.default",
    "inputs": [{"name": "self", "arg": {"as_tensor": {"name": "x"}, "as_int": 3}}],
    "outputs": [{"as_tensor": {"name": "y"}}]})";
  auto ambiguous = parseExportedProgram(program(twoMembers), "models/model.json");
  REQUIRE(!ambiguous);
  CHECK(llvm::toString(ambiguous.takeError()).find("several members") != std::string::npos);
}

TEST_CASE("program: torch 2.1 signatures and TensorValue wrappers", "[json]") {
  const char json[] = R"({"schema_version": 1, "opset_version": {"aten": 10},
    "range_constraints": {}, "equality_constraints": [],
    "graph_module": {
      "graph": {"inputs": [{"as_tensor": {"name": "arg0_1"}}, {"as_tensor": {"name": "arg1_1"}},
                           {"as_tensor": {"name": "l_x_"}}],
                "outputs": [{"as_tensor": {"name": "add"}}, {"as_tensor": {"name": "relu"}}],
                "nodes": [],
                "tensor_values": {"l_x_": {"meta": {"dtype": 7, "sizes": [{"as_int": 3}],
                                                    "storage_offset": 0}}},
                "sym_int_values": {}},
      "signature": {"inputs_to_parameters": {"arg0_1": "fc.weight"},
                    "inputs_to_buffers": {"arg1_1": "bn.num_batches_tracked"},
                    "user_inputs": ["l_x_"], "user_outputs": ["relu"],
                    "buffers_to_mutate": {"add": "bn.num_batches_tracked"},
                    "backward_signature": null},
      "call_spec": {"in_spec": "", "out_spec": ""}}})";
  auto ep = parseExportedProgram(json, "serialized_exported_program.json");
  REQUIRE_EXPECTED(ep);
  REQUIRE(ep->inputSpecs.size() == 3);
  CHECK(ep->inputSpecs[0].kind == InputSpec::Kind::Parameter);
  CHECK(ep->inputSpecs[0].target == "fc.weight");
  CHECK(ep->inputSpecs[1].kind == InputSpec::Kind::Buffer);
  CHECK(ep->inputSpecs[2].kind == InputSpec::Kind::UserInput);
  REQUIRE(ep->outputSpecs.size() == 2);
  CHECK(ep->outputSpecs[0].kind == OutputSpec::Kind::BufferMutation);
  CHECK(ep->outputSpecs[1].kind == OutputSpec::Kind::UserOutput);
  CHECK(ep->graph.tensorValues.lookup("l_x_").staticSizes() == llvm::SmallVector<int64_t>{3});
}
