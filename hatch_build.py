"""Build hook: compiles bundle_ls._yamlfast, the YAML parser's C tree builder.

The source is server/bundle_ls/_native/yamlfast.c. It needs only a C compiler and Python's
headers: libyaml is the copy inside ruamel.yaml.clib (a dependency), found at run time. An
editable install (`pip install -e .`) builds it beside the Python modules; a wheel carries it
and gets a platform tag. Without a compiler, or on Windows, the build goes on without it and
bundle-ls parses YAML in Python (the same results, about twice as slow); so does an install
with BUNDLE_LS_BUILD_NATIVE=0.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("server/bundle_ls/_native/yamlfast.c")
MODULE = "bundle_ls/_yamlfast"


def _warn(message: str) -> None:
    print(f"bundle-ls: {message}; YAML is parsed in Python instead", file=sys.stderr)


def compile_extension(source: Path, target: Path) -> bool:
    """Compile `source` into the extension module `target`; False (and why) when it cannot."""
    if os.name != "posix":
        _warn("the C parser uses dlopen, which this platform lacks")
        return False
    include = sysconfig.get_paths()["include"]
    ldshared = sysconfig.get_config_var("LDSHARED")
    if not ldshared or not Path(include, "Python.h").is_file():
        _warn("no Python headers to compile the C parser against")
        return False
    cmd = [
        *shlex.split(ldshared),
        "-fPIC",
        "-O2",
        f"-I{include}",
        str(source),
        "-o",
        str(target),
    ]
    if sys.platform.startswith("linux"):
        cmd.append("-ldl")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _warn(f"cannot run the C compiler ({exc})")
        return False
    if done.returncode != 0:
        _warn(f"compiling the C parser failed:\n{done.stderr.strip()}")
        return False
    return True


class NativeParserHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("BUNDLE_LS_BUILD_NATIVE") == "0":
            return
        name = MODULE + sysconfig.get_config_var("EXT_SUFFIX")
        source = Path(self.root) / SOURCE
        if version == "editable":  # the package is imported from the source tree
            target = Path(self.root) / "server" / name
            compile_extension(source, target)
            return
        target = Path(tempfile.mkdtemp(prefix="bundle-ls-native-")) / Path(name).name
        if compile_extension(source, target):
            build_data["force_include"][str(target)] = name
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
