# -*- Python -*-
# lit configuration for Kiln's compiler tests (test/lit). Each test runs a
# tool (kiln-opt, kilnc, export.py) on a small input and checks the output
# with FileCheck, or checks diagnostics with --verify-diagnostics.
import os

import lit.formats
import lit.llvm

lit.llvm.initialize(lit_config, config)
from lit.llvm import llvm_config

config.name = "Kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test", "lit")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tools = [
    lit.llvm.subst.ToolSubst("kiln-opt", unresolved="fatal"),
    lit.llvm.subst.ToolSubst("kilnc", unresolved="fatal"),
    lit.llvm.subst.ToolSubst("kiln-run", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, [config.kiln_tools_dir])
llvm_config.add_tool_substitutions(["FileCheck", "not", "count", "llvm-nm", "llvm-size"],
                                   [config.llvm_tools_dir])

# A Python that imports torch, and the fixture generator.
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(
    ("%export", config.python_executable + " " +
     os.path.join(config.kiln_src_root, "test", "models", "export.py")))
config.substitutions.append(("%shared_fixtures", config.shared_fixtures))
config.substitutions.append(("%runtime_include",
                             os.path.join(config.kiln_src_root, "runtime_stub", "include")))
config.substitutions.append(("%cc", config.host_cc))

if config.python_has_torch:
    config.available_features.add("torch")
if os.path.isdir(config.shared_fixtures):
    config.available_features.add("shared-fixtures")
